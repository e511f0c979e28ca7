"""`ActivationFunction`: a forward formula together with its analytic derivative.

Layers call `forward(z, out)` (which may compute in place) and
`backward(grad, z, y)` (the gradient with respect to `z`, given the
gradient with respect to the output `y`). Where the derivative can be
written from `y` alone (sigmoid: `y (1 - y)`), `uses_input` is False: layers
then overwrite `z` with `y` and pass `z=None` to `backward`.
"""

from __future__ import annotations

from typing import Callable

from axone import backend
from axone.backend import xp


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
        from axone.ops.operation import TAPES, Operation
        if TAPES or Operation.takes_graph_path(x):  # a graph node, or recorded by a tape
            from axone.ops.nn import apply_activation
            return apply_activation(self.with_params(**params) if params else self, x)
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
