"""Regression losses: each a function, its gradient with respect to `y_pred`, and a class.

The functions reduce over the last axis (one value per sample) and take
targets and predictions of reconciled rank (see `axone.losses.loss.align`);
the `_grad` functions return the derivative of those per-sample values.
"""

from __future__ import annotations

from axone.backend import xp

from axone import backend
from axone.losses.loss import LossFunctionWrapper, Loss, align


def _abs_grad(x):
    # Subgradient 0 at x == 0, as the autodiff of |x| gives.
    return xp.sign(x)


# --------------------------------------------------------------- functions
def mean_squared_error(y_true, y_pred):
    """`mean(square(y_true - y_pred), axis=-1)`."""
    y_true, y_pred = align(y_true, y_pred)
    return xp.mean(xp.square(y_true - y_pred), axis=-1)


def _mean_squared_error_grad(y_true, y_pred):
    return (2.0 / y_pred.shape[-1]) * (y_pred - y_true)


def mean_absolute_error(y_true, y_pred):
    """`mean(abs(y_true - y_pred), axis=-1)`."""
    y_true, y_pred = align(y_true, y_pred)
    return xp.mean(xp.abs(y_true - y_pred), axis=-1)


def _mean_absolute_error_grad(y_true, y_pred):
    return _abs_grad(y_pred - y_true) / y_pred.shape[-1]


def mean_absolute_percentage_error(y_true, y_pred):
    """`100 * mean(abs((y_true - y_pred) / maximum(abs(y_true), epsilon)), axis=-1)`."""
    y_true, y_pred = align(y_true, y_pred)
    return 100.0 * xp.mean(xp.abs((y_true - y_pred) / _safe_abs(y_true)), axis=-1)


def _safe_abs(y_true):
    return xp.maximum(xp.abs(y_true), backend.epsilon())


def _mean_absolute_percentage_error_grad(y_true, y_pred):
    return (100.0 / y_pred.shape[-1]) * _abs_grad(y_pred - y_true) / _safe_abs(y_true)


def mean_squared_logarithmic_error(y_true, y_pred):
    """`mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)`."""
    y_true, y_pred = align(y_true, y_pred)
    return xp.mean(xp.square(_log1p_clipped(y_pred) - _log1p_clipped(y_true)), axis=-1)


def _log1p_clipped(x):
    return xp.log(xp.maximum(x, backend.epsilon()) + 1.0)


def _mean_squared_logarithmic_error_grad(y_true, y_pred):
    eps = backend.epsilon()
    diff = _log1p_clipped(y_pred) - _log1p_clipped(y_true)
    # max(y_pred, eps) is flat below eps: no gradient there.
    live = y_pred > eps
    return xp.where(live, 2.0 * diff / (xp.maximum(y_pred, eps) + 1.0), 0.0) / y_pred.shape[-1]


def huber(y_true, y_pred, delta: float = 1.0):
    """`mean(0.5 * e**2 if |e| <= delta else delta * |e| - 0.5 * delta**2, axis=-1)`, `e = y_pred - y_true`."""
    y_true, y_pred = align(y_true, y_pred)
    error = y_pred - y_true
    abs_error = xp.abs(error)
    quadratic = 0.5 * xp.square(error)
    linear = delta * abs_error - 0.5 * delta**2
    return xp.mean(xp.where(abs_error <= delta, quadratic, linear), axis=-1)


def _huber_grad(y_true, y_pred, delta: float = 1.0):
    return xp.clip(y_pred - y_true, -delta, delta) / y_pred.shape[-1]


def log_cosh(y_true, y_pred):
    """`mean(log(cosh(y_pred - y_true)), axis=-1)`, computed without overflow."""
    y_true, y_pred = align(y_true, y_pred)
    x = y_pred - y_true
    # log(cosh(x)) = x + softplus(-2x) - log(2), finite for any x.
    return xp.mean(x + xp.logaddexp(0.0, -2.0 * x) - xp.log(2.0), axis=-1)


def _log_cosh_grad(y_true, y_pred):
    return xp.tanh(y_pred - y_true) / y_pred.shape[-1]


