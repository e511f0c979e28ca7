"""Turn the nodes recorded by symbolic calls into an executable plan.

`plan_graph(inputs, outputs)` sorts the nodes between the model inputs and
outputs topologically and numbers every tensor, so that the forward pass is
a loop over `Step`s reading and writing a flat list of arrays
(`run_forward`), and the backward pass is the same loop reversed
(`run_backward`). Models, traced `call`s and losses all run their plans
with these two functions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from axone.ops.operation import Operation
from axone.symbolic import Node, SymbolicTensor


@dataclass
class Step:
    """One layer (or op) call: read `input_slots`, write `output_slot` (or `output_slots`)."""

    layer: object
    input_slots: list[int]
    output_slot: int
    list_input: bool  # the layer takes a list (Concatenate, Add, ops)
    input_grad_needed: bool  # False when no weight lies upstream of the inputs
    output_slots: list[int] | None = None  # set when the call returns several tensors
    training: bool | None = None  # a `training=` fixed at the call (else the plan's flag)
    # The variables whose `.grad` this step's backward writes: `fresh` ones no
    # later step writes too; `again` ones a later step (run first backward) also
    # writes, so their gradients are saved and added (a shared layer, a tied weight).
    fresh_variables: list = field(default_factory=list)
    again_variables: list = field(default_factory=list)


@dataclass
class Plan:
    steps: list[Step]
    input_slots: list[int]
    output_slots: list[int]
    n_slots: int
    layers: list  # unique layers in Keras's order (see `_order_by_depth`), input layers included
    nodes: list  # every node of the graph, in execution order (input nodes included)
    nodes_by_depth: dict[int, list[Node]] = field(default_factory=dict)
    shared: frozenset = frozenset()  # ids of the layers called at several steps
    multi_written: frozenset = frozenset()  # ids of the variables written by several steps
    variables: list = field(default_factory=list)  # every variable a backward pass writes, once


def gradient_variables(layer) -> list:
    """The variables whose `.grad` the backward pass of `layer` writes."""
    method = getattr(layer, "_gradient_variables", None)
    return list(method()) if method is not None else list(getattr(layer, "_weights", []))


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
        if not node.inputs and not getattr(node.layer, "reads_variable", False):  # an InputLayer node
            if id(node.outputs[0]) not in input_ids:
                raise ValueError(
                    f"An output depends on input {node.layer.name!r}, which is not "
                    "among the model's inputs. Add it to `inputs=`."
                )
            continue
        in_slots = [slot_of[id(t)] for t in node.inputs]
        out_slots = [slot_of.setdefault(id(t), len(slot_of)) for t in node.outputs]
        input_grad_needed = any(needs_grad[s] for s in in_slots)
        variables = gradient_variables(node.layer)
        for slot in out_slots:
            needs_grad[slot] = input_grad_needed or bool(variables)
        steps.append(Step(
            layer=node.layer,
            input_slots=in_slots,
            output_slot=out_slots[0],
            list_input=len(node.inputs) > 1 or getattr(node.layer, "_accepts_list_input", False),
            input_grad_needed=input_grad_needed,
            output_slots=out_slots if len(out_slots) > 1 else None,
            training=getattr(node, "training", None),
            fresh_variables=variables,
        ))
    output_slots = [slot_of[id(t)] for t in outputs]
    layers, nodes_by_depth = _order_by_depth(order, first_seen, inputs)
    layers = [layer for layer in layers if not isinstance(layer, Operation)]
    shared, multi_written, variables = _mark_repeats(steps)
    return Plan(steps, list(range(len(inputs))), output_slots, len(slot_of), layers, order,
                nodes_by_depth, shared, multi_written, variables)


def _mark_repeats(steps: list[Step]):
    """Split each step's variables into fresh and again (see `Step`); return the
    ids of layers at several steps, of variables written by several steps, and
    every written variable once."""
    seen: dict[int, object] = {}
    multi: set[int] = set()
    for step in reversed(steps):  # the order of the backward pass
        variables = step.fresh_variables
        step.fresh_variables = [v for v in variables if id(v) not in seen]
        step.again_variables = [v for v in variables if id(v) in seen]
        multi.update(id(v) for v in step.again_variables)
        for variable in variables:
            seen.setdefault(id(variable), variable)
    counts: dict[int, int] = {}
    for step in steps:
        counts[id(step.layer)] = counts.get(id(step.layer), 0) + 1
    shared = frozenset(key for key, count in counts.items() if count > 1)
    return shared, frozenset(multi), list(seen.values())


def run_forward(plan: Plan, xs: list, training: bool, caches: list | None = None) -> list:
    """Run the plan on input arrays; return the output arrays.

    With a `caches` list, each step's `layer._cache` is appended to it (in
    step order), for a backward pass that must restore them: a layer called
    at several steps, or a plan run again before its backward pass.
    """
    values: list[Any] = [None] * plan.n_slots
    for slot, x in zip(plan.input_slots, xs):
        values[slot] = x
    for step in plan.steps:
        layer = step.layer
        if step.list_input:
            x = [values[s] for s in step.input_slots]
        else:
            x = values[step.input_slots[0]]
        flag = training if step.training is None else step.training
        out = layer.forward(x, flag)
        if step.output_slots is None:
            values[step.output_slot] = out
        else:
            for slot, value in zip(step.output_slots, out):
                values[slot] = value
        if caches is not None:
            caches.append(layer._cache)
    return [values[s] for s in plan.output_slots]


def _add(grads: list, slot: int, g) -> None:
    grads[slot] = g if grads[slot] is None else grads[slot] + g


def run_backward(plan: Plan, output_grads: list, caches: list | None = None,
                 sgd_step_layers: frozenset = frozenset(), input_grads: bool = False):
    """Backpropagate gradients of the outputs (None: no gradient) through the plan.

    Every variable of `plan.variables` gets its `.grad` written (zero where no
    gradient reaches it). The layers whose ids are in `sgd_step_layers` keep
    their pre-scaled SGD step instead (see `Layer.keep_sgd_step`). With
    `caches` (from `run_forward`), each step's cache is restored first.
    Returns the gradients of the inputs when `input_grads` is True.
    """
    grads: list[Any] = [None] * plan.n_slots
    for slot, g in zip(plan.output_slots, output_grads):
        if g is not None:
            _add(grads, slot, g)
    for index in range(len(plan.steps) - 1, -1, -1):
        step = plan.steps[index]
        layer = step.layer
        if step.output_slots is None:
            grad = grads[step.output_slot]
            reached = grad is not None
        else:
            grad = [grads[s] for s in step.output_slots]
            reached = any(g is not None for g in grad)
        if not reached:  # this branch does not reach the loss
            for variable in step.fresh_variables:
                if variable.grad is not None:
                    variable.grad[...] = 0.0
            continue
        if caches is not None:
            layer._cache = caches[index]
        saved = [v.grad.copy() for v in step.again_variables if v.grad is not None] if step.again_variables else None
        layer.input_grad_needed = step.input_grad_needed or input_grads
        layer.keep_sgd_step = id(layer) in sgd_step_layers
        grad_in = layer.backward(grad)
        if saved:
            for variable, previous in zip([v for v in step.again_variables if v.grad is not None], saved):
                variable.grad += previous
        if grad_in is None:
            continue
        if step.list_input:
            for slot, g in zip(step.input_slots, grad_in):
                if g is not None:
                    _add(grads, slot, g)
        else:
            _add(grads, step.input_slots[0], grad_in)
    if input_grads:
        return [grads[s] for s in plan.input_slots]
    return None


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
