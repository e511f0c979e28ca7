"""NumPy-like ops with Keras 3's names and semantics, each with its vector-Jacobian product.

Arithmetic broadcasts as NumPy does, and the gradient of a broadcast input
is summed back to its shape. Python numbers keep the dtype of the array
they meet (float32 stays float32).
"""

from __future__ import annotations

import builtins

import numpy as np

from axone import backend
from axone.ops.operation import Elementwise, Operation, as_array, unbroadcast


def _float(x):
    """`x` as an array; integers and booleans become floatx (as Keras's float ops do)."""
    x = np.asarray(x)
    return x if x.dtype.kind in "fc" else x.astype(backend.floatx())


def _normalize_axis(axis, ndim: int) -> tuple:
    if axis is None:
        return tuple(range(ndim))
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(sorted(int(a) % ndim for a in axes)) if ndim else ()


def _expand_reduced(grad, shape, axis, keepdims):
    """Bring a reduction's output gradient back to a shape that broadcasts against the input."""
    grad = np.asarray(grad)
    if keepdims:
        return grad
    axes = _normalize_axis(axis, len(shape))
    return grad.reshape(tuple(1 if i in axes else d for i, d in enumerate(shape)))


# ------------------------------------------------------------- unary, elementwise
class _Unary(Elementwise):
    """`f(x)` with `f'(x)` given as `derivative(x, y)` (y = f(x))."""

    def __init__(self, name, function, derivative, float_input=True):
        super().__init__(name=name)
        self.function, self.derivative, self.float_input = function, derivative, float_input

    def compute(self, x):
        return self.function(_float(x) if self.float_input else np.asarray(x))

    def partials(self, grad, args, out, needed):
        return [grad * self.derivative(np.asarray(args[0]), out)]


def _unary(name, function, derivative, float_input=True, doc=""):
    def op(x):
        return _Unary(name, function, derivative, float_input)(x)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc or f"Element-wise `{name}(x)`."
    return op


exp = _unary("exp", np.exp, lambda x, y: y)
log = _unary("log", np.log, lambda x, y: 1 / x)
log1p = _unary("log1p", np.log1p, lambda x, y: 1 / (1 + x))
expm1 = _unary("expm1", np.expm1, lambda x, y: y + 1)
sqrt = _unary("sqrt", np.sqrt, lambda x, y: 0.5 / y)
square = _unary("square", np.square, lambda x, y: 2 * x, float_input=False)
reciprocal = _unary("reciprocal", np.reciprocal, lambda x, y: -(y * y))
negative = _unary("negative", np.negative, lambda x, y: -np.ones_like(y), float_input=False)
absolute = _unary("absolute", np.abs, lambda x, y: np.sign(x), float_input=False)
abs = _unary("abs", np.abs, lambda x, y: np.sign(x), float_input=False)  # noqa: A001 (Keras's name)
sign = _unary("sign", np.sign, lambda x, y: np.zeros_like(y), float_input=False,
              doc="Element-wise sign (-1, 0 or 1); its gradient is zero.")
sin = _unary("sin", np.sin, lambda x, y: np.cos(x))
cos = _unary("cos", np.cos, lambda x, y: -np.sin(x))
tanh = _unary("tanh", np.tanh, lambda x, y: 1 - y * y)


# ----------------------------------------------------------- binary, broadcasting
class _Binary(Elementwise):
    def __init__(self, name, function, partials):
        super().__init__(name=name)
        self.function, self._partials = function, partials

    def compute(self, a, b):
        return self.function(as_array(a) if not isinstance(a, (int, float)) else a,
                             as_array(b) if not isinstance(b, (int, float)) else b)

    def partials(self, grad, args, out, needed):
        a, b = args
        return self._partials(grad, a, b, out, needed)


def _binary(name, function, partials, doc):
    def op(x1, x2):
        return _Binary(name, function, partials)(x1, x2)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return op


def _when(flag, value):
    return value() if flag else None


add = _binary("add", np.add, lambda g, a, b, y, n: [_when(n[0], lambda: g), _when(n[1], lambda: g)],
              "`x1 + x2`, broadcasting.")
