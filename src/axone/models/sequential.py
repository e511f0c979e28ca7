"""`Sequential`: a plain stack of layers, each feeding the next."""

from __future__ import annotations

import numpy as np

from axone.layers.base import Layer
from axone.layers.input_layer import InputLayer
from axone.models.model import Model
from axone.symbolic import SymbolicTensor
from axone.utils.naming import unique_name


class Sequential(Model):
    """A model whose layers form a single chain.

    Args:
        layers: optional list of layers (the first may be an `InputLayer` or
            `Input(...)` tensor, or a layer given `input_shape=`).
        name: defaults to `"sequential"`, `"sequential_1"`, ...

    The model is built as soon as its input shape is known: from an input
    layer, from `input_shape=` on the first layer, or from the first data
    passed to `fit`, `evaluate` or `predict`.
    """

    _default_name = "sequential"

    def __init__(self, layers=None, name: str | None = None, trainable: bool = True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._stack: list[Layer] = []
        self._input_layer: InputLayer | None = None
        self._nodes_made: list[tuple[Layer, object]] = []
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._rebuild()

    def add(self, layer, rebuild: bool = True) -> None:
        """Append a layer (or an `Input(...)` tensor / `InputLayer` as the first element)."""
        if isinstance(layer, SymbolicTensor) and isinstance(getattr(layer.node, "layer", None), InputLayer):
            layer = layer.node.layer
        if not isinstance(layer, Layer):
            raise TypeError(
                "Only layers can be added to a Sequential model. "
                f"Received: {layer!r} (of type {type(layer).__name__})"
            )
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._stack:
                raise ValueError(
                    "An InputLayer can only be the first element of a Sequential model; "
                    f"model {self.name!r} already has "
                    + ("an input." if self._input_layer is not None else "layers.")
                )
            self._input_layer = layer
        else:
            if any(l.name == layer.name for l in self._stack):
                raise ValueError(
                    f"All layers added to a Sequential model should have unique names. "
                    f"Name {layer.name!r} is already the name of a layer in this model."
                )
            if not self._stack and self._input_layer is None and layer._input_shape_arg is not None:
                self._input_layer = InputLayer(batch_shape=layer._input_shape_arg)
            elif not self._stack and self._input_layer is None and _single_input_shape(layer):
                # A built model as first layer gives its input shape, as in Keras.
                self._input_layer = InputLayer(batch_shape=(None,) + _single_input_shape(layer)[1:])
            self._stack.append(layer)
        if rebuild:
            self._rebuild()

    def pop(self) -> Layer:
        """Remove and return the last layer."""
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        self._rebuild()
        return layer

    @property
    def layers(self) -> list[Layer]:
        """The stacked layers (without the input layer, as in Keras)."""
        return list(self._stack)

    def build(self, input_shape=None) -> None:
        """Build for inputs of `input_shape` (batch axis included), e.g. `(None, 8)`."""
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError("build() needs input_shape, e.g. model.build((None, 8)).")
        else:
            shape = tuple(input_shape)
            if self._input_layer is not None and self._input_layer.batch_shape[1:] != shape[1:]:
                raise ValueError(
                    f"Model {self.name!r} was already given input shape "
                    f"{self._input_layer.batch_shape}; cannot build it for {shape}."
                )
            if self._input_layer is None:
                self._input_layer = InputLayer(batch_shape=(None,) + shape[1:])
        self._rebuild()

    def _build_from_data(self, x) -> None:
        if self._plan is not None:
            return
        if not self._stack:
            raise ValueError(f"Sequential model {self.name!r} has no layers: add some with model.add(...).")
        first = x[0] if isinstance(x, (list, tuple)) and len(x) == 1 else x
        if hasattr(first, "to_numpy"):
            first = first.to_numpy()
        shape = np.shape(first)
        if len(shape) == 1:
            shape = shape + (1,)  # a vector of samples with one feature each
        self._input_layer = InputLayer(batch_shape=(None,) + tuple(shape[1:]))
        self._rebuild()

    def _rebuild(self) -> None:
        # Forget the nodes of a previous build so each layer has only this chain's node.
        for layer, node in self._nodes_made:
            if node in layer._inbound_nodes:
                layer._inbound_nodes.remove(node)
        self._nodes_made = []
        if self._input_layer is None or not self._stack:
            self._plan = None
            self.built = False
            return
        tensor = self._input_layer.output
        for layer in self._stack:
            tensor = layer(tensor)
            self._nodes_made.append((layer, layer._inbound_nodes[-1]))
        # Each build of a Keras Sequential model creates a functional model inside
        # it, which takes the next automatic "functional" name; taking it here too
        # gives the functional models created afterwards Keras's names.
        unique_name("functional")
        self._init_graph(self._input_layer.output, tensor)

    def _all_layers(self) -> list[Layer]:
        return ([self._input_layer] if self._input_layer is not None else []) + self._stack

    def get_config(self) -> dict:
        from axone.models import serialization
        return serialization.sequential_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Sequential":
        from axone.models import serialization
        return serialization.sequential_from_config(config, custom_objects)


def _single_input_shape(layer):
    """The input shape of a built model with one input (None for anything else)."""
    inputs = getattr(layer, "inputs", None) if isinstance(layer, Model) and layer._plan is not None else None
    return tuple(inputs[0].shape) if inputs and len(inputs) == 1 else None
