"""Activation functions: forward formulas and their analytic derivatives.

Each activation is an `ActivationFunction`: call it like Keras's function
(`axone.activations.relu(x)` returns a new array), and layers use its
`forward(z, out)` (which may compute in place) and `backward(grad, z, y)`
(the gradient with respect to `z`, given the gradient with respect to the
output `y`). Where the derivative can be written from the output `y`
(sigmoid: `y (1 - y)`), `uses_input` is False and layers may overwrite `z`
with `y` to save memory.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from axone.utils.identifiers import lookup


class NotDifferentiableError(ValueError):
    """Raised when training would need the derivative of a step function."""


class ActivationFunction:
    """An element-wise (or row-wise, for softmax) function with its derivative.

    Args:
        name: registry name, e.g. `"relu"`.
        forward: `forward(z, out=None, **params) -> y`; may write into `out`.
        backward: `backward(grad_y, z, y, **params) -> grad_z`, or None for
            functions with no usable derivative (step functions).
        uses_input: True if `backward` needs `z` (not only `y`).
        params: default keyword parameters (e.g. `negative_slope`).
    """

    def __init__(self, name: str, forward: Callable, backward: Callable | None,
                 uses_input: bool = False, **params):
        self.__name__ = self.name = name
        self._forward = forward
        self._backward = backward
        self.uses_input = uses_input
        self.params = params

    @property
    def differentiable(self) -> bool:
        return self._backward is not None

    def __call__(self, x, **params) -> np.ndarray:
        """Apply the function to `x` and return a new array (Keras's functional form)."""
        x = np.asarray(x)
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype("float32")
        return self._forward(x, None, **{**self.params, **params})

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return `f(z)`, written into `out` when given (`out` may be `z`)."""
        return self._forward(z, out, **self.params)

    def backward(self, grad: np.ndarray, z: np.ndarray | None, y: np.ndarray) -> np.ndarray:
        """Return the gradient with respect to `z` given the gradient `grad` w.r.t. `y`."""
        if self._backward is None:
            raise NotDifferentiableError(
                f"The {self.name!r} activation is a step function: its derivative is "
                "zero everywhere it exists, so backpropagation cannot train through it. "
                "Use 'sigmoid' or 'tanh' for a trainable network, or "
                "axone.Perceptron (Rosenblatt's rule) for a single threshold unit."
            )
        return self._backward(grad, z, y, **self.params)

    def with_params(self, **params) -> "ActivationFunction":
        """A copy with other default parameters (e.g. a leaky ReLU slope)."""
        # A parametrised function may need z for its derivative even when the
        # default form does not (ReLU with a slope or threshold): be safe.
        return ActivationFunction(self.name, self._forward, self._backward,
                                  True, **{**self.params, **params})

    def __repr__(self) -> str:
        return f"<activation {self.name}>"


# --------------------------------------------------------------------- linear
def _linear_forward(z, out):
    if out is None:
        return z.copy()
    if out is not z:
        out[...] = z
    return out


def _linear_backward(grad, z, y):
    return grad


linear = ActivationFunction("linear", _linear_forward, _linear_backward)


# ----------------------------------------------------------------------- relu
def _relu_forward(z, out, negative_slope=0.0, max_value=None, threshold=0.0):
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return np.maximum(z, 0.0, out=out)
    y = np.where(z >= threshold, z, negative_slope * (z - threshold))
    if max_value is not None:
        np.minimum(y, max_value, out=y)
    if out is None:
        return y.astype(z.dtype, copy=False)
    out[...] = y
    return out


def _relu_backward(grad, z, y, negative_slope=0.0, max_value=None, threshold=0.0):
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        # d relu / dz is 1 where the output is positive, 0 elsewhere (0 at z == 0, as Keras).
        return grad * (y > 0)
    slope = np.where(z >= threshold, 1.0, negative_slope).astype(grad.dtype)
    if max_value is not None:
        slope[z >= max_value] = 0.0
    return grad * slope


# Plain ReLU differentiates from its output; `with_params(negative_slope=...)`
# forms need the input z (see `ActivationFunction.with_params`).
relu = ActivationFunction("relu", _relu_forward, _relu_backward, uses_input=False)


# -------------------------------------------------------------------- sigmoid
def _sigmoid_forward(z, out):
    out = np.negative(z, out=out)
    with np.errstate(over="ignore"):  # exp(-z) -> inf gives the right limit 0
        np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def _sigmoid_backward(grad, z, y):
    return grad * y * (1.0 - y)


sigmoid = ActivationFunction("sigmoid", _sigmoid_forward, _sigmoid_backward)


# ----------------------------------------------------------------------- tanh
def _tanh_forward(z, out):
    return np.tanh(z, out=out)


def _tanh_backward(grad, z, y):
    return grad * (1.0 - y * y)


tanh = ActivationFunction("tanh", _tanh_forward, _tanh_backward)


# -------------------------------------------------------------------- softmax
def _softmax_forward(z, out, axis=-1):
    # Subtracting the row maximum keeps exp() finite without changing the result.
    shifted = np.subtract(z, z.max(axis=axis, keepdims=True), out=out)
    np.exp(shifted, out=shifted)
    shifted /= shifted.sum(axis=axis, keepdims=True)
    return shifted


def _softmax_backward(grad, z, y, axis=-1):
    # Jacobian-vector product of softmax: y * (g - sum(g * y)).
    return y * (grad - (grad * y).sum(axis=axis, keepdims=True))


softmax = ActivationFunction("softmax", _softmax_forward, _softmax_backward, axis=-1)


_REGISTRY: dict[str, ActivationFunction] = {
    f.name: f for f in (linear, relu, sigmoid, tanh, softmax)
}


def register(function: ActivationFunction, *aliases: str) -> ActivationFunction:
    """Add an activation (and optional aliases) to the name registry."""
    for name in (function.name, *aliases):
        _REGISTRY[name] = function
    return function


def get(identifier) -> ActivationFunction | Callable:
    """Resolve `None` (linear), a name, or a callable to an activation.

    A plain Python function is accepted for prediction; training through it
    needs a derivative, so wrap it in `ActivationFunction` to train.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, ActivationFunction):
        return identifier
    if isinstance(identifier, str):
        return lookup(identifier, _REGISTRY, "activation")
    if isinstance(identifier, dict):
        return lookup(identifier.get("config", identifier.get("class_name")), _REGISTRY, "activation")
    if callable(identifier):
        name = getattr(identifier, "__name__", None)
        if name in _REGISTRY and _REGISTRY[name] is identifier:
            return identifier
        return identifier
    raise TypeError(f"Could not interpret activation identifier: {identifier!r}")


def serialize(activation) -> str:
    """Return the registry name of an activation."""
    name = getattr(activation, "name", None) or getattr(activation, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize activation {activation!r}: it has no name.")
    return name
