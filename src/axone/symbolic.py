"""Symbolic tensors and nodes: how calling layers on `Input(...)` records a graph.

`layer(symbolic_tensor)` does no arithmetic: it builds the layer from the
input shape, creates a `Node` linking its input tensors to a new output
tensor, and returns that tensor. `Model(inputs, outputs)` later walks the
nodes back from the outputs to sort them.
"""

from __future__ import annotations

from typing import Any, Sequence


class SymbolicTensor:
    """A placeholder with a shape (batch axis `None`) that remembers its producer.

    Attributes:
        shape: tuple, e.g. `(None, 784)`.
        dtype: string, e.g. `"float32"`.
        node: the `Node` that produced it.
        name: readable name, `"<layer name>"` or `"<layer name>_<i>"`.
    """

    def __init__(self, shape: Sequence[int | None], dtype: str, node: "Node | None" = None, name: str = ""):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.node = node
        self.name = name

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<SymbolicTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __array__(self, *args, **kwargs):
        raise TypeError(
            f"{self.name!r} is a symbolic tensor (shape {self.shape}): it holds no "
            "numbers. Compute with axone.ops (ops.exp, ops.sum, ...) on it, or build a "
            "Model from it and call model.predict(...)."
        )

    # ----------------------------------------------------- Python operators
    # Each one records an axone.ops node (imported late: ops build on this module).
    def __add__(self, other):
        return _ops().add(self, other)

    def __radd__(self, other):
        return _ops().add(other, self)

    def __sub__(self, other):
        return _ops().subtract(self, other)

    def __rsub__(self, other):
        return _ops().subtract(other, self)

    def __mul__(self, other):
        return _ops().multiply(self, other)

    def __rmul__(self, other):
        return _ops().multiply(other, self)

    def __truediv__(self, other):
        return _ops().divide(self, other)

    def __rtruediv__(self, other):
        return _ops().divide(other, self)

    def __pow__(self, other):
        return _ops().power(self, other)

    def __rpow__(self, other):
        return _ops().power(other, self)

    def __matmul__(self, other):
        return _ops().matmul(self, other)

    def __rmatmul__(self, other):
        return _ops().matmul(other, self)

    def __neg__(self):
        return _ops().negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops().abs(self)

    def __lt__(self, other):
        return _ops().less(self, other)

    def __le__(self, other):
        return _ops().less_equal(self, other)

    def __gt__(self, other):
        return _ops().greater(self, other)

    def __ge__(self, other):
        return _ops().greater_equal(self, other)

    def __and__(self, other):
        return _ops().logical_and(self, other)

    def __or__(self, other):
        return _ops().logical_or(self, other)

    def __invert__(self):
        return _ops().logical_not(self)

    def __getitem__(self, key):
        return _ops().get_item(self, key)

    # `==` keeps identity semantics (tensors are used as dict keys and compared
    # with `is`/`in` by the graph code); use ops.equal for element-wise equality.
    __hash__ = object.__hash__

    @property
    def T(self):
        return _ops().transpose(self)

    def __bool__(self):
        raise TypeError(
            f"The truth value of symbolic tensor {self.name!r} (shape {self.shape}) is unknown "
            "while the graph is built: Python `if`, `while`, `and`/`or` cannot branch on it. "
            "Write the branch with axone.ops.where(condition, x, y) (element-wise) or "
            "axone.ops.cond(pred, true_fn, false_fn)."
        )

    def __iter__(self):
        raise TypeError(
            f"Symbolic tensor {self.name!r} (shape {self.shape}) is not iterable. Index it "
            "(x[:, 0]) or pass several tensors as a list."
        )

    def __len__(self):
        raise TypeError(f"len() of symbolic tensor {self.name!r} is unknown; use ops.shape(x).")

    def __float__(self):
        raise TypeError(f"Symbolic tensor {self.name!r} holds no number: float() needs an array.")

    __int__ = __index__ = __float__

    # NumPy functions on a symbolic tensor become the axone.ops of the same name
    # (np.exp(x) -> ops.exp(x), np.mean(x, axis=1) -> ops.mean(x, axis=1)).
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        function = _NUMPY_TO_OPS.get(ufunc.__name__, ufunc.__name__)
        op = getattr(_ops(), function, None)
        if method != "__call__" or op is None or kwargs:
            raise TypeError(
                f"numpy.{ufunc.__name__} ({method}) cannot compute on symbolic tensor "
                f"{self.name!r}: use the axone.ops function instead."
            )
        return op(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        op = getattr(_ops(), _NUMPY_TO_OPS.get(func.__name__, func.__name__), None)
        if op is None:
            raise TypeError(
                f"numpy.{func.__name__} cannot compute on symbolic tensor {self.name!r}: "
                "use an axone.ops function instead."
            )
        return op(*args, **kwargs)


#: NumPy names whose axone.ops function is named otherwise.
_NUMPY_TO_OPS = {"true_divide": "divide", "absolute": "abs", "concat": "concatenate"}


def _ops():
    from axone import ops

    return ops


class Node:
    """One call of a layer (or of an `axone.ops` operation) inside a graph: `outputs = layer(inputs)`."""

    def __init__(self, layer: Any, inputs: list[SymbolicTensor], outputs: list[SymbolicTensor],
                 training: bool | None = None):
        self.layer = layer
        self.inputs = inputs
        self.outputs = outputs
        self.training = training  # a `training=` given at the call, fixed for this node
        for tensor in outputs:
            tensor.node = self

    @property
    def parents(self) -> list["Node"]:
        return [t.node for t in self.inputs if t.node is not None]


def is_symbolic(value: Any) -> bool:
    """True if `value` is a symbolic tensor or a list/tuple holding one."""
    if isinstance(value, SymbolicTensor):
        return True
    if isinstance(value, (list, tuple)):
        return any(isinstance(v, SymbolicTensor) for v in value)
    return False
