"""Stateful metrics with Keras 3's names and formulas.

A metric accumulates over batches: `update_state(y_true, y_pred,
sample_weight)`, then `result()`; `reset_state()` starts over (at each
epoch). The string `"accuracy"` is resolved per loss, as in Keras:
binary, categorical or sparse categorical accuracy.
"""

from __future__ import annotations

import numpy as np

from axone import backend, losses
from axone.utils.identifiers import lookup


class Metric:
    """Base class. Args: `name`, `dtype`."""

    default_name = "metric"

    def __init__(self, name: str | None = None, dtype=None):
        self.name = name or self.default_name
        self.dtype = dtype or backend.floatx()
        self.reset_state()

    def reset_state(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement reset_state().")

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement update_state().")

    def result(self) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def __call__(self, y_true, y_pred, sample_weight=None) -> float:
        """Result on this data alone (the state is not kept)."""
        metric = type(self).from_config(self.get_config())
        metric.update_state(y_true, y_pred, sample_weight)
        return metric.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class Mean(Metric):
    """Weighted mean of the values given to `update_state(values, sample_weight)`."""

    default_name = "mean"

    def reset_state(self):
        self.total = 0.0
        self.count = 0.0

    def update_state(self, values, sample_weight=None):
        values = np.asarray(values, dtype=np.float64)
        if sample_weight is None:
            self.total += float(values.sum())
            self.count += float(values.size)
        else:
            weight = np.broadcast_to(np.asarray(sample_weight, dtype=np.float64).reshape(
                np.shape(sample_weight) + (1,) * (values.ndim - np.ndim(sample_weight))), values.shape)
            self.total += float((values * weight).sum())
            self.count += float(weight.sum())

    def result(self):
        return self.total / self.count if self.count else 0.0


class MeanMetricWrapper(Mean):
    """Mean over samples of `fn(y_true, y_pred)` (one value per sample)."""

    def __init__(self, fn, name: str | None = None, dtype=None, **kwargs):
        self._fn = fn
        self._fn_kwargs = kwargs
        super().__init__(name=name or getattr(fn, "__name__", "metric"), dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        super().update_state(self._fn(y_true, y_pred, **self._fn_kwargs), sample_weight)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


# ----------------------------------------------------- per-sample functions
def binary_accuracy(y_true, y_pred, threshold: float = 0.5):
    """Mean over the last axis of `(y_pred > threshold) == y_true`."""
    y_true, y_pred = losses.loss.align(y_true, y_pred)
    return np.mean((y_pred > threshold) == (y_true > 0.5), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """1.0 where `argmax(y_pred) == argmax(y_true)` (one-hot targets)."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    return (np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where `argmax(y_pred) == y_true` (integer labels)."""
    y_pred = np.asarray(y_pred)
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return (np.argmax(y_pred, axis=-1) == y_true).astype(np.float64)


class BinaryAccuracy(MeanMetricWrapper):
    """Share of predictions on the right side of `threshold` (default 0.5)."""

    def __init__(self, name="binary_accuracy", dtype=None, threshold: float = 0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """Share of samples whose predicted class is the one-hot target's."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """Share of samples whose predicted class equals the integer label."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class Accuracy(MeanMetricWrapper):
    """Share of predictions exactly equal to the targets."""

    def __init__(self, name="accuracy", dtype=None):
        def accuracy(y_true, y_pred):
            y_true, y_pred = losses.loss.align(y_true, y_pred)
            return (y_true == y_pred).astype(np.float64)
        super().__init__(accuracy, name=name, dtype=dtype)


class MeanSquaredError(MeanMetricWrapper):
    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """`sqrt(weighted mean of (y_true - y_pred) ** 2)` over everything seen."""

    default_name = "root_mean_squared_error"

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = losses.loss.align(y_true, y_pred)
        super().update_state(np.square(y_pred - y_true), sample_weight)

    def result(self):
        return float(np.sqrt(super().result()))


_CLASSES = {
    "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy,
    "mean_squared_error": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "root_mean_squared_error": RootMeanSquaredError,
}
_ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error",
            "rmse": "root_mean_squared_error"}


def _resolve_accuracy(name: str, loss, y_true_shape, y_pred_shape) -> Metric:
    """Pick the accuracy Keras would for this loss and these shapes."""
    if isinstance(loss, losses.BinaryCrossentropy):
        return BinaryAccuracy(name=name)
    if isinstance(loss, losses.SparseCategoricalCrossentropy):
        return SparseCategoricalAccuracy(name=name)
    if isinstance(loss, losses.CategoricalCrossentropy):
        return CategoricalAccuracy(name=name)
    if y_pred_shape[-1] == 1:
        return BinaryAccuracy(name=name)
    if y_true_shape is not None and (len(y_true_shape) < len(y_pred_shape) or y_true_shape[-1] == 1):
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def get(identifier, loss=None, y_true_shape=None, y_pred_shape=None) -> Metric:
    """Resolve a metric name, function, class or instance.

    `"accuracy"`/`"acc"` depend on the loss and shapes (see `_resolve_accuracy`).
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier.lower() in ("accuracy", "acc"):
            return _resolve_accuracy(identifier, loss, y_true_shape, y_pred_shape or (None, 1))
        registry = {**_CLASSES, **{a: _CLASSES[t] for a, t in _ALIASES.items()}}
        return lookup(identifier, registry, "metric")(name=identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        return MeanMetricWrapper(identifier)
    raise TypeError(f"Could not interpret metric identifier: {identifier!r}")
