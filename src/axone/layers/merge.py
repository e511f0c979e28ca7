"""Merge layers: combine a list of tensors into one.

`Concatenate` joins its inputs along an axis; `Add`, `Subtract`, `Multiply`,
`Average`, `Maximum` and `Minimum` combine them elementwise. Each has a
Keras-style functional helper: `concatenate([a, b])`, `add([a, b])`, ...

Backward passes return one gradient per input, in input order.
"""

from __future__ import annotations

from functools import reduce

from axone.backend import xp

from axone.layers.base import Layer


def _check_list_of_shapes(input_shape, who: str) -> None:
    """Raise unless `input_shape` is a non-empty list of shapes (one per input tensor)."""
    if (not isinstance(input_shape, (list, tuple)) or not input_shape
            or not all(isinstance(s, (list, tuple)) for s in input_shape)):
        raise ValueError(
            f"{who} should be called on a list of at least 1 input. "
            f"Received: input_shape={input_shape} (not a list of shapes)"
        )


def _broadcast_shapes(shape1: tuple, shape2: tuple) -> tuple:
    """Shape of an elementwise result, as Keras computes it (size 1 and None broadcast)."""
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return tuple(shape1)
    result = list(shape1[: len(shape1) - len(shape2)])
    for i, j in zip(shape1[len(shape1) - len(shape2):], shape2):
        if i is None or j is None:
            result.append(None)
        elif i == 1 or j == 1:
            result.append(j if i == 1 else i)
        elif i != j:
            raise ValueError(
                f"Inputs have incompatible shapes. Received shapes {tuple(shape1)} and {tuple(shape2)}"
            )
        else:
            result.append(i)
    return tuple(result)


def _sum_to_shape(grad: xp.ndarray, shape: tuple) -> xp.ndarray:
    """Sum `grad` over the axes that broadcasting stretched from size 1, down to `shape`."""
    if grad.shape == shape:
        return grad
    axes = tuple(i for i, (g, s) in enumerate(zip(grad.shape, shape)) if s == 1 and g != 1)
    return grad.sum(axis=axes, keepdims=True)


class _Merge(Layer):
    """Base of the elementwise merges: shape checks, broadcasting, gradient reduction.

    As in Keras 3, the inputs may differ by axes of size 1, which broadcast
    (`(batch, 1)` with `(batch, 4)` gives `(batch, 4)`), and an input of lower
    rank first gets size-1 axes inserted after its batch axis. The gradient of
    a broadcast input is summed back over the axes it was stretched along.

    Subclasses implement `_merge(xs)` and `_merge_grads(grad, xs, y)` on inputs
    already expanded to a common rank.
    """

    _accepts_list_input = True  # called on a list, even a list of one tensor
    _min_inputs, _max_inputs = 1, None

    def build(self, input_shape):
        self.compute_output_shape(input_shape)  # the merges have no weights: only validate

    def check_input_shape(self, input_shape):
        self.compute_output_shape(input_shape)  # no weights, so any compatible shapes work

    def compute_output_shape(self, input_shape):
        _check_list_of_shapes(input_shape, "A merge layer")
        n = len(input_shape)
        if n < self._min_inputs or (self._max_inputs is not None and n > self._max_inputs):
            count = f"exactly {self._max_inputs}" if self._max_inputs == self._min_inputs else \
                f"at least {self._min_inputs}"
            raise ValueError(
                f"A `{type(self).__name__}` layer should be called on {count} inputs. "
                f"Received: input_shape={input_shape}"
            )
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                f"Cannot merge tensors with different batch sizes. Received tensors with shapes {input_shape}"
            )
        output = reduce(_broadcast_shapes, [tuple(s[1:]) for s in input_shape])
        return (batch_sizes.pop() if batch_sizes else None,) + output

    def forward(self, inputs, training=False):
        rank = max(x.ndim for x in inputs)
        # A lower-rank input gets its new size-1 axes right after the batch axis (as Keras).
        xs = [x if x.ndim == rank else x.reshape(x.shape[:1] + (1,) * (rank - x.ndim) + x.shape[1:])
              for x in inputs]
        y = self._merge(xs)
        if training:
            self._cache = (xs, y, [x.shape for x in inputs])
        return y

    def backward(self, grad_output):
        if not self.input_grad_needed:
            return None
        xs, y, shapes = self._cache
        grads = self._merge_grads(grad_output, xs, y)
        return [_sum_to_shape(g, x.shape).reshape(shape) for g, x, shape in zip(grads, xs, shapes)]


class Add(_Merge):
    """Elementwise sum of a list of inputs: `output = x1 + x2 + ...`.

    Backward: every input receives `grad_output` (summed over broadcast axes).

    Shapes: a list of inputs of the same shape `(batch, ...)` (or broadcastable,
    see `_Merge`); output of that shape.

    Example:
        >>> a, b = axone.Input(shape=(8,)), axone.Input(shape=(8,))
        >>> total = axone.layers.Add()([a, b])    # or axone.layers.add([a, b])
    """

    def _merge(self, xs):
        return reduce(xp.add, xs)

    def _merge_grads(self, grad, xs, y):
        # One array for every input: backward passes never write into the gradient they receive.
        return [grad] * len(xs)


