"""Accuracy metrics: per-sample match functions and their running means."""

from __future__ import annotations

import numpy as np

from axone.losses.loss import as_float_array, squeeze_or_expand_to_same_rank
from axone.metrics.reduction import MeanMetricWrapper


def accuracy(y_true, y_pred):
    """1.0 where `y_pred == y_true` exactly, else 0.0."""
    y_pred = as_float_array(y_pred)
    y_true = np.asarray(y_true).astype(y_pred.dtype, copy=False)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return (y_true == y_pred).astype(np.float64)


def binary_accuracy(y_true, y_pred, threshold: float = 0.5):
    """1.0 where `(y_pred > threshold) == y_true` (targets 0 or 1), else 0.0."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(np.asarray(y_true), np.asarray(y_pred))
    predicted = (y_pred > threshold).astype(y_true.dtype)
    return (predicted == y_true).astype(np.float64)


def categorical_accuracy(y_true, y_pred):
    """1.0 where `argmax(y_pred) == argmax(y_true)` (one-hot targets), else 0.0."""
    labels = np.argmax(np.asarray(y_true), axis=-1)
    y_pred = np.asarray(y_pred)
    if labels.ndim == y_pred.ndim:
        labels = np.squeeze(labels, -1)
    return (np.argmax(y_pred, axis=-1) == labels).astype(np.float64)


def _squeeze_labels(y_true, y_pred):
    # Integer labels `(n, 1)` are compared as `(n,)`.
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        return np.squeeze(y_true, -1)
    return y_true


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where `argmax(y_pred) == y_true` (integer labels), else 0.0."""
    y_pred = np.asarray(y_pred)
    labels = _squeeze_labels(np.asarray(y_true), y_pred)
    return (np.argmax(y_pred, axis=-1) == labels).astype(np.float64)


def _in_top_k(labels, y_pred, k: int):
    """Whether each label's score is among the `k` largest (ties count in)."""
    scores = y_pred.reshape(-1, y_pred.shape[-1])
    labels = labels.reshape(-1).astype(np.int64)
    k = min(int(k), scores.shape[-1])
    kth_largest = -np.partition(-scores, k - 1, axis=-1)[:, k - 1]
    return np.take_along_axis(scores, labels[:, None], axis=-1)[:, 0] >= kth_largest


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    """1.0 where the one-hot target's class is among the `k` highest scores."""
    labels = np.argmax(np.asarray(y_true), axis=-1)
    y_pred = np.asarray(y_pred)
    return _in_top_k(labels, y_pred, k).astype(np.float64).reshape(labels.shape)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5, from_sorted_ids: bool = False):
    """1.0 where the integer label is among the `k` highest scores.

    With `from_sorted_ids=True`, `y_pred` holds class ids sorted by score,
    best first, and the label is looked for among the first `k`.
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if from_sorted_ids:
        labels = y_true.reshape(-1)
        ids = y_pred.reshape(-1, y_pred.shape[-1])[:, :k]
        matches = np.any(ids == labels[:, None], axis=-1)
    else:
        # Labels are cast to integers, as Keras does.
        matches = _in_top_k(y_true.astype(np.int64), y_pred, k)
    return matches.astype(np.float64).reshape(y_true.shape)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal targets exactly."""

    def __init__(self, name: str = "accuracy", dtype=None):
        super().__init__(accuracy, name, dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches 0/1 targets. `threshold` defaults to 0.5."""

    def __init__(self, name: str = "binary_accuracy", dtype=None, threshold: float = 0.5):
        super().__init__(binary_accuracy, name, dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class (argmax) is the one-hot target's."""

    def __init__(self, name: str = "categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name, dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class (argmax) equals the integer label."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name, dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is among the `k` (default 5) highest scores."""

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name, dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the `k` (default 5) highest scores."""

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids: bool = False):
        super().__init__(sparse_top_k_categorical_accuracy, name, dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids
