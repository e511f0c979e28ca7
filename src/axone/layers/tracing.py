"""Tracing: run Python code once on symbolic inputs and keep the graph it records.

A `Layer` subclass that defines `call` (and a `Lambda`, a subclassed
`Model`, a loss function written with `axone.ops`) is traced: its code runs
once on `SymbolicTensor`s standing for its inputs, and the layer calls and
op calls it makes record nodes, which `plan_graph` turns into a `Plan`. The
layer is then one step of the outer graph (a composite step): its forward
runs that plan with `run_forward`, its backward with `run_backward`.

A trace is kept per input structure (shapes without the batch axis,
dtypes) and, when `call` takes a `training` argument, per `training` value,
so Python code such as `if training:` or a loop over sub-layers is
resolved while tracing. Code that branches on a tensor's value cannot be
traced: `bool()` of a symbolic tensor raises the error that names
`ops.where` / `ops.cond`.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from axone import ops
from axone.models.graph import plan_graph, run_backward, run_forward
from axone.ops.operation import trace_scope
from axone.symbolic import SymbolicTensor


# ------------------------------------------------------------ structures
def flatten(structure) -> list:
    """The leaves of a tensor, a list/tuple or a dict of them (dicts in key order)."""
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    return [structure]


def pack_like(structure, leaves: list):
    """Rebuild `structure` with `leaves` (in `flatten` order) in place of its leaves."""
    iterator = iter(leaves)

    def rebuild(value):
        if isinstance(value, dict):
            return {key: rebuild(value[key]) for key in value}
        if isinstance(value, (list, tuple)):
            return type(value)(rebuild(item) for item in value)
        return next(iterator)

    return rebuild(structure)


def shapes_of(structure):
    """The shapes of a structure's leaves, in the same structure (what `build` receives)."""
    return pack_like(structure, [tuple(leaf.shape) for leaf in flatten(structure)])


def spec_key(structure) -> tuple:
    """A hashable description of a structure of arrays or tensors, batch axis left out."""
    def describe(value):
        if isinstance(value, dict):
            return ("dict",) + tuple((key, describe(value[key])) for key in value)
        if isinstance(value, (list, tuple)):
            return (type(value).__name__,) + tuple(describe(item) for item in value)
        return (tuple(value.shape[1:]), str(value.dtype))
    return describe(structure)


# ---------------------------------------------------------------- traces
@dataclass
class Trace:
    """One traced call: the plan from its flat inputs to its flat outputs.

    Attributes:
        plan: the `Plan` of the recorded graph.
        inputs: the symbolic stand-ins, in the call's input structure.
        outputs: the symbolic results, in the structure the call returned.
    """

    plan: Any
    inputs: Any
    outputs: Any
    n_losses: int = 0  # terms given to add_loss: the plan's last outputs (each a scalar sum)
    plan_outputs: list = field(default_factory=list)  # the plan's output tensors, losses last

    @property
    def single_output(self) -> bool:
        return isinstance(self.outputs, SymbolicTensor)


#: The add_loss terms of the traces running, innermost last (see `Layer.add_loss`).
ADDED_LOSSES: list[list] = []
#: The factor the training step puts on the gradient of its loss, which the
#: add_loss terms get too (1.0, or -learning_rate for a pre-scaled SGD step).
LOSS_GRADIENT_SCALE = [1.0]


def trace(function: Callable, example, prefix: str, what: str, **kwargs) -> Trace:
    """Run `function(inputs, **kwargs)` on symbolic stand-ins for `example`; plan the result.

    Args:
        function: the Python code to trace (a `call`, a `Lambda` function...).
        example: a structure (one, a list/tuple, a dict) of arrays or symbolic
            tensors: the stand-ins take their shapes (batch axis unknown) and dtypes.
        prefix: names the stand-in inputs.
        what: names the traced code in error messages ("layer 'my_dense'").
    """
    from axone.layers.input_layer import InputLayer

    leaves = flatten(example)
    made = []
    for i, leaf in enumerate(leaves):
        name = f"{prefix}_input" if len(leaves) == 1 else f"{prefix}_input_{i}"
        layer = InputLayer(batch_shape=(None,) + tuple(leaf.shape[1:]), dtype=str(leaf.dtype), name=name)
        made.append(layer.output)
    inputs = pack_like(example, made)
    ADDED_LOSSES.append([])
    try:
        with trace_scope():
            outputs = function(inputs, **kwargs)
            added = [ops.sum(term) for term in ADDED_LOSSES[-1]]
    except TypeError as error:
        if "symbolic tensor" not in str(error):
            raise
        raise TypeError(f"{what} cannot be traced: {error}") from error
    finally:
        ADDED_LOSSES.pop()
    flat_outputs = flatten(outputs)
    for output in flat_outputs:
        if not isinstance(output, SymbolicTensor):
            raise TypeError(
                f"{what} returned {type(output).__name__} {output!r}, which does not depend "
                "on its inputs. A traced call must compute its outputs from its inputs with "
                "layers and axone.ops."
            )
    plan = plan_graph(made, flat_outputs + added)
    return Trace(plan=plan, inputs=inputs, outputs=outputs, n_losses=len(added),
                 plan_outputs=flat_outputs + added)


