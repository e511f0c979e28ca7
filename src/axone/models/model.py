"""`Model`: a graph of layers from `inputs` to `outputs`, trainable as a whole.

`Model(inputs=..., outputs=...)` is Keras's functional API. The graph is
planned once (see `graph.plan_graph`); the forward pass runs the plan, the
backward pass runs it in reverse, summing gradients where a tensor feeds
several layers. All trainable weights live in one `ParameterBuffer`.
"""

from __future__ import annotations

import json
from typing import Any

from axone.backend import xp

from axone import backend
from axone.layers.base import Layer, unique_variables as _unique
from axone.models.graph import Plan, plan_graph, run_backward, run_forward
from axone.models.parameters import ParameterBuffer
from axone.models.penalties import Penalties
from axone.models.training import Trainer
from axone.symbolic import SymbolicTensor


def _flatten_structure(value: Any, what: str) -> tuple[list, str, list | None]:
    """Return `(tensors, kind, keys)` for one tensor, a list/tuple, or a dict."""
    if isinstance(value, SymbolicTensor):
        return [value], "single", None
    if isinstance(value, dict):
        return list(value.values()), "dict", list(value.keys())
    if isinstance(value, (list, tuple)):
        if len(value) == 1:  # Keras unwraps one-element lists: predict returns an array
            return [value[0]], "single", None
        return list(value), "list", None
    raise TypeError(
        f"Model {what} must be a tensor from Input(...)/a layer, or a list/dict of them. "
        f"Received: {value!r}"
    )


