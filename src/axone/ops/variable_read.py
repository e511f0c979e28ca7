"""`ReadVariable`: the graph node through which traced code reads a `Variable`.

`ops.matmul(x, self.kernel)` inside a traced `call` reads the kernel with
a node that has no input: its forward returns the variable's current value
(a view into the model's parameter buffer once the model is built), and
its backward writes the incoming gradient into `variable.grad`, so the
optimizer updates the weight as it updates every other one.
"""

from __future__ import annotations

import numpy as np

from axone.ops.operation import Operation, unbroadcast
from axone.symbolic import Node, SymbolicTensor
from axone.variables import Variable


class ReadVariable(Operation):
    """Reads `variable`; backward assigns its gradient to `variable.grad`."""

    #: Tells the planner that this input-less node is a step, not a model input.
    reads_variable = True

    def __init__(self, variable: Variable):
        super().__init__(name=f"read_{variable.name}")
        self.variable = variable
        self._weights = [variable]

    @property
    def variables(self) -> list:
        return [self.variable]

    def forward(self, inputs, training: bool = False):
        return self.variable.value

    def backward(self, grad_output):
        target = self.variable.grad
        if target is not None:
            # Gradients of a variable read by several steps are summed by the
            # plan runner (it saves and adds): like a layer, this step assigns.
            target[...] = unbroadcast(grad_output, target.shape)
        return []


def read_variable(variable: Variable) -> SymbolicTensor:
    """A symbolic tensor for `variable`, produced by a new `ReadVariable` node."""
    op = ReadVariable(variable)
    output = SymbolicTensor(tuple(variable.shape), str(np.dtype(variable.dtype)), name=variable.path)
    op._template, op._positions = [], []
    op._inbound_nodes.append(Node(op, [], [output]))
    return output
