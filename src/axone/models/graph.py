"""Turn the nodes recorded by symbolic calls into an executable plan.

`plan_graph(inputs, outputs)` sorts the nodes between the model inputs and
outputs topologically and numbers every tensor, so that the forward pass is
a loop over `Step`s reading and writing a flat list of arrays, and the
backward pass is the same loop reversed.
"""

from __future__ import annotations

from dataclasses import dataclass

from axone.symbolic import Node, SymbolicTensor


@dataclass
class Step:
    """One layer call: read `input_slots`, write `output_slot`."""

    layer: object
    input_slots: list[int]
    output_slot: int
    list_input: bool  # the layer takes a list (Concatenate, Add)
    input_grad_needed: bool  # False when every input is a model input


@dataclass
class Plan:
    steps: list[Step]
    input_slots: list[int]
    output_slots: list[int]
    n_slots: int
    layers: list  # unique layers in first-use order, input layers included
    nodes: list  # every node of the graph, in execution order (input nodes included)


def plan_graph(inputs: list[SymbolicTensor], outputs: list[SymbolicTensor]) -> Plan:
    """Order the nodes from `inputs` to `outputs`; raise if an output needs another input."""
    order: list[Node] = []
    state: dict[int, str] = {}

    def visit(node: Node) -> None:  # depth-first post-order, iterative to allow deep graphs
        stack = [(node, False)]
        while stack:
            current, expanded = stack.pop()
            key = id(current)
            if expanded:
                state[key] = "done"
                order.append(current)
                continue
            if state.get(key) == "done":
                continue
            if state.get(key) == "active":
                raise ValueError(f"The graph has a cycle through layer {current.layer.name!r}.")
            state[key] = "active"
            stack.append((current, True))
            for parent in reversed(current.parents):
                if state.get(id(parent)) != "done":
                    stack.append((parent, False))

    for tensor in outputs:
        if not isinstance(tensor, SymbolicTensor):
            raise TypeError(
                "Model outputs must be tensors returned by layers called on Input(...). "
                f"Received: {tensor!r}"
            )
        visit(tensor.node)

    slot_of: dict[int, int] = {}
    for i, tensor in enumerate(inputs):
        if not isinstance(tensor, SymbolicTensor) or tensor.node is None or tensor.node.inputs:
            raise TypeError(
                "Model inputs must be tensors returned by axone.Input(...). "
                f"Received: {tensor!r}"
            )
        slot_of[id(tensor)] = i
    input_ids = set(slot_of)

    steps: list[Step] = []
    layers: list = []
    for node in order:
        if node.layer not in layers:
            layers.append(node.layer)
        if not node.inputs:  # an InputLayer node
            if id(node.outputs[0]) not in input_ids:
                raise ValueError(
                    f"An output depends on input {node.layer.name!r}, which is not "
                    "among the model's inputs. Add it to `inputs=`."
                )
            continue
        in_slots = [slot_of[id(t)] for t in node.inputs]
        out_slot = slot_of.setdefault(id(node.outputs[0]), len(slot_of))
        steps.append(Step(
            layer=node.layer,
            input_slots=in_slots,
            output_slot=out_slot,
            list_input=len(node.inputs) > 1 or getattr(node.layer, "_accepts_list_input", False),
            input_grad_needed=not all(s < len(inputs) for s in in_slots),
        ))
    output_slots = [slot_of[id(t)] for t in outputs]
    return Plan(steps, list(range(len(inputs))), output_slots, len(slot_of), layers, order)
