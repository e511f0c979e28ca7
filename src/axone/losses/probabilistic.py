"""Losses between distributions or counts: Kullback-Leibler divergence and Poisson."""

from __future__ import annotations

from axone.backend import xp

from axone import backend
from axone.losses.loss import LossFunctionWrapper, align


def kl_divergence(y_true, y_pred):
    """`sum(t * log(t / p), axis=-1)`, with `t` and `p` clipped to `[epsilon, 1]`."""
    y_true, y_pred = align(y_true, y_pred)
    eps = backend.epsilon()
    t = xp.clip(y_true, eps, 1.0)
    return xp.sum(t * xp.log(t / xp.clip(y_pred, eps, 1.0)), axis=-1)


def _kl_divergence_grad(y_true, y_pred):
    eps = backend.epsilon()
    t = xp.clip(y_true, eps, 1.0)
    p = xp.clip(y_pred, eps, 1.0)
    # The clip is flat outside [eps, 1]: no gradient there.
    return xp.where((y_pred >= eps) & (y_pred <= 1.0), -t / p, 0.0)


def poisson(y_true, y_pred):
    """`mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)`."""
    y_true, y_pred = align(y_true, y_pred)
    return xp.mean(y_pred - y_true * xp.log(y_pred + backend.epsilon()), axis=-1)


def _poisson_grad(y_true, y_pred):
    return (1.0 - y_true / (y_pred + backend.epsilon())) / y_pred.shape[-1]


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence `sum(y_true * log(y_true / y_pred))` over the last axis."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction, name, dtype, gradient_fn=_kl_divergence_grad)


class Poisson(LossFunctionWrapper):
    """Poisson loss `mean(y_pred - y_true * log(y_pred))` over the last axis, for counts."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction, name, dtype, gradient_fn=_poisson_grad)
