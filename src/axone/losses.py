"""Loss functions with Keras 3's names, formulas and reduction.

Each loss is a plain function `fn(y_true, y_pred) -> per-sample values`
(the mean or sum over the last axis) plus a class that reduces them:
`"sum_over_batch_size"` (Keras's default) is `sum(w_i * loss_i) / n_values`.
For training, every class also gives `gradient(y_true, y_pred)`: the
derivative of each per-sample value with respect to `y_pred`.
"""

from __future__ import annotations

import numpy as np

from axone import backend
from axone.utils.identifiers import lookup

_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def _as_pair(y_true, y_pred):
    """Arrays of matching rank: `(n,)` labels against `(n, 1)` predictions become `(n, 1)`."""
    y_pred = np.asarray(y_pred)
    if not np.issubdtype(y_pred.dtype, np.floating):
        y_pred = y_pred.astype(backend.floatx())
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        y_true = y_true.reshape(y_pred.shape)
    elif y_pred.ndim == y_true.ndim - 1 and y_true.shape[-1] == 1:
        y_pred = y_pred.reshape(y_true.shape)
    return y_true.astype(y_pred.dtype, copy=False), y_pred


def _check_same_shape(name: str, y_true, y_pred) -> None:
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{name}: y_true and y_pred must have the same shape; received "
            f"y_true {y_true.shape} and y_pred {y_pred.shape}."
        )


def _eps(dtype) -> float:
    return backend.epsilon()


# ------------------------------------------------------------- loss functions
def mean_squared_error(y_true, y_pred):
    """`mean((y_true - y_pred) ** 2, axis=-1)`."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    return np.mean(np.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """`mean(|y_true - y_pred|, axis=-1)`."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    return np.mean(np.abs(y_pred - y_true), axis=-1)


def huber(y_true, y_pred, delta: float = 1.0):
    """Quadratic for `|error| <= delta`, linear beyond: mean over the last axis."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    error = y_pred - y_true
    abs_error = np.abs(error)
    return np.mean(np.where(abs_error <= delta, 0.5 * error**2,
                            delta * abs_error - 0.5 * delta**2), axis=-1)


def binary_crossentropy(y_true, y_pred, from_logits: bool = False, label_smoothing: float = 0.0):
    """`-mean(t log p + (1 - t) log(1 - p), axis=-1)`, with p clipped to `[eps, 1 - eps]`."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        # Stable form of -[t log s(x) + (1-t) log(1-s(x))].
        values = np.maximum(y_pred, 0) - y_pred * y_true + np.log1p(np.exp(-np.abs(y_pred)))
    else:
        eps = _eps(y_pred.dtype)
        p = np.clip(y_pred, eps, 1.0 - eps)
        values = -(y_true * np.log(p) + (1.0 - y_true) * np.log(1.0 - p))
    return np.mean(values, axis=-1)


def _log_softmax(logits, axis=-1):
    shifted = logits - logits.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: int = -1):
    """`-sum(t * log p, axis)` for one-hot `t`; p is renormalised and clipped as in Keras."""
    y_true, y_pred = _as_pair(y_true, y_pred)
    _check_same_shape("categorical_crossentropy", y_true, y_pred)
    if label_smoothing:
        n_classes = y_true.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / n_classes
    if from_logits:
        return -np.sum(y_true * _log_softmax(y_pred, axis), axis=axis)
    eps = _eps(y_pred.dtype)
    p = y_pred / y_pred.sum(axis=axis, keepdims=True)
    p = np.clip(p, eps, 1.0 - eps)
    return -np.sum(y_true * np.log(p), axis=axis)


