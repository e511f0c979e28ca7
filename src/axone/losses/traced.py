"""Gradients of loss functions written with `axone.ops`, by tracing them.

A custom loss (`def huber_fn(y_true, y_pred): ...` given to `compile`, or a
`Loss` subclass with only `call`) has no hand-written derivative. Its
function is traced once per target/prediction shape into a plan of ops
(see `axone.layers.tracing`); each training step runs that plan forward
for the per-sample values and backward, seeded with the reduction's
factor, for the gradient with respect to the predictions: the same
vector-Jacobian products every op uses, no second set of formulas.
"""

from __future__ import annotations

import numpy as np

from axone.layers.tracing import trace
from axone.models.graph import run_backward, run_forward
from axone.ops.operation import Operation


def _plan_for(loss, function, y_true, y_pred):
    traces = loss.__dict__.setdefault("_traces", {})
    key = (y_true.shape[1:], y_true.dtype, y_pred.shape[1:], y_pred.dtype)
    found = traces.get(key)
    if found is None:
        def pair(inputs):
            return function(inputs[0], inputs[1])
        found = traces[key] = trace(pair, [y_true, y_pred], prefix=loss.name,
                                    what=f"The loss {loss.name!r} ({type(loss).__name__})")
        if not np.issubdtype(np.dtype(found.outputs.dtype), np.floating):
            raise TypeError(f"The loss {loss.name!r} returns {found.outputs.dtype} values; a loss "
                            "must return floats.")
    return found.plan


def per_sample_and_gradient(loss, function, y_true, y_pred, seed_scale=None, with_gradient=True):
    """`(values, grad)`: the function's values and the gradient of `sum(seed * values)`
    with respect to `y_pred`, where `seed_scale(values_shape)` gives the seed (ones by default)."""
    plan = _plan_for(loss, function, y_true, y_pred)
    # No caches to keep: each op of the trace is one step of it (no step repeats).
    values = run_forward(plan, [y_true, y_pred], True)[0]
    if not with_gradient:
        return values, None
    seed = np.ones_like(values) if seed_scale is None else seed_scale(np.shape(values))
    grads = run_backward(plan, [np.asarray(seed, dtype=values.dtype)], input_grads=True)
    grad = grads[1]
    return values, np.zeros_like(y_pred) if grad is None else grad


class LossCall(Operation):
    """A `Loss` object called on a symbolic tensor or under a recording tape, as one op.

    Its forward is the reduced loss; its backward is the loss's own
    `value_and_gradient`, scaled by the incoming (scalar) gradient.
    """

    def __init__(self, loss, sample_weight=None):
        super().__init__(name=loss.name)
        self.loss, self.sample_weight = loss, sample_weight

    def compute(self, y_true, y_pred):
        return self.loss._reduced_value(y_true, y_pred, self.sample_weight)

    def vjp(self, grad, args, out, needed):
        if not needed[1]:
            return [None, None]
        if np.ndim(out):
            raise NotImplementedError(f"The gradient of loss {self.loss.name!r} with reduction="
                                      f"{self.loss.reduction!r} (one value per sample) is not available "
                                      "here; use a reducing loss.")
        y_pred = np.asarray(args[1], dtype=self.loss.dtype)
        y_true = self.loss.prepare_targets(np.asarray(args[0]), (None,) + y_pred.shape[1:])
        _, gradient = self.loss.value_and_gradient(y_true, y_pred, self.sample_weight, scale=float(grad))
        return [None, gradient.astype(np.asarray(args[1]).dtype, copy=False)]
