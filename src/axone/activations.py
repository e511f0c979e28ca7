"""Activation functions: forward formulas and their analytic derivatives.

Each activation is an `ActivationFunction`: call it like Keras's function
(`axone.activations.relu(x)` returns a new array), and layers use its
`forward(z, out)` (which may compute in place) and `backward(grad, z, y)`
(the gradient with respect to `z`, given the gradient with respect to the
output `y`). Where the derivative can be written from the output `y`
(sigmoid: `y (1 - y)`), `uses_input` is False and layers may overwrite `z`
with `y` to save memory; `backward` then receives `z=None`.

Names, defaults and formulas follow Keras 3 (`keras.activations`), plus two
threshold units, `heaviside` and `sign`, that have no usable derivative.
"""

from __future__ import annotations

import math
import types
from functools import partial
from typing import Callable

from axone.backend import xp

from axone import backend
from axone.utils.identifiers import lookup


class NotDifferentiableError(ValueError):
    """Raised when training would need the derivative of a step function."""


_STEP_FUNCTION = (
    "The {name!r} activation is a step function: its derivative is zero "
    "everywhere it exists and undefined at the jump, so backpropagation gets "
    "no gradient through it. Use 'sigmoid' or 'tanh' (smooth versions of the "
    "step) to train with gradient descent; a single threshold unit can be "
    "trained with the perceptron learning rule instead."
)
_PLAIN_FUNCTION = (
    "The activation {name!r} is a plain Python function: it has no derivative, "
    "so backpropagation cannot go through it. To train with it, wrap it as "
    "axone.activations.ActivationFunction(name, forward, backward) with its "
    "analytic derivative."
)


class ActivationFunction:
    """An element-wise (or row-wise, for softmax) function with its derivative.

    Args:
        name: registry name, e.g. `"relu"`.
        forward: `forward(z, out, **params) -> y`; writes into `out` when it
            is given (`out` may be `z` itself), else returns a new array.
        backward: `backward(grad_y, z, y, **params) -> grad_z`, or None for
            functions with no usable derivative (step functions).
        uses_input: True if `backward` needs `z` (not only `y`).
        not_differentiable_message: the error message `backward` raises
            when `backward` is None; `{name}` is replaced by the name.
        params: default keyword parameters (e.g. `negative_slope`), in the
            order Keras's function takes them positionally.
    """

    def __init__(self, name: str, forward: Callable, backward: Callable | None,
                 uses_input: bool = False, *, not_differentiable_message: str = _STEP_FUNCTION,
                 **params):
        self.__name__ = self.name = name
        self._forward = forward
        self.__doc__ = getattr(forward, "__doc__", None)  # the formula, for help()
        self._backward = backward
        self.uses_input = uses_input
        self._not_differentiable_message = not_differentiable_message
        self.params = params

    @property
    def differentiable(self) -> bool:
        return self._backward is not None

    def __call__(self, x, *args, **params) -> xp.ndarray:
        """Apply the function to `x` and return a new array (Keras's functional form).

        Parameters may be given by keyword or by position, as in Keras:
        `relu(x, 0.1)` is `relu(x, negative_slope=0.1)`.
        """
        if len(args) > len(self.params):
            raise TypeError(
                f"{self.name}() takes at most {len(self.params)} parameters after x "
                f"({', '.join(self.params) or 'none'}). Received: {len(args)} positional "
                f"arguments {args!r}"
            )
        params = {**dict(zip(self.params, args)), **params}
        if isinstance(x, (xp.ndarray, xp.generic)):
            x = xp.asarray(x)
            if not xp.issubdtype(x.dtype, xp.floating):
                x = x.astype(backend.floatx())
        else:  # Python numbers and lists become floatx, as Keras converts them
            x = xp.asarray(x, dtype=backend.floatx())
        # An explicit output array: ufuncs return scalars, not arrays, for 0-d input.
        return self._forward(x, xp.empty_like(x), **self._merged(params))

    def forward(self, z: xp.ndarray, out: xp.ndarray | None = None) -> xp.ndarray:
        """Return `f(z)`, written into `out` when given (`out` may be `z`)."""
        return self._forward(z, out, **self.params)

    def backward(self, grad: xp.ndarray, z: xp.ndarray | None, y: xp.ndarray) -> xp.ndarray:
        """Return the gradient with respect to `z` given the gradient `grad` w.r.t. `y`."""
        if self._backward is None:
            raise NotDifferentiableError(self._not_differentiable_message.format(name=self.name))
        return self._backward(grad, z, y, **self.params)

    def with_params(self, **params) -> "ActivationFunction":
        """A copy with other default parameters, e.g. `relu.with_params(negative_slope=0.1)`."""
        merged = self._merged(params)
        # The derivative of a parametrised form may need z even where the
        # default form's does not (ReLU with a threshold): keep z to be safe.
        uses_input = self.uses_input or merged != self.params
        return ActivationFunction(self.name, self._forward, self._backward, uses_input,
                                  not_differentiable_message=self._not_differentiable_message,
                                  **merged)

    def _merged(self, params: dict) -> dict:
        unknown = [key for key in params if key not in self.params]
        if unknown:
            raise TypeError(
                f"{self.name}() got unexpected parameters {unknown}. "
                f"Accepted: {list(self.params) or 'none'}. Received: {params!r}"
            )
        return {**self.params, **params}

    def __eq__(self, other) -> bool:
        return (isinstance(other, ActivationFunction) and self.name == other.name
                and self._forward is other._forward and self.params == other.params)

    def __hash__(self) -> int:
        return hash((self.name, tuple(self.params.items())))

    def __repr__(self) -> str:
        args = "".join(f", {key}={value!r}" for key, value in self.params.items())
        return f"<activation {self.name}{args}>"


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