subtract = _binary("subtract", np.subtract,
                   lambda g, a, b, y, n: [_when(n[0], lambda: g), _when(n[1], lambda: -g)],
                   "`x1 - x2`, broadcasting.")
multiply = _binary("multiply", np.multiply,
                   lambda g, a, b, y, n: [_when(n[0], lambda: g * b), _when(n[1], lambda: g * a)],
                   "`x1 * x2`, broadcasting.")
divide = _binary("divide", np.true_divide,
                 lambda g, a, b, y, n: [_when(n[0], lambda: g / b), _when(n[1], lambda: -g * y / b)],
                 "`x1 / x2`, broadcasting.")
true_divide = divide
power = _binary("power", np.power,
                lambda g, a, b, y, n: [_when(n[0], lambda: g * b * np.power(a, b - 1)),
                                       _when(n[1], lambda: g * y * np.log(a))],
                "`x1 ** x2`, broadcasting (the gradient in `x2` needs `x1 > 0`).")
maximum = _binary("maximum", np.maximum,
                  lambda g, a, b, y, n: [_when(n[0], lambda: g * (np.asarray(a) >= b)),
                                         _when(n[1], lambda: g * (np.asarray(a) < b))],
                  "Element-wise maximum; at ties the gradient goes to `x1`.")
minimum = _binary("minimum", np.minimum,
                  lambda g, a, b, y, n: [_when(n[0], lambda: g * (np.asarray(a) <= b)),
                                         _when(n[1], lambda: g * (np.asarray(a) > b))],
                  "Element-wise minimum; at ties the gradient goes to `x1`.")


class _Compare(Operation):
    """A comparison or logical op: boolean output, no gradient."""

    differentiable = False

    def __init__(self, name, function):
        super().__init__(name=name)
        self.function = function

    def compute(self, *args):
        return self.function(*[a if isinstance(a, (int, float, bool)) else as_array(a) for a in args])


def _compare(name, function):
    def op(*args):
        return _Compare(name, function)(*args)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"Element-wise `{name}`: a boolean tensor, with no gradient."
    return op


equal = _compare("equal", np.equal)
not_equal = _compare("not_equal", np.not_equal)
greater = _compare("greater", np.greater)
greater_equal = _compare("greater_equal", np.greater_equal)
less = _compare("less", np.less)
less_equal = _compare("less_equal", np.less_equal)
logical_and = _compare("logical_and", np.logical_and)
logical_or = _compare("logical_or", np.logical_or)
logical_not = _compare("logical_not", np.logical_not)
isnan = _compare("isnan", np.isnan)
isfinite = _compare("isfinite", np.isfinite)


class _Clip(Elementwise):
    def __init__(self, x_min, x_max):
        super().__init__(name="clip")
        self.x_min, self.x_max = x_min, x_max

    def compute(self, x):
        return np.clip(as_array(x), self.x_min, self.x_max)

    def partials(self, grad, args, out, needed):
        x = as_array(args[0])
        return [grad * ((x >= self.x_min) & (x <= self.x_max))]


def clip(x, x_min, x_max):
    """Clip `x` to `[x_min, x_max]`; the gradient passes where `x` lies inside."""
    return _Clip(x_min, x_max)(x)


class _Where(Elementwise):
    def compute(self, condition, x1, x2):
        return np.where(as_array(condition), x1 if np.isscalar(x1) else as_array(x1),
                        x2 if np.isscalar(x2) else as_array(x2))

    def partials(self, grad, args, out, needed):
        condition = np.asarray(as_array(args[0]), dtype=bool)
        return [None, _when(needed[1], lambda: np.where(condition, grad, 0).astype(grad.dtype)),
                _when(needed[2], lambda: np.where(condition, 0, grad).astype(grad.dtype))]


def where(condition, x1=None, x2=None):
    """`x1` where `condition` holds, else `x2` (all broadcast). The traceable `if` of a graph."""
    if x1 is None or x2 is None:
        raise ValueError("ops.where needs x1 and x2 here (the one-argument form returns indices, "
                         "whose number depends on the data).")
    return _Where(name="where")(condition, x1, x2)


