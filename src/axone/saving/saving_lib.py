"""`save_model` / `load_model` (`.keras`) and `save_weights` / `load_weights` (`.weights.h5`).

A `.keras` file is Keras 3's zip: `metadata.json`, `config.json` (the model
in `serialize_keras_object`'s schema, with its `compile_config`) and
`model.weights.h5` (see `weights_store`). Where each object's variables go
follows Keras's walk of a model: the model's layers under
`layers/<snake_case class name>` (`dense`, `dense_1`, ... counted per class
name, not by layer name), then the optimizer under `optimizer`.

Loading creates classes only from axone's registries, registered objects
and `custom_objects`; a failed load raises a ValueError naming the file and
leaves nothing behind (members are read in memory). Saving writes a
temporary file next to the target and renames it, so an interrupted save
keeps the previous file.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import warnings

import numpy as np

from axone.saving import archive, serialization
from axone.saving.archive import FileFormatError
from axone.saving.weights_store import H5Reader, H5Writer, h5py_module
from axone.utils.naming import to_snake_case

#: The Keras release whose `.keras` format axone writes (recorded as `keras_version`).
KERAS_FORMAT_VERSION = "3.15.1"


def _axone_version() -> str:
    import axone
    return axone.__version__


# ------------------------------------------------------------ state walk
def layer_paths(model, prefix: str = "") -> list[tuple[str, object]]:
    """`(h5 path, layer)` for every layer with state, in Keras's naming.

    A model nested as a layer contributes its own layers under its path.
    """
    used: dict[str, int] = {}
    found = []
    for layer in model.layers:
        base = to_snake_case(type(layer).__name__)
        count = used.get(base)
        used[base] = 0 if count is None else count + 1
        name = base if count is None else f"{base}_{used[base]}"
        path = f"{prefix}layers/{name}"
        found.append((path, layer))
        if hasattr(layer, "layers") and layer is not model and hasattr(layer, "_plan"):
            found.extend(layer_paths(layer, prefix=f"{path}/"))
    return found


def layer_variables(layer) -> list:
    """A layer's own variables in Keras's order: created trainable first, then the others."""
    own = list(getattr(layer, "_weights", []))
    return [v for v in own if v.trainable] + [v for v in own if not v.trainable]


# Keras creates some optimizers' per-weight slots together, interleaved per
# weight (Adam: m0, v0, m1, v1, ...); the others one slot list after another.
_INTERLEAVED = {
    "Adam": (("momentum", "velocity"), ("velocity_hat",)),
    "Adamax": (("momentum", "norm"),),
    "Nadam": (("momentum", "velocity"),),
    "Adadelta": (("accumulated_grad", "accumulated_delta_var"),),
}


def _slot_groups(optimizer) -> list[tuple[str, ...]]:
    for klass in type(optimizer).__mro__:
        groups = _INTERLEAVED.get(klass.__name__)
        if groups is not None and klass.__module__.startswith("axone."):
            return [tuple(n for n in group if n in optimizer.slots) for group in groups
                    if any(n in optimizer.slots for n in group)]
    return [(name,) for name in optimizer.slot_names]


def _has_lr_variable(optimizer) -> bool:
    return not callable(optimizer._learning_rate)


def optimizer_state(model) -> list[np.ndarray]:
    """The optimizer's variables as Keras lists them: iterations, learning rate
    (unless a schedule), each slot per trainable weight, then extra scalars."""
    optimizer = model.optimizer
    arrays = [np.asarray(optimizer.iterations, dtype=np.int64)]
    if _has_lr_variable(optimizer):
        arrays.append(np.asarray(optimizer._learning_rate, dtype=np.float32))
    if not optimizer.built or model._params is None:
        return arrays
    variables = _optimized_variables(model)
    for group in _slot_groups(optimizer):
        for variable in variables:
            span = model._params.slice_of(variable)
            for name in group:
                arrays.append(optimizer.slots[name][span].reshape(variable.shape).copy())
    if hasattr(optimizer, "_u_product"):  # Nadam's running product, Keras's last variable
        arrays.append(np.asarray(optimizer._u_product, dtype=np.float32))
    return arrays


def _optimized_variables(model) -> list:
    packed = {id(v) for v in model._params.variables}
    return [v for v in model.trainable_weights if id(v) in packed]


def _restore_optimizer(model, reader: H5Reader, filename) -> None:
    optimizer = model.optimizer
    model._ensure_packed()
    stored = reader.count("optimizer")
    if stored == 0:
        return
    current = optimizer_state(model)
    head = 2 if _has_lr_variable(optimizer) else 1
    if stored == head and len(current) > head:  # saved before the optimizer was built
        current = current[:head]
    if stored != len(current):
        warnings.warn(
            f"{filename}: the optimizer state is not loaded: optimizer {optimizer.name!r} has "
            f"{len(current)} variables but the file stores {stored}. Training restarts its state.",
            UserWarning, stacklevel=3)
        return
    expected = [(a.shape, np.int64 if i == 0 else a.dtype) for i, a in enumerate(current)]
    arrays = reader.read("optimizer", expected, f"optimizer {type(optimizer).__name__}")
    iterations = int(arrays[0])
    if iterations < 0:
        raise FileFormatError(filename, f"the optimizer's iteration count is negative ({iterations}).")
    # Everything is read and checked: now write.
    optimizer.iterations = iterations
    if head == 2:
        learning_rate = float(arrays[1])
        if not np.isfinite(learning_rate) or learning_rate < 0:
            raise FileFormatError(filename, f"the stored learning rate {learning_rate} is not a finite "
                                  "non-negative number.")
        optimizer._learning_rate = learning_rate
    if len(arrays) == head:
        return
    position = head
    variables = _optimized_variables(model)
    for group in _slot_groups(optimizer):
        for variable in variables:
            span = model._params.slice_of(variable)
            for name in group:
                optimizer.slots[name][span] = arrays[position].ravel()
                position += 1
    if hasattr(optimizer, "_u_product"):
        optimizer._u_product = float(arrays[position])


def write_state(model, writer: H5Writer, with_optimizer: bool) -> None:
    writer.write("", [], name=model.name)
    for path, layer in layer_paths(model):
        writer.write(path, [v.numpy() for v in layer_variables(layer)], name=layer.name)
    if with_optimizer and getattr(model, "optimizer", None) is not None:
        writer.write("optimizer", optimizer_state(model), name=model.optimizer.name)


def read_state(model, reader: H5Reader, filename, with_optimizer: bool, skip_mismatch: bool = False) -> None:
    """Load every layer's variables (all checked before any is written), then the optimizer's."""
    staged = []
    for path, layer in layer_paths(model):
        variables = layer_variables(layer)
        if not variables and reader.count(path) == 0:
            continue
        try:
            arrays = reader.read(path, [(v.shape, v.dtype) for v in variables],
                                 f"layer {layer.name!r} ({type(layer).__name__})")
        except FileFormatError as error:
            if not skip_mismatch:
                raise
            warnings.warn(f"Skipping layer {layer.name!r}: {error}", UserWarning, stacklevel=3)
            continue
        staged.append((variables, arrays))
    known = {path for path, _ in layer_paths(model)}
    extra = [p for p in reader.paths() if p.startswith("layers/") and p not in known and reader.count(p)]
    if extra and not skip_mismatch:
        raise FileFormatError(filename, f"the file holds weights for layers this model does not have: "
                              f"{', '.join(extra)}.")
    for variables, arrays in staged:
        for variable, array in zip(variables, arrays):
            variable.value[...] = array
    if with_optimizer and getattr(model, "optimizer", None) is not None:
        _restore_optimizer(model, reader, filename)


# ------------------------------------------------------------ .keras
def _check_suffix(filepath, suffix: str, what: str) -> str:
    name = os.fspath(filepath)
    if not name.endswith(suffix):
        raise ValueError(f"Invalid filepath for {what}: expected a `{suffix}` extension. Received: filepath={name}")
    return name


def model_config(model) -> dict:
    return serialization.serialize_keras_object(model)


def save_model(model, filepath, overwrite: bool = True, zipped: bool = True) -> None:
    """Save the architecture, weights, compile arguments and optimizer state to a `.keras` file.

    The file is written next to `filepath` first, then renamed over it: an
    error or Ctrl-C during the save leaves any previous file as it was.
    """
    if not zipped:
        raise ValueError("zipped=False (a folder instead of a .keras file) is not supported by axone.")
    if isinstance(filepath, io.IOBase):
        _write_keras(model, filepath)
        return
    name = _check_suffix(filepath, ".keras", "saving a model")
    if not overwrite and os.path.exists(name):
        raise FileExistsError(f"{name} exists and overwrite=False.")
    h5py_module()
    config = json.dumps(model_config(model))  # fails before the file is touched
    with archive.atomic_write(name) as file:
        _write_keras(model, file, config)


def _write_keras(model, file, config_json: str | None = None) -> None:
    if config_json is None:
        config_json = json.dumps(model_config(model))
    metadata = json.dumps({
        "keras_version": KERAS_FORMAT_VERSION,
        "axone_version": _axone_version(),
        "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"),
    })
    weights = _weights_bytes(model, with_optimizer=True)
    archive.write_archive(file, [(archive.METADATA, metadata.encode()), (archive.CONFIG, config_json.encode()),
                                 (archive.WEIGHTS, weights)])


def _weights_bytes(model, with_optimizer: bool) -> bytes:
    """The HDF5 file of the model's state, in memory."""
    buffer = io.BytesIO()
    writer = H5Writer(buffer)
    try:
        write_state(model, writer, with_optimizer=with_optimizer)
    finally:
        writer.close()
    return buffer.getvalue()