def _l2_normalize(x, axis):
    """`x / max(norm(x), epsilon)` along `axis`, and that denominator."""
    norm = xp.sqrt(xp.sum(xp.square(x), axis=axis, keepdims=True))
    return x / xp.maximum(norm, backend.epsilon()), norm


def cosine_similarity(y_true, y_pred, axis: int = -1):
    """`-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)`: -1 for parallel vectors."""
    y_true, y_pred = align(y_true, y_pred)
    return -xp.sum(_l2_normalize(y_true, axis)[0] * _l2_normalize(y_pred, axis)[0], axis=axis)


def _cosine_similarity_grad(y_true, y_pred, axis: int = -1):
    t, _ = _l2_normalize(y_true, axis)
    u, norm = _l2_normalize(y_pred, axis)
    eps = backend.epsilon()
    # d(u)/d(y_pred) projects out u and divides by the norm; below eps the
    # normaliser is the constant eps.
    projected = (t - xp.sum(t * u, axis=axis, keepdims=True) * u) / xp.maximum(norm, eps)
    return -xp.where(norm > eps, projected, t / eps)


# ----------------------------------------------------------------- classes
class MeanSquaredError(LossFunctionWrapper):
    """`mean(square(y_true - y_pred))` over the last axis, then reduced (see `Loss`)."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction, name, dtype,
                         gradient_fn=_mean_squared_error_grad)

    def value_and_gradient(self, y_true, y_pred, sample_weight=None, fused=False, scale=1.0,
                           with_gradient=True):
        factor = self._row_factors(y_pred, sample_weight)
        if factor is None or y_true.shape != y_pred.shape:
            return super().value_and_gradient(y_true, y_pred, sample_weight, fused, scale, with_gradient)
        error = y_pred - y_true
        per_sample = xp.mean(xp.square(error), axis=-1)
        value = float(xp.sum(per_sample * factor[:, 0]) if xp.ndim(factor) else xp.sum(per_sample) * factor)
        if not with_gradient:
            return value, None
        error *= factor * (2.0 * scale / y_pred.shape[-1])
        return value, error


class MeanAbsoluteError(LossFunctionWrapper):
    """`mean(abs(y_true - y_pred))` over the last axis, then reduced."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction, name, dtype,
                         gradient_fn=_mean_absolute_error_grad)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """`100 * mean(abs((y_true - y_pred) / y_true))`, with `|y_true|` at least `epsilon`."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error",
                 dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction, name, dtype,
                         gradient_fn=_mean_absolute_percentage_error_grad)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """`mean(square(log(y_pred + 1) - log(y_true + 1)))`, values below `epsilon` raised to it."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error",
                 dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction, name, dtype,
                         gradient_fn=_mean_squared_logarithmic_error_grad)


class Huber(LossFunctionWrapper):
    """Huber loss: quadratic for `|error| <= delta`, linear beyond.

    Args:
        delta: where the loss turns from quadratic to linear. Defaults to `1.0`.
        reduction, name, dtype: see `Loss`. The name defaults to `"huber_loss"`.
    """

    def __init__(self, delta: float = 1.0, reduction="sum_over_batch_size", name="huber_loss",
                 dtype=None):
        super().__init__(huber, reduction, name, dtype, gradient_fn=_huber_grad, delta=float(delta))
        self.delta = float(delta)


class LogCosh(LossFunctionWrapper):
    """`mean(log(cosh(y_pred - y_true)))`: like MSE / 2 for small errors, MAE for large ones."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction, name, dtype, gradient_fn=_log_cosh_grad)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along `axis` (default -1): -1 is best, 0 orthogonal."""

    def __init__(self, axis: int = -1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        super().__init__(cosine_similarity, reduction, name, dtype,
                         gradient_fn=_cosine_similarity_grad, axis=axis)
        self.axis = axis


__all__ = [
    "Loss", "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "Huber", "LogCosh", "CosineSimilarity",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "huber", "log_cosh", "cosine_similarity",
]