# ------------------------------------------------------------------- products
def _matmul_grads(grad, a, b, needed):
    a, b = as_array(a), as_array(b)
    if a.ndim == 1 and b.ndim == 1:  # an inner product: the gradient is a scalar
        return [_when(needed[0], lambda: grad * b), _when(needed[1], lambda: grad * a)]
    a2 = a if a.ndim > 1 else a[None, :]
    b2 = b if b.ndim > 1 else b[:, None]
    g2 = np.asarray(grad)
    if a.ndim == 1:
        g2 = np.expand_dims(g2, -2)
    if b.ndim == 1:
        g2 = np.expand_dims(g2, -1)
    grad_a = grad_b = None
    if needed[0]:
        grad_a = unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
    if needed[1]:
        grad_b = unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape)
    return [grad_a, grad_b]


class _Matmul(Operation):
    def compute(self, a, b):
        return np.matmul(as_array(a), as_array(b))

    def vjp(self, grad, args, out, needed):
        return _matmul_grads(grad, args[0], args[1], needed)


def matmul(x1, x2):
    """Matrix product, NumPy's `matmul` rules (batch axes broadcast, 1-D operands promoted)."""
    return _Matmul(name="matmul")(x1, x2)


class _Dot(Operation):
    def compute(self, a, b):
        return np.dot(as_array(a), as_array(b))

    def vjp(self, grad, args, out, needed):
        a, b = as_array(args[0]), as_array(args[1])
        if a.ndim == 0 or b.ndim == 0:
            return [_when(needed[0], lambda: unbroadcast(grad * b, a.shape)),
                    _when(needed[1], lambda: unbroadcast(grad * a, b.shape))]
        if b.ndim > 2:
            raise NotImplementedError("The gradient of ops.dot is implemented for a second "
                                      f"operand of rank <= 2. Received: shape {b.shape}; use ops.matmul.")
        return _matmul_grads(grad, a, b, needed)


def dot(x1, x2):
    """NumPy's `dot`: a scalar product, a matrix product, or a sum over the last axis."""
    return _Dot(name="dot")(x1, x2)


# ----------------------------------------------------------------- reductions
class _Reduce(Operation):
    def __init__(self, name, axis=None, keepdims=False):
        super().__init__(name=name)
        self.axis = tuple(axis) if isinstance(axis, list) else axis
        self.keepdims = keepdims

    def _back(self, grad, x):
        return _expand_reduced(grad, x.shape, self.axis, self.keepdims)


class _Sum(_Reduce):
    def compute(self, x):
        return np.sum(as_array(x), axis=self.axis, keepdims=self.keepdims)

    def vjp(self, grad, args, out, needed):
        x = as_array(args[0])
        return [np.array(np.broadcast_to(self._back(grad, x), x.shape))]


