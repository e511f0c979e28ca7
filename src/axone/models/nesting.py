"""Models inside models, and subclassed models.

A model called on symbolic tensors becomes one step of the outer graph:
its forward runs its own plan (`run_forward`), its backward runs it in
reverse and returns the gradients of its inputs, and its weights are packed
with the outer model's. A subclassed model (a `Model` subclass with `call`)
is built by tracing `call` on symbolic stand-ins for its first inputs (or
for `build(input_shape)`): the recorded graph becomes its plan, so it trains,
summarises and nests exactly as a functional model does.
"""

from __future__ import annotations

import numpy as np

from axone import backend
from axone.layers import tracing
from axone.models.graph import run_backward, run_forward
from axone.symbolic import Node, SymbolicTensor


class _Spec:
    """Shape and dtype of an input, standing for an array while tracing."""

    def __init__(self, shape, dtype=None):
        self.shape = tuple(shape)
        self.dtype = dtype or backend.floatx()


def _is_shape(value) -> bool:
    return isinstance(value, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer)) for d in value)


def specs_from_shapes(input_shape):
    """`_Spec`s for `build(input_shape)`: one shape, a list/tuple of shapes, or a dict of them."""
    if _is_shape(input_shape):
        return _Spec(input_shape)
    if isinstance(input_shape, dict):
        return {key: specs_from_shapes(value) for key, value in input_shape.items()}
    if isinstance(input_shape, (list, tuple)):
        return type(input_shape)(specs_from_shapes(value) for value in input_shape)
    raise ValueError(f"input_shape must be a shape tuple, or a list/dict of them. Received: {input_shape!r}")


def specs_from_data(x):
    """`_Spec`s for the first data given to `fit`/`predict`/a call (a 1-D array is one feature)."""
    if isinstance(x, dict):
        return {key: specs_from_data(value) for key, value in x.items()}
    if isinstance(x, (list, tuple)) and not _is_leaf_list(x):
        return type(x)(specs_from_data(value) for value in x)
    array = x.to_numpy() if hasattr(x, "to_numpy") else np.asarray(x)
    shape = array.shape if array.ndim > 1 else array.shape + (1,)
    return _Spec((None,) + tuple(shape[1:]))


def _is_leaf_list(x) -> bool:
    """A list of numbers (one array written as a list), not a list of arrays."""
    return len(x) > 0 and not isinstance(x[0], (list, tuple, np.ndarray, dict)) and not hasattr(x[0], "to_numpy")


def build_subclassed(model, example) -> None:
    """Run the model's own `build` (if it has one), trace `model.call` on stand-ins for
    `example`, and make the recorded graph the model's plan."""
    if model.__dict__.get("_building"):  # the model's build() called super().build()
        return
    model._building = True
    try:
        if type(model).build is not _model_class().build:
            shapes = [(None,) + tuple(leaf.shape[1:]) for leaf in tracing.flatten(example)]
            model.build(tracing.pack_like(example, shapes))
        _trace_into_plan(model, example)
    finally:
        model._building = False


def _model_class():
    from axone.models.model import Model
    return Model


def _trace_into_plan(model, example) -> None:
    accepts = model._call_arguments()
    takes_training = "training" in accepts or "**" in accepts
    what = f"The call() of model {model.name!r} ({type(model).__name__})"
    kwargs = {"training": None} if takes_training else {}
    found = tracing.trace(model.call, example, prefix=model.name, what=what, **kwargs)
    if takes_training:
        # `if training:` in call: trace the training branch too, and keep it only if
        # it records another graph (the nodes of an identical one are forgotten).
        train = tracing.trace(model.call, example, prefix=model.name, what=what, training=True)
        if _same_steps(found.plan, train.plan):
            _forget_nodes(train.plan)
        else:
            _forget_nodes(train.plan)
            model._train_plan = train.plan
            if train.n_losses != found.n_losses:
                raise NotImplementedError(f"Model {model.name!r}: call() must add the same number of "
                                          "losses (add_loss) with and without training.")
    losses = [found.plan_outputs[i] for i in range(len(found.plan_outputs) - found.n_losses,
                                                   len(found.plan_outputs))]
    model._init_graph(found.inputs, found.outputs, added_losses=losses)


