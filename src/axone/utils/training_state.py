"""A model's whole training state as arrays: weights, optimizer state, random generators.

`BackupAndRestore` writes it to disk to resume an interrupted `fit`; the
learning-rate finder keeps it in memory to undo its trial steps.
"""

from __future__ import annotations

import warnings

import numpy as np


def _generators(model) -> dict:
    """Every NumPy Generator that decides the course of training, by a stable name."""
    found = {}
    if getattr(model, "_fit_rng", None) is not None:
        found["fit"] = model._fit_rng
    for layer in model.layers:
        for attribute, value in vars(layer).items():
            if isinstance(value, np.random.Generator):
                found[f"{layer.name}/{attribute}"] = value
    return found


def _optimizer_entries(optimizer) -> dict:
    """The optimizer's state: its arrays (slots included; not scratch space) and numbers."""
    entries = {}
    for key, value in vars(optimizer).items():
        if key == "_work":
            continue
        if key == "slots":
            entries.update({f"slots/{name}": slot for name, slot in value.items()})
        elif isinstance(value, np.ndarray) or (
                isinstance(value, (int, float, np.number)) and not isinstance(value, bool)):
            entries[key] = value
    return entries


def training_state(model, copy: bool = False) -> tuple[dict, dict]:
    """`(arrays, metadata)`: the model's weights, its optimizer's state and its generators' states.

    `arrays` maps names to arrays (the optimizer's own arrays unless `copy`);
    `metadata` holds JSON-compatible values only.
    """
    arrays = {f"weights/{i}": w for i, w in enumerate(model.get_weights())}
    scalars = {}
    optimizer = model.optimizer
    for key, value in _optimizer_entries(optimizer).items():
        if isinstance(value, np.ndarray):
            arrays[f"optimizer/{key}"] = value.copy() if copy else value
        else:
            scalars[key] = [type(value).__name__, value.item() if isinstance(value, np.number) else value]
    metadata = {"optimizer": type(optimizer).__name__, "optimizer_scalars": scalars,
                "generators": {name: g.bit_generator.state for name, g in _generators(model).items()}}
    return arrays, metadata


def restore_training_state(model, arrays: dict, metadata: dict, source: str) -> None:
    """Put back what `training_state` returned; everything is checked before anything is written."""
    optimizer = model.optimizer
    if metadata["optimizer"] != type(optimizer).__name__:
        raise ValueError(f"{source} was saved with a {metadata['optimizer']} optimizer; this model "
                         f"uses {type(optimizer).__name__}.")
    weights = [arrays[f"weights/{i}"] for i in range(sum(k.startswith("weights/") for k in arrays))]
    if [w.shape for w in weights] != [w.shape for w in model.get_weights()]:
        raise ValueError(f"{source} holds weights of other shapes than this model's: it is for "
                         "another model.")
    entries = _optimizer_entries(optimizer)
    saved = {k.removeprefix("optimizer/"): v for k, v in arrays.items() if k.startswith("optimizer/")}
    for key, value in saved.items():
        if key not in entries or np.shape(entries[key]) != value.shape:
            raise ValueError(f"{source}: the optimizer state {key!r} does not fit this optimizer.")
    generators = _generators(model)
    # Everything is checked: now write.
    model.set_weights(weights)
    for key, value in saved.items():
        if key.startswith("slots/"):
            optimizer.slots[key.removeprefix("slots/")][...] = value
        else:
            getattr(optimizer, key)[...] = value
    for key, (kind, value) in metadata["optimizer_scalars"].items():
        setattr(optimizer, key, int(value) if kind in ("int", "int64", "int32") else float(value))
    unmatched = []
    for name, state in metadata["generators"].items():
        generator = generators.get(name)
        if generator is None or state.get("bit_generator") != type(generator.bit_generator).__name__:
            unmatched.append(name)
        else:
            generator.bit_generator.state = state
    if unmatched:
        warnings.warn(f"{source}: no random generator of this model matches {', '.join(unmatched)}; "
                      "the resumed run draws other shuffles or masks than an uninterrupted one.",
                      UserWarning, stacklevel=3)