class _Mean(_Reduce):
    def compute(self, x):
        x = _float(as_array(x))
        if x.dtype.kind == "f" and x.dtype.itemsize >= 4 and x.size:
            # What np.mean computes (a sum, then a division by the count), without its overhead.
            total = np.add.reduce(x, axis=self.axis, keepdims=self.keepdims)
            return np.true_divide(total, x.size // builtins.max(1, np.size(total)))
        return np.mean(x, axis=self.axis, keepdims=self.keepdims)

    def vjp(self, grad, args, out, needed):
        x = as_array(args[0])
        count = builtins.max(1, x.size // builtins.max(1, np.size(out)))
        grad = self._back(grad, x) / np.asarray(out).dtype.type(count)
        # A read-only broadcast view: backward passes never write into their incoming gradient.
        return [grad if grad.shape == x.shape else np.broadcast_to(grad, x.shape)]


class _Extreme(_Reduce):
    """max or min: the gradient is shared equally among the entries equal to the extreme."""

    def __init__(self, name, function, axis=None, keepdims=False):
        super().__init__(name, axis, keepdims)
        self.function = function

    def compute(self, x):
        return self.function(as_array(x), axis=self.axis, keepdims=self.keepdims)

    def vjp(self, grad, args, out, needed):
        x = as_array(args[0])
        mask = x == self._back(out, x)
        counts = mask.sum(axis=self.axis, keepdims=True)
        return [(mask * (self._back(grad, x) / counts)).astype(x.dtype)]


class _Prod(_Reduce):
    def compute(self, x):
        return np.prod(as_array(x), axis=self.axis, keepdims=self.keepdims)

    def vjp(self, grad, args, out, needed):
        x = as_array(args[0])
        axes = _normalize_axis(self.axis, x.ndim)
        # Product of the other entries, without dividing (zeros allowed): move
        # the reduced axes last, flatten them, multiply exclusive cumulative
        # products from the left and from the right.
        kept = [a for a in range(x.ndim) if a not in axes]
        moved = np.transpose(x, kept + list(axes))
        flat = moved.reshape(moved.shape[:len(kept)] + (-1,))
        ones = np.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
        left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
        right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
        others = (left * right).reshape(moved.shape)
        others = np.transpose(others, np.argsort(kept + list(axes)))
        return [others * self._back(grad, x)]


def sum(x, axis=None, keepdims=False):  # noqa: A001 (Keras's name)
    """Sum over `axis` (an int, a tuple, or None for all axes)."""
    return _Sum("sum", axis, keepdims)(x)


def mean(x, axis=None, keepdims=False):
    """Mean over `axis` (None: all axes)."""
    return _Mean("mean", axis, keepdims)(x)


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    """Maximum over `axis`; tied entries share the gradient equally."""
    if initial is not None:
        return maximum(_Extreme("max", np.max, axis, keepdims)(x), initial)
    return _Extreme("max", np.max, axis, keepdims)(x)


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    """Minimum over `axis`; tied entries share the gradient equally."""
    if initial is not None:
        return minimum(_Extreme("min", np.min, axis, keepdims)(x), initial)
    return _Extreme("min", np.min, axis, keepdims)(x)


amax, amin = max, min


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over `axis` (the gradient needs no division, so zeros are fine)."""
    result = _Prod("prod", axis, keepdims)(x)
    return result if dtype is None else cast(result, dtype)


def var(x, axis=None, keepdims=False):
    """Variance (divided by the number of entries) over `axis`."""
    centered = subtract(x, mean(x, axis=axis, keepdims=True))
    return mean(square(centered), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """Standard deviation over `axis` (the square root of `var`)."""
    return sqrt(var(x, axis=axis, keepdims=keepdims))


class _ArgExtreme(Operation):
    differentiable = False

    def __init__(self, name, function, axis, keepdims):
        super().__init__(name=name)
        self.function, self.axis, self.keepdims = function, axis, keepdims

    def compute(self, x):
        return np.asarray(self.function(as_array(x), axis=self.axis, keepdims=self.keepdims)).astype("int32")


def argmax(x, axis=None, keepdims=False):
    """Index of the maximum along `axis` (int32, no gradient)."""
    return _ArgExtreme("argmax", np.argmax, axis, keepdims)(x)


def argmin(x, axis=None, keepdims=False):
    """Index of the minimum along `axis` (int32, no gradient)."""
    return _ArgExtreme("argmin", np.argmin, axis, keepdims)(x)


class _Cumsum(Operation):
    def __init__(self, axis):
        super().__init__(name="cumsum")
        self.axis = axis

    def compute(self, x):
        return np.cumsum(as_array(x), axis=self.axis)

    def vjp(self, grad, args, out, needed):
        x = as_array(args[0])
        if self.axis is None:
            return [np.cumsum(grad[::-1])[::-1].reshape(x.shape)]
        flipped = np.flip(grad, self.axis)
        return [np.flip(np.cumsum(flipped, axis=self.axis), self.axis)]


def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along `axis` (None: over the flattened array)."""
    result = _Cumsum(axis)(x)
    return result if dtype is None else cast(result, dtype)


# ------------------------------------------------------------- shape changes
class _Reshape(Operation):
    def __init__(self, name, function):
        super().__init__(name=name)
        self.function = function

    def compute(self, x):
        return self.function(as_array(x))

    def vjp(self, grad, args, out, needed):
        return [np.reshape(grad, np.shape(as_array(args[0])))]


def reshape(x, newshape):
    """Reshape; one axis may be -1 (or None, the batch axis of a symbolic tensor)."""
    shape = (newshape,) if isinstance(newshape, int) else tuple(newshape)
    if builtins.sum(d is None or d == -1 for d in shape) > 1:
        raise ValueError(f"ops.reshape: at most one axis may be unknown (-1 or None). Received: {shape}")
    shape = tuple(-1 if d is None else int(d) for d in shape)
    return _Reshape("reshape", lambda a: np.reshape(a, shape))(x)


def expand_dims(x, axis):
    """Insert an axis of size 1 at `axis`."""
    return _Reshape("expand_dims", lambda a: np.expand_dims(a, axis))(x)


def squeeze(x, axis=None):
    """Remove the axes of size 1 (all of them, or those in `axis`)."""
    return _Reshape("squeeze", lambda a: np.squeeze(a, axis))(x)


def ravel(x):
    """The array flattened to one axis."""
    return _Reshape("ravel", np.ravel)(x)


class _Transpose(Operation):
    def __init__(self, axes):
        super().__init__(name="transpose")
        self.axes = None if axes is None else tuple(axes)

    def compute(self, x):
        return np.transpose(as_array(x), self.axes)

    def vjp(self, grad, args, out, needed):
        if self.axes is None:
            return [np.transpose(grad)]
        return [np.transpose(grad, np.argsort(self.axes))]


def transpose(x, axes=None):
    """Permute the axes (reverse them when `axes` is None)."""
    return _Transpose(axes)(x)


class _BroadcastTo(Operation):
    def __init__(self, shape):
        super().__init__(name="broadcast_to")
        self.shape = tuple(shape)

    def compute(self, x):
        return np.array(np.broadcast_to(as_array(x), self.shape))

    def vjp(self, grad, args, out, needed):
        return [unbroadcast(grad, np.shape(as_array(args[0])))]


def broadcast_to(x, shape):
    """`x` repeated along broadcast axes to `shape`."""
    return _BroadcastTo(shape)(x)


class _Concatenate(Operation):
    def __init__(self, axis):
        super().__init__(name="concatenate")
        self.axis = axis

    def compute(self, *xs):
        return np.concatenate([as_array(x) for x in xs], axis=self.axis)

    def vjp(self, grad, args, out, needed):
        sizes = [np.shape(as_array(x))[self.axis] for x in args]
        return np.split(grad, np.cumsum(sizes)[:-1], axis=self.axis)


def concatenate(xs, axis=0):
    """Join a list of tensors along an existing `axis` (Keras's default: 0)."""
    return _Concatenate(axis)(*xs)


class _Stack(Operation):
    def __init__(self, axis):
        super().__init__(name="stack")
        self.axis = axis

    def compute(self, *xs):
        return np.stack([as_array(x) for x in xs], axis=self.axis)

    def vjp(self, grad, args, out, needed):
        return [np.take(grad, i, axis=self.axis) for i in range(len(args))]


def stack(xs, axis=0):
    """Join a list of tensors of one shape along a new `axis`."""
    return _Stack(axis)(*xs)


class _Take(Operation):
    def __init__(self, axis):
        super().__init__(name="take")
        self.axis = axis

    def compute(self, x, indices):
        return np.take(as_array(x), np.asarray(as_array(indices), dtype=np.intp), axis=self.axis)

    def vjp(self, grad, args, out, needed):
        x = as_array(args[0])
        indices = np.asarray(as_array(args[1]), dtype=np.intp)
        grad_x = np.zeros(x.size if self.axis is None else x.shape, dtype=grad.dtype)
        key = indices if self.axis is None else (builtins.slice(None),) * (self.axis % x.ndim) + (indices,)
        np.add.at(grad_x, key, grad)  # repeated indices add up
        return [grad_x.reshape(x.shape), None]


def take(x, indices, axis=None):
    """Entries of `x` at integer `indices` along `axis` (None: of the flattened array)."""
    return _Take(axis)(x, indices)


def _is_basic_index(key) -> bool:
    parts = key if isinstance(key, tuple) else (key,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, builtins.slice)) for p in parts)