def _sparse_labels(y_true, y_pred):
    labels = np.asarray(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if not np.issubdtype(labels.dtype, np.integer):
        rounded = np.rint(labels)
        if not np.array_equal(rounded, labels):
            raise ValueError(
                "sparse_categorical_crossentropy expects integer class labels; "
                "received non-integer values. For one-hot targets use "
                "categorical_crossentropy."
            )
        labels = rounded.astype(np.int64)
    return labels


def check_sparse_labels(labels, n_classes: int) -> None:
    """Raise a ValueError if any label is outside `[0, n_classes)`."""
    labels = np.asarray(labels)
    if labels.size == 0:
        return
    low, high = labels.min(), labels.max()
    if low < 0 or high >= n_classes:
        bad = low if low < 0 else high
        raise ValueError(
            f"Received a label value of {bad} which is outside the valid range of "
            f"[0, {n_classes}): the model's output has {n_classes} classes. "
            "Check the labels, or the number of units of the output layer."
        )


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False, axis: int = -1):
    """`-log p[label]` for integer labels; p clipped to `[eps, 1 - eps]` as in Keras."""
    y_pred = np.asarray(y_pred)
    labels = _sparse_labels(y_true, y_pred)
    check_sparse_labels(labels, y_pred.shape[axis])
    if from_logits:
        log_p = _log_softmax(y_pred, axis)
    else:
        eps = _eps(y_pred.dtype)
        log_p = np.log(np.clip(y_pred / y_pred.sum(axis=axis, keepdims=True), eps, 1.0 - eps))
    return -np.take_along_axis(log_p, labels[..., None], axis=-1)[..., 0]


# ------------------------------------------------------------ loss classes
class Loss:
    """Base class: reduces `call(y_true, y_pred)` and knows its gradient.

    Args:
        name: defaults to the snake-case name (`"mean_squared_error"`).
        reduction: `"sum_over_batch_size"` (default), `"sum"`,
            `"mean_with_sample_weight"` or `"none"`.
    """

    #: Output activation whose gradient fuses with this loss (see `logits_gradient`).
    fused_activation: str | None = None

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size",
                 dtype=None):
        if reduction not in _REDUCTIONS:
            raise ValueError(
                f"Invalid reduction: {reduction!r}. Expected one of {_REDUCTIONS[:-1]}."
            )
        self.name = name or self.default_name
        self.reduction = "sum_over_batch_size" if reduction == "mean" else reduction
        self.dtype = dtype

    default_name = "loss"

    def call(self, y_true, y_pred) -> np.ndarray:
        """Per-sample loss values."""
        raise NotImplementedError(f"{type(self).__name__} must implement call().")

    def gradient(self, y_true, y_pred) -> np.ndarray:
        """d(per-sample value) / d(y_pred), same shape as `y_pred`."""
        raise NotImplementedError(f"{type(self).__name__} must implement gradient().")

    def logits_gradient(self, y_true, y_prob) -> np.ndarray:
        """Gradient with respect to the logits of `fused_activation`, from its output."""
        raise NotImplementedError(f"{type(self).__name__} has no fused gradient.")

    def check_targets(self, y_true, output_shape) -> None:
        """Raise a clear ValueError if `y_true` cannot be compared with outputs of `output_shape`."""
        y_true = np.asarray(y_true)
        expected = tuple(output_shape[1:])
        received = tuple(y_true.shape[1:])
        if received != expected and not (received == () and expected == (1,)) and not (
            received == (1,) and expected == ()
        ):
            raise ValueError(
                f"Loss {self.name!r}: targets of shape {y_true.shape} do not match the model "
                f"output shape {tuple(output_shape)}."
            )

    def reduce(self, values: np.ndarray, sample_weight=None):
        """Apply `sample_weight` and the reduction to per-sample `values`."""
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=values.dtype)
            sample_weight = sample_weight.reshape(sample_weight.shape + (1,) * (values.ndim - sample_weight.ndim))
            values = values * sample_weight
        if self.reduction == "none" or self.reduction is None:
            return values
        total = values.sum()
        if self.reduction == "sum":
            return total
        if self.reduction == "mean_with_sample_weight" and sample_weight is not None:
            denominator = np.broadcast_to(sample_weight, values.shape).sum()
        else:
            denominator = values.size
        return total / denominator if denominator else total * 0.0

    def reduction_scale(self, values_shape, sample_weight=None) -> np.ndarray | float:
        """The factor each per-sample gradient is multiplied by under this reduction."""
        n = int(np.prod(values_shape))
        if self.reduction == "sum":
            scale = 1.0
        elif self.reduction == "mean_with_sample_weight" and sample_weight is not None:
            scale = 1.0 / float(np.sum(sample_weight))
        else:
            scale = 1.0 / n
        if sample_weight is None:
            return scale
        return np.asarray(sample_weight) * scale

    def __call__(self, y_true, y_pred, sample_weight=None):
        return self.reduce(self.call(y_true, y_pred), sample_weight)

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        return cls(**config)


