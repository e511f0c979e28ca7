"""Regularization layers: `Dropout`, `GaussianNoise`, `GaussianDropout`.

They perturb their input only in training (`training=True`, as `fit` calls
them) and pass it through unchanged at inference. Each layer draws its noise
from its own NumPy `Generator`, made once by `backend.random_generator(seed)`:
with `seed=None` it is seeded from NumPy's global state, so
`axone.utils.set_random_seed(s)` before building the model makes training
repeatable; with an int seed, the layer repeats its sequence of draws on its own.
"""

from __future__ import annotations

import math

from axone.backend import xp

from axone import backend
from axone.layers.base import Layer


def _check_fraction(value, argument: str, one_allowed: bool = False) -> float:
    """Return `value` as a float in [0, 1) (or [0, 1]), or raise showing the received value."""
    number = not isinstance(value, bool) and isinstance(value, (int, float, xp.integer, xp.floating))
    if not number or not (0 <= value <= 1 if one_allowed else 0 <= value < 1):
        raise ValueError(
            f"Invalid value received for argument `{argument}`. Expected a float value between "
            f"0 and 1{'' if one_allowed else ' (1 excluded)'}. Received: {argument}={value!r}"
        )
    return float(value)


def _draw_dtype(x: xp.ndarray):
    # NumPy's Generator draws float32 or float64 only; a float16 input gets float32 noise, cast after.
    return xp.float64 if x.dtype == xp.float64 else xp.float32


class Dropout(Layer):
    """Sets a random fraction `rate` of the inputs to 0 during training (inverted dropout).

    Training: `output = inputs * mask / (1 - rate)`, where each entry of `mask`
    is 1 with probability `1 - rate` and 0 otherwise, drawn afresh at every
    call. Scaling the kept units by `1 / (1 - rate)` keeps the expected output
    equal to the input, so inference is the identity: `output = inputs`.

    Backward: `grad_input = grad_output * mask / (1 - rate)` (the same mask).

    Args:
        rate: fraction of the input units to drop, in [0, 1).
        noise_shape: shape of the mask, broadcast against the input: e.g.
            `(None, 1, features)` drops the same features at every timestep
            of a `(batch, timesteps, features)` input; `None` entries take the
            input's size. Defaults to `None` (the input's shape).
        seed: int seed of the layer's random generator. Defaults to `None`
            (seeded from NumPy's global random state).

    Shapes: any input shape; output of the same shape.
    """

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _check_fraction(rate, "rate")
        self.noise_shape = self._check_noise_shape(noise_shape)
        self.seed = seed
        # One generator per layer, for its whole life: each call continues its stream.
        self._generator = backend.random_generator(seed) if self.rate > 0 else None

    @staticmethod
    def _check_noise_shape(noise_shape):
        if noise_shape is None:
            return None
        try:
            shape = tuple(noise_shape)
        except TypeError:
            shape = None
        if isinstance(noise_shape, str) or shape is None or any(
                d is not None and (not isinstance(d, (int, xp.integer)) or isinstance(d, bool) or d <= 0)
                for d in shape):
            raise ValueError(
                "Invalid value received for argument `noise_shape`. Expected a tuple of "
                f"positive integers or None. Received: noise_shape={noise_shape!r}"
            )
        return tuple(None if d is None else int(d) for d in shape)

    def build(self, input_shape):
        self.check_input_shape(input_shape)

    def check_input_shape(self, input_shape):
        if self.noise_shape is None:
            return
        fits = len(self.noise_shape) == len(input_shape) and all(
            n is None or n == 1 or d is None or n == d for n, d in zip(self.noise_shape, input_shape))
        if not fits:
            raise ValueError(
                f"Layer {self.name!r}: noise_shape={self.noise_shape} cannot broadcast against "
                f"inputs of shape {tuple(input_shape)}: it needs one entry per input axis, "
                "each None, 1 or the input's size."
            )

    def forward(self, x, training=False):
        if not training:
            return x
        if self.rate == 0:
            self._cache = None
            return x
        shape = x.shape if self.noise_shape is None else tuple(
            size if n is None else n for n, size in zip(self.noise_shape, x.shape))
        # Draw uniforms, then overwrite them with the scaled mask: u >= rate keeps
        # a unit with probability 1 - rate. A fresh array per call (not a reused
        # buffer): a layer called at two nodes keeps one mask per node for backward,
        # and the draw costs far more than the allocation.
        mask = self._generator.random(shape, dtype=_draw_dtype(x))
        xp.greater_equal(mask, self.rate, out=mask)
        mask *= 1.0 / (1.0 - self.rate)
        mask = mask.astype(x.dtype, copy=False)
        self._cache = mask
        return x * mask

    def backward(self, grad_output):
        if not self.input_grad_needed:
            return None
        mask = self._cache
        return grad_output if mask is None else grad_output * mask

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}


class GaussianNoise(Layer):
    """Adds zero-centred Gaussian noise during training: `output = inputs + stddev * n`.

    `n` is drawn from a standard normal at every call; inference is the
    identity. Backward: `grad_input = grad_output` (the noise does not depend on the input).

    Args:
        stddev: standard deviation of the noise, in [0, 1] (Keras's bounds).
        seed: int seed of the layer's random generator. Defaults to `None`.

    Shapes: any input shape; output of the same shape.
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = _check_fraction(stddev, "stddev", one_allowed=True)
        self.seed = seed
        self._generator = backend.random_generator(seed) if self.stddev > 0 else None

    def forward(self, x, training=False):
        if not training or self.stddev == 0:
            return x
        noise = self._generator.standard_normal(x.shape, dtype=_draw_dtype(x))
        noise *= self.stddev
        noise += x
        return noise.astype(x.dtype, copy=False)

    def backward(self, grad_output):
        return grad_output if self.input_grad_needed else None

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiplies the inputs by Gaussian noise of mean 1 during training.

    Training: `output = inputs * m` with `m ~ Normal(1, sqrt(rate / (1 - rate)))`,
    the variance of an inverted dropout mask of the same rate; inference is
    the identity. Backward: `grad_input = grad_output * m` (the same `m`).

    Args:
        rate: drop probability that sets the noise's spread, in [0, 1).
        seed: int seed of the layer's random generator. Defaults to `None`.

    Shapes: any input shape; output of the same shape.
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _check_fraction(rate, "rate")
        self.seed = seed
        self._generator = backend.random_generator(seed) if self.rate > 0 else None

    def forward(self, x, training=False):
        if not training:
            return x
        if self.rate == 0:
            self._cache = None
            return x
        noise = self._generator.standard_normal(x.shape, dtype=_draw_dtype(x))
        noise *= math.sqrt(self.rate / (1.0 - self.rate))
        noise += 1.0
        noise = noise.astype(x.dtype, copy=False)
        self._cache = noise
        return x * noise

    def backward(self, grad_output):
        if not self.input_grad_needed:
            return None
        return grad_output if self._cache is None else grad_output * self._cache

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
