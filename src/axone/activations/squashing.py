"""S-shaped and normalising functions: sigmoid, tanh and their variants, softmax, softplus."""

from __future__ import annotations

import math

from axone.activations.function import ActivationFunction
from axone.activations.numerics import _into, _log1p_exp_minus_abs, sigmoid_into
from axone.backend import xp


# ------------------------------------------------------------------- sigmoid
def _sigmoid_forward(z, out):
    """`sigmoid(x) = 1 / (1 + exp(-x))`."""
    return sigmoid_into(z, out)


def _sigmoid_backward(grad, z, y):
    return grad * y * (1.0 - y)


sigmoid = ActivationFunction("sigmoid", _sigmoid_forward, _sigmoid_backward)


def _hard_sigmoid_forward(z, out):
    """Piecewise linear sigmoid: `0` below -3, `1` above 3, `x / 6 + 0.5` between."""
    # Keras 3: clip(z / 6 + 1/2, 0, 1), i.e. 0 below -3 and 1 above 3.
    out = xp.divide(z, 6.0, out=out)
    out += 0.5
    return xp.clip(out, 0.0, 1.0, out=out)


def _hard_sigmoid_backward(grad, z, y):
    return grad * ((y > 0) & (y < 1)) / 6.0


hard_sigmoid = ActivationFunction("hard_sigmoid", _hard_sigmoid_forward, _hard_sigmoid_backward)


def _log_sigmoid_forward(z, out):
    """`log(sigmoid(x)) = -softplus(-x)`."""
    # -softplus(-z) = min(z, 0) - log(1 + exp(-|z|)), finite everywhere.
    t = _log1p_exp_minus_abs(z)
    out = xp.minimum(z, 0.0, out=out)
    out -= t
    return out


def _log_sigmoid_backward(grad, z, y):
    return grad * -xp.expm1(y)  # 1 - sigmoid(z) = 1 - exp(y)


log_sigmoid = ActivationFunction("log_sigmoid", _log_sigmoid_forward, _log_sigmoid_backward)


def _sparse_sigmoid_forward(z, out):
    """`0` below -1, `1` above 1, `(x + 1) / 2` between."""
    out = xp.add(z, 1.0, out=out)
    out *= 0.5
    return xp.clip(out, 0.0, 1.0, out=out)


def _sparse_sigmoid_backward(grad, z, y):
    return grad * ((y > 0) & (y < 1)) * 0.5


sparse_sigmoid = ActivationFunction("sparse_sigmoid", _sparse_sigmoid_forward,
                                    _sparse_sigmoid_backward)


# ---------------------------------------------------------------------- tanh
def _tanh_forward(z, out):
    """Hyperbolic tangent."""
    return xp.tanh(z, out=out)


def _tanh_backward(grad, z, y):
    return grad * (1.0 - y * y)


tanh = ActivationFunction("tanh", _tanh_forward, _tanh_backward)


def _hard_tanh_forward(z, out):
    """`clip(x, -1, 1)`."""
    return xp.clip(z, -1.0, 1.0, out=out)


def _hard_tanh_backward(grad, z, y):
    return grad * (xp.abs(y) < 1)


hard_tanh = ActivationFunction("hard_tanh", _hard_tanh_forward, _hard_tanh_backward)


def _tanh_shrink_forward(z, out):
    """`x - tanh(x)`."""
    return xp.subtract(z, xp.tanh(z), out=out)


def _tanh_shrink_backward(grad, z, y):
    t = xp.tanh(z)
    return grad * t * t


tanh_shrink = ActivationFunction("tanh_shrink", _tanh_shrink_forward, _tanh_shrink_backward,
                                 uses_input=True)


# ------------------------------------------------------------------- softmax
def _softmax_forward(z, out, axis=-1):
    """`exp(x) / sum(exp(x))` along `axis`.

    Args:
        axis: defaults to `-1`.
    """
    # Subtracting the row maximum keeps exp() finite without changing the result.
    shifted = xp.subtract(z, z.max(axis=axis, keepdims=True), out=out)
    xp.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=axis, keepdims=True)
    return shifted


def _softmax_backward(grad, z, y, axis=-1):
    # Jacobian-vector product of softmax: y * (g - sum(g * y)).
    return y * (grad - (grad * y).sum(axis=axis, keepdims=True))


softmax = ActivationFunction("softmax", _softmax_forward, _softmax_backward, axis=-1)


def _log_softmax_forward(z, out, axis=-1):
    """`x - log(sum(exp(x)))` along `axis`.

    Args:
        axis: defaults to `-1`.
    """
    shifted = xp.subtract(z, z.max(axis=axis, keepdims=True), out=out)
    shifted -= xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))
    return shifted


def _log_softmax_backward(grad, z, y, axis=-1):
    # g - softmax(z) * sum(g), with softmax(z) = exp(y).
    return grad - xp.exp(y) * grad.sum(axis=axis, keepdims=True)


log_softmax = ActivationFunction("log_softmax", _log_softmax_forward, _log_softmax_backward,
                                 axis=-1)


# ------------------------------------------------------- softplus and family
def _softplus_forward(z, out):
    """`log(1 + exp(x))`."""
    t = _log1p_exp_minus_abs(z)
    out = xp.maximum(z, 0.0, out=out)
    out += t
    return out


def _softplus_backward(grad, z, y):
    return grad * -xp.expm1(-y)  # sigmoid(z) = 1 - exp(-softplus(z))


softplus = ActivationFunction("softplus", _softplus_forward, _softplus_backward)


def _softsign_forward(z, out):
    """`x / (1 + |x|)`."""
    return xp.divide(z, 1.0 + xp.abs(z), out=out)


def _softsign_backward(grad, z, y):
    return grad * xp.square(1.0 - xp.abs(y))  # 1 / (1 + |z|)^2


softsign = ActivationFunction("softsign", _softsign_forward, _softsign_backward)


def _squareplus_forward(z, out, b=4):
    """`(x + sqrt(x^2 + b)) / 2`.

    Args:
        b: non-negative smoothness. Defaults to `4`.
    """
    # (z + sqrt(z^2 + b)) / 2; hypot and halving first keep large |z| finite.
    root = xp.hypot(z, math.sqrt(b), dtype=z.dtype)
    return _into(0.5 * z + 0.5 * root, z, out)


def _squareplus_backward(grad, z, y, b=4):
    return grad * 0.5 * (1.0 + z / xp.hypot(z, math.sqrt(b), dtype=z.dtype))


squareplus = ActivationFunction("squareplus", _squareplus_forward, _squareplus_backward,
                                uses_input=True, b=4)


def _sparse_plus_forward(z, out):
    """`0` below -1, `x` above 1, `(x + 1)^2 / 4` between."""
    middle = 0.25 * xp.square(xp.clip(z, -1.0, 1.0) + 1.0)
    return _into(xp.where(z >= 1, z, middle), z, out)


def _sparse_plus_backward(grad, z, y):
    # 0, (z + 1) / 2 and 1 on the three pieces: exactly min(sqrt(y), 1).
    return grad * xp.minimum(xp.sqrt(y), 1.0)


sparse_plus = ActivationFunction("sparse_plus", _sparse_plus_forward, _sparse_plus_backward)