def _sigmoid(z: xp.ndarray) -> xp.ndarray:
    """`1 / (1 + exp(-z))` into a new array."""
    return _sigmoid_forward(z, xp.empty_like(z))


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


# ------------------------------------------------------------------- sigmoid
def _sigmoid_forward(z, out):
    """`sigmoid(x) = 1 / (1 + exp(-x))`."""
    out = xp.negative(z, out=out)
    with xp.errstate(over="ignore"):  # exp(-z) -> inf gives the right limit 0
        xp.exp(out, out=out)
    out += 1.0
    return xp.reciprocal(out, out=out)


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


# ------------------------------------------------------------ threshold units
def _heaviside_forward(z, out):
    """Step function: `0` for `x < 0`, `1` for `x >= 0`. Not differentiable."""
    return xp.heaviside(z, 1.0, out=out)  # 0 for z < 0, 1 for z >= 0


def _sign_forward(z, out):
    """`-1`, `0` or `+1` by the sign of `x`. Not differentiable."""
    return xp.sign(z, out=out)  # -1, 0 or +1


heaviside = ActivationFunction("heaviside", _heaviside_forward, None)
sign = ActivationFunction("sign", _sign_forward, None)


# ------------------------------------------------------------------ registry
swish = silu
hard_swish = hard_silu

_REGISTRY: dict[str, ActivationFunction] = {
    f.name: f for f in (
        linear, relu, leaky_relu, relu6, sigmoid, hard_sigmoid, log_sigmoid, sparse_sigmoid,
        tanh, hard_tanh, tanh_shrink, softmax, log_softmax, softplus, softsign, squareplus,
        sparse_plus, elu, selu, celu, gelu, silu, hard_silu, mish, exponential, soft_shrink,
        hard_shrink, heaviside, sign,
    )
}
_REGISTRY.update({"swish": silu, "hard_swish": hard_silu})  # Keras's aliases


def register(function: ActivationFunction, *aliases: str) -> ActivationFunction:
    """Add an activation (and optional aliases) to the name registry."""
    for name in (function.name, *aliases):
        _REGISTRY[name] = function
    return function


def _wrap_plain_function(function: Callable) -> ActivationFunction:
    """An `ActivationFunction` that applies a derivative-free Python function."""
    def forward(z, out):
        return _into(xp.asarray(function(z)), z, out)

    name = getattr(function, "__name__", None) or type(function).__name__
    return ActivationFunction(name, forward, None,
                              not_differentiable_message=_PLAIN_FUNCTION)


def get(identifier) -> ActivationFunction | Callable:
    """Resolve an activation as Keras does.

    Args:
        identifier: `None` (linear), a name (`"relu"`, `"swish"`), a
            serialized dict (see `serialize`), an `ActivationFunction`, or a
            plain function. A plain function computes predictions; training
            through it raises `NotDifferentiableError`, since it has no
            derivative: give one with `ActivationFunction` to train.

    Raises:
        ValueError: for an unknown name (naming the closest known names) or
            an identifier of another type.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, ActivationFunction):
        return identifier
    if isinstance(identifier, str):
        return lookup(identifier, _REGISTRY, "activation")
    if isinstance(identifier, dict):
        return _from_dict(identifier)
    if isinstance(identifier, (types.FunctionType, types.BuiltinFunctionType, xp.ufunc, partial)):
        return _wrap_plain_function(identifier)
    if callable(identifier):  # e.g. an object with its own forward/backward
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


def _from_dict(config: dict) -> ActivationFunction:
    # Keras writes a built-in function as {"class_name": "function", "config": "relu"};
    # a parametrised one is {"class_name": "relu", "config": {"negative_slope": 0.1}}.
    inner = config.get("config")
    if isinstance(inner, str):
        return lookup(inner, _REGISTRY, "activation")
    if "class_name" not in config:
        raise ValueError(f"An activation config needs a 'class_name'. Received: {config!r}")
    return lookup(config["class_name"], _REGISTRY, "activation").with_params(**(inner or {}))


def serialize(activation) -> str | dict:
    """Return the name of an activation, or a dict when its parameters differ from the defaults.

    `get(serialize(f))` rebuilds `f`; the result is JSON-compatible.
    """
    name = getattr(activation, "name", None) or getattr(activation, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize activation {activation!r}: it has no name.")
    params = getattr(activation, "params", None)
    default = _REGISTRY.get(name)
    if params and default is not None and params != default.params:
        return {"class_name": name, "config": dict(params)}
    return name


def deserialize(config) -> ActivationFunction | Callable:
    """Inverse of `serialize`."""
    return get(config)
