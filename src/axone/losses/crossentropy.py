"""Crossentropy losses, with their gradients and the fused softmax/sigmoid gradients.

Probabilities are clipped to `[epsilon, 1 - epsilon]` before the log, as
Keras does; `gradient` is exact there too: a clipped probability is
constant, so it passes no gradient.

`logits_gradient` is what training uses when the output layer ends with the
matching activation (sigmoid or softmax): the gradient with respect to that
activation's input z of the loss taken from the logits, as Keras computes it
on TensorFlow: `p * sum(t) - t` (softmax), `(p - t) / n` (sigmoid). Unlike
the chain rule through the clipped loss, it does not vanish where a
probability saturates, so a confidently wrong prediction still learns.
"""

from __future__ import annotations

import warnings

from axone.backend import xp

from axone import backend
from axone.losses.loss import LossFunctionWrapper, align, as_float_array


def _clip_bounds():
    eps = backend.epsilon()
    return eps, 1.0 - eps


def _live(p):
    """Where `clip(p, eps, 1 - eps)` passes gradient (bounds included, as autodiff does)."""
    low, high = _clip_bounds()
    return (p >= low) & (p <= high)


def _sigmoid(x):
    # Two branches keep exp() from overflowing for large |x|.
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _log_softmax(logits, axis):
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))


def _smooth_binary(y_true, label_smoothing):
    if label_smoothing:
        return y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return y_true


def _smooth_categorical(y_true, label_smoothing, axis):
    if label_smoothing:
        return y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[axis]
    return y_true


def _check_same_shape(name, y_true, y_pred):
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{name}: y_true and y_pred must have the same shape. Received: "
            f"y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        )


# ------------------------------------------------------ binary crossentropy
def binary_crossentropy(y_true, y_pred, from_logits: bool = False,
                        label_smoothing: float = 0.0, axis: int = -1):
    """`-mean(t * log(p) + (1 - t) * log(1 - p), axis)`, p clipped to `[eps, 1 - eps]`.

    With `from_logits=True`, `p = sigmoid(y_pred)` in a stable closed form.
    `label_smoothing` moves the targets toward 0.5: `t * (1 - s) + 0.5 * s`.
    """
    y_true, y_pred = align(y_true, y_pred)
    _check_same_shape("binary_crossentropy", y_true, y_pred)
    t = _smooth_binary(y_true, label_smoothing)
    if from_logits:
        # -[t log s(x) + (1 - t) log(1 - s(x))] = max(x, 0) - x t + log(1 + exp(-|x|))
        values = xp.maximum(y_pred, 0) - y_pred * t + xp.log1p(xp.exp(-xp.abs(y_pred)))
    else:
        low, high = _clip_bounds()
        p = xp.clip(y_pred, low, high)
        values = -(t * xp.log(p) + (1.0 - t) * xp.log(1.0 - p))
    return xp.mean(values, axis=axis)


def _binary_crossentropy_grad(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    t = _smooth_binary(y_true, label_smoothing)
    n = y_pred.shape[axis]
    if from_logits:
        return (_sigmoid(y_pred) - t) / n
    low, high = _clip_bounds()
    p = xp.clip(y_pred, low, high)
    return xp.where(_live(y_pred), (p - t) / (p * (1.0 - p)), 0.0) / n


def _binary_logits_grad(y_true, y_prob, label_smoothing=0.0, axis=-1):
    # d/dz of the loss taken from the logits z = sigmoid^-1(p): (p - t) / n.
    t = _smooth_binary(y_true, label_smoothing)
    return (y_prob - t) / y_prob.shape[axis]


# ------------------------------------------------- categorical crossentropy
def categorical_crossentropy(y_true, y_pred, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: int = -1):
    """`-sum(t * log(p), axis)` for one-hot (or soft) targets `t`.

    `p` is `y_pred` divided by its sum and clipped to `[eps, 1 - eps]`, or
    `softmax(y_pred)` with `from_logits=True`. `label_smoothing` gives
    targets `t * (1 - s) + s / n_classes`.
    """
    y_true, y_pred = align(y_true, y_pred)
    _check_same_shape("categorical_crossentropy", y_true, y_pred)
    if y_pred.shape[axis] == 1:
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, "
            f"num_classes) with num_classes > 1. Received: y_pred.shape={y_pred.shape}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning, stacklevel=2,
        )
    t = _smooth_categorical(y_true, label_smoothing, axis)
    if from_logits:
        return -xp.sum(t * _log_softmax(y_pred, axis), axis=axis)
    low, high = _clip_bounds()
    q = xp.clip(y_pred / y_pred.sum(axis=axis, keepdims=True), low, high)
    return -xp.sum(t * xp.log(q), axis=axis)