def _per_value_grad(values_last_axis: int) -> float:
    return 1.0 / values_last_axis


class MeanSquaredError(Loss):
    """`mean((y_true - y_pred) ** 2)` over the last axis, then reduced."""

    default_name = "mean_squared_error"

    def call(self, y_true, y_pred):
        return mean_squared_error(y_true, y_pred)

    def gradient(self, y_true, y_pred):
        y_true, y_pred = _as_pair(y_true, y_pred)
        return (2.0 / y_pred.shape[-1]) * (y_pred - y_true)


class MeanAbsoluteError(Loss):
    """`mean(|y_true - y_pred|)` over the last axis, then reduced."""

    default_name = "mean_absolute_error"

    def call(self, y_true, y_pred):
        return mean_absolute_error(y_true, y_pred)

    def gradient(self, y_true, y_pred):
        y_true, y_pred = _as_pair(y_true, y_pred)
        return np.sign(y_pred - y_true) / y_pred.shape[-1]


class Huber(Loss):
    """Huber loss. Defaults to `delta=1.0`."""

    default_name = "huber_loss"

    def __init__(self, delta: float = 1.0, name: str | None = None, reduction="sum_over_batch_size", dtype=None):
        super().__init__(name, reduction, dtype)
        self.delta = float(delta)

    def call(self, y_true, y_pred):
        return huber(y_true, y_pred, self.delta)

    def gradient(self, y_true, y_pred):
        y_true, y_pred = _as_pair(y_true, y_pred)
        error = y_pred - y_true
        return np.clip(error, -self.delta, self.delta) / y_pred.shape[-1]

    def get_config(self):
        return {**super().get_config(), "delta": self.delta}