def _same_steps(a, b) -> bool:
    return len(a.steps) == len(b.steps) and all(
        x.layer is y.layer and x.input_slots == y.input_slots and x.training == y.training
        for x, y in zip(a.steps, b.steps)) and a.output_slots == b.output_slots


def _forget_nodes(plan) -> None:
    """Remove a plan's nodes from its layers' records (they stay in the plan)."""
    for node in plan.nodes:
        if node in node.layer._inbound_nodes:
            node.layer._inbound_nodes.remove(node)


def call_symbolic(model, inputs, training):
    """Record a call of `model` on symbolic tensors as one node of the outer graph."""
    if model._plan is None:
        if model._subclassed:
            build_subclassed(model, inputs)
        elif hasattr(model, "_stack"):  # a Sequential model without an input shape yet
            leaf = tracing.flatten(inputs)[0]
            model.build((None,) + tuple(leaf.shape[1:]))
        model._require_built("call")
    if isinstance(inputs, dict):
        tensors = [inputs[name] for name in model.input_names]
    else:
        tensors = tracing.flatten(inputs)
    if len(tensors) != len(model.inputs):
        raise ValueError(f"Model {model.name!r} takes {len(model.inputs)} input(s) but was called "
                         f"on {len(tensors)}.")
    for tensor, expected in zip(tensors, model.inputs):
        if not isinstance(tensor, SymbolicTensor):
            raise TypeError(f"Model {model.name!r} received a mix of symbolic tensors and arrays.")
        got, want = tuple(tensor.shape[1:]), tuple(expected.shape[1:])
        if len(got) != len(want) or any(a is not None and b is not None and a != b for a, b in zip(got, want)):
            raise ValueError(f"Input of model {model.name!r} is incompatible: expected shape "
                             f"{expected.shape}, received {tensor.shape}.")
    count = len(model._inbound_nodes)
    suffix = "" if count == 0 else f"_{count}"
    outputs = [SymbolicTensor(t.shape, t.dtype, name=f"{model.name}{suffix}") for t in model.outputs]
    model._accepts_list_input = len(model.inputs) > 1
    model._inbound_nodes.append(Node(model, tensors, outputs, training=training))
    return model._format_outputs(outputs)


def forward(model, inputs, training: bool):
    """One step of an outer graph: run the model's plan; keep every cache for `backward`."""
    plan = model._plan if not (training and model._train_plan) else model._train_plan
    xs = inputs if isinstance(inputs, list) else [inputs]
    caches: list = []
    outputs = run_forward(plan, xs, training, caches)
    model._cache = (plan, caches)
    if model._n_added_losses:  # its call's add_loss terms, for the outer model's loss
        model._step_losses = outputs[-model._n_added_losses:]
        outputs = outputs[:-model._n_added_losses]
    return outputs[0] if len(outputs) == 1 else outputs


def backward(model, grad_output):
    """Backpropagate through the model's plan (fusion off: the gradient is the outputs')."""
    plan, caches = model._cache
    grads = [grad_output] if len(plan.output_slots) - model._n_added_losses == 1 else list(grad_output)
    grads += [np.full((), tracing.LOSS_GRADIENT_SCALE[0], dtype=np.asarray(v).dtype)
              for v in (model._step_losses if model._n_added_losses else ())]
    with unfused(model):
        input_grads = run_backward(plan, grads, caches, input_grads=model.input_grad_needed)
    if not model.input_grad_needed:
        return None
    return input_grads[0] if len(input_grads) == 1 else input_grads


class unfused:
    """Turn off (then restore) the loss-fusion flags of a model's output layers.

    A model compiled alone with softmax + crossentropy lets its output layer
    take the gradient of its pre-activation; used inside another graph (or
    under a `GradientTape`) that layer receives the gradient of its output.
    """

    def __init__(self, model):
        self.layers = [t.node.layer for t in model.outputs]

    def __enter__(self):
        self.saved = [getattr(layer, "loss_gives_preactivation_grad", None) for layer in self.layers]
        for layer, flag in zip(self.layers, self.saved):
            if flag:
                layer.loss_gives_preactivation_grad = False
        return self

    def __exit__(self, *exc):
        for layer, flag in zip(self.layers, self.saved):
            if flag:
                layer.loss_gives_preactivation_grad = True
        return False
