"""The `Loss` base class: reduction, sample weights and the gradient contract.

A loss computes per-sample values with `call(y_true, y_pred)` (one value
per sample, or per time step for sequences), then `reduce` weights and
reduces them as Keras 3 does:

- `"sum_over_batch_size"` (default) and `"mean"`: `sum(w * loss) / n_values`
- `"sum"`: `sum(w * loss)`
- `"mean_with_sample_weight"`: `sum(w * loss) / sum(w)`
- `"none"` / `None`: the weighted values themselves.

For training, `gradient(y_true, y_pred)` gives d(per-sample values) /
d(y_pred) and `reduction_scale` the factor that carries it through the
reduction.
"""

from __future__ import annotations

import math

from axone.backend import xp

from axone import backend
from axone.utils.naming import to_snake_case, unique_name

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    """Return `reduction` if Keras accepts it, else raise a ValueError naming the choices."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. Expected one of "
            f"{REDUCTIONS}. Received: reduction={reduction!r}"
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1: bool = True):
    """Reconcile ranks that differ by one trailing axis of size 1 (Keras's rule).

    `(n, 1)` against `(n,)` becomes `(n, 1)` and `(n, 1)` (the rank-1 side is
    expanded), while `(n, t, 1)` against `(n, t)` squeezes the size-1 axis.
    Any other shapes are returned unchanged.
    """
    rank1, rank2 = xp.ndim(x1), xp.ndim(x2)
    if rank1 == rank2 + 1 and xp.shape(x1)[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = xp.expand_dims(x2, -1)
        else:
            x1 = xp.squeeze(x1, -1)
    elif rank2 == rank1 + 1 and xp.shape(x2)[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = xp.expand_dims(x1, -1)
        else:
            x2 = xp.squeeze(x2, -1)
    return x1, x2


def as_float_array(x, dtype=None) -> xp.ndarray:
    """`x` as a float array: in `dtype` if given, else as is (integers become floatx)."""
    x = xp.asarray(x)
    if dtype is not None:
        return x.astype(dtype, copy=False)
    if not xp.issubdtype(x.dtype, xp.floating):
        return x.astype(backend.floatx())
    return x


def align(y_true, y_pred):
    """Targets and predictions as float arrays of reconciled rank (`y_true` in `y_pred`'s dtype)."""
    y_pred = as_float_array(y_pred)
    y_true = xp.asarray(y_true).astype(y_pred.dtype, copy=False)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def _weight(values: xp.ndarray, sample_weight):
    """`(values * w, w)` with `w` brought to the rank of `values` as Keras does.

    Beyond Keras, per-sample weights `(n,)` also broadcast over the trailing
    axes of `(n, t)` values (Keras raises there).
    """
    weights = xp.asarray(sample_weight, dtype=values.dtype)
    values, weights = squeeze_or_expand_to_same_rank(values, weights)
    if 0 < weights.ndim < values.ndim and weights.shape == values.shape[: weights.ndim]:
        weights = weights.reshape(weights.shape + (1,) * (values.ndim - weights.ndim))
    return values * weights, weights


def _divide_no_nan(total, divisor):
    return total / divisor if divisor != 0 else total * 0


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Weight `values` by `sample_weight` and reduce them (see the module docstring)."""
    reduction = standardize_reduction(reduction)
    values = xp.asarray(values)
    weights = None
    if sample_weight is not None:
        values, weights = _weight(values, sample_weight)
    # Keras leaves scalars and empty batches as they are, whatever the reduction.
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and weights is not None:
        return _divide_no_nan(total, total.dtype.type(weights.sum()))
    return _divide_no_nan(total, total.dtype.type(values.size))


def _sum_to_shape(array: xp.ndarray, shape: tuple) -> xp.ndarray:
    """Sum `array` over the axes along which an array of `shape` was broadcast to it."""
    lead = array.ndim - len(shape)
    if lead > 0:
        array = array.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, size in enumerate(shape) if size == 1 and array.shape[i] != 1)
    return array.sum(axis=axes, keepdims=True) if axes else array


class Loss:
    """Base class: reduces `call(y_true, y_pred)` and knows its gradient.

    Subclasses implement `call` (per-sample values) and `gradient`
    (their derivative with respect to `y_pred`, same shape as `y_pred`).

    Args:
        name: defaults to the snake-case class name.
        reduction: `"sum_over_batch_size"` (default), `"sum"`, `"mean"`,
            `"mean_with_sample_weight"`, `"none"` or `None`.
        dtype: the dtype `__call__` computes in. Defaults to `floatx()`.
    """

    #: Output activation whose gradient fuses with this loss (see `logits_gradient`).
    fused_activation: str | None = None

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size",
                 dtype=None):
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self.dtype = str(xp.dtype(dtype or backend.floatx()))

    def call(self, y_true, y_pred) -> xp.ndarray:
        """Per-sample loss values."""
        raise NotImplementedError(f"{type(self).__name__} must implement call().")

    def _traced_function(self):
        """The function whose trace gives the gradient, or None when the loss has its own.

        A subclass that defines only `call` (no `gradient`) is differentiated
        through the `axone.ops` it is written with (see `axone.losses.traced`).
        """
        return self.call if type(self).gradient is Loss.gradient else None

    def gradient(self, y_true, y_pred) -> xp.ndarray:
        """d(sum of `call(y_true, y_pred)`) / d(y_pred), same shape as `y_pred`."""
        function = self._traced_function()
        if function is not None:
            from axone.losses import traced
            shape = xp.shape(y_pred)
            y_true, y_pred = align(y_true, y_pred)
            return traced.per_sample_and_gradient(self, function, y_true, y_pred)[1].reshape(shape)
        raise NotImplementedError(
            f"The loss {self.name!r} ({type(self).__name__}) has no gradient(): axone "
            "computes gradients analytically, so a custom Loss needs a gradient(y_true, "
            "y_pred) method, or wrap a function with "
            "axone.losses.LossFunctionWrapper(fn, gradient_fn=...)."
        )

    def logits_gradient(self, y_true, y_prob) -> xp.ndarray:
        """Gradient with respect to the logits of `fused_activation`, from its output `y_prob`."""
        raise NotImplementedError(f"{type(self).__name__} has no fused gradient.")

    def check_targets(self, y_true, output_shape) -> None:
        """Raise a ValueError if `y_true` cannot be compared with outputs of `output_shape`."""
        received = tuple(xp.shape(y_true)[1:])
        expected = tuple(output_shape[1:])
        if received == expected:
            return
        # A trailing axis of size 1 on either side is reconciled (see `align`).
        if received + (1,) == expected or received == expected + (1,):
            return
        raise ValueError(
            f"Loss {self.name!r}: targets of shape {xp.shape(y_true)} do not match the "
            f"model's output shape {tuple(output_shape)}. Each target must have the shape "
            f"of one output sample, {expected}."
        )

    # ------------------------------------------------------------- training
    def prepare_targets(self, y_true, output_shape):
        """Check a whole target array once per `fit` and return it as training reads it.

        The training step then calls `value_and_gradient` on slices of the
        result, with no further checks. Default: float targets, a vector of
        targets becoming a column for outputs of shape `(None, 1)`.
        """
        self.check_targets(y_true, output_shape)
        y = as_float_array(y_true, backend.floatx())
        if y.ndim == len(output_shape) - 1 and output_shape[-1] == 1:
            y = y.reshape(y.shape + (1,))
        return y

    def value_and_gradient(self, y_true, y_pred, sample_weight=None, fused: bool = False,
                           scale: float = 1.0, with_gradient: bool = True):
        """The reduced loss of one batch, and `scale` times its gradient.

        The gradient is with respect to `y_pred`, or with `fused=True` with
        respect to the input of `fused_activation` (`y_pred` being its
        output; see `logits_gradient`). This generic version composes
        `call`, `reduce`, `gradient` and `reduction_scale`; losses override
        it with a shortcut for their usual case.
        """
        function = self._traced_function()
        if function is not None and not fused:
            return self._traced_value_and_gradient(function, y_true, y_pred, sample_weight, scale,
                                                   with_gradient)
        per_sample = self.call(y_true, y_pred)
        value = float(self.reduce(per_sample, sample_weight))
        if not with_gradient:
            return value, None
        grad = self.logits_gradient(y_true, y_pred) if fused else self.gradient(y_true, y_pred)
        factor = self.reduction_scale(xp.shape(per_sample), sample_weight)
        if xp.ndim(factor):
            factor = xp.asarray(factor, dtype=y_pred.dtype)
            factor = factor.reshape(factor.shape + (1,) * (grad.ndim - factor.ndim))
        grad = xp.multiply(grad, factor * scale, dtype=y_pred.dtype)
        return value, grad.reshape(y_pred.shape)

    def _traced_value_and_gradient(self, function, y_true, y_pred, sample_weight, scale, with_gradient):
        """`value_and_gradient` of a loss written with ops: one forward and one backward
        pass of its traced plan, the backward seeded with the reduction's factor."""
        from axone.losses import traced
        shape = xp.shape(y_pred)
        y_true, y_pred = align(y_true, y_pred)

        def seed(values_shape):
            factor = self.reduction_scale(values_shape, sample_weight)
            if xp.ndim(factor):
                return xp.asarray(factor, dtype=y_pred.dtype) * y_pred.dtype.type(scale)
            return xp.full(values_shape, factor * scale, dtype=y_pred.dtype)

        values, grad = traced.per_sample_and_gradient(self, function, y_true, y_pred, seed, with_gradient)
        value = float(self.reduce(values, sample_weight))
        return value, None if grad is None else grad.reshape(shape)

    def _row_factors(self, y_pred, sample_weight):
        """For a 2-D batch whose per-sample values are one per row: the factor
        d(reduced loss)/d(value_i), as a float or a column of per-row factors.

        None when the shortcut does not apply (other ranks or reductions).
        """
        n = y_pred.shape[0]
        if y_pred.ndim != 2 or n == 0 or self.reduction not in ("sum_over_batch_size", "mean", "sum"):
            return None
        divisor = 1.0 if self.reduction == "sum" else float(n)
        if sample_weight is None:
            return 1.0 / divisor
        weights = xp.asarray(sample_weight, dtype=y_pred.dtype)
        if weights.shape != (n,):
            return None
        return (weights / y_pred.dtype.type(divisor))[:, None]

    def reduce(self, values, sample_weight=None):
        """Apply `sample_weight` and this loss's reduction to per-sample `values`."""
        return reduce_weighted_values(values, sample_weight, self.reduction)

    def reduction_scale(self, values_shape, sample_weight=None):
        """d(reduce(values)) / d(values): a float, or an array of `values_shape`.

        With reduction `"none"` this is the scale of the values' sum.
        """
        values_shape = tuple(values_shape)
        if sample_weight is None:
            size = math.prod(values_shape)
            if self.reduction in ("sum", "none", None) or values_shape in ((), (0,)):
                return 1.0
            return 1.0 / size
        ones = xp.ones(values_shape, dtype=xp.float64)
        aligned, _ = squeeze_or_expand_to_same_rank(ones, xp.asarray(sample_weight))
        weighted, weights = _weight(aligned, sample_weight)
        if self.reduction in ("sum", "none", None) or weighted.shape in ((), (0,)):
            factor = 1.0
        elif self.reduction == "mean_with_sample_weight":
            total = float(weights.sum())
            factor = 1.0 / total if total else 0.0
        else:
            factor = 1.0 / weighted.size
        scale = xp.broadcast_to(weights, weighted.shape) * factor
        return _sum_to_shape(scale, aligned.shape).reshape(values_shape)

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The reduced loss, computed in `self.dtype` like Keras.

        On a symbolic tensor, or while a `GradientTape` records, the call is
        one op (see `axone.losses.traced.LossCall`), so it can be differentiated.
        """
        from axone.ops.operation import TAPES, Operation
        if TAPES or Operation.takes_graph_path(y_pred) or Operation.takes_graph_path(y_true):
            from axone.losses.traced import LossCall
            return LossCall(self, sample_weight)(y_true, y_pred)
        return self._reduced_value(y_true, y_pred, sample_weight)

    def _reduced_value(self, y_true, y_pred, sample_weight=None):
        y_pred = xp.asarray(y_pred, dtype=self.dtype)
        y_true = xp.asarray(y_true, dtype=self.dtype)
        return self.reduce(self.call(y_true, y_pred), sample_weight)

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class LossFunctionWrapper(Loss):
    """A loss from a function `fn(y_true, y_pred, **kwargs) -> per-sample values`.

    Training also needs `gradient_fn(y_true, y_pred, **kwargs)`: the
    derivative of the per-sample values with respect to `y_pred`. Both get
    `y_true` and `y_pred` as float arrays of reconciled rank (see `align`).

    Args:
        fn: the loss function.
        reduction: see `Loss`. Defaults to `"sum_over_batch_size"`.
        name: defaults to the function's name.
        dtype: see `Loss`.
        gradient_fn: the derivative of `fn` with respect to `y_pred`.
        **kwargs: passed on to `fn` and `gradient_fn`.
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name: str | None = None,
                 dtype=None, gradient_fn=None, **kwargs):
        super().__init__(name or to_snake_case(getattr(fn, "__name__", "loss")), reduction, dtype)
        self.fn = fn
        self.gradient_fn = gradient_fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = align(y_true, y_pred)
        return xp.asarray(self.fn(y_true, y_pred, **self._fn_kwargs))

    def _traced_function(self):
        if self.gradient_fn is not None or type(self).gradient is not LossFunctionWrapper.gradient:
            return None
        return lambda y_true, y_pred: self.fn(y_true, y_pred, **self._fn_kwargs)

    def gradient(self, y_true, y_pred):
        if self.gradient_fn is None:
            return super().gradient(y_true, y_pred)
        shape = xp.shape(y_pred)
        y_true, y_pred = align(y_true, y_pred)
        return xp.asarray(self.gradient_fn(y_true, y_pred, **self._fn_kwargs)).reshape(shape)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}
