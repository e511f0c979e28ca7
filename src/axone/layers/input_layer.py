"""`InputLayer` and `Input`: the entry points of a model's graph."""

from __future__ import annotations

from axone.layers.base import Layer, standardize_shape
from axone.symbolic import Node, SymbolicTensor


class InputLayer(Layer):
    """Holds the shape of a model input; its output is a `SymbolicTensor`.

    Args:
        shape: shape of one sample, without the batch axis; `8` is `(8,)`.
        batch_size: fixed batch size, usually left `None`.
        dtype: defaults to `backend.floatx()`.
        batch_shape: full shape including the batch axis (instead of `shape`).
        name: defaults to `input_layer`, `input_layer_1`, ...
        input_shape: Keras 2 spelling of `shape`.
    """

    def __init__(self, shape=None, batch_size: int | None = None, dtype: str | None = None,
                 batch_shape=None, name: str | None = None, input_shape=None, **kwargs):
        kwargs.pop("sparse", None)
        kwargs.pop("ragged", None)
        super().__init__(name=name, dtype=dtype, **kwargs)
        if shape is None and input_shape is not None:
            shape = input_shape
        if batch_shape is not None:
            batch_shape = standardize_shape(batch_shape, "batch_shape")
        elif shape is not None:
            batch_shape = (batch_size,) + standardize_shape(shape, "shape")
        else:
            raise ValueError(
                "InputLayer needs the shape of one sample: pass shape=(n_features,) "
                "(or batch_shape=(None, n_features))."
            )
        self.batch_shape = batch_shape
        self.built = True
        tensor = SymbolicTensor(batch_shape, self.dtype, name=self.name)
        self._inbound_nodes.append(Node(self, [], [tensor]))

    def forward(self, inputs, training=False):
        return inputs

    def backward(self, grad_output):
        return None

    def get_config(self):
        return {"batch_shape": self.batch_shape, "dtype": self.dtype, "name": self.name}


def Input(shape=None, batch_size: int | None = None, dtype: str | None = None,
          batch_shape=None, name: str | None = None, **kwargs) -> SymbolicTensor:
    """Return the symbolic tensor of a new `InputLayer`.

    `Input(shape=(8,))` (or Keras 2's `Input(shape=8)`) starts a functional
    model taking samples of 8 features.
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype,
                       batch_shape=batch_shape, name=name, **kwargs)
    return layer.output
