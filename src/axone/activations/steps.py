"""Threshold units for perceptrons: `heaviside` and `sign`, forward only."""

from __future__ import annotations

from axone.activations.function import ActivationFunction
from axone.backend import xp


# ------------------------------------------------------------ threshold units
def _heaviside_forward(z, out):
    """Step function: `0` for `x < 0`, `1` for `x >= 0`. Not differentiable."""
    return xp.heaviside(z, 1.0, out=out)  # 0 for z < 0, 1 for z >= 0


def _sign_forward(z, out):
    """`-1`, `0` or `+1` by the sign of `x`. Not differentiable."""
    return xp.sign(z, out=out)  # -1, 0 or +1


heaviside = ActivationFunction("heaviside", _heaviside_forward, None)
sign = ActivationFunction("sign", _sign_forward, None)
