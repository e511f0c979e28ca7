"""`Embedding`: integer ids (categories, words) to dense vectors."""

from __future__ import annotations

import warnings

import numpy as np

from axone import initializers
from axone.backend import xp
from axone.layers.base import Layer


def _unsupported(layer: str, argument: str, value, why: str) -> None:
    """Raise for an argument axone does not implement, instead of ignoring it."""
    if value is not None and value is not False:
        raise NotImplementedError(f"{layer}: {argument}={value!r} is not supported ({why}).")


class Embedding(Layer):
    """Looks up one trainable vector per integer id: `output[..., :] = embeddings[inputs[...]]`.

    Args:
        input_dim: positive int, the number of ids (the largest id plus one).
        output_dim: positive int, the size of each vector.
        embeddings_initializer: defaults to `"uniform"` (uniform in [-0.05, 0.05]).
        mask_zero: must stay `False`: axone has no masking, so id 0 is an
            ordinary id (`True` raises rather than being ignored).
        weights: optional initial `(input_dim, output_dim)` array (or a list of one).

    Inputs are integer ids of any shape `(batch, ...)`; float inputs holding
    whole numbers are cast to int, as in Keras. Ids outside `[0, input_dim)`
    raise an error. In a model, `Input(shape=(n,), dtype="int32")` keeps the
    ids as integers all the way (a float32 input is exact up to 2**24).

    Weights: `embeddings`, `(input_dim, output_dim)`, trainable.
    Output: `(batch, ..., output_dim)` in the layer's float dtype.

    Backward: the rows that were looked up receive the output gradient, summed
    over every position that used them (a scatter-add); the integer input
    gets no gradient.
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero: bool = False,
                 weights=None, lora_rank=None, activity_regularizer=None, quantization_config=None,
                 **kwargs):
        for value, argument in ((input_dim, "input_dim"), (output_dim, "output_dim")):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"`{argument}` must be a positive integer. Received: {argument}={value!r} "
                                 f"(of type {type(value).__name__}).")
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.", stacklevel=2)
        super().__init__(**kwargs)
        _unsupported("Embedding", "mask_zero", mask_zero, "axone has no masking; id 0 is an ordinary id")
        _unsupported("Embedding", "embeddings_regularizer", embeddings_regularizer, "not implemented")
        _unsupported("Embedding", "embeddings_constraint", embeddings_constraint, "not implemented")
        _unsupported("Embedding", "lora_rank", lora_rank, "not implemented")
        _unsupported("Embedding", "activity_regularizer", activity_regularizer, "not implemented")
        _unsupported("Embedding", "quantization_config", quantization_config, "not implemented")
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.mask_zero = False
        self.embeddings = None
        if weights is not None:
            self._maybe_build(None)
            self.set_weights(weights if isinstance(weights, list) and len(weights) == 1 else [weights])

    def build(self, input_shape=None):
        self.embeddings = self.add_weight((self.input_dim, self.output_dim), self.embeddings_initializer,
                                          "embeddings")

    def check_input_shape(self, input_shape):
        """Any shape of ids fits the same table."""

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def _as_input_array(self, x):
        return np.asarray(x)  # ids stay integers; forward checks and casts them

    def _ids(self, x) -> np.ndarray:
        if not np.issubdtype(x.dtype, np.integer):
            if not np.all(x == np.rint(x)):
                raise ValueError(f"Embedding {self.name!r} expects integer ids; received non-integer values.")
            x = x.astype(np.int64)
        if x.size and (x.min() < 0 or x.max() >= self.input_dim):
            raise ValueError(
                f"Embedding {self.name!r}: ids must be in [0, input_dim={self.input_dim}). Received ids from "
                f"{x.min()} to {x.max()}."
            )
        return x

    def forward(self, x, training=False):
        ids = self._ids(x)
        if training:
            self._cache = ids
        return xp.take(self.embeddings.value, ids, axis=0)

    def backward(self, grad_output):
        ids = self._cache
        grad = self.embeddings.grad
        grad[...] = 0.0
        xp.add.at(grad, ids.reshape(-1), grad_output.reshape(-1, self.output_dim))
        return None  # ids are not differentiable

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": None,
            "activity_regularizer": None,
            "embeddings_constraint": None,
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
