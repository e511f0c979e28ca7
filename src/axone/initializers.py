"""Weight initializers with Keras 3's names, defaults and formulas.

An initializer is called as `init(shape, dtype)` and returns a new array
(float32 unless `dtype` or `axone.backend.set_floatx` says otherwise).
With an int `seed`, every call returns the same values, as in Keras 3.
With `seed=None`, each call draws a fresh seed from NumPy's global state,
so that `numpy.random.seed(s)` makes a whole run repeatable (Keras 3
instead fixes a random seed when the unseeded initializer is created).
"""

from __future__ import annotations

import math

import numpy as np

from axone import backend
from axone.utils.identifiers import lookup

# Standard deviation of a unit normal truncated to [-2, 2]: dividing by it
# gives the truncated samples the intended standard deviation.
_TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


def compute_fans(shape, input_axes=None, output_axes=None) -> tuple[int, int]:
    """Return `(fan_in, fan_out)` for a weight of `shape`, as Keras computes them.

    2-D `(in, out)`: `(in, out)`; 1-D `(n,)`: `(n, n)`; scalar: `(1, 1)`;
    N-D (convolution kernels `(..., in, out)`): the last two axes times the
    receptive field (the product of the leading axes).

    Args:
        shape: tuple of ints.
        input_axes, output_axes: optional axes whose sizes multiply into the
            fans, instead of the rules above (both must be given).
    """
    shape = tuple(int(d) for d in shape)
    if input_axes is not None and output_axes is not None:
        return (math.prod(shape[axis] for axis in input_axes),
                math.prod(shape[axis] for axis in output_axes))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _dtype(dtype) -> str:
    return dtype or backend.floatx()


def _as_array(values, dtype) -> np.ndarray:
    # np.asarray: a shape of () gives a 0-d array rather than a NumPy scalar.
    return np.asarray(values, dtype=_dtype(dtype))


def _truncated_normal(rng: np.random.Generator, mean: float, stddev: float, shape) -> np.ndarray:
    """Normal samples, those beyond two standard deviations redrawn."""
    values = rng.standard_normal(math.prod(shape))
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return mean + stddev * values.reshape(shape)


class Initializer:
    """Base class: subclasses implement `__call__(shape, dtype)` and `get_config`."""

    def __call__(self, shape, dtype=None) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__().")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        return cls(**config)

    def clone(self) -> "Initializer":
        return type(self).from_config(self.get_config())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class RandomInitializer(Initializer):
    """An initializer that draws random numbers; holds the optional `seed`."""

    def __init__(self, seed: int | None = None):
        if seed is not None and (not isinstance(seed, (int, np.integer)) or isinstance(seed, bool)):
            raise ValueError(f"`seed` must be an integer or None. Received: seed={seed!r}")
        self.seed = None if seed is None else int(seed)

    def _rng(self) -> np.random.Generator:
        return backend.random_generator(self.seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


def _check_stddev(stddev) -> None:
    if not stddev >= 0:
        raise ValueError(f"`stddev` must be non-negative. Received: stddev={stddev!r}")


# ------------------------------------------------------------------ constants
class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype=None):
        return np.zeros(shape, dtype=_dtype(dtype))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype=None):
        return np.ones(shape, dtype=_dtype(dtype))