def _parse_json(data: bytes, filename, member: str):
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise FileFormatError(filename, f"{member} is not valid JSON ({type(error).__name__}: {error}).") from None


def display_name(filepath) -> str:
    """The path of a file, or the name of a file object, for messages."""
    if isinstance(filepath, io.IOBase):
        return str(getattr(filepath, "name", "<file object>"))
    return os.fspath(filepath)


def read_keras_members(filepath) -> tuple[dict, dict, bytes | None]:
    """`(metadata, config, weights bytes)` of a `.keras` file, each checked; nothing is built."""
    filename = display_name(filepath)
    if not isinstance(filepath, io.IOBase) and not os.path.isfile(filename):
        raise FileNotFoundError(f"No such file: {filename!r}")
    with archive.SafeZip(filepath, filename) as zf:
        names = zf.names()
        metadata = {}
        if archive.METADATA in names:
            metadata = _parse_json(zf.read(archive.METADATA, archive.MAX_JSON_BYTES), filename, archive.METADATA)
            if not isinstance(metadata, dict):
                raise FileFormatError(filename, "metadata.json is not a JSON object.")
        config = _parse_json(zf.read(archive.CONFIG, archive.MAX_JSON_BYTES), filename, archive.CONFIG)
        if not isinstance(config, dict):
            raise FileFormatError(filename, "config.json is not a JSON object.")
        weights = zf.read(archive.WEIGHTS) if archive.WEIGHTS in names else None
    return metadata, config, weights


