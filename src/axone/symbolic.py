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
            "numbers. Build a Model from it and call model.predict(...) instead."
        )


class Node:
    """One call of a layer inside a graph: `outputs = layer(inputs)`."""

    def __init__(self, layer: Any, inputs: list[SymbolicTensor], outputs: list[SymbolicTensor]):
        self.layer = layer
        self.inputs = inputs
        self.outputs = outputs
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
