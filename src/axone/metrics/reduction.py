"""`Sum`, `Mean` and `MeanMetricWrapper` (the mean of a per-sample function)."""

from __future__ import annotations

import numpy as np

from axone.losses.loss import squeeze_or_expand_to_same_rank
from axone.metrics.metric import Metric


def reduce_to_samplewise_values(values, sample_weight, reduce_fn):
    """One value per sample, weighted; and the weights, per sample (Keras's rule).

    Values with more axes than the weights are first reduced with
    `reduce_fn` over the extra axes; the weights then broadcast to them.
    """
    values = np.asarray(values, dtype=np.float64)
    if sample_weight is not None:
        weights = np.asarray(sample_weight, dtype=np.float64)
        values, weights = squeeze_or_expand_to_same_rank(values, weights)
        weight_ndim = weights.ndim
        if values.ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values.ndim)))
        weights = np.broadcast_to(weights, values.shape)
        values = values * weights
        if weight_ndim > 1:
            weights = reduce_fn(weights, axis=tuple(range(1, weight_ndim)))
        sample_weight = weights
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of the values given to `update_state(values, sample_weight)`."""

    def __init__(self, name: str = "sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self):
        self.total = 0.0

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, np.sum)
        self.total += float(np.sum(values))

    def result(self) -> float:
        return self.total


class Mean(Metric):
    """The (weighted) mean of the values given to `update_state(values, sample_weight)`.

    Each sample counts once (its values are averaged first), or `sample_weight`
    times; `result()` is 0.0 before any update.
    """

    def __init__(self, name: str = "mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.reset_state()

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        if isinstance(values, float) and isinstance(sample_weight, (int, float)):
            # One scalar with a scalar weight: the loss of a batch, weighted by its size.
            self.total += values * sample_weight
            self.count += sample_weight
            return
        if sample_weight is None and getattr(values, "ndim", None) == 1:
            # One value per sample, unweighted: the common case of every batch.
            self.total += float(values.sum(dtype=np.float64))
            self.count += values.shape[0]
            return
        values, weights = reduce_to_samplewise_values(values, sample_weight, np.mean)
        self.total += float(np.sum(values))
        if weights is not None:
            self.count += float(np.sum(weights))
        else:
            self.count += values.shape[0] if values.ndim else 1

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """The mean over samples of `fn(y_true, y_pred, **kwargs)` (one value per sample).

    Args:
        fn: the per-sample function, e.g. a loss function.
        name: defaults to `"mean_metric_wrapper"` (made unique).
        dtype: see `Metric`.
        **kwargs: passed on to `fn`.
    """

    def __init__(self, fn, name: str | None = None, dtype=None, **kwargs):
        self._fn = fn
        self._fn_kwargs = kwargs
        super().__init__(name, dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}
