"""Numerically stable building blocks shared by the activations (and an erf for GELU)."""

from __future__ import annotations

import math

from axone.backend import xp


# ------------------------------------------------------------------- helpers
def _into(y: xp.ndarray, z: xp.ndarray, out: xp.ndarray | None) -> xp.ndarray:
    """Return `y` (computed from `z` into a new array), stored into `out` if given."""
    if out is None:
        return y.astype(z.dtype, copy=False)
    out[...] = y
    return out


def _positive(z: xp.ndarray | None, y: xp.ndarray) -> xp.ndarray:
    """Where `z > 0`, read from `y` when `z` was not kept.

    For the default parameters of these functions, `y > 0` exactly where
    `z > 0`; a parametrised form (`with_params`) always keeps `z`.
    """
    return (y if z is None else z) > 0


def sigmoid_into(z: xp.ndarray, out: xp.ndarray | None) -> xp.ndarray:
    """`1 / (1 + exp(-z))`, written into `out` (which may be `z`) or a new array."""
    out = xp.negative(z, out=out)
    with xp.errstate(over="ignore"):  # exp(-z) -> inf gives the right limit 0
        xp.exp(out, out=out)
    out += 1.0
    return xp.reciprocal(out, out=out)


def _sigmoid(z: xp.ndarray) -> xp.ndarray:
    """`1 / (1 + exp(-z))` into a new array."""
    return sigmoid_into(z, xp.empty_like(z))


def _log1p_exp_minus_abs(z: xp.ndarray) -> xp.ndarray:
    """`log(1 + exp(-|z|))` into a new array: the bounded part of softplus.

    `softplus(z) = max(z, 0) + log(1 + exp(-|z|))` never overflows, and is
    several times faster than `xp.logaddexp(z, 0)`.
    """
    t = xp.abs(z, out=xp.empty_like(z))  # an array even for 0-d z
    xp.negative(t, out=t)
    xp.exp(t, out=t)
    return xp.log1p(t, out=t)


def _softplus(z: xp.ndarray) -> xp.ndarray:
    """`log(1 + exp(z))` into a new array."""
    return xp.maximum(z, 0.0) + _log1p_exp_minus_abs(z)


_ERF_SMALL = ((1.85777706184603153e-1, 3.16112374387056560e00, 1.13864154151050156e02,
               3.77485237685302021e02, 3.20937758913846947e03),
              (1.0, 2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
               2.84423683343917062e03))
_ERFC_MIDDLE = ((2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e00,
                 6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02,
                 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03),
                (1.0, 1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
                 1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
                 3.43936767414372164e03, 1.23033935480374942e03))
_ERFC_LARGE = ((1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
                1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4),
               (1.0, 2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
                6.05183413124413191e-2, 2.33520497626869185e-3))


def _rational(coefficients: tuple, x: xp.ndarray) -> xp.ndarray:
    """`P(x) / Q(x)` by Horner's rule; coefficients from the highest degree."""
    numerator, denominator = coefficients
    p = xp.full_like(x, numerator[0])
    q = xp.full_like(x, denominator[0])
    # In place: fresh temporaries for every step would cost several times more.
    for a in numerator[1:]:
        p *= x
        p += a
    for b in denominator[1:]:
        q *= x
        q += b
    p /= q
    return p


def erf(x) -> xp.ndarray:
    """The error function `erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt`, element-wise.

    W. J. Cody's rational approximations (Math. Comp. 23, 1969) on
    `|x| <= 0.46875`, `0.46875 < |x| <= 4` (through erfc) and `|x| > 4`:
    absolute error below 1e-15 in float64. Float16 input is computed in float32.
    """
    x = xp.asarray(x)
    shape, x = x.shape, x.reshape(-1)  # 1-D, so that ufuncs return arrays, not scalars
    dtype = xp.result_type(x.dtype, xp.float32)
    # erf(6) = 1 - 2e-17 rounds to 1: clipping keeps exp(-y^2) from underflowing.
    y = xp.minimum(xp.abs(x), 6.0, dtype=dtype)
    square = y * y
    # The first two pieces on the whole array (cheaper than gathering by mask);
    # NaN fails every comparison and propagates through the second.
    small = y * _rational(_ERF_SMALL, square)
    xp.negative(square, out=square)
    xp.exp(square, out=square)
    middle = _rational(_ERFC_MIDDLE, y)
    middle *= square
    xp.subtract(1.0, middle, out=middle)
    result = xp.where(y <= 0.46875, small, middle)
    large = y > 4.0  # rare in practice: only these values take the third piece
    if large.any():
        g = y[large]
        inv_square = 1.0 / (g * g)
        erfc = xp.exp(-g * g) * (1.0 / math.sqrt(math.pi)
                                 - inv_square * _rational(_ERFC_LARGE, inv_square)) / g
        result[large] = 1.0 - erfc
    return xp.copysign(result, x, dtype=dtype).reshape(shape)
