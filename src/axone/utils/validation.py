"""Checks of estimator inputs shared by the scikit-learn style estimators."""

from __future__ import annotations

import numbers

import numpy as np


def check_sample_weight(sample_weight, n_samples: int) -> np.ndarray:
    """`sample_weight` as a float64 array of shape (n_samples,); None gives ones.

    A number applies to every sample. Raises a ValueError for a wrong shape,
    a weight that is negative or not finite, or weights that are all zero.
    """
    if sample_weight is None:
        return np.ones(n_samples)
    if isinstance(sample_weight, numbers.Number):
        weights = np.full(n_samples, float(sample_weight))
    else:
        weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.shape != (n_samples,):
        raise ValueError(f"sample_weight must have shape ({n_samples},), one weight per sample. "
                         f"Received: sample_weight of shape {weights.shape}.")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("sample_weight must hold finite, non-negative numbers.")
    if not weights.any():
        raise ValueError("sample_weight is zero for every sample: nothing to learn from. "
                         "At least one weight must be positive.")
    return weights
