"""Hinge losses, for targets -1/1 (or 0/1, converted) and for one-hot targets."""

from __future__ import annotations

from axone.backend import xp

from axone.losses.loss import LossFunctionWrapper, align


def _signed_labels(y_true):
    """0/1 labels become -1/1, as in Keras (only when every label of the batch is 0 or 1)."""
    if xp.all((y_true == 0) | (y_true == 1)):
        return 2.0 * y_true - 1.0
    return y_true


def hinge(y_true, y_pred):
    """`mean(maximum(1 - y_true * y_pred, 0), axis=-1)`, labels -1/1 (0/1 converted)."""
    y_true, y_pred = align(y_true, y_pred)
    return xp.mean(xp.maximum(1.0 - _signed_labels(y_true) * y_pred, 0.0), axis=-1)


def _hinge_grad(y_true, y_pred):
    t = _signed_labels(y_true)
    return xp.where(1.0 - t * y_pred > 0, -t, 0.0) / y_pred.shape[-1]


def squared_hinge(y_true, y_pred):
    """`mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`, labels -1/1 (0/1 converted)."""
    y_true, y_pred = align(y_true, y_pred)
    return xp.mean(xp.square(xp.maximum(1.0 - _signed_labels(y_true) * y_pred, 0.0)), axis=-1)


def _squared_hinge_grad(y_true, y_pred):
    t = _signed_labels(y_true)
    return -2.0 * t * xp.maximum(1.0 - t * y_pred, 0.0) / y_pred.shape[-1]


def categorical_hinge(y_true, y_pred):
    """`maximum(neg - pos + 1, 0)`: `pos = sum(t * p)`, `neg = max((1 - t) * p)` (one-hot `t`)."""
    y_true, y_pred = align(y_true, y_pred)
    pos = xp.sum(y_true * y_pred, axis=-1)
    neg = xp.max((1.0 - y_true) * y_pred, axis=-1)
    return xp.maximum(neg - pos + 1.0, 0.0)


def _categorical_hinge_grad(y_true, y_pred):
    scores = (1.0 - y_true) * y_pred
    top = scores == scores.max(axis=-1, keepdims=True)
    # The max passes its gradient to the largest score, split evenly between ties.
    d_neg = (1.0 - y_true) * top / top.sum(axis=-1, keepdims=True)
    active = (categorical_hinge(y_true, y_pred) > 0)[..., None]
    return xp.where(active, d_neg - y_true, 0.0)


class Hinge(LossFunctionWrapper):
    """Hinge loss `mean(maximum(1 - y_true * y_pred, 0))`, for -1/1 (or 0/1) targets."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction, name, dtype, gradient_fn=_hinge_grad)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss `mean(square(maximum(1 - y_true * y_pred, 0)))`."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction, name, dtype, gradient_fn=_squared_hinge_grad)


class CategoricalHinge(LossFunctionWrapper):
    """Categorical hinge loss `maximum(neg - pos + 1, 0)` for one-hot targets."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction, name, dtype,
                         gradient_fn=_categorical_hinge_grad)
