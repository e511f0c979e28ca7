"""The array module, the default float type and the random source.

The numeric modules (layers, activations, losses, optimizers, the model's
forward and backward passes) compute with `xp` imported from here, never
with NumPy directly, so that another NumPy-compatible array library can
later be plugged in at this one place. Host-side code (data checks,
printing, configs) uses NumPy.
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np

#: The array module every layer computes with.
xp = np

_FLOATX = "float32"
_EPSILON = 1e-7
_VALID_FLOATX = ("float16", "float32", "float64")


def floatx() -> str:
    """Return the default float type as a string, `"float32"` unless changed."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float type (`"float16"`, `"float32"` or `"float64"`)."""
    global _FLOATX
    value = str(value)
    if value not in _VALID_FLOATX:
        raise ValueError(
            f"Unknown floatx type: {value!r}. Expected one of {_VALID_FLOATX}."
        )
    _FLOATX = value


def epsilon() -> float:
    """Return the fuzz factor used in numeric expressions (default 1e-7)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor used in numeric expressions."""
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """Return `"channels_last"`, the only layout axone uses."""
    return "channels_last"


def backend() -> str:
    """Return the name of the array library in use."""
    return "numpy"


# Where unseeded draws take their seeds inside a `seed_scope`, per thread.
_SEED_SOURCE = threading.local()


@contextlib.contextmanager
def seed_scope(seed: int):
    """Within the block, in this thread, unseeded draws take their seeds from `seed`.

    The draws are those `numpy.random.seed(seed)` would give, but NumPy's
    global random state is neither read nor changed, and other threads are
    not affected: a fit in the block is bit-identical run after run.
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or not 0 <= seed < 2**32:
        raise ValueError(f"A seed must be an int between 0 and 2**32 - 1. Received: seed={seed!r}")
    previous = getattr(_SEED_SOURCE, "state", None)
    _SEED_SOURCE.state = np.random.RandomState(int(seed))
    try:
        yield
    finally:
        _SEED_SOURCE.state = previous


def random_generator(seed: int | None = None) -> np.random.Generator:
    """Return a NumPy `Generator` for one random consumer.

    With `seed=None` the generator is seeded from NumPy's global random
    state (or from the innermost `seed_scope`), so `numpy.random.seed(s)`
    (or `axone.utils.set_random_seed(s)`) makes every later initialisation,
    shuffle and dropout mask repeatable.
    """
    if seed is None:
        source = getattr(_SEED_SOURCE, "state", None) or np.random
        seed = int(source.randint(0, 2**31 - 1))
    elif not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"A seed must be an int or None. Received: seed={seed!r}")
    return np.random.default_rng(int(seed))


def cast_to_floatx(x) -> np.ndarray:
    """Return `x` as an array of the default float type (no copy if it is one)."""
    return np.asarray(x, dtype=_FLOATX)


def clear_session(free_memory: bool = True) -> None:
    """Reset the state axone keeps between models: the automatic layer and model names.

    After it, the first `Dense` is named `dense` again and the first model
    `sequential` (or `functional`), as in Keras 3. Existing layers and models
    keep their names and weights. The default float type stays as set.

    Args:
        free_memory: also run Python's garbage collector. Defaults to True.
    """
    from axone.utils.naming import reset_names

    reset_names()
    if free_memory:
        import gc

        gc.collect()
