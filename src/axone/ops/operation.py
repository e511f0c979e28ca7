"""`Operation`: a weightless graph step with a forward and a vector-Jacobian product.

Every `axone.ops` function creates one `Operation` per call and calls it on
its arguments:

* on arrays (NumPy arrays, numbers, `Variable`s) it computes at once and
  returns a NumPy array; while a `GradientTape` is recording, the call is
  recorded on it;
* when an argument is a `SymbolicTensor` (or, while a layer's `call` is
  being traced, a `Variable`), it computes nothing: it records a `Node`
  exactly as a layer call does and returns a new symbolic tensor, so a model
  plan runs ops and layers alike.

A subclass implements `compute(*args)` (the arguments in call order:
arrays, or constants such as Python numbers) and `vjp(grad, args, out,
needed)`, returning one gradient per argument (None where `needed[i]` is
False or the argument has none). Broadcasting is undone with `unbroadcast`.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from axone.symbolic import Node, SymbolicTensor
from axone.utils.naming import to_snake_case
from axone.variables import Variable

#: Recording tapes, innermost last (see `axone.GradientTape`).
TAPES: list = []
#: How many traces are running: while > 0, a `Variable` given to an op is read as a graph node.
_TRACING = [0]


def tracing() -> bool:
    """True while a `call` (or loss function) is being traced on symbolic inputs."""
    return _TRACING[0] > 0


class trace_scope:
    """Context in which ops read `Variable`s as graph nodes (see `tracing`)."""

    def __enter__(self):
        _TRACING[0] += 1
        return self

    def __exit__(self, *exc):
        _TRACING[0] -= 1
        return False


def unbroadcast(grad, shape: tuple):
    """Sum `grad` over the axes along which an input of `shape` was broadcast to it."""
    grad = np.asarray(grad)
    if grad.shape == tuple(shape):
        return grad
    lead = grad.ndim - len(shape)
    if lead > 0:
        grad = grad.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, size in enumerate(shape) if size == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def _spec_dummy(tensor: SymbolicTensor, unknown: int):
    """An array standing for `tensor` in shape inference: unknown axes have size `unknown`."""
    shape = tuple(unknown if d is None else d for d in tensor.shape)
    dtype = np.dtype(tensor.dtype)
    if np.issubdtype(dtype, np.floating) or np.issubdtype(dtype, np.complexfloating):
        return np.ones(shape, dtype=dtype)
    return np.zeros(shape, dtype=dtype)


class Operation:
    """Base class of the ops (see the module docstring).

    Graph steps read these attributes, which layers also have: an op has no
    weights, takes its inputs as a list, and never applies an SGD step.
    """

    _accepts_list_input = True
    supports_sgd_step = False
    trainable = True
    built = True
    #: False for ops whose output carries no gradient (comparisons, argmax, shape-only).
    differentiable = True

    def __init__(self, name: str | None = None):
        self.name = name or to_snake_case(type(self).__name__)
        self._cache: Any = None
        self._inbound_nodes: list[Node] = []
        self._weights: list = []
        self.input_grad_needed = True
        self.keep_sgd_step = False
        self._template: list | None = None  # call arguments, with None where a tensor goes
        self._positions: list[int] = []  # index in the arguments of each tensor input

    @property
    def variables(self) -> list:
        return []

    # --------------------------------------------------------------- contract
    def compute(self, *args):
        raise NotImplementedError(f"{type(self).__name__} must implement compute().")

    def vjp(self, grad, args: Sequence, out, needed: Sequence[bool]) -> list:
        """One gradient per argument (None where not needed or not differentiable)."""
        raise NotImplementedError(f"{type(self).__name__} has no gradient.")

    # ------------------------------------------------------------ dispatching
    def __call__(self, *args):
        if any(Operation.takes_graph_path(a) for a in args):
            return self._symbolic_call(args)
        return self._eager_call(args)

    @staticmethod
    def takes_graph_path(value) -> bool:
        """True if an op given `value` records a node (a symbolic tensor, or a
        `Variable` while a call is traced) instead of computing."""
        return isinstance(value, SymbolicTensor) or (_TRACING[0] > 0 and isinstance(value, Variable))

    def _eager_call(self, args):
        values = [a.value if isinstance(a, Variable) else plain(a) for a in args]
        out = self.compute(*values)
        if TAPES:
            out = TrackedArray.wrap(out)
            for tape in TAPES:
                tape._record_op(self, args, values, out)
        return out

    def _symbolic_call(self, args):
        from axone.ops.variable_read import read_variable

        template, tensors, positions = [], [], []
        for i, arg in enumerate(args):
            if isinstance(arg, Variable):
                arg = read_variable(arg)
            if isinstance(arg, SymbolicTensor):
                template.append(None)
                tensors.append(arg)
                positions.append(i)
            else:
                template.append(arg)
        self._template, self._positions = template, positions
        shape, dtype = self.compute_output_spec(tensors)
        output = SymbolicTensor(shape, dtype, name=self.name)
        node = Node(self, tensors, [output])
        self._inbound_nodes.append(node)
        return output

    def _fill(self, arrays) -> list:
        if len(arrays) == len(self._template):  # no constants among the arguments
            return arrays
        args = list(self._template)
        for position, array in zip(self._positions, arrays):
            args[position] = array
        return args

    def compute_output_spec(self, tensors: list[SymbolicTensor]) -> tuple[tuple, str]:
        """Output `(shape, dtype)`, found by computing on small stand-in arrays.

        Unknown axes (the batch axis) get two different sizes in two runs; an
        output axis whose size changes between them is unknown too.
        """
        results = []
        with np.errstate(all="ignore"):
            for unknown in (2, 3):
                dummies = [_spec_dummy(t, unknown) for t in tensors]
                try:
                    results.append(np.asarray(self.compute(*self._fill(dummies))))
                except (ValueError, IndexError, TypeError) as error:
                    shapes = ", ".join(str(t.shape) for t in tensors)
                    raise ValueError(
                        f"ops.{self.name} cannot take inputs of shapes {shapes}: {error}"
                    ) from None
        first, second = results
        if first.ndim != second.ndim:
            raise ValueError(f"ops.{self.name}: the rank of its output depends on the batch size.")
        shape = tuple(a if a == b else None for a, b in zip(first.shape, second.shape))
        return shape, str(first.dtype)

    # ------------------------------------------------------- as a graph step
    def forward(self, inputs, training: bool = False):
        args = self._fill(inputs)
        out = self.compute(*args)
        self._cache = (args, out)
        return out

    def backward(self, grad_output):
        if not self.input_grad_needed:
            return None
        args, out = self._cache
        if not self.differentiable:
            return [None] * len(self._positions)
        needed = self.__dict__.get("_needed")
        if needed is None:  # which arguments are graph inputs: fixed once the node is recorded
            needed = self._needed = [i in self._positions for i in range(len(args))]
        grads = self.vjp(grad_output, args, out, needed)
        return [grads[position] for position in self._positions]

    def __repr__(self) -> str:
        return f"<Operation {self.name}>"


class Elementwise(Operation):
    """A broadcasting op `f(*args)` whose partial derivatives are given by `partials`."""

    def vjp(self, grad, args, out, needed):
        partials = self.partials(grad, args, out, needed)
        return [None if p is None else unbroadcast(p, np.shape(a))
                for p, a in zip(partials, args)]

    def partials(self, grad, args, out, needed) -> list:
        """The gradient for each argument before broadcasting is undone."""
        raise NotImplementedError(f"{type(self).__name__} must implement partials().")


def as_array(x):
    """`x` as a NumPy array (a `Variable`'s value, a list, a number)."""
    if isinstance(x, Variable):
        return x.value
    return np.asarray(x)


def is_tensor_like(x) -> bool:
    return isinstance(x, (SymbolicTensor, Variable, np.ndarray, np.generic))


def plain(value):
    """`value` with a `TrackedArray` turned back into a plain NumPy array (a view)."""
    return value.view(np.ndarray) if isinstance(value, TrackedArray) else value


def _plain_structure(value):
    if isinstance(value, (list, tuple)):
        return type(value)(_plain_structure(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain_structure(v) for k, v in value.items()}
    return plain(value)


class TrackedArray(np.ndarray):
    """An array computed while a `GradientTape` records (what ops and layers return then).

    NumPy operators and functions on it (`y_pred - y`, `np.mean(e)`) go
    through the `axone.ops` of the same name, so the tape records them too.
    Once no tape records, it computes as a plain array.
    """

    @staticmethod
    def wrap(value):
        return np.asarray(value).view(TrackedArray)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from axone import ops
        from axone.symbolic import _NUMPY_TO_OPS
        op = getattr(ops, _NUMPY_TO_OPS.get(ufunc.__name__, ufunc.__name__), None)
        if TAPES and method == "__call__" and op is not None and not kwargs:
            return op(*inputs)
        result = getattr(ufunc, method)(*_plain_structure(inputs), **_plain_structure(kwargs))
        return result

    def __array_function__(self, func, types, args, kwargs):
        from axone import ops
        from axone.symbolic import _NUMPY_TO_OPS
        op = getattr(ops, _NUMPY_TO_OPS.get(func.__name__, func.__name__), None)
        if TAPES and callable(op) and not isinstance(op, type):
            return op(*args, **kwargs)
        return func(*_plain_structure(args), **_plain_structure(kwargs))