def _categorical_crossentropy_grad(y_true, y_pred, from_logits=False, label_smoothing=0.0,
                                   axis=-1):
    t = _smooth_categorical(y_true, label_smoothing, axis)
    if from_logits:
        p = xp.exp(_log_softmax(y_pred, axis))
        return p * t.sum(axis=axis, keepdims=True) - t
    # L = -sum_j t_j log(y_j / s), s = sum(y): dL/dy_k = -t_k / y_k + sum_j t_j / s,
    # each term j kept only where q_j = y_j / s is not clipped.
    s = y_pred.sum(axis=axis, keepdims=True)
    t_live = xp.where(_live(y_pred / s), t, 0.0)
    safe = xp.where(t_live != 0, y_pred, 1.0)
    return -t_live / safe + t_live.sum(axis=axis, keepdims=True) / s


def _softmax_logits_grad(t, y_prob, axis):
    # d/dz of -sum t log softmax(z), the loss taken from the logits: p * sum(t) - t.
    return y_prob * t.sum(axis=axis, keepdims=True) - t


# ------------------------------------------ sparse categorical crossentropy
def check_sparse_labels(labels, n_classes: int) -> None:
    """Raise a ValueError if any label is outside `[0, n_classes)`."""
    labels = xp.asarray(labels)
    if labels.size == 0:
        return
    low, high = labels.min(), labels.max()
    if low < 0 or high >= n_classes:
        bad = low if low < 0 else high
        raise ValueError(
            f"Received a label value of {bad} which is outside the valid range of "
            f"[0, {n_classes}). The predictions have {n_classes} classes: check the "
            "labels, or the number of units of the output layer."
        )


def _integer_labels(labels: xp.ndarray) -> xp.ndarray:
    """`labels` as int64, raising a ValueError if some are not whole numbers."""
    if not xp.issubdtype(labels.dtype, xp.integer):
        rounded = xp.rint(labels)
        if not xp.array_equal(rounded, labels):
            bad = labels[rounded != labels].flat[0]
            raise ValueError(
                "sparse_categorical_crossentropy expects integer class labels. Received a "
                f"label value of {bad}. For one-hot or soft targets use "
                "categorical_crossentropy."
            )
        labels = rounded
    return labels.astype(xp.int64)


def sparse_labels(y_true, y_pred_shape: tuple, axis: int = -1) -> xp.ndarray:
    """Checked integer labels for predictions of `y_pred_shape` (class axis `axis`).

    `y_true` has the shape of the predictions without the class axis, or
    with size 1 there.
    """
    labels = xp.asarray(y_true)
    if labels.ndim == len(y_pred_shape) and labels.shape[axis] == 1:
        labels = xp.squeeze(labels, axis)
    expected = tuple(xp.delete(xp.array(y_pred_shape), axis % len(y_pred_shape)))
    if labels.shape != expected:
        raise ValueError(
            "sparse_categorical_crossentropy: y_true must have the shape of y_pred without its "
            f"class axis. Received: y_true.shape={xp.shape(y_true)}, "
            f"y_pred.shape={tuple(y_pred_shape)}. For one-hot targets use "
            "categorical_crossentropy."
        )
    labels = _integer_labels(labels)
    check_sparse_labels(labels, y_pred_shape[axis])
    return labels


_ROWS: dict[int, xp.ndarray] = {}


def _row_indices(n: int) -> xp.ndarray:
    """`arange(n)`, cached: the training step indexes every batch's rows with it."""
    rows = _ROWS.get(n)
    if rows is None:
        rows = _ROWS[n] = xp.arange(n)
    return rows


def _one_hot(labels, n_classes, dtype):
    return (labels[..., None] == xp.arange(n_classes)).astype(dtype)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False, axis: int = -1):
    """`-log(p[label])` for integer labels; `p` as in `categorical_crossentropy`."""
    y_pred = as_float_array(y_pred)
    labels = sparse_labels(y_true, y_pred.shape, axis)
    y_pred = xp.moveaxis(y_pred, axis, -1)
    if from_logits:
        log_p = _log_softmax(y_pred, -1)
    else:
        low, high = _clip_bounds()
        log_p = xp.log(xp.clip(y_pred / y_pred.sum(axis=-1, keepdims=True), low, high))
    return -xp.take_along_axis(log_p, labels[..., None], axis=-1)[..., 0]


def _sparse_categorical_crossentropy_grad(y_true, y_pred, from_logits=False, axis=-1):
    # The categorical gradient with one-hot targets, on the class axis moved last.
    labels = sparse_labels(y_true, y_pred.shape, axis)
    moved = xp.moveaxis(y_pred, axis, -1)
    t = _one_hot(labels, moved.shape[-1], y_pred.dtype)
    return xp.moveaxis(_categorical_crossentropy_grad(t, moved, from_logits, 0.0, -1), -1, axis)


