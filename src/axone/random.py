"""Random draws with Keras 3's `keras.random` names and signatures, for custom layers that need noise.

    from axone import random
    seed_generator = random.SeedGenerator(1337)
    noise = random.normal((32, 10), stddev=0.1, seed=seed_generator)

Every function takes a `seed`, as in Keras 3:
  * an int: the same values at every call with that seed;
  * a `SeedGenerator`: a new draw at each call, the sequence fixed by the
    generator's own seed (the way to get fresh noise in a layer);
  * `None` (default): a fresh seed from NumPy's global state, so that
    `axone.utils.set_random_seed(s)` makes a whole run repeatable.

On NumPy arrays they draw at once. Inside a model (a traced `call`, or
the functional API) they record a graph step that draws anew at every
run: `dropout(x, ...)` on a symbolic `x`, and `normal(ops.shape(x), ...)`
(likewise `uniform`, `truncated_normal`) with the shape of a symbolic `x`.
A shape fixed while a `call` is traced would bake one draw into the model,
the same noise at every step: that raises an error naming the fix.
"""

from __future__ import annotations

import numpy as np

from axone import backend
from axone.ops.operation import TAPES, Operation, tracing


class SeedGenerator:
    """A source of seeds that changes at every draw, reproducibly.

    Args:
        seed: int initial seed. Defaults to `None` (taken from NumPy's global
            random state, so `set_random_seed` fixes it).
        name: optional name (Keras's argument; unused).

    `next()` returns the next seed (an int); the functions of this module
    call it when given the generator as `seed`.
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs):
        kwargs.pop("backend", None)
        if kwargs:
            raise TypeError(f"SeedGenerator got unexpected keyword argument(s): {', '.join(sorted(kwargs))}.")
        if seed is not None and (not isinstance(seed, (int, np.integer)) or isinstance(seed, bool)):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed!r}")
        self.seed = seed
        self.name = name or "seed_generator"
        self._generator = backend.random_generator(seed)

    def next(self, ordered: bool = True) -> int:
        """The next seed of the sequence (`ordered` is accepted for Keras compatibility)."""
        return int(self._generator.integers(0, 2**63 - 1))

    def get_config(self) -> dict:
        return {"seed": self.seed}

    @classmethod
    def from_config(cls, config: dict) -> "SeedGenerator":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<SeedGenerator seed={self.seed}>"


def _generator(seed) -> np.random.Generator:
    if isinstance(seed, SeedGenerator):
        return np.random.default_rng(seed.next())
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)):
        return backend.random_generator(seed)
    raise ValueError(
        "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
        f"Received: seed={seed!r} (of type {type(seed).__name__})"
    )


def _shape(shape) -> tuple:
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    shape = tuple(shape)
    if any(d is None for d in shape):
        raise ValueError(
            f"Random draws need a concrete shape; received shape={shape}. A shape with None (a "
            "symbolic tensor's batch axis) would fix one draw into the model: use the Dropout or "
            "GaussianNoise layers for noise inside a model."
        )
    return tuple(int(d) for d in shape)


def _float_dtype(dtype, function: str) -> np.dtype:
    dtype = np.dtype(dtype or backend.floatx())
    if not np.issubdtype(dtype, np.floating):
        raise ValueError(f"`keras.random.{function}` requires a floating point `dtype`. Received: dtype={dtype}")
    return dtype


def _draw_dtype(dtype: np.dtype):
    return np.float64 if dtype == np.float64 else np.float32  # what NumPy's Generator draws natively


class _Draw(Operation):
    """Random values drawn anew at every run, in the shape of its input (which gets no gradient)."""

    differentiable = False

    def __init__(self, name: str, draw, seed):
        super().__init__(name=name)
        self._draw, self._seed = draw, seed

    def compute(self, like):
        like = np.asarray(like)
        return self._draw(_generator(self._seed), like.shape, like.dtype)


def _sample(name: str, shape, dtype, draw, seed):
    """`draw(generator, shape, dtype)` now, or as a graph step for the shape of a symbolic tensor."""
    source = getattr(shape, "tensor", None)
    if source is not None:
        return _Draw(name, lambda generator, like_shape, _: draw(generator, like_shape, dtype), seed)(source)
    if tracing():
        raise ValueError(
            f"random.{name}(shape={tuple(shape)}) inside a traced call() would draw once and give the same "
            f"values at every step. Pass the shape of an input tensor, e.g. random.{name}(ops.shape(x), ...), "
            "so that it draws anew at each run."
        )
    return draw(_generator(seed), _shape(shape), dtype)


def normal(shape, mean: float = 0.0, stddev: float = 1.0, dtype=None, seed=None):
    """Values from a normal distribution of `mean` and `stddev` (dtype defaults to floatx)."""
    def draw(generator, size, dtype):
        values = generator.standard_normal(size, dtype=_draw_dtype(dtype))
        return (values * stddev + mean).astype(dtype, copy=False)

    return _sample("normal", shape, _float_dtype(dtype, "normal"), draw, seed)


def uniform(shape, minval: float = 0.0, maxval: float = 1.0, dtype=None, seed=None):
    """Values from a uniform distribution on `[minval, maxval)`."""
    def draw(generator, size, dtype):
        values = generator.random(size, dtype=_draw_dtype(dtype))
        return (values * (maxval - minval) + minval).astype(dtype, copy=False)

    return _sample("uniform", shape, _float_dtype(dtype, "uniform"), draw, seed)


def truncated_normal(shape, mean: float = 0.0, stddev: float = 1.0, dtype=None, seed=None):
    """Normal values, those more than two `stddev` away from `mean` drawn again."""
    def draw(generator, size, dtype):
        values = generator.standard_normal(size)
        outside = np.abs(values) > 2.0
        while outside.any():
            values[outside] = generator.standard_normal(int(outside.sum()))
            outside = np.abs(values) > 2.0
        return (values * stddev + mean).astype(dtype)

    return _sample("truncated_normal", shape, _float_dtype(dtype, "truncated_normal"), draw, seed)


def randint(shape, minval: int, maxval: int, dtype="int32", seed=None) -> np.ndarray:
    """Integers drawn uniformly from `[minval, maxval)`."""
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.integer):
        raise ValueError(f"`keras.random.randint` requires an integer `dtype`. Received: dtype={dtype}")
    return _generator(seed).integers(minval, maxval, _shape(shape)).astype(dtype)


def categorical(logits, num_samples: int, dtype="int32", seed=None) -> np.ndarray:
    """For each row of `logits` `(batch, classes)`, `num_samples` class ids drawn from its softmax."""
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 2:
        raise ValueError(f"`logits` should be a 2-D tensor with shape [batch_size, num_classes]. "
                         f"Received: logits.shape={logits.shape}")
    probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
    cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    draws = _generator(seed).random((logits.shape[0], int(num_samples)))
    ids = (draws[:, :, None] > cumulative[:, None, :-1]).sum(axis=2)
    return ids.astype(dtype)


def dropout(inputs, rate: float, noise_shape=None, seed=None):
    """Zero each entry with probability `rate`, scale the others by `1 / (1 - rate)`.

    `noise_shape` broadcasts one mask over some axes (`None` entries take the
    input's size), as in the `Dropout` layer. On a symbolic tensor (or while
    a `GradientTape` records) the mask is a graph step drawn at every run,
    and the gradient flows through the kept entries.
    """
    if isinstance(rate, bool) or not isinstance(rate, (int, float, np.number)) or not 0 <= rate < 1:
        raise ValueError(f"Invalid value received for argument `rate`. Expected a float value between 0 and 1 "
                         f"(1 excluded). Received: rate={rate!r}")

    def mask(generator, size, dtype):
        dtype = dtype if np.issubdtype(dtype, np.floating) else np.dtype(backend.floatx())
        if noise_shape is not None:
            size = tuple(d if n is None else int(n) for n, d in zip(noise_shape, size))
        keep = generator.random(size) >= rate
        return keep.astype(dtype) / dtype.type(1.0 - rate)

    if Operation.takes_graph_path(inputs) or TAPES:
        from axone import ops

        return ops.multiply(inputs, _Draw("dropout", mask, seed)(inputs))
    x = np.asarray(inputs)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(backend.floatx())
    return x * mask(_generator(seed), x.shape, x.dtype)


def shuffle(x, axis: int = 0, seed=None) -> np.ndarray:
    """A copy of `x` with its entries along `axis` in a random order."""
    x = np.asarray(x)
    return np.take(x, _generator(seed).permutation(x.shape[axis]), axis=axis)


__all__ = ["SeedGenerator", "normal", "uniform", "truncated_normal", "randint", "categorical",
           "dropout", "shuffle"]