# ------------------------------------------------------ calls and arguments
def call_arguments(function: Callable) -> set[str]:
    """The parameter names of `function` (`**kwargs` counts as accepting everything)."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        return set()
    names = set(parameters)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        names.add("**")
    return names


def as_input_arrays(structure, dtype):
    """Arrays for an eager call: float inputs in `dtype`, integer inputs kept as they are."""
    def convert(value):
        array = np.asarray(getattr(value, "value", value) if hasattr(value, "assign") else value)
        return array.astype(dtype, copy=False) if np.issubdtype(array.dtype, np.floating) else array
    return pack_like(structure, [convert(leaf) for leaf in flatten(structure)])


# --------------------------------------------------- a traced layer's step
def get_trace(layer, example, training, kwargs: dict) -> Trace:
    """The trace of `layer.call` for inputs like `example` (made on first use)."""
    accepts = layer._call_arguments()
    flag = bool(training) if "training" in accepts or "**" in accepts else None
    key = (spec_key(example), flag, tuple(sorted(kwargs.items())))
    traces = layer.__dict__.setdefault("_traces", {})
    found = traces.get(key)
    if found is None:
        arguments = dict(kwargs)
        if flag is not None:
            arguments["training"] = flag
        found = traces[key] = trace(layer.call, example, prefix=layer.name,
                                    what=f"The call() of layer {layer.name!r} ({type(layer).__name__})",
                                    **arguments)
    return found


def _structured(layer, inputs):
    """`inputs` as the call takes them: the executor passes one array or a flat list."""
    template = layer.__dict__.get("_input_template")
    if template is not None and isinstance(inputs, list):
        leaves = flatten(inputs)
        if len(leaves) == len(flatten(template)):
            return pack_like(template, leaves)
    return inputs


def composite_forward(layer, inputs, training: bool):
    """Run the traced plan of `layer` as one step; cache what the backward pass needs."""
    inputs = _structured(layer, inputs)
    found = get_trace(layer, inputs, training, layer.__dict__.get("_call_kwargs", {}))
    caches: list = []
    outputs = run_forward(found.plan, flatten(inputs), training, caches)
    layer._cache = (found, caches, isinstance(inputs, (list, tuple, dict)))
    if found.n_losses:
        layer._step_losses = outputs[-found.n_losses:]
        outputs = outputs[:-found.n_losses]
    return outputs[0] if found.single_output else outputs


def composite_backward(layer, grad_output):
    """Backpropagate through the traced plan; return the input gradient(s)."""
    found, caches, several = layer._cache
    grads = [grad_output] if found.single_output else list(grad_output)
    if found.n_losses:  # each add_loss term enters the training loss with weight 1
        seed = LOSS_GRADIENT_SCALE[0]
        grads += [np.full((), seed, dtype=np.asarray(v).dtype) for v in layer._step_losses]
    wanted = layer.input_grad_needed
    input_grads = run_backward(found.plan, grads, caches, input_grads=wanted)
    if not wanted:
        return None
    return input_grads if several else input_grads[0]


def traced_variables(layer) -> list:
    """Every variable the traced plans of `layer` write gradients to, once."""
    seen: dict[int, object] = {}
    for found in layer.__dict__.get("_traces", {}).values():
        for variable in found.plan.variables:
            seen.setdefault(id(variable), variable)
    return list(seen.values())


def traced_loss_layers(layers) -> list:
    """The layers among `layers` (and inside them) whose traced call adds loss terms."""
    found, seen = [], set()

    def visit(layer):
        if id(layer) in seen:
            return
        seen.add(id(layer))
        if getattr(layer, "_n_added_losses", 0) or any(
                t.n_losses for t in layer.__dict__.get("_traces", {}).values()):
            found.append(layer)
        for inner in layer._tracked_layers():
            visit(inner)

    for layer in layers:
        visit(layer)
    return found
