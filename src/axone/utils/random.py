"""Seeding for reproducible runs."""

from __future__ import annotations

import random

import numpy as np


def set_random_seed(seed: int) -> None:
    """Seed Python's `random` and NumPy's global state with `seed`.

    Every axone random draw without an explicit seed (weight initialisers,
    shuffling, dropout masks) is derived from NumPy's global state, so after
    this call a script produces bit-identical results run after run.
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise TypeError(f"seed must be an int. Received: seed={seed!r}")
    if not 0 <= int(seed) < 2**32:
        raise ValueError(f"seed must be between 0 and 2**32 - 1. Received: seed={seed}")
    random.seed(int(seed))
    np.random.seed(int(seed))
