"""Turn the nodes recorded by symbolic calls into an executable plan.

`plan_graph(inputs, outputs)` sorts the nodes between the model inputs and
outputs topologically and numbers every tensor, so that the forward pass is
a loop over `Step`s reading and writing a flat list of arrays, and the
backward pass is the same loop reversed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from axone.symbolic import Node, SymbolicTensor


@dataclass
class Step:
    """One layer call: read `input_slots`, write `output_slot`."""

    layer: object
    input_slots: list[int]
    output_slot: int
    list_input: bool  # the layer takes a list (Concatenate, Add)
    input_grad_needed: bool  # False when no weight lies upstream of the inputs


@dataclass
class Plan:
    steps: list[Step]
    input_slots: list[int]
    output_slots: list[int]
    n_slots: int
    layers: list  # unique layers in Keras's order (see `_order_by_depth`), input layers included
    nodes: list  # every node of the graph, in execution order (input nodes included)
    nodes_by_depth: dict[int, list[Node]] = field(default_factory=dict)


def plan_graph(inputs: list[SymbolicTensor], outputs: list[SymbolicTensor],
               walk_outputs: list[SymbolicTensor] | None = None) -> Plan:
    """Order the nodes from `inputs` to `outputs`; raise if an output needs another input.

    `walk_outputs` is the order in which to walk back from the outputs
    (Keras walks dict outputs by key); it decides the order of `layers`
    among layers of equal depth. Defaults to `outputs`.
    """
    order: list[Node] = []
    state: dict[int, str] = {}
    first_seen: dict = {}  # layer -> rank in the walk, before its parents

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
            first_seen.setdefault(current.layer, len(first_seen))
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
    for tensor in walk_outputs or outputs:
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
    # A tensor needs a gradient only if some weight lies upstream of it: the
    # input gradient of a layer fed by the inputs (or by weight-free layers
    # on them, like Flatten) is never used, and skipping it saves the
    # largest matrix product of a typical backward pass.
    needs_grad: dict[int, bool] = {slot: False for slot in slot_of.values()}
    for node in order:
        if not node.inputs:  # an InputLayer node
            if id(node.outputs[0]) not in input_ids:
                raise ValueError(
                    f"An output depends on input {node.layer.name!r}, which is not "
                    "among the model's inputs. Add it to `inputs=`."
                )
            continue
        in_slots = [slot_of[id(t)] for t in node.inputs]
        out_slot = slot_of.setdefault(id(node.outputs[0]), len(slot_of))
        input_grad_needed = any(needs_grad[s] for s in in_slots)
        needs_grad[out_slot] = input_grad_needed or bool(node.layer._weights)
        steps.append(Step(
            layer=node.layer,
            input_slots=in_slots,
            output_slot=out_slot,
            list_input=len(node.inputs) > 1 or getattr(node.layer, "_accepts_list_input", False),
            input_grad_needed=input_grad_needed,
        ))
    output_slots = [slot_of[id(t)] for t in outputs]
    layers, nodes_by_depth = _order_by_depth(order, first_seen, inputs)
    return Plan(steps, list(range(len(inputs))), output_slots, len(slot_of), layers, order, nodes_by_depth)


def _order_by_depth(order: list[Node], first_seen: dict, inputs: list[SymbolicTensor]):
    """Keras's order of a functional model's layers, and its nodes grouped by depth.

    A node's depth is its longest distance to an output (outputs are at
    depth 0); a layer called several times takes its deepest node's depth.
    Layers are listed deepest first, ties broken by the order in which the
    walk from the outputs first met them. So with two inputs, the input
    feeding the longer branch comes first, as in Keras. Declared inputs that
    no output uses are kept, at depth 0 ahead of the other layers there.
    """
    node_depth: dict[Node, int] = {}
    layer_depth: dict = {}
    for node in reversed(order):  # outputs first: a node's children are done before it
        depth = max(node_depth.setdefault(node, 0), layer_depth.get(node.layer, 0))
        layer_depth[node.layer] = node_depth[node] = depth
        for parent in node.parents:
            node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
    for tensor in inputs:
        layer = tensor.node.layer
        if layer not in layer_depth:
            layer_depth[layer] = node_depth[tensor.node] = 0
            first_seen[layer] = -1
    layers_at: defaultdict[int, list] = defaultdict(list)
    for layer, depth in layer_depth.items():
        layers_at[depth].append(layer)
    layers = [layer for depth in sorted(layers_at, reverse=True)
              for layer in sorted(layers_at[depth], key=first_seen.__getitem__)]
    nodes_by_depth: defaultdict[int, list[Node]] = defaultdict(list)
    for node, depth in node_depth.items():
        nodes_by_depth[depth].append(node)
    return layers, dict(nodes_by_depth)