class Model(Trainer, Layer):
    """A trainable graph of layers.

    Args:
        inputs: tensor(s) returned by `axone.Input(...)`: one, a list, or a dict.
        outputs: tensor(s) returned by layers called on them.
        name: defaults to `"functional"`, `"functional_1"`, ...

    Example:
        >>> inputs = axone.Input(shape=(8,))
        >>> hidden = axone.layers.Dense(30, activation="relu")(inputs)
        >>> model = axone.Model(inputs=inputs, outputs=axone.layers.Dense(1)(hidden))
    """

    _default_name = "functional"

    def __init__(self, inputs=None, outputs=None, name: str | None = None, trainable: bool = True, **kwargs):
        if inputs is None or outputs is None:
            if type(self) is Model:
                raise ValueError(
                    "Model needs inputs= and outputs= (the functional API), e.g. "
                    "Model(inputs=Input(shape=(8,)), outputs=...), or a subclass that "
                    "defines call() (the subclassing API)."
                )
        from axone.utils.naming import to_snake_case, unique_name
        default = to_snake_case(type(self).__name__) if self._subclassed else self._default_name
        Layer.__init__(self, name=name or unique_name(default), trainable=trainable, **kwargs)
        Trainer.__init__(self)
        self._plan: Plan | None = None
        self._n_added_losses = 0
        self._train_plan: Plan | None = None  # a subclassed call traced with training=True, if it differs
        self._params: ParameterBuffer | None = None
        if inputs is not None and outputs is not None:
            self._init_graph(inputs, outputs)

    # ------------------------------------------------------------------ graph
    def _init_graph(self, inputs, outputs, added_losses=()) -> None:
        """Plan the graph; `added_losses` are the add_loss terms of a subclassed call,
        planned as extra outputs after the model's own (see `_forward`)."""
        self.inputs, self._input_kind, self._input_keys = _flatten_structure(inputs, "inputs")
        self.outputs, self._output_kind, self._output_keys = _flatten_structure(outputs, "outputs")
        walk = None
        if self._output_kind == "dict":  # Keras walks dict outputs by key to order the layers
            walk = [t for _, t in sorted(zip(self._output_keys, self.outputs), key=lambda kv: kv[0])]
        added_losses = list(added_losses)
        self._n_added_losses = len(added_losses)
        self._plan = plan_graph(self.inputs, self.outputs + added_losses,
                                None if walk is None else walk + added_losses)
        self.input_names = [t.node.layer.name for t in self.inputs]
        self.output_names = [t.node.layer.name for t in self.outputs]
        if self._output_kind == "dict":
            self.output_names = list(self._output_keys)
        if self._input_kind == "dict":
            self.input_names = list(self._input_keys)
        self.built = True
        self._shared = self._plan.shared
        self._pack()
        self._on_graph_changed()

    @property
    def input_shape(self):
        """The inputs' shapes, batch axis included (`(None, 8)`; a list for several inputs)."""
        return self._graph_shapes("inputs", "input shape")

    @property
    def output_shape(self):
        """The outputs' shapes, batch axis included (`(None, 1)`; a list for several outputs)."""
        return self._graph_shapes("outputs", "output shape")

    def _graph_shapes(self, attribute: str, what: str):
        # As Keras 3: functional and built Sequential models have them, subclassed models do not.
        if self._subclassed:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {what.replace(' ', '_')!r}: "
                                 "a subclassed model has no fixed graph; use model.compute_output_shape().")
        if self._plan is None:
            raise AttributeError(f"{type(self).__name__} model {self.name!r} has no defined {what} yet.")
        shapes = [tuple(t.shape) for t in getattr(self, attribute)]
        return shapes[0] if len(shapes) == 1 else shapes

    def _calls_in_plan(self, layer) -> int:
        return sum(step.layer is layer for step in self._plan.steps)

    def _pack(self) -> None:
        variables = []
        seen = set()
        for layer in self._plan.layers:
            for variable in layer.variables:
                if variable.trainable and id(variable) not in seen:
                    seen.add(id(variable))
                    variables.append(variable)
        self._params = ParameterBuffer(variables, backend.floatx() if not variables else variables[0].dtype)

    def _ensure_packed(self) -> None:
        """Re-pack if a shared layer was packed into another model since, and make
        sure the optimizer knows the weights behind the buffer's spans."""
        if self._params is not None and not self._params.owns_all():
            self._pack()
        optimizer = getattr(self, "optimizer", None)
        if optimizer is not None and self._params is not None:
            binding = (id(optimizer), id(self._params))
            if getattr(self, "_optimizer_binding", None) != binding:
                optimizer.build(self._params.size, self._params.values.dtype, self._params.variables)
                self._optimizer_binding = binding

    @property
    def layers(self) -> list[Layer]:
        """The model's layers in graph order (functional models include input layers;
        a subclassed model lists the layers assigned to it, in assignment order)."""
        if self._subclassed:
            return Layer._tracked_layers(self)
        return list(self._plan.layers) if self._plan else []

    @property
    def _subclassed(self) -> bool:
        """True for a subclass of Model that defines call() (the subclassing API)."""
        return type(self).call is not Layer.call

    def _tracked_layers(self) -> list[Layer]:
        return self.layers

    def _gradient_variables(self) -> list:
        plans = [p for p in (self._plan, self._train_plan) if p is not None]
        seen: dict[int, object] = {}
        for plan in plans:
            for variable in plan.variables:
                seen.setdefault(id(variable), variable)
        return list(seen.values())

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """Return a layer by `name` or by `index` into `layers`."""
        if index is not None:
            if name is not None:
                raise ValueError("Provide only one of name= and index=.")
            layers = self.layers
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model only has "
                    f"{len(layers)} layers."
                )
            return layers[index]
        if name is not None:
            for layer in self.layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name!r}. Existing layers are: {[l.name for l in self.layers]}."
            )
        raise ValueError("Provide either a layer name or a layer index.")

    # ---------------------------------------------------------------- weights
    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        """Freezing (or unfreezing) a model sets every one of its layers, as in Keras."""
        self._trainable = bool(value)
        for layer in self.layers:
            layer.trainable = value

    @property
    def weights(self):
        return _unique(v for layer in self.layers for v in layer.weights)

    @property
    def variables(self):
        return _unique(v for layer in self.layers for v in layer.variables)

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return _unique(v for layer in self.layers for v in layer.trainable_weights)

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self):
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.weights if id(v) not in trainable]

    non_trainable_variables = non_trainable_weights

    def count_params(self) -> int:
        self._require_built("count the parameters of")
        return int(sum(v.size for v in self.weights))

    def _require_built(self, action: str) -> None:
        if self._plan is None:
            raise ValueError(
                f"Cannot {action} model {self.name!r} before it is built: its input shape is "
                "unknown. Start it with axone.Input(shape=...) / input_shape=..., or call "
                "fit()/predict() on data first."
            )

    # ------------------------------------------------------- forward/backward
    def _forward(self, xs: list[xp.ndarray], training: bool) -> list[xp.ndarray]:
        """Run the plan on input arrays; return the output arrays."""
        plan = self._last_plan = self._plan if not (training and self._train_plan) else self._train_plan
        caches = self._node_caches = [] if plan.shared else None
        outputs = run_forward(plan, xs, training, caches)
        if self._n_added_losses:  # a subclassed call's add_loss terms: kept for the loss
            self._step_losses = outputs[-self._n_added_losses:]
            return outputs[:-self._n_added_losses]
        return outputs

    def _backward(self, output_grads: list[xp.ndarray], sgd_step_layers: frozenset = frozenset(),
                  input_grads: bool = False):
        """Backpropagate gradients of the outputs; fill every `variable.grad`.

        The layers whose ids are in `sgd_step_layers` keep their pre-scaled
        SGD step instead, for `apply_sgd_step` (see `Layer.keep_sgd_step`).
        Returns the gradients of the inputs when `input_grads` is True.
        """
        plan = getattr(self, "_last_plan", None) or self._plan
        caches = self._node_caches if plan.shared else None
        if self._n_added_losses:
            from axone.layers.tracing import LOSS_GRADIENT_SCALE
            output_grads = list(output_grads) + [xp.full((), LOSS_GRADIENT_SCALE[0], dtype=xp.asarray(v).dtype)
                                                 for v in self._step_losses]
        return run_backward(plan, output_grads, caches, sgd_step_layers, input_grads)

    def _added_loss(self) -> float:
        """The sum of the add_loss terms of the last forward pass (0.0 without any)."""
        return sum(float(term) for layer in self._loss_layers for term in layer.__dict__.get("_step_losses", ()))

    def _on_graph_changed(self) -> None:
        from axone.layers.tracing import traced_loss_layers
        self._loss_layers = traced_loss_layers(self._plan.layers) + ([self] if self._n_added_losses else [])
        self._penalties = Penalties(self.layers)
        self._after_graph_change()

    # ----------------------------------------------------------- calling it
    def __call__(self, inputs, training: bool | None = None, **kwargs):
        from axone.layers.base import _record_on_tapes
        from axone.symbolic import is_symbolic
        kwargs.pop("mask", None)
        if kwargs:
            raise TypeError(f"Model {self.name!r} was called with unexpected argument(s): "
                            f"{', '.join(sorted(kwargs))}.")
        if is_symbolic(inputs) or (isinstance(inputs, dict) and is_symbolic(list(inputs.values()))):
            from axone.models import nesting
            return nesting.call_symbolic(self, inputs, training)
        xs = self._prepare_x(inputs)
        self._ensure_packed()
        outputs = self.forward(xs if len(xs) > 1 else xs[0], bool(training))
        outputs = outputs if isinstance(outputs, list) else [outputs]
        result = self._format_outputs([o.copy() for o in outputs])
        return _record_on_tapes(self, inputs, result, training)

    def build(self, input_shape=None) -> None:
        """Build a subclassed model for inputs of `input_shape` (batch axis included),
        e.g. `(None, 8)`, or a list/dict of shapes for several inputs."""
        if not self._subclassed or self.__dict__.get("_building"):
            return
        if input_shape is None:
            raise ValueError(f"build() of model {self.name!r} needs input_shape, e.g. model.build((None, 8)).")
        from axone.models import nesting
        nesting.build_subclassed(self, nesting.specs_from_shapes(input_shape))

    def _build_from_data(self, x) -> None:
        if self._plan is None and self._subclassed:
            from axone.models import nesting
            nesting.build_subclassed(self, nesting.specs_from_data(x))

    # ------------------------------------------------ as a step of another graph
    def forward(self, inputs, training: bool = False):
        """Run the model as one step of an outer graph (a nested model); cache for backward."""
        from axone.models import nesting
        return nesting.forward(self, inputs, training)

    def backward(self, grad_output):
        from axone.models import nesting
        return nesting.backward(self, grad_output)

    # ---------------------------------------------------------------- config
    def get_config(self) -> dict:
        """The functional graph's config; a subclassed model's own `get_config` should return
        its constructor arguments (this default gives only `name`, `trainable` and `dtype`, as in Keras)."""
        from axone.models import serialization
        if self._subclassed:  # its __init__ arguments, as Keras keeps them: name, trainable, dtype
            return Layer.get_config(self)
        # (functional_config refuses axone.ops called between layers: they have no config yet)
        return serialization.functional_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Model":
        """A functional model from its graph config, or a subclass from its constructor arguments."""
        from axone.models import serialization
        if cls.call is not Layer.call:  # a subclassed model: built again on its first call
            return cls(**config)
        return serialization.functional_from_config(config, custom_objects)

    def to_json(self, **kwargs) -> str:
        """The model's architecture (no weights) as a JSON string."""
        from axone.models import serialization
        return json.dumps(serialization.serialize_model(self), **kwargs)

    def save(self, filepath, overwrite: bool = True, zipped: bool = True) -> None:
        """Save the whole model to a `.keras` file (Keras 3's format; see `axone.saving`)."""
        from axone.saving import saving_lib
        saving_lib.save_model(self, filepath, overwrite=overwrite, zipped=zipped)

    def save_weights(self, filepath, overwrite: bool = True) -> None:
        """Save the layers' weights to a `.weights.h5` file (Keras 3's layout)."""
        from axone.saving import saving_lib
        saving_lib.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch: bool = False) -> None:
        """Load weights saved by `save_weights` (or a `.keras` file's) into this model."""
        from axone.saving import saving_lib
        saving_lib.load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def summary(self, line_length: int | None = None, positions=None, print_fn=None,
                expand_nested: bool = False, show_trainable: bool = False, layer_range=None) -> None:
        """Print the Keras table of layers, output shapes and parameter counts."""
        from axone.models.summary import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable, layer_range=layer_range)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