class Constant(Initializer):
    """Every entry equal to `value`.

    Args:
        value: a Python scalar. Defaults to `0.0`.
    """

    def __init__(self, value: float = 0.0):
        self.value = value.item() if isinstance(value, np.generic) else value

    def __call__(self, shape, dtype=None):
        return np.full(shape, self.value, dtype=_dtype(dtype))

    def get_config(self):
        return {"value": self.value}


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes only; rectangular allowed).

    Args:
        gain: multiplicative factor. Defaults to `1.0`.
    """

    def __init__(self, gain: float = 1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        return _as_array(self.gain * np.eye(*shape), dtype)

    def get_config(self):
        return {"gain": self.gain}


# ------------------------------------------------------------ distributions
class RandomNormal(RandomInitializer):
    """Normal distribution.

    Args:
        mean: defaults to `0.0`.
        stddev: non-negative. Defaults to `0.05`.
        seed: int or None. Defaults to `None`.
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        _check_stddev(stddev)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _as_array(self._rng().normal(self.mean, self.stddev, shape), dtype)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Uniform distribution on `[minval, maxval)`.

    Args:
        minval: defaults to `-0.05`.
        maxval: at least `minval`. Defaults to `0.05`.
        seed: int or None. Defaults to `None`.
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        if not minval <= maxval:
            raise ValueError("`minval` must not exceed `maxval`. "
                             f"Received: minval={minval!r}, maxval={maxval!r}")
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        return _as_array(self._rng().uniform(self.minval, self.maxval, shape), dtype)

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class TruncatedNormal(RandomInitializer):
    """Normal distribution whose values beyond two `stddev` from the mean are redrawn.

    The result's standard deviation is about `0.88 * stddev` (truncation).

    Args:
        mean: defaults to `0.0`.
        stddev: non-negative, before truncation. Defaults to `0.05`.
        seed: int or None. Defaults to `None`.
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        _check_stddev(stddev)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return _as_array(_truncated_normal(self._rng(), self.mean, self.stddev, shape), dtype)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class VarianceScaling(RandomInitializer):
    """Zero-mean samples with variance `scale / n`, `n` being fan_in, fan_out or their mean.

    `distribution="truncated_normal"` draws from a normal truncated at two
    standard deviations with stddev `sqrt(scale / n) / 0.8796...`, so that the
    truncated samples have stddev `sqrt(scale / n)`; `"untruncated_normal"`
    uses stddev `sqrt(scale / n)`; `"uniform"` draws from `[-limit, limit]`
    with `limit = sqrt(3 * scale / n)`. `n` is at least 1.

    Args:
        scale: positive float. Defaults to `1.0`.
        mode: `"fan_in"`, `"fan_out"` or `"fan_avg"`. Defaults to `"fan_in"`.
        distribution: `"truncated_normal"` (alias `"normal"`),
            `"untruncated_normal"` or `"uniform"`. Defaults to `"truncated_normal"`.
        seed: int or None. Defaults to `None`.
        input_axes, output_axes: optional axes that define the fans (see
            `compute_fans`). Default to `None`.
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: int | None = None,
                 input_axes=None, output_axes=None):
        super().__init__(seed)
        if not scale > 0.0:
            raise ValueError(f"`scale` must be a positive float. Received: scale={scale!r}")
        if mode not in self._MODES:
            raise ValueError(f"`mode` must be one of {self._MODES}. Received: mode={mode!r}")
        name = distribution.lower() if isinstance(distribution, str) else distribution
        name = "truncated_normal" if name == "normal" else name
        if name not in self._DISTRIBUTIONS:
            raise ValueError(f"`distribution` must be one of {self._DISTRIBUTIONS}. "
                             f"Received: distribution={distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, name
        self.input_axes, self.output_axes = input_axes, output_axes

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(variance) / _TRUNCATED_NORMAL_STDDEV
            values = _truncated_normal(rng, 0.0, stddev, shape)
        elif self.distribution == "untruncated_normal":
            values = rng.normal(0.0, math.sqrt(variance), shape)
        else:
            limit = math.sqrt(3.0 * variance)
            values = rng.uniform(-limit, limit, shape)
        return _as_array(values, dtype)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "mode": self.mode,
                "distribution": self.distribution, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling whose scale, mode and distribution are set by the class."""

    _SETTINGS: tuple[float, str, str]

    def __init__(self, seed: int | None = None, input_axes=None, output_axes=None):
        super().__init__(*self._SETTINGS, seed=seed, input_axes=input_axes,
                         output_axes=output_axes)

    def get_config(self):
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_FixedVarianceScaling):
    """Uniform on `[-limit, limit]`, `limit = sqrt(6 / (fan_in + fan_out))`. Keras's default kernel."""

    _SETTINGS = (1.0, "fan_avg", "uniform")


class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal with stddev `sqrt(2 / (fan_in + fan_out))` after truncation."""

    _SETTINGS = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_FixedVarianceScaling):
    """Truncated normal with stddev `sqrt(2 / fan_in)` after truncation (for ReLU layers)."""

    _SETTINGS = (2.0, "fan_in", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """Uniform on `[-limit, limit]`, `limit = sqrt(6 / fan_in)`."""

    _SETTINGS = (2.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """Truncated normal with stddev `sqrt(1 / fan_in)` after truncation (for SELU layers)."""

    _SETTINGS = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """Uniform on `[-limit, limit]`, `limit = sqrt(3 / fan_in)`."""

    _SETTINGS = (1.0, "fan_in", "uniform")


class Orthogonal(RandomInitializer):
    """A random orthogonal matrix times `gain` (Saxe et al., 2014).

    The shape is seen as a matrix `(prod(shape[:-1]), shape[-1])`; its columns
    (or rows, if there are fewer rows than columns) are orthonormal. It is
    the Q of the QR decomposition of a normal random matrix, with column
    signs fixed so that the distribution is uniform.

    Args:
        gain: multiplicative factor. Defaults to `1.0`.
        seed: int or None. Defaults to `None`.
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional. "
                             f"Received: shape={shape} of rank {len(shape)}.")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        q, r = np.linalg.qr(self._rng().standard_normal((max(rows, cols), min(rows, cols))))
        q *= np.where(np.diag(r) < 0, -1.0, 1.0)
        if rows < cols:
            q = q.T
        return _as_array(self.gain * q.reshape(shape), dtype)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


