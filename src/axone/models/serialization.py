"""Model architecture as plain dicts (`get_config`, `from_config`, `to_json`).

The layout follows Keras 3: a functional model lists its layers, each with
its `inbound_nodes` naming the producing layer, node index and tensor index
(`keras_history`), plus `input_layers` and `output_layers`.
"""

from __future__ import annotations

from axone import layers as layers_module


def _history(tensor) -> list:
    layer = tensor.node.layer
    return [layer.name, layer._inbound_nodes.index(tensor.node), 0]


def _tensor_config(tensor) -> dict:
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(tensor.shape), "dtype": tensor.dtype, "keras_history": _history(tensor)}}


def functional_config(model) -> dict:
    plan_layers = model._plan.layers
    layer_configs = []
    for layer in plan_layers:
        entry = layers_module.serialize(layer)
        nodes = []
        for node in layer._inbound_nodes:
            if not node.inputs or not _node_in_model(model, node):
                continue
            args = [_tensor_config(t) for t in node.inputs]
            nodes.append({"args": [args if len(args) > 1 or layer._accepts_list_input else args[0]], "kwargs": {}})
        entry["inbound_nodes"] = nodes
        layer_configs.append(entry)
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layer_configs,
        "input_layers": [_history(t) for t in model.inputs] if model._input_kind != "single" else _history(model.inputs[0]),
        "output_layers": [_history(t) for t in model.outputs] if model._output_kind != "single" else _history(model.outputs[0]),
    }


def _node_in_model(model, node) -> bool:
    return any(step.layer is node.layer for step in model._plan.steps)


def functional_from_config(config: dict, custom_objects=None):
    from axone.models.model import Model

    created = {}
    tensors: dict[tuple[str, int], object] = {}
    for entry in config["layers"]:
        layer = layers_module.deserialize(entry, custom_objects)
        created[layer.name] = layer
        if type(layer).__name__ == "InputLayer":
            tensors[(layer.name, 0)] = layer.output
    for entry in config["layers"]:
        layer = created[entry["config"].get("name", entry.get("name"))]
        for node in entry.get("inbound_nodes", []):
            arg = node["args"][0]
            specs = arg if isinstance(arg, list) else [arg]
            inputs = [tensors[(s["config"]["keras_history"][0], s["config"]["keras_history"][1])] for s in specs]
            output = layer(inputs if isinstance(arg, list) else inputs[0])
            tensors[(layer.name, len(layer._inbound_nodes) - 1)] = output

    def resolve(spec):
        if spec and isinstance(spec[0], str):
            return tensors[(spec[0], spec[1])]
        return [resolve(s) for s in spec]

    return Model(inputs=resolve(config["input_layers"]), outputs=resolve(config["output_layers"]),
                 name=config.get("name"), trainable=config.get("trainable", True))


def sequential_config(model) -> dict:
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": [layers_module.serialize(layer) for layer in model._all_layers()],
    }


def sequential_from_config(config: dict, custom_objects=None):
    from axone.models.sequential import Sequential

    model = Sequential(name=config.get("name"), trainable=config.get("trainable", True))
    for entry in config["layers"]:
        model.add(layers_module.deserialize(entry, custom_objects), rebuild=False)
    model._rebuild()
    return model


def serialize_model(model) -> dict:
    return {"module": "axone.models", "class_name": type(model).__name__, "config": model.get_config()}


def model_from_config(config: dict, custom_objects=None):
    """Recreate a model (without weights) from `serialize_model`'s dict."""
    from axone.models.model import Model
    from axone.models.sequential import Sequential

    cls = {"Sequential": Sequential, "Functional": Model, "Model": Model}.get(config["class_name"])
    if cls is None:
        raise ValueError(f"Unknown model class: {config['class_name']!r}. Expected 'Sequential' or 'Model'.")
    return cls.from_config(config["config"], custom_objects)