def load_model(filepath, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True):
    """Load a model saved with `model.save("m.keras")` (by axone or Keras 3).

    Args:
        filepath: path (or binary file object) of the `.keras` file.
        custom_objects: `{name: class or function}` for custom layers,
            losses, metrics... not registered with `register_keras_serializable`.
        compile: compile the model as it was saved (and restore the
            optimizer's state). Defaults to True.
        safe_mode: refuse Python code in the file (a `Lambda` layer's
            bytecode). Defaults to True; only pass False for files you trust.

    Raises:
        ValueError: the file is not a valid `.keras` file, names a class
            that is not provided, or holds something refused (each message
            names the file and the problem).
    """
    if not isinstance(filepath, io.IOBase):
        _check_suffix(filepath, ".keras", "loading a model")
    h5py_module()
    metadata, config, weights = read_keras_members(filepath)
    filename = display_name(filepath)
    model = build_model(config, filename, custom_objects, safe_mode)
    if compile and config.get("compile_config"):
        compile_model(model, config["compile_config"], filename, custom_objects, safe_mode)
    if weights is None:
        raise FileFormatError(filename, "the archive has no model.weights.h5 member.")
    reader = H5Reader(io.BytesIO(weights), filename)
    try:
        read_state(model, reader, filename, with_optimizer=compile)
    finally:
        reader.close()
    return model


