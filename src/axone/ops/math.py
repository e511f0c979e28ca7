"""Math ops: `logsumexp` and `norm`, each one op with its own vector-Jacobian product."""

from __future__ import annotations

import numpy as np

from axone.ops.numpy import _expand_reduced, _float
from axone.ops.operation import Operation, as_array


class _LogSumExp(Operation):
    def __init__(self, axis, keepdims):
        super().__init__(name="logsumexp")
        self.axis, self.keepdims = axis, keepdims

    def compute(self, x):
        x = _float(as_array(x))
        peak = np.max(x, axis=self.axis, keepdims=True)
        peak = np.where(np.isfinite(peak), peak, 0)  # all -inf: log(0), not nan
        result = np.log(np.sum(np.exp(x - peak), axis=self.axis, keepdims=True)) + peak
        return result if self.keepdims else np.squeeze(result, axis=self.axis)

    def vjp(self, grad, args, out, needed):
        x = _float(as_array(args[0]))
        out = _expand_reduced(out, x.shape, self.axis, self.keepdims)
        return [_expand_reduced(grad, x.shape, self.axis, self.keepdims) * np.exp(x - out)]


def logsumexp(x, axis=None, keepdims=False):
    """`log(sum(exp(x)))` over `axis`, computed without overflow; its gradient is the softmax."""
    return _LogSumExp(axis, keepdims)(x)


class _Norm(Operation):
    def __init__(self, ord, axis, keepdims):
        super().__init__(name="norm")
        self.ord = ord
        self.axis = tuple(axis) if isinstance(axis, list) else axis
        self.keepdims = keepdims

    def compute(self, x):
        return np.linalg.norm(_float(as_array(x)), ord=self.ord, axis=self.axis, keepdims=self.keepdims)

    def vjp(self, grad, args, out, needed):
        x = _float(as_array(args[0]))
        axis = self.axis
        if axis is None and (self.ord is None or x.ndim != 2):
            axis = None  # the norm of the flattened array
        grad = _expand_reduced(grad, x.shape, axis, self.keepdims)
        matrix = (isinstance(axis, tuple) and len(axis) == 2) or (axis is None and x.ndim == 2)
        if self.ord in (None, 2, "fro", "euclidean") and not (matrix and self.ord == 2):
            out = _expand_reduced(out, x.shape, axis, self.keepdims)
            safe = np.where(out == 0, 1, out)
            return [np.where(out == 0, 0, grad * x / safe).astype(x.dtype)]
        if self.ord == 1 and not matrix:
            return [grad * np.sign(x)]
        raise NotImplementedError(
            f"The gradient of ops.norm is implemented for the 2-norm, the Frobenius norm and the "
            f"1-norm of vectors. Received: ord={self.ord!r}")


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, as `numpy.linalg.norm` (`ord=None`: 2-norm / Frobenius)."""
    return _Norm(ord, axis, keepdims)(x)
