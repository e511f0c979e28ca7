"""Gated functions, `x` times a smooth gate (GELU, SiLU/swish, mish), and the exponential."""

from __future__ import annotations

import math

from axone.activations.function import ActivationFunction
from axone.activations.numerics import _sigmoid, _softplus, erf
from axone.backend import xp

# ------------------------------------------------------------ gated functions
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_CUBIC = 0.044715


def _gelu_tanh(z):
    # Beyond |z| = 10 the tanh is +-1 exactly: clipping keeps z^3 finite.
    c = xp.clip(z, -10.0, 10.0)
    return xp.tanh(_SQRT_2_OVER_PI * (c + _GELU_CUBIC * c * c * c)), c


def _gelu_forward(z, out, approximate=False):
    """Gaussian error linear unit: `x * Phi(x) = x / 2 * (1 + erf(x / sqrt(2)))`.

    Args:
        approximate: use `x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3)))`.
            Defaults to `False` (Keras 3).
    """
    if approximate:
        cdf = 0.5 * (1.0 + _gelu_tanh(z)[0])
    else:
        cdf = 0.5 * (1.0 + erf(z * (1.0 / math.sqrt(2.0))))
    return xp.multiply(z, cdf.astype(z.dtype, copy=False), out=out)


def _gelu_backward(grad, z, y, approximate=False):
    if approximate:
        t, c = _gelu_tanh(z)
        inner = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_CUBIC * c * c)
        return grad * (0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * inner)
    # Phi(z) + z * phi(z); phi underflows to 0 long before |z| = 40.
    c = xp.clip(z, -40.0, 40.0)
    pdf = xp.exp(-0.5 * c * c) * (1.0 / math.sqrt(2.0 * math.pi))
    cdf = 0.5 * (1.0 + erf(z * (1.0 / math.sqrt(2.0))))
    return grad * (cdf + z * pdf)


gelu = ActivationFunction("gelu", _gelu_forward, _gelu_backward, uses_input=True,
                          approximate=False)


def _silu_forward(z, out):
    """Sigmoid linear unit, also called swish: `x * sigmoid(x)`."""
    return xp.multiply(z, _sigmoid(z), out=out)


def _silu_backward(grad, z, y):
    s = _sigmoid(z)
    return grad * s * (1.0 + z * (1.0 - s))


silu = ActivationFunction("silu", _silu_forward, _silu_backward, uses_input=True)


def _hard_silu_forward(z, out):
    """Hard SiLU (hard swish): `x * hard_sigmoid(x)`."""
    gate = xp.clip(z / 6.0 + 0.5, 0.0, 1.0)
    return xp.multiply(z, gate.astype(z.dtype, copy=False), out=out)


def _hard_silu_backward(grad, z, y):
    # 0 below -3, 1 above 3, d/dz z (z + 3) / 6 = z / 3 + 1/2 between.
    slope = xp.where(z < -3, 0.0, xp.where(z > 3, 1.0, z / 3.0 + 0.5))
    return grad * slope


hard_silu = ActivationFunction("hard_silu", _hard_silu_forward, _hard_silu_backward,
                               uses_input=True)


def _mish_forward(z, out):
    """`x * tanh(softplus(x))`."""
    return xp.multiply(z, xp.tanh(_softplus(z)), out=out)


def _mish_backward(grad, z, y):
    softplus_z = _softplus(z)
    t = xp.tanh(softplus_z)
    s = -xp.expm1(-softplus_z)  # sigmoid(z), without overflow for z << 0
    return grad * (t + z * (1.0 - t * t) * s)


mish = ActivationFunction("mish", _mish_forward, _mish_backward, uses_input=True)


def _exponential_forward(z, out):
    """`exp(x)`; overflows to inf above about 88.7 in float32, as in Keras."""
    with xp.errstate(over="ignore"):  # overflow gives inf, as in Keras
        return xp.exp(z, out=out)


def _exponential_backward(grad, z, y):
    return grad * y


exponential = ActivationFunction("exponential", _exponential_forward, _exponential_backward)
