"""Piecewise-linear and exponential-linear units: linear, ReLU and its variants, ELU, SELU, CELU, shrinkage."""

from __future__ import annotations

from axone.activations.function import ActivationFunction
from axone.activations.numerics import _into, _positive
from axone.backend import xp


# -------------------------------------------------------------------- linear
def _linear_forward(z, out):
    """Identity: `linear(x) = x`."""
    if out is None:
        return z.copy()
    if out is not z:
        out[...] = z
    return out


def _linear_backward(grad, z, y):
    return grad


linear = ActivationFunction("linear", _linear_forward, _linear_backward)


# ---------------------------------------------------------------------- relu
def _relu_forward(z, out, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit: `max(x, 0)` with the default arguments.

    Args:
        negative_slope: slope below `threshold`. Defaults to `0.0`.
        max_value: saturation value, or None. Defaults to `None`.
        threshold: `x` up to `threshold` gives `negative_slope * (x - threshold)`,
            above it `x` (clipped to `[0, max_value]` when given). Defaults to `0.0`.
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return xp.maximum(z, 0.0, out=out)
    # Keras's formula: z above the threshold (else 0), clipped to
    # [0, max_value] when given, plus negative_slope * (z - threshold) below.
    y = xp.where(z > threshold, z, 0.0).astype(z.dtype, copy=False)
    if max_value is not None:
        xp.clip(y, 0.0, max_value, out=y)
    if negative_slope != 0.0:
        y -= negative_slope * xp.maximum(threshold - z, 0.0)
    return _into(y, z, out)


def _relu_backward(grad, z, y, negative_slope=0.0, max_value=None, threshold=0.0):
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        # 1 where the output is positive, 0 elsewhere (0 at z == 0, as Keras).
        return grad * (y > 0)
    kept = z > threshold
    if max_value is not None:  # the clipped parts are flat
        kept &= (z > 0) & (z < max_value)
    slope = kept.astype(grad.dtype)
    if negative_slope != 0.0:
        slope += negative_slope * (z < threshold)
    return grad * slope


relu = ActivationFunction("relu", _relu_forward, _relu_backward,
                          negative_slope=0.0, max_value=None, threshold=0.0)


def _leaky_relu_forward(z, out, negative_slope=0.2):
    """`x` for `x > 0`, `negative_slope * x` otherwise.

    Args:
        negative_slope: defaults to `0.2` (Keras 3).
    """
    return _into(xp.where(z > 0, z, negative_slope * z), z, out)


def _leaky_relu_backward(grad, z, y, negative_slope=0.2):
    return grad * xp.where(_positive(z, y), 1.0, negative_slope).astype(grad.dtype)


leaky_relu = ActivationFunction("leaky_relu", _leaky_relu_forward, _leaky_relu_backward,
                                negative_slope=0.2)


def _relu6_forward(z, out):
    """`min(max(x, 0), 6)`."""
    return xp.clip(z, 0.0, 6.0, out=out)


def _relu6_backward(grad, z, y):
    return grad * ((y > 0) & (y < 6))


relu6 = ActivationFunction("relu6", _relu6_forward, _relu6_backward)




# ------------------------------------------------------ exponential linear units
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _elu_forward(z, out, alpha=1.0):
    """Exponential linear unit: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.

    Args:
        alpha: positive scale of the negative part. Defaults to `1.0`.
    """
    # expm1 of min(z, 0): the positive side must not overflow in a discarded branch.
    negative = alpha * xp.expm1(xp.minimum(z, 0.0))
    return _into(xp.where(z > 0, z, negative), z, out)


def _elu_backward(grad, z, y, alpha=1.0):
    # Below 0 the derivative alpha * exp(z) equals y + alpha.
    return grad * xp.where(_positive(z, y), 1.0, y + alpha)


elu = ActivationFunction("elu", _elu_forward, _elu_backward, alpha=1.0)


def _selu_forward(z, out):
    """`scale * elu(x, alpha)` with `alpha = 1.67326324...` and `scale = 1.05070098...`."""
    out = _elu_forward(z, out, _SELU_ALPHA)
    out *= _SELU_SCALE
    return out


def _selu_backward(grad, z, y):
    return grad * xp.where(y > 0, _SELU_SCALE, y + _SELU_SCALE * _SELU_ALPHA)


selu = ActivationFunction("selu", _selu_forward, _selu_backward)


def _celu_forward(z, out, alpha=1.0):
    """`x` for `x > 0`, `alpha * (exp(x / alpha) - 1)` otherwise.

    Args:
        alpha: positive. Defaults to `1.0`.
    """
    negative = alpha * xp.expm1(xp.minimum(z, 0.0) / alpha)
    return _into(xp.where(z > 0, z, negative), z, out)


def _celu_backward(grad, z, y, alpha=1.0):
    # Below 0 the derivative exp(z / alpha) equals 1 + y / alpha.
    return grad * xp.where(_positive(z, y), 1.0, 1.0 + y / alpha)


celu = ActivationFunction("celu", _celu_forward, _celu_backward, alpha=1.0)




# ------------------------------------------------------------------ shrinkage
def _soft_shrink_forward(z, out, threshold=0.5):
    """`x - threshold` above `threshold`, `x + threshold` below `-threshold`, else 0.

    Args:
        threshold: defaults to `0.5`.
    """
    y = xp.where(z > threshold, z - threshold, xp.where(z < -threshold, z + threshold, 0.0))
    return _into(y, z, out)


def _soft_shrink_backward(grad, z, y, threshold=0.5):
    return grad * (y != 0)


soft_shrink = ActivationFunction("soft_shrink", _soft_shrink_forward, _soft_shrink_backward,
                                 threshold=0.5)


def _hard_shrink_forward(z, out, threshold=0.5):
    """`x` where `|x| > threshold`, else 0.

    Args:
        threshold: defaults to `0.5`.
    """
    return _into(xp.where(xp.abs(z) > threshold, z, 0.0), z, out)


def _hard_shrink_backward(grad, z, y, threshold=0.5):
    kept = xp.abs(z) > threshold if z is not None else y != 0
    return grad * kept


hard_shrink = ActivationFunction("hard_shrink", _hard_shrink_forward, _hard_shrink_backward,
                                 threshold=0.5)
