"""Model architecture as plain dicts (`get_config`, `from_config`, `to_json`).

The layout follows Keras 3: a functional model lists its layers, each with
its `inbound_nodes` naming the producing layer, node index and tensor index
(`keras_history`), plus `input_layers` and `output_layers`.
"""

from __future__ import annotations

from axone.saving.serialization import deserialize_keras_object, serialize_keras_object


def _layer_entry(layer) -> dict:
    """A layer in a model's config: Keras's schema plus its `name`.

    The Keras 2 `batch_input_shape` of a first layer is left out: the
    model's input layer holds that shape (and Keras 3 layers refuse it).
    """
    entry = serialize_keras_object(layer)
    if isinstance(entry.get("config"), dict):
        entry["config"].pop("batch_input_shape", None)
    entry["name"] = layer.name
    return entry


def _check_call_kwargs(name: str, node: dict) -> None:
    kwargs = node.get("kwargs") or {}
    unsupported = {k: v for k, v in kwargs.items() if k not in ("training", "mask") and v is not None}
    if unsupported:
        raise ValueError(f"Layer {name!r} is called with argument(s) {unsupported} that axone does not support.")


def _model_nodes(model, layer) -> list:
    """The layer's calls that belong to this model, in call order."""
    in_model = {id(node) for node in model._plan.nodes}
    return [node for node in layer._inbound_nodes if id(node) in in_model]


def _history(model, tensor) -> list:
    """`[layer name, node index, tensor index]`, node indices counted within the model."""
    layer = tensor.node.layer
    return [layer.name, _model_nodes(model, layer).index(tensor.node), 0]


def _tensor_config(model, tensor) -> dict:
    return {"class_name": "__keras_tensor__",
            "config": {"shape": list(tensor.shape), "dtype": tensor.dtype,
                       "keras_history": _history(model, tensor)}}


def _check_only_layers(model) -> None:
    """Operations called between layers (`ops.exp(dense(x))`) have no config in axone yet: refuse."""
    from axone.layers.base import Layer
    found = sorted({getattr(step.layer, "name", type(step.layer).__name__)
                    for step in model._plan.steps if not isinstance(step.layer, Layer)})
    if found:
        raise NotImplementedError(
            f"Model {model.name!r} has axone.ops between its layers ({', '.join(found)}), which its "
            "config cannot describe yet. Put them in a Lambda layer (of a named function, passed in "
            "custom_objects when loading) or a custom Layer with get_config().")


def functional_config(model) -> dict:
    _check_only_layers(model)
    layer_configs = []
    for layer in model._plan.layers:
        entry = _layer_entry(layer)
        nodes = []
        for node in _model_nodes(model, layer):
            if not node.inputs:  # an input layer's own node
                continue
            args = [_tensor_config(model, t) for t in node.inputs]
            nodes.append({"args": [args if len(args) > 1 or layer._accepts_list_input else args[0]], "kwargs": {}})
        entry["inbound_nodes"] = nodes
        layer_configs.append(entry)

    def history(kind, tensors, keys):
        found = [_history(model, t) for t in tensors]
        if kind == "dict":  # Keras keeps the names of dict inputs and outputs
            return dict(zip(keys, found))
        return found[0] if kind == "single" else found

    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layer_configs,
        "input_layers": history(model._input_kind, model.inputs, model._input_keys),
        "output_layers": history(model._output_kind, model.outputs, model._output_keys),
    }


def functional_from_config(config: dict, custom_objects=None):
    from axone.models.model import Model

    created = {}
    tensors: dict[tuple[str, int], object] = {}
    for entry in config["layers"]:
        layer = deserialize_keras_object(entry, custom_objects, kind="layers")
        created[layer.name] = layer
        if type(layer).__name__ == "InputLayer":
            tensors[(layer.name, 0)] = layer.output
    # Replay every recorded call, each layer's calls in their order. A shared
    # layer's later call may take its input from a layer listed after it, so a
    # call whose inputs do not exist yet waits for the next round.
    queues = {name: list(entry.get("inbound_nodes", []))
              for name, entry in zip(created, config["layers"])}
    done = {name: 0 for name in created}
    while any(queues.values()):
        progressed = False
        for name, queue in queues.items():
            while queue:
                _check_call_kwargs(name, queue[0])
                arg = queue[0]["args"][0]
                specs = arg if isinstance(arg, list) else [arg]
                keys = [tuple(s["config"]["keras_history"][:2]) for s in specs]
                if not all(key in tensors for key in keys):
                    break
                inputs = [tensors[key] for key in keys]
                tensors[(name, done[name])] = created[name](inputs if isinstance(arg, list) else inputs[0])
                done[name] += 1
                queue.pop(0)
                progressed = True
        if not progressed:
            stuck = [name for name, queue in queues.items() if queue]
            raise ValueError(
                "The model config cannot be rebuilt: calls of layer(s) "
                f"{stuck} take inputs that no layer produces."
            )

    def resolve(spec):
        if isinstance(spec, dict):
            return {key: resolve(value) for key, value in spec.items()}
        if spec and isinstance(spec[0], str):
            return tensors[(spec[0], spec[1])]
        return [resolve(s) for s in spec]

    return Model(inputs=resolve(config["input_layers"]), outputs=resolve(config["output_layers"]),
                 name=config.get("name"), trainable=config.get("trainable", True))


def sequential_config(model) -> dict:
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": [_layer_entry(layer) for layer in model._all_layers()],
    }


def sequential_from_config(config: dict, custom_objects=None):
    from axone.models.sequential import Sequential

    model = Sequential(name=config.get("name"), trainable=config.get("trainable", True))
    for entry in config["layers"]:
        model.add(deserialize_keras_object(entry, custom_objects, kind="layers"), rebuild=False)
    model._rebuild()
    shape = config.get("build_input_shape")
    if model._plan is None and isinstance(shape, (list, tuple)) and shape:
        model.build(tuple(shape))
    return model


def serialize_model(model) -> dict:
    """The model in Keras's schema, as `config.json` of a `.keras` file holds it."""
    return serialize_keras_object(model)


def model_from_config(config: dict, custom_objects=None):
    """Recreate a model (without weights) from `serialize_model`'s dict (or Keras's)."""
    from axone.models.model import Model

    model = deserialize_keras_object(config, custom_objects, kind="models")
    if not isinstance(model, Model):
        raise ValueError(f"The config describes a {type(model).__name__}, not a model.")
    return model
