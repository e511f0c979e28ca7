"""`inspect("m.keras")`: what a saved model holds, read without building anything."""

from __future__ import annotations

import io
import math

from axone.saving import saving_lib
from axone.saving.weights_store import H5Reader
from axone.utils.naming import to_snake_case


def _layer_entries(config: dict) -> list[dict]:
    layers = (config.get("config") or {}).get("layers") or []
    return [entry for entry in layers if isinstance(entry, dict)]


def _writer(metadata: dict) -> str:
    if metadata.get("axone_version"):
        return f"axone {metadata['axone_version']} (Keras {metadata.get('keras_version', '?')} format)"
    if metadata.get("keras_version"):
        return f"Keras {metadata['keras_version']}"
    return "unknown"


def _output_shape(entry: dict, weights: list) -> object:
    build = entry.get("build_config") or {}
    config = entry.get("config") or {}
    if entry.get("class_name") == "InputLayer":
        return config.get("batch_shape")
    return build.get("input_shape")


def inspect(filepath) -> dict:
    """Describe a `.keras` file: its writer, model class, layers, weight shapes and parameter counts.

    Nothing is built and no class is looked up, so a file naming custom or
    unknown classes can be inspected too. The file is checked as by
    `load_model` (a hostile file raises a ValueError).

    Returns:
        `{"file", "writer", "keras_version", "axone_version", "date_saved",
        "model_class", "name", "compiled", "optimizer", "layers": [{"name",
        "class_name", "input_shape", "weights": [shapes], "params"}],
        "total_params", "optimizer_variables"}`.
    """
    metadata, config, weights = saving_lib.read_keras_members(filepath)
    filename = str(filepath)
    reader = H5Reader(io.BytesIO(weights), filename) if weights is not None else None
    try:
        layers, used = [], {}
        entries = _layer_entries(config)
        skip_input = config.get("class_name") == "Sequential"
        for entry in entries:
            class_name = str(entry.get("class_name"))
            inner = entry.get("config") or {}
            shapes = []
            if not (skip_input and class_name == "InputLayer"):
                base = to_snake_case(class_name)
                count = used.get(base)
                used[base] = 0 if count is None else count + 1
                path = f"layers/{base}" if count is None else f"layers/{base}_{used[base]}"
                shapes = reader.shapes(path) if reader is not None else []
            layers.append({
                "name": entry.get("name") or inner.get("name"),
                "class_name": class_name,
                "input_shape": _output_shape(entry, shapes),
                "weights": shapes,
                "params": int(sum(math.prod(s) for s in shapes)),
            })
        compile_config = config.get("compile_config") or {}
        optimizer = compile_config.get("optimizer")
        return {
            "file": filename,
            "writer": _writer(metadata),
            "keras_version": metadata.get("keras_version"),
            "axone_version": metadata.get("axone_version"),
            "date_saved": metadata.get("date_saved"),
            "model_class": config.get("class_name"),
            "name": (config.get("config") or {}).get("name"),
            "compiled": bool(compile_config),
            "optimizer": optimizer.get("class_name") if isinstance(optimizer, dict) else optimizer,
            "layers": layers,
            "total_params": sum(layer["params"] for layer in layers),
            "optimizer_variables": reader.count("optimizer") if reader is not None else 0,
        }
    finally:
        if reader is not None:
            reader.close()


def format_inspection(info: dict) -> str:
    """`inspect`'s result as a table, for printing."""
    lines = [
        f"File: {info['file']}",
        f"Written by: {info['writer']}" + (f" on {info['date_saved']}" if info.get("date_saved") else ""),
        f"Model: {info['name']} ({info['model_class']})",
    ]
    lines.append(f"{'Layer (type)':<36}{'Input shape':<22}{'Weights':<28}{'Param #':>10}")
    for layer in info["layers"]:
        shape = "" if layer["input_shape"] is None else str(tuple(_shape(layer["input_shape"])))
        weights = ", ".join(str(tuple(s)) for s in layer["weights"]) or "-"
        lines.append(f"{(layer['name'] or '?') + ' (' + layer['class_name'] + ')':<36}{shape:<22}"
                     f"{weights:<28}{layer['params']:>10,}")
    lines.append(f"Total params: {info['total_params']:,}")
    if info["compiled"]:
        lines.append(f"Compiled with optimizer {info['optimizer']} "
                     f"({info['optimizer_variables']} optimizer variables saved)")
    return "\n".join(lines)


def _shape(value):
    if isinstance(value, list) and value and isinstance(value[0], list):
        return [tuple(v) for v in value]
    return value