class _GetItem(Operation):
    def __init__(self, key):
        super().__init__(name="get_item")
        self.key = key

    def compute(self, x):
        return as_array(x)[self.key]

    def vjp(self, grad, args, out, needed):
        x = as_array(args[0])
        grad_x = np.zeros(x.shape, dtype=np.asarray(grad).dtype)
        if _is_basic_index(self.key):
            grad_x[self.key] += grad
        else:
            np.add.at(grad_x, self.key, grad)
        return [grad_x]


def get_item(x, key):
    """`x[key]` with NumPy's indexing (slices, integers, `None`, `...`, integer arrays)."""
    from axone.symbolic import SymbolicTensor

    parts = key if isinstance(key, tuple) else (key,)
    if any(isinstance(p, SymbolicTensor) for p in parts):
        raise TypeError("Indexing with a symbolic tensor is not supported: its values are unknown "
                        "while the graph is built. Use ops.take(x, indices, axis) or ops.where.")
    return _GetItem(key)(x)


def slice(inputs, start_indices, shape):  # noqa: A001 (Keras's name)
    """The block of `inputs` of size `shape` starting at `start_indices` (Keras's `ops.slice`)."""
    key = tuple(builtins.slice(int(s), int(s) + int(n)) if n != -1 else builtins.slice(int(s), None)
                for s, n in zip(start_indices, shape))
    return _GetItem(key)(inputs)


