"""Core ops: conversion, `stop_gradient`, `shape`, and `cond` for branches a graph can hold."""

from __future__ import annotations

import numpy as np

from axone import backend
from axone.ops import numpy as knp
from axone.ops.operation import Operation, TAPES, as_array, tracing
from axone.symbolic import SymbolicTensor
from axone.variables import Variable


class _Identity(Operation):
    """The input as an array of `dtype` (a new array object); the gradient flows back unchanged."""

    def __init__(self, name="identity", dtype=None, differentiable=True):
        super().__init__(name=name)
        self.dtype = dtype
        self.differentiable = differentiable

    def compute(self, x):
        array = np.asarray(as_array(x), dtype=self.dtype)
        return array.view() if isinstance(array, np.ndarray) else array

    def vjp(self, grad, args, out, needed):
        source = np.asarray(as_array(args[0])).dtype
        return [np.asarray(grad).astype(source, copy=False)]


def convert_to_tensor(x, dtype=None, sparse=None):
    """`x` as an array (Python floats become floatx, Python ints int32, as in Keras).

    A symbolic tensor stays symbolic; a `Variable` gives its value (read as a
    graph node while a `call` is traced, recorded by a recording tape).
    """
    if isinstance(x, SymbolicTensor):
        return x if dtype is None or np.dtype(dtype) == np.dtype(x.dtype) else knp.cast(x, dtype)
    if isinstance(x, Variable):
        if tracing() or TAPES:
            return _Identity("convert_to_tensor", dtype)(x)
        return np.asarray(x.value, dtype=dtype)
    if dtype is None and not isinstance(x, (np.ndarray, np.generic)):
        array = np.asarray(x)
        if array.dtype == np.float64:
            return array.astype(backend.floatx())
        if array.dtype == np.int64:
            return array.astype("int32")
        return array
    return np.asarray(x, dtype=dtype)


def stop_gradient(x):
    """`x` unchanged, but no gradient flows back through it."""
    return _Identity("stop_gradient", differentiable=False)(x)


class ShapeOf(tuple):
    """The shape of a symbolic tensor, which remembers that tensor (`.tensor`).

    A plain tuple everywhere, except that `axone.random` functions given it
    draw at every run of the graph, in the tensor's actual shape.
    """

    tensor = None


def shape(x) -> tuple:
    """The shape as a tuple; the unknown batch axis of a symbolic tensor is None."""
    if isinstance(x, SymbolicTensor):
        result = ShapeOf(x.shape)
        result.tensor = x
        return result
    if isinstance(x, Variable):
        return tuple(x.shape)
    return tuple(np.shape(x))


def ndim(x) -> int:
    """The number of axes."""
    return len(shape(x))


def is_tensor(x) -> bool:
    """True for arrays and symbolic tensors (what ops take and return)."""
    return isinstance(x, (np.ndarray, np.generic, SymbolicTensor))


def _map_structure(function, *structures):
    first = structures[0]
    if isinstance(first, (list, tuple)):
        return type(first)(_map_structure(function, *parts) for parts in zip(*structures))
    if isinstance(first, dict):
        return {key: _map_structure(function, *(s[key] for s in structures)) for key in first}
    return function(*structures)


def cond(pred, true_fn, false_fn):
    """`true_fn()` if `pred` else `false_fn()`.

    With a concrete `pred` only the chosen branch runs. With a symbolic
    `pred` (a scalar computed from the inputs) both branches are traced and
    the result is selected element-wise with `ops.where`, so both must return
    the same structure of broadcast-compatible tensors.
    """
    if not isinstance(pred, SymbolicTensor):
        return true_fn() if bool(np.asarray(as_array(pred))) else false_fn()
    if pred.shape not in ((), (1,), (None,), (None, 1)):
        raise ValueError(f"ops.cond needs a scalar (or one-per-sample) condition. Received: shape {pred.shape}")
    when_true, when_false = true_fn(), false_fn()
    try:
        return _map_structure(lambda a, b: knp.where(pred, a, b), when_true, when_false)
    except (TypeError, ValueError) as error:
        raise ValueError("ops.cond: the two branches must return the same structure of tensors "
                         f"({error}).") from None
