"""Reshaping layers: `Reshape`."""

from __future__ import annotations

import math

import numpy as np

from axone.layers.base import Layer


def _check_target_shape(target_shape) -> tuple:
    try:
        shape = tuple(target_shape)
    except TypeError:
        shape = None
    if shape is None or not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) for d in shape):
        raise TypeError(f"`target_shape` must be a tuple of ints. Received: target_shape={target_shape!r}")
    shape = tuple(int(d) for d in shape)
    if any(d < -1 for d in shape) or shape.count(-1) > 1:
        raise ValueError(
            "Each dimension in `target_shape` must be a non-negative integer, or `-1` for a "
            f"single unknown dimension. Received: target_shape={shape}."
        )
    return shape


def resolve_shape(sample_shape: tuple, target_shape: tuple) -> tuple:
    """The shape of one sample after reshaping: `-1` resolved when the sizes are known (else None)."""
    if None in sample_shape:
        return tuple(None if d == -1 else d for d in target_shape)
    size = math.prod(sample_shape)
    if -1 not in target_shape:
        if size != math.prod(target_shape):
            raise ValueError(
                "The total size of the tensor must be unchanged. Received: "
                f"input_shape={tuple(sample_shape)}, target_shape={target_shape}"
            )
        return target_shape
    known = math.prod(d for d in target_shape if d != -1)
    if known == 0 or size % known:
        raise ValueError(
            "The total size of the tensor must be unchanged, however, the input size cannot be "
            "divided by the specified dimensions in target_shape. Received: "
            f"input_shape={tuple(sample_shape)}, target_shape={target_shape}"
        )
    return tuple(size // known if d == -1 else d for d in target_shape)


class Reshape(Layer):
    """Reshapes each sample to `target_shape`: `(batch, ...)` -> `(batch, *target_shape)`.

    Args:
        target_shape: tuple of ints, without the batch axis; one entry may be
            `-1`, inferred from the input size (`Reshape((-1, 2))` on 12
            features gives `(batch, 6, 2)`).

    Backward: the gradient reshaped back to the input's shape.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = _check_target_shape(target_shape)

    def build(self, input_shape):
        resolve_shape(tuple(input_shape[1:]), self.target_shape)

    def check_input_shape(self, input_shape):
        resolve_shape(tuple(input_shape[1:]), self.target_shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + resolve_shape(tuple(input_shape[1:]), self.target_shape)

    def forward(self, x, training=False):
        if training:
            self._cache = x.shape
        return x.reshape((x.shape[0],) + resolve_shape(x.shape[1:], self.target_shape))

    def backward(self, grad_output):
        if not self.input_grad_needed:
            return None
        return grad_output.reshape(self._cache)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}