class Subtract(_Merge):
    """Elementwise difference of exactly two inputs: `output = x1 - x2`.

    Backward: `grad_x1 = grad_output`, `grad_x2 = -grad_output`.
    """

    _min_inputs = _max_inputs = 2

    def _merge(self, xs):
        return xs[0] - xs[1]

    def _merge_grads(self, grad, xs, y):
        return [grad, -grad]


class Multiply(_Merge):
    """Elementwise product of a list of inputs: `output = x1 * x2 * ...`.

    Backward: `grad_xi = grad_output * (product of the other inputs)`.
    """

    def _merge(self, xs):
        return reduce(xp.multiply, xs)

    def _merge_grads(self, grad, xs, y):
        # The product of the others, not y / xi, which fails where xi == 0.
        return [reduce(xp.multiply, xs[:i] + xs[i + 1:], grad) for i in range(len(xs))]


class Average(_Merge):
    """Elementwise mean of a list of inputs: `output = (x1 + ... + xn) / n`.

    Backward: every input receives `grad_output / n`.
    """

    def _merge(self, xs):
        return reduce(xp.add, xs) / len(xs)

    def _merge_grads(self, grad, xs, y):
        return [grad / len(xs)] * len(xs)


class _Extremum(_Merge):
    """`Maximum` and `Minimum`: the gradient flows to the input that gave the output."""

    _op = None

    def _merge(self, xs):
        return reduce(self._op, xs)

    def _merge_grads(self, grad, xs, y):
        # On ties the first input holding the extreme value takes the whole gradient.
        taken = xp.zeros(y.shape, dtype=bool)
        grads = []
        for x in xs:
            wins = (x == y) & ~taken
            taken |= wins
            grads.append(grad * wins)
        return grads


class Maximum(_Extremum):
    """Elementwise maximum of a list of inputs: `output = max(x1, x2, ...)`.

    Backward: `grad_output` goes to the input holding the maximum (the first one on ties).
    """

    _op = xp.maximum


class Minimum(_Extremum):
    """Elementwise minimum of a list of inputs: `output = min(x1, x2, ...)`.

    Backward: `grad_output` goes to the input holding the minimum (the first one on ties).
    """

    _op = xp.minimum


class Concatenate(Layer):
    """Joins a list of inputs along `axis`: `output = [x1 | x2 | ...]`.

    Backward: `grad_output` is cut back into one slice per input along `axis`.

    Args:
        axis: axis to concatenate along. Defaults to `-1`.

    Shapes: inputs that match on every axis but `axis`; the output's size on
    `axis` is the sum of theirs, e.g. `[(batch, 3), (batch, 4)]` -> `(batch, 7)`.

    Example:
        >>> a, b = axone.Input(shape=(3,)), axone.Input(shape=(4,))
        >>> joined = axone.layers.Concatenate()([a, b])   # shape (None, 7)
    """

    _accepts_list_input = True

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, (int, xp.integer)) or isinstance(axis, bool):
            raise TypeError(f"`axis` must be an int. Received: axis={axis!r}")
        self.axis = int(axis)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)  # no weights: only validate

    def check_input_shape(self, input_shape):
        self.compute_output_shape(input_shape)

    def compute_output_shape(self, input_shape):
        _check_list_of_shapes(input_shape, "A `Concatenate` layer")
        rank = len(input_shape[0])
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Axis {self.axis} is out of bounds for inputs of rank {rank}. "
                f"Received: input_shape={input_shape}, axis={self.axis}"
            )
        axis = self.axis % rank
        output = list(input_shape[0])
        for shape in input_shape:
            mismatch = len(shape) != rank or any(
                i != axis and a is not None and b is not None and a != b
                for i, (a, b) in enumerate(zip(shape, output)))
            if mismatch:
                raise ValueError(
                    "A `Concatenate` layer requires inputs with matching shapes except for the "
                    f"concatenation axis. Received: input_shape={input_shape}"
                )
            output = [b if a is None and i != axis else a for i, (a, b) in enumerate(zip(output, shape))]
        sizes = [shape[axis] for shape in input_shape]
        output[axis] = None if None in sizes else sum(sizes)
        return tuple(output)

    def forward(self, inputs, training=False):
        if training:
            self._cache = [x.shape[self.axis] for x in inputs]
        return xp.concatenate(inputs, axis=self.axis)

    def backward(self, grad_output):
        if not self.input_grad_needed:
            return None
        return xp.split(grad_output, xp.cumsum(self._cache)[:-1], axis=self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


# ------------------------------------------------------ functional helpers
def concatenate(inputs, axis: int = -1, **kwargs):
    """`Concatenate(axis=axis, **kwargs)(inputs)`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def add(inputs, **kwargs):
    """`Add(**kwargs)(inputs)`."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """`Subtract(**kwargs)(inputs)`."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """`Multiply(**kwargs)(inputs)`."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """`Average(**kwargs)(inputs)`."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """`Maximum(**kwargs)(inputs)`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """`Minimum(**kwargs)(inputs)`."""
    return Minimum(**kwargs)(inputs)