class BinaryCrossentropy(Loss):
    """Binary crossentropy. Defaults: `from_logits=False`, `label_smoothing=0.0`.

    With a sigmoid output and `from_logits=False`, training fuses the two:
    the gradient with respect to the logits is `(p - t) / n_outputs`.
    """

    default_name = "binary_crossentropy"
    fused_activation = "sigmoid"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 name: str | None = None, reduction="sum_over_batch_size", dtype=None):
        super().__init__(name, reduction, dtype)
        self.from_logits = bool(from_logits)
        self.label_smoothing = float(label_smoothing)
        self.axis = axis

    def _targets(self, y_true):
        if self.label_smoothing:
            return y_true * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing
        return y_true

    def call(self, y_true, y_pred):
        return binary_crossentropy(y_true, y_pred, self.from_logits, self.label_smoothing)

    def gradient(self, y_true, y_pred):
        y_true, y_pred = _as_pair(y_true, y_pred)
        t = self._targets(y_true)
        n = y_pred.shape[-1]
        if self.from_logits:
            return (1.0 / (1.0 + np.exp(-y_pred)) - t) / n
        eps = _eps(y_pred.dtype)
        p = np.clip(y_pred, eps, 1.0 - eps)
        grad = (p - t) / (p * (1.0 - p))
        grad[(y_pred < eps) | (y_pred > 1.0 - eps)] = 0.0  # the clip is flat there
        return grad / n

    def logits_gradient(self, y_true, y_prob):
        y_true, y_prob = _as_pair(y_true, y_prob)
        return (y_prob - self._targets(y_true)) / y_prob.shape[-1]

    def check_targets(self, y_true, output_shape):
        super().check_targets(y_true, output_shape)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class CategoricalCrossentropy(Loss):
    """Crossentropy for one-hot targets. Defaults: `from_logits=False`, `label_smoothing=0.0`.

    With a softmax output and `from_logits=False`, training fuses the two:
    the gradient with respect to the logits is `p * sum(t) - t`.
    """

    default_name = "categorical_crossentropy"
    fused_activation = "softmax"

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 name: str | None = None, reduction="sum_over_batch_size", dtype=None):
        super().__init__(name, reduction, dtype)
        self.from_logits = bool(from_logits)
        self.label_smoothing = float(label_smoothing)
        self.axis = axis

    def _targets(self, y_true):
        if self.label_smoothing:
            return y_true * (1.0 - self.label_smoothing) + self.label_smoothing / y_true.shape[-1]
        return y_true

    def call(self, y_true, y_pred):
        return categorical_crossentropy(y_true, y_pred, self.from_logits, self.label_smoothing, self.axis)

    def gradient(self, y_true, y_pred):
        y_true, y_pred = _as_pair(y_true, y_pred)
        t = self._targets(y_true)
        if self.from_logits:
            e = np.exp(y_pred - y_pred.max(axis=-1, keepdims=True))
            p = e / e.sum(axis=-1, keepdims=True)
            return p * t.sum(axis=-1, keepdims=True) - t
        eps = _eps(y_pred.dtype)
        s = y_pred.sum(axis=-1, keepdims=True)
        p = y_pred / s
        clipped = (p < eps) | (p > 1.0 - eps)
        # L = -sum_j t_j log(p_j / s): dL/dy_k = -t_k / y_k [unless clipped] + sum_j t_j [unclipped] / s
        t_live = np.where(clipped, 0.0, t)
        return -t_live / np.where(clipped, 1.0, y_pred) + t_live.sum(axis=-1, keepdims=True) / s

    def logits_gradient(self, y_true, y_prob):
        y_true, y_prob = _as_pair(y_true, y_prob)
        t = self._targets(y_true)
        return y_prob * t.sum(axis=-1, keepdims=True) - t

    def check_targets(self, y_true, output_shape):
        y_true = np.asarray(y_true)
        n_classes = output_shape[-1]
        if y_true.ndim == len(output_shape) - 1 or (y_true.ndim == len(output_shape) and y_true.shape[-1] == 1 and n_classes != 1):
            raise ValueError(
                f"categorical_crossentropy expects one-hot targets of shape (n, {n_classes}), "
                f"but received targets of shape {y_true.shape}, which look like integer labels. "
                "Use loss='sparse_categorical_crossentropy', or one-hot encode y with "
                f"axone.utils.to_categorical(y, {n_classes})."
            )
        super().check_targets(y_true, output_shape)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class SparseCategoricalCrossentropy(Loss):
    """Crossentropy for integer labels. Defaults to `from_logits=False`.

    With a softmax output and `from_logits=False`, training fuses the two:
    the gradient with respect to the logits is `p - onehot(label)`.
    """

    default_name = "sparse_categorical_crossentropy"
    fused_activation = "softmax"

    def __init__(self, from_logits: bool = False, ignore_class=None, axis: int = -1,
                 name: str | None = None, reduction="sum_over_batch_size", dtype=None):
        super().__init__(name, reduction, dtype)
        if ignore_class is not None:
            raise ValueError("ignore_class is not supported; pass sample_weight=0 for samples to ignore.")
        self.from_logits = bool(from_logits)
        self.axis = axis

    def call(self, y_true, y_pred):
        return sparse_categorical_crossentropy(y_true, y_pred, self.from_logits, self.axis)

    def _onehot_rows(self, y_true, y_pred):
        labels = _sparse_labels(y_true, y_pred)
        return labels

    def gradient(self, y_true, y_pred):
        y_pred = np.asarray(y_pred)
        labels = _sparse_labels(y_true, y_pred)
        if self.from_logits:
            e = np.exp(y_pred - y_pred.max(axis=-1, keepdims=True))
            grad = e / e.sum(axis=-1, keepdims=True)
            np.subtract.at(grad.reshape(-1, grad.shape[-1]), (np.arange(labels.size), labels.ravel()), 1.0)
            return grad
        eps = _eps(y_pred.dtype)
        s = y_pred.sum(axis=-1, keepdims=True)
        picked = np.take_along_axis(y_pred, labels[..., None], axis=-1)
        live = ((picked / s) >= eps) & ((picked / s) <= 1.0 - eps)
        # L = -log(y_label / s): dL/dy_k = -[k == label] / y_label + 1 / s
        grad = np.broadcast_to(np.where(live, 1.0 / s, 0.0), y_pred.shape).astype(y_pred.dtype)
        rows = grad.reshape(-1, grad.shape[-1])
        flat_labels = labels.ravel()
        rows[np.arange(flat_labels.size), flat_labels] -= np.where(live, 1.0 / picked, 0.0).ravel()
        return grad

    def logits_gradient(self, y_true, y_prob):
        labels = _sparse_labels(y_true, y_prob)
        grad = np.array(y_prob, copy=True)
        rows = grad.reshape(-1, grad.shape[-1])
        rows[np.arange(labels.size), labels.ravel()] -= 1.0
        return grad

    def check_targets(self, y_true, output_shape):
        y_true = np.asarray(y_true)
        n_classes = output_shape[-1]
        ok_rank = y_true.ndim == len(output_shape) - 1 or (
            y_true.ndim == len(output_shape) and y_true.shape[-1] == 1)
        if not ok_rank:
            raise ValueError(
                f"sparse_categorical_crossentropy expects integer labels of shape (n,), but "
                f"received targets of shape {y_true.shape}. For one-hot targets use "
                "loss='categorical_crossentropy'."
            )
        check_sparse_labels(_sparse_labels(y_true, np.empty((1,) * (len(output_shape) - 1) + (n_classes,))), n_classes)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits, "axis": self.axis}


class LossFunctionWrapper(Loss):
    """Wraps a plain `fn(y_true, y_pred)`; training needs `gradient_fn` too."""

    def __init__(self, fn, gradient_fn=None, name: str | None = None, reduction="sum_over_batch_size"):
        super().__init__(name or getattr(fn, "__name__", "loss"), reduction)
        self.fn = fn
        self.gradient_fn = gradient_fn

    def call(self, y_true, y_pred):
        return np.asarray(self.fn(y_true, y_pred))

    def gradient(self, y_true, y_pred):
        if self.gradient_fn is None:
            raise ValueError(
                f"The custom loss {self.name!r} has no gradient: axone computes gradients "
                "analytically, so training with it needs "
                "axone.losses.LossFunctionWrapper(fn, gradient_fn=...)."
            )
        return self.gradient_fn(y_true, y_pred)


# ----------------------------------------------------------------- registry
_CLASSES = {
    "mean_squared_error": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "huber": Huber,
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
}
_ALIASES = {"mse": "mean_squared_error", "mae": "mean_absolute_error", "huber_loss": "huber"}
_FUNCTIONS = {
    mean_squared_error: MeanSquaredError, mean_absolute_error: MeanAbsoluteError,
    huber: Huber, binary_crossentropy: BinaryCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
}
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


def get(identifier) -> Loss:
    """Resolve a name (`"mse"`), a loss function, a class or a `Loss` instance."""
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        registry = {**_CLASSES, **{alias: _CLASSES[target] for alias, target in _ALIASES.items()},
                    **{cls.__name__.lower(): cls for cls in _CLASSES.values()}}
        cls = lookup(identifier, registry, "loss")
        return cls(name=identifier if identifier in _ALIASES else None)
    if isinstance(identifier, dict):
        cls = lookup(identifier["class_name"], {c.__name__: c for c in _CLASSES.values()}, "loss")
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if identifier in _FUNCTIONS:
        return _FUNCTIONS[identifier]()
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise TypeError(f"Could not interpret loss identifier: {identifier!r}")


def serialize(loss: Loss) -> dict:
    return {"class_name": type(loss).__name__, "config": loss.get_config()}


def deserialize(config: dict) -> Loss:
    return get(config)