class _Cast(Operation):
    def __init__(self, dtype):
        super().__init__(name="cast")
        self.dtype = np.dtype(dtype)

    def compute(self, x):
        return np.asarray(as_array(x)).astype(self.dtype)

    def vjp(self, grad, args, out, needed):
        source = np.asarray(as_array(args[0])).dtype
        if not (np.issubdtype(source, np.inexact) and np.issubdtype(self.dtype, np.inexact)):
            return [None]
        return [np.asarray(grad).astype(source)]


def cast(x, dtype):
    """`x` converted to `dtype`; the gradient flows between float types only."""
    return _Cast(dtype)(x)


class _Constant(Operation):
    """An op whose output does not depend on the input's values (no gradient)."""

    differentiable = False

    def __init__(self, name, function):
        super().__init__(name=name)
        self.function = function

    def compute(self, x):
        return self.function(as_array(x))


def ones_like(x, dtype=None):
    """An array of ones of `x`'s shape (and dtype, unless given)."""
    return _Constant("ones_like", lambda a: np.ones_like(a, dtype=dtype))(x)


def zeros_like(x, dtype=None):
    """An array of zeros of `x`'s shape (and dtype, unless given)."""
    return _Constant("zeros_like", lambda a: np.zeros_like(a, dtype=dtype))(x)


def full_like(x, fill_value, dtype=None):
    """An array of `fill_value` of `x`'s shape."""
    return _Constant("full_like", lambda a: np.full_like(a, fill_value, dtype=dtype))(x)


# ------------------------------------------------------- constants (no inputs)
def ones(shape, dtype=None):
    """A new array of ones (floatx unless `dtype`)."""
    return np.ones(shape, dtype=dtype or backend.floatx())


def zeros(shape, dtype=None):
    """A new array of zeros (floatx unless `dtype`)."""
    return np.zeros(shape, dtype=dtype or backend.floatx())


def full(shape, fill_value, dtype=None):
    """A new array filled with `fill_value` (floatx unless `dtype`)."""
    return np.full(shape, fill_value, dtype=dtype or backend.floatx())


def eye(N, M=None, k=0, dtype=None):
    """The identity matrix (floatx unless `dtype`)."""
    return np.eye(N, M, k, dtype=dtype or backend.floatx())


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values, as NumPy's `arange`."""
    return np.arange(start, stop, step, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    """`num` evenly spaced values from `start` to `stop`."""
    return np.linspace(start, stop, num, endpoint=endpoint, dtype=dtype or backend.floatx())