# ----------------------------------------------------------------- classes
class BinaryCrossentropy(LossFunctionWrapper):
    """Crossentropy for 0/1 targets, one sigmoid probability (or logit) per target.

    Args:
        from_logits: whether `y_pred` holds logits. Defaults to `False`
            (probabilities).
        label_smoothing: in `[0, 1]`; targets become `t * (1 - s) + 0.5 * s`.
            Defaults to `0.0`.
        axis: the axis the mean is taken over. Defaults to `-1`.
        reduction, name, dtype: see `Loss`.

    With a sigmoid output and `from_logits=False`, training takes the
    gradient with respect to the sigmoid's input directly: `(p - t) / n`.
    """

    fused_activation = "sigmoid"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, reduction, name, dtype,
                         gradient_fn=_binary_crossentropy_grad, from_logits=bool(from_logits),
                         label_smoothing=float(label_smoothing), axis=axis)
        self.from_logits = bool(from_logits)
        self.label_smoothing = float(label_smoothing)
        self.axis = axis

    def logits_gradient(self, y_true, y_prob):
        shape = xp.shape(y_prob)
        y_true, y_prob = align(y_true, y_prob)
        return _binary_logits_grad(y_true, y_prob, self.label_smoothing, self.axis).reshape(shape)

    def value_and_gradient(self, y_true, y_pred, sample_weight=None, fused=False, scale=1.0,
                           with_gradient=True):
        factor = self._row_factors(y_pred, sample_weight)
        if (factor is None or not fused or self.from_logits or self.label_smoothing
                or self.axis != -1 or y_true.shape != y_pred.shape):
            return super().value_and_gradient(y_true, y_pred, sample_weight, fused, scale, with_gradient)
        low, high = _clip_bounds()
        p = xp.clip(y_pred, low, high)
        per_sample = -xp.mean(y_true * xp.log(p) + (1.0 - y_true) * xp.log(1.0 - p), axis=-1)
        value = float(xp.sum(per_sample * factor[:, 0]) if xp.ndim(factor) else xp.sum(per_sample) * factor)
        if not with_gradient:
            return value, None
        return value, (y_pred - y_true) * (factor * scale / y_pred.shape[-1])

    def check_targets(self, y_true, output_shape):
        super().check_targets(y_true, output_shape)
        y_true = xp.asarray(y_true)
        if y_true.size and (y_true.min() < 0 or y_true.max() > 1):
            bad = y_true.min() if y_true.min() < 0 else y_true.max()
            raise ValueError(
                f"binary_crossentropy expects targets in [0, 1]. Received a target value of "
                f"{bad}. For integer class labels use loss='sparse_categorical_crossentropy' "
                "with one output unit per class."
            )


class CategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy for one-hot targets.

    Args:
        from_logits: whether `y_pred` holds logits. Defaults to `False`.
        label_smoothing: in `[0, 1]`; targets become `t * (1 - s) + s / n_classes`.
            Defaults to `0.0`.
        axis: the class axis. Defaults to `-1`.
        reduction, name, dtype: see `Loss`.

    With a softmax output and `from_logits=False`, training takes the
    gradient with respect to the softmax's input directly: `p * sum(t) - t`.
    """

    fused_activation = "softmax"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, reduction, name, dtype,
                         gradient_fn=_categorical_crossentropy_grad,
                         from_logits=bool(from_logits), label_smoothing=float(label_smoothing),
                         axis=axis)
        self.from_logits = bool(from_logits)
        self.label_smoothing = float(label_smoothing)
        self.axis = axis

    def logits_gradient(self, y_true, y_prob):
        shape = xp.shape(y_prob)
        y_true, y_prob = align(y_true, y_prob)
        t = _smooth_categorical(y_true, self.label_smoothing, self.axis)
        return _softmax_logits_grad(t, y_prob, self.axis).reshape(shape)

    def value_and_gradient(self, y_true, y_pred, sample_weight=None, fused=False, scale=1.0,
                           with_gradient=True):
        factor = self._row_factors(y_pred, sample_weight)
        if (factor is None or not fused or self.from_logits or self.label_smoothing
                or self.axis != -1 or y_true.shape != y_pred.shape):
            return super().value_and_gradient(y_true, y_pred, sample_weight, fused, scale, with_gradient)
        low, high = _clip_bounds()
        per_sample = -xp.sum(y_true * xp.log(xp.clip(y_pred, low, high)), axis=-1)
        value = float(xp.sum(per_sample * factor[:, 0]) if xp.ndim(factor) else xp.sum(per_sample) * factor)
        if not with_gradient:
            return value, None
        return value, (y_pred * y_true.sum(axis=-1, keepdims=True) - y_true) * (factor * scale)

    def check_targets(self, y_true, output_shape):
        shape = xp.shape(y_true)
        n_classes = output_shape[-1]
        looks_sparse = len(shape) == len(output_shape) - 1 or (
            len(shape) == len(output_shape) and shape[-1] == 1 and n_classes != 1)
        if looks_sparse:
            raise ValueError(
                f"categorical_crossentropy expects one-hot targets of shape (n, {n_classes}), "
                f"but received targets of shape {shape}, which look like integer class "
                "labels. Use loss='sparse_categorical_crossentropy', or one-hot encode y with "
                f"axone.utils.to_categorical(y, {n_classes})."
            )
        super().check_targets(y_true, output_shape)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Crossentropy for integer class labels.

    Args:
        from_logits: whether `y_pred` holds logits. Defaults to `False`.
        ignore_class: not supported (must be `None`); give the samples to
            ignore a `sample_weight` of 0 instead.
        axis: the class axis. Defaults to `-1`.
        reduction, name, dtype: see `Loss`.

    With a softmax output and `from_logits=False`, training takes the
    gradient with respect to the softmax's input directly: `p - onehot(label)`.
    """

    fused_activation = "softmax"

    def __init__(self, from_logits: bool = False, ignore_class=None,
                 reduction="sum_over_batch_size", axis: int = -1,
                 name="sparse_categorical_crossentropy", dtype=None):
        if ignore_class is not None:
            raise ValueError(
                "ignore_class is not supported. Received: ignore_class="
                f"{ignore_class!r}. Give the samples to ignore a sample_weight of 0 instead."
            )
        super().__init__(sparse_categorical_crossentropy, reduction, name, dtype,
                         gradient_fn=_sparse_categorical_crossentropy_grad, from_logits=bool(from_logits),
                         axis=axis)
        self.from_logits = bool(from_logits)
        self.ignore_class = None
        self.axis = axis

    def logits_gradient(self, y_true, y_prob):
        shape = xp.shape(y_prob)
        y_true, y_prob = align(y_true, y_prob)
        labels = sparse_labels(y_true, y_prob.shape, self.axis)
        moved = xp.moveaxis(y_prob, self.axis, -1)
        t = _one_hot(labels, moved.shape[-1], y_prob.dtype)
        return xp.moveaxis(_softmax_logits_grad(t, moved, -1), -1, self.axis).reshape(shape)

    def prepare_targets(self, y_true, output_shape):
        """Checked int64 labels, with the shape of the outputs without the class axis."""
        self.check_targets(y_true, output_shape)
        labels = xp.asarray(y_true)
        if labels.ndim == len(output_shape):
            labels = labels[..., 0]
        return _integer_labels(labels)

    def value_and_gradient(self, y_true, y_pred, sample_weight=None, fused=False, scale=1.0,
                           with_gradient=True):
        factor = self._row_factors(y_pred, sample_weight)
        if (factor is None or not fused or self.from_logits or self.axis != -1
                or y_true.ndim != 1):
            return super().value_and_gradient(y_true, y_pred, sample_weight, fused, scale, with_gradient)
        # The training step's shortcut: softmax rows sum to 1, so Keras's
        # renormalisation is a no-op; the gradient is p - onehot(label).
        rows = _row_indices(y_pred.shape[0])
        low, high = _clip_bounds()
        log_picked = xp.log(xp.minimum(xp.maximum(y_pred[rows, y_true], low), high))
        if xp.ndim(factor):  # per-sample weights: a column of factors
            value = -float(log_picked @ factor[:, 0])
            if not with_gradient:
                return value, None
            factor = factor * scale
            grad = y_pred * factor
            grad[rows, y_true] -= factor[:, 0]
            return value, grad
        value = -float(log_picked.sum()) * factor
        if not with_gradient:
            return value, None
        factor *= scale
        grad = y_pred * y_pred.dtype.type(factor)
        grad[rows, y_true] -= factor
        return value, grad

    def check_targets(self, y_true, output_shape):
        shape = xp.shape(y_true)
        n_classes = output_shape[-1]
        if len(shape) == len(output_shape) and shape[-1] == n_classes and n_classes > 1:
            raise ValueError(
                f"sparse_categorical_crossentropy expects integer class labels of shape (n,), "
                f"but received targets of shape {shape}, which look one-hot encoded. Use "
                "loss='categorical_crossentropy', or pass y.argmax(axis=-1)."
            )
        if not (len(shape) == len(output_shape) - 1
                or (len(shape) == len(output_shape) and shape[-1] == 1)):
            raise ValueError(
                "sparse_categorical_crossentropy expects integer class labels with the shape "
                f"of the model output {tuple(output_shape)} without its class axis. Received "
                f"targets of shape {shape}."
            )
        labels = _integer_labels(xp.asarray(y_true))
        if n_classes is not None:
            check_sparse_labels(labels, n_classes)

    def get_config(self):
        return {**super().get_config(), "ignore_class": None}


__all__ = [
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "check_sparse_labels",
]