# ------------------------------------------------------------------- registry
_CLASSES = (Zeros, Ones, Constant, Identity, RandomNormal, RandomUniform, TruncatedNormal,
            VarianceScaling, GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal,
            LecunUniform, Orthogonal)
_SNAKE_CASE = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "identity": Identity,
    "random_normal": RandomNormal, "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
    "he_normal": HeNormal, "he_uniform": HeUniform,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform, "orthogonal": Orthogonal,
}
# Class names and snake_case names, as Keras accepts them, plus its aliases.
_REGISTRY: dict[str, type[Initializer]] = {
    **{cls.__name__: cls for cls in _CLASSES}, **_SNAKE_CASE,
    "normal": RandomNormal, "uniform": RandomUniform, "one": Ones, "zero": Zeros,
    "IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
}

# Keras's function-style names: axone.initializers.glorot_uniform(seed=...)
zeros, ones, constant, identity = Zeros, Ones, Constant, Identity
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, orthogonal = VarianceScaling, Orthogonal
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_normal, he_uniform, lecun_normal, lecun_uniform = HeNormal, HeUniform, LecunNormal, LecunUniform


def _from_array(array: np.ndarray):
    """An initializer returning a copy of `array` (whose shape must match)."""
    def initialize(shape, dtype=None):
        if tuple(shape) != array.shape:
            raise ValueError(f"Expected `shape` to be {array.shape} for an array initializer. "
                             f"Received: shape={tuple(shape)}")
        return np.array(array, dtype=_dtype(dtype))

    return initialize


def get(identifier):
    """Resolve an initializer as Keras does.

    Args:
        identifier: a name (`"glorot_uniform"`, `"GlorotUniform"`), a config
            dict `{"class_name": ..., "config": {...}}`, an `Initializer`
            instance or class, a NumPy array (used as the value), or a callable
            `f(shape, dtype=None)`.

    Raises:
        ValueError: for None, an unknown name (naming the closest known names)
            or an identifier of another type.
    """
    if identifier is None:
        raise ValueError("An initializer is required. Received: initializer=None")
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        return lookup(identifier, _REGISTRY, "initializer")()
    if isinstance(identifier, dict):
        if "class_name" not in identifier:
            raise ValueError(f"An initializer config needs a 'class_name'. Received: {identifier!r}")
        from axone.saving.serialization import deserialize_keras_object
        return deserialize_keras_object({"config": {}, **identifier}, kind="initializers")
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, (np.ndarray, np.generic)):
        return _from_array(np.asarray(identifier))
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


def serialize(initializer) -> dict:
    """Keras's `{"module", "class_name", "config", "registered_name"}`; `get()` rebuilds the initializer."""
    if not isinstance(initializer, Initializer):
        raise ValueError(
            f"Cannot serialize initializer {initializer!r}: only Initializer instances have a "
            "config. Subclass axone.initializers.Initializer and define get_config()."
        )
    from axone.saving.serialization import serialize_keras_object
    return serialize_keras_object(initializer)


def deserialize(config: dict) -> Initializer:
    """Inverse of `serialize`."""
    return get(config)