def _wrap_errors(filename, action):
    try:
        return action()
    except FileFormatError:
        raise
    except (serialization.SerializationError, KeyError, TypeError, ValueError, IndexError,
            AttributeError, RecursionError) as error:
        detail = f"{type(error).__name__}: {error}" if not isinstance(error, ValueError) else str(error)
        raise FileFormatError(filename, detail) from error


def build_model(config: dict, filename, custom_objects=None, safe_mode: bool = True):
    """The model a config describes (weights freshly initialised)."""
    from axone.models.model import Model

    def build():
        model = serialization.deserialize_keras_object(config, custom_objects, safe_mode, kind="models")
        if not isinstance(model, Model):
            raise TypeError(f"config.json describes a {type(model).__name__}, not a model.")
        return model

    return _wrap_errors(filename, build)


def compile_model(model, compile_config, filename, custom_objects=None, safe_mode: bool = True) -> None:
    def run():
        if not isinstance(compile_config, dict):
            raise TypeError("compile_config must be a dict.")
        arguments = {}
        for key, kind in (("optimizer", "optimizers"), ("loss", "losses"), ("loss_weights", None),
                          ("metrics", "metrics"), ("weighted_metrics", "metrics")):
            if key in compile_config:
                arguments[key] = serialization.deserialize_keras_object(
                    compile_config[key], custom_objects, safe_mode, kind=kind)
        model.compile(**arguments)

    _wrap_errors(filename, run)


# ------------------------------------------------------------ .weights.h5
def save_weights(model, filepath, overwrite: bool = True) -> None:
    """Save the layers' weights (not the optimizer's state) in Keras's `.weights.h5` layout."""
    name = _check_suffix(filepath, ".weights.h5", "saving weights")
    if not overwrite and os.path.exists(name):
        raise FileExistsError(f"{name} exists and overwrite=False.")
    model._require_built("save the weights of")
    data = _weights_bytes(model, with_optimizer=False)
    with archive.atomic_write(name) as file:
        file.write(data)


def load_weights(model, filepath, skip_mismatch: bool = False) -> None:
    """Load weights from a `.weights.h5` file (or the weights of a `.keras` file).

    Every array is checked against the model before any is written, so a
    mismatching file leaves the model unchanged (unless `skip_mismatch`,
    which loads the layers that match and warns about the others).
    """
    name = os.fspath(filepath)
    model._require_built("load weights into")
    if name.endswith(".keras"):
        _, _, weights = read_keras_members(name)
        if weights is None:
            raise FileFormatError(name, "the archive has no model.weights.h5 member.")
        source = io.BytesIO(weights)
    elif name.endswith(".weights.h5"):
        if not os.path.isfile(name):
            raise FileNotFoundError(f"No such file: {name!r}")
        with open(name, "rb") as file:
            source = io.BytesIO(file.read())
    else:
        raise ValueError(f"Invalid filepath for loading weights: expected `.weights.h5` or `.keras`. "
                         f"Received: filepath={name}")
    reader = H5Reader(source, name)
    try:
        read_state(model, reader, name, with_optimizer=False, skip_mismatch=skip_mismatch)
    finally:
        reader.close()
