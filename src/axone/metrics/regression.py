"""Regression metrics: running means of error functions, and the root mean squared error."""

from __future__ import annotations

import numpy as np

from axone import losses
from axone.losses.loss import squeeze_or_expand_to_same_rank
from axone.metrics.reduction import Mean, MeanMetricWrapper


def cosine_similarity(y_true, y_pred, axis: int = -1):
    """`sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`: 1 for parallel vectors."""
    return -losses.cosine_similarity(y_true, y_pred, axis=axis)


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of `mean(square(y_true - y_pred), axis=-1)`."""

    def __init__(self, name: str = "mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name, dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of `mean(abs(y_true - y_pred), axis=-1)`."""

    def __init__(self, name: str = "mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name, dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Running mean of `100 * mean(abs((y_true - y_pred) / y_true), axis=-1)`."""

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype=None):
        super().__init__(losses.mean_absolute_percentage_error, name, dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Running mean of `mean(square(log(y_pred + 1) - log(y_true + 1)), axis=-1)`."""

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype=None):
        super().__init__(losses.mean_squared_logarithmic_error, name, dtype)


class LogCoshError(MeanMetricWrapper):
    """Running mean of `mean(log(cosh(y_pred - y_true)), axis=-1)`."""

    def __init__(self, name: str = "logcosh", dtype=None):
        super().__init__(losses.log_cosh, name, dtype)


class CosineSimilarity(MeanMetricWrapper):
    """Running mean of the cosine similarity along `axis` (default -1)."""

    def __init__(self, name: str = "cosine_similarity", dtype=None, axis: int = -1):
        super().__init__(cosine_similarity, name, dtype, axis=axis)
        self.axis = axis


class RootMeanSquaredError(Mean):
    """`sqrt(mean(square(y_pred - y_true)))` over every value seen (weighted)."""

    def __init__(self, name: str = "root_mean_squared_error", dtype=None):
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = squeeze_or_expand_to_same_rank(
            np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64))
        super().update_state(np.square(y_pred - y_true), sample_weight)

    def result(self) -> float:
        return float(np.sqrt(super().result()))


__all__ = ["MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
           "MeanSquaredLogarithmicError", "LogCoshError", "CosineSimilarity",
           "RootMeanSquaredError", "cosine_similarity"]
