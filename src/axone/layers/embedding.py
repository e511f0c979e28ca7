"""`Embedding`: integer ids (categories, words) to dense vectors."""

from __future__ import annotations

import warnings

import numpy as np

from axone import constraints, initializers, regularizers
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
        embeddings_regularizer: penalty on the table, added to the loss
            (see `axone.regularizers`). Defaults to `None`.
        embeddings_constraint: projection of the table after each optimizer
            step (see `axone.constraints`). Defaults to `None`.
        mask_zero: must stay `False`: axone has no masking, so id 0 is an
            ordinary id (`True` raises rather than being ignored).
        activity_regularizer: penalty on the output, added to the loss divided
            by the batch size (as Keras 3). Defaults to `None`.
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
        _unsupported("Embedding", "mask_zero", mask_zero,
                     "axone layers carry no masks, so the layers after it could not skip the padded "
                     "positions; pass mask_zero=False: id 0 is then an ordinary id, which the model "
                     "can learn to use as padding, or remove the padding from the data")
        _unsupported("Embedding", "lora_rank", lora_rank, "not implemented")
        _unsupported("Embedding", "quantization_config", quantization_config, "not implemented")
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._activity_loss = 0.0
        self.mask_zero = False
        self.embeddings = None
        if weights is not None:
            self._maybe_build(None)
            self.set_weights(weights if isinstance(weights, list) and len(weights) == 1 else [weights])

    def build(self, input_shape=None):
        # The model adds the penalty and applies the constraint (axone.models.penalties).
        self.embeddings = self.add_weight((self.input_dim, self.output_dim), self.embeddings_initializer,
                                          "embeddings", regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

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
        y = xp.take(self.embeddings.value, ids, axis=0)
        if self.activity_regularizer is not None:  # Keras 3: the penalty over the batch size
            self._activity_loss = self.activity_regularizer(y) / max(len(y), 1)
        if training:
            self._cache = (ids, y if self.activity_regularizer is not None else None)
        return y

    def backward(self, grad_output):
        ids, y = self._cache
        if y is not None:
            grad_output = grad_output + self.activity_regularizer.gradient(y) / max(len(y), 1)
        grad = self.embeddings.grad
        grad[...] = 0.0
        xp.add.at(grad, ids.reshape(-1), grad_output.reshape(-1, self.output_dim))
        return None  # ids are not differentiable

    def activity_loss(self) -> float:
        """The activity penalty of the last forward pass (0.0 without `activity_regularizer`)."""
        return self._activity_loss

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
