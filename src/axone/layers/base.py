"""`Layer`: the contract every layer follows.

A layer:
  * validates its arguments in `__init__` and resolves strings
    (`"relu"`, `"glorot_uniform"`) through the registries;
  * creates its weights in `build(input_shape)` with `add_weight`;
  * computes its output in `forward(inputs, training)`, storing in
    `self._cache` whatever `backward` needs;
  * in `backward(grad_output)` writes each weight's gradient into
    `variable.grad` and returns the gradient with respect to its input
    (`None` when `self.input_grad_needed` is False). It never updates weights:
    that is the optimizer's job, done after the whole backward pass, so an
    error in any layer's backward leaves every weight as it was.

For plain gradient descent, a layer whose `supports_sgd_step` is True
(Dense) can do the optimizer's job for its own weights, faster: when the
model sets `self.keep_sgd_step` for a backward pass, the incoming gradient
already carries the factor `-learning_rate`; `backward` then keeps what the
step needs instead of writing weight gradients, and `apply_sgd_step()`,
called once the whole backward pass has succeeded, adds the step to the
weights (for Dense, in one product: `kernel += x.T @ delta`).

Two rules keep graphs with fan-out correct: `forward` never modifies its
input array in place (another layer may read it), and `backward` never
modifies `grad_output` in place (it may be shared with another layer).

Shapes include the batch axis as `None`: a Dense layer fed 784 features is
built with `input_shape == (None, 784)`.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from axone import backend, initializers
from axone.symbolic import Node, SymbolicTensor, is_symbolic
from axone.utils.naming import to_snake_case, unique_name
from axone.variables import Variable

Shape = tuple


def standardize_shape(shape: Any, argument: str = "shape") -> tuple:
    """`8` -> `(8,)`; `[28, 28]` -> `(28, 28)`; checks every entry is a positive int or None."""
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    try:
        shape = tuple(shape)
    except TypeError:
        raise TypeError(
            f"{argument} must be an int or a tuple of ints. Received: {argument}={shape!r}"
        ) from None
    for dim in shape:
        if dim is not None and (not isinstance(dim, (int, np.integer)) or isinstance(dim, bool) or dim < 0):
            raise ValueError(
                f"{argument} must contain only non-negative ints or None. "
                f"Received: {argument}={shape!r}"
            )
    return tuple(None if d is None else int(d) for d in shape)


class Layer:
    """Base class of all layers.

    Args:
        name: unique name; defaults to the snake-case class name
            (`dense`, `dense_1`, ...).
        trainable: whether the optimizer updates the layer's weights.
            Defaults to `True`.
        dtype: float type of weights and outputs. Defaults to
            `backend.floatx()`.
        input_shape: (Keras 2 form) shape of one sample, given on the first
            layer of a Sequential model; the model then starts with an
            `InputLayer` of that shape.
        input_dim: (Keras 2 form) `input_dim=8` is `input_shape=(8,)`.
    """

    #: True for layers called on a list of tensors (merge layers), even a list of one.
    _accepts_list_input = False
    #: True for layers that implement `keep_sgd_step` and `apply_sgd_step`.
    supports_sgd_step = False
    #: True for user layers whose `call` is traced (set for each subclass).
    _traced_call = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        defines_call = cls.call is not Layer.call
        defines_forward = cls.forward is not Layer.forward
        if defines_call and defines_forward and "call" in cls.__dict__ and not _is_model_class(cls):
            owner = next(k for k in cls.__mro__ if "forward" in k.__dict__)
            if owner.__module__.startswith("axone.") and "forward" not in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__} overrides call() of the built-in layer {owner.__name__}, which "
                    "computes with forward()/backward(): the override would be ignored. Subclass "
                    "axone.layers.Layer instead and call a "
                    f"{owner.__name__} sub-layer (or axone.ops) in call()."
                )
        cls._traced_call = defines_call and not defines_forward
        cls._call_argument_names = None

    def __init__(self, name: str | None = None, trainable: bool = True, dtype: str | None = None,
                 input_shape=None, input_dim: int | None = None, batch_input_shape=None,
                 batch_size: int | None = None, **kwargs):
        if kwargs:
            unknown = ", ".join(sorted(kwargs))
            raise TypeError(
                f"{type(self).__name__} got unexpected keyword argument(s): {unknown}."
            )
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Layer name must be a string. Received: name={name!r}")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.dtype = dtype or backend.floatx()
        self._trainable = bool(trainable)
        self.built = False
        self._weights: list[Variable] = []
        self._cache: Any = None
        self._inbound_nodes: list[Node] = []
        self.input_grad_needed = True
        self.keep_sgd_step = False
        # Keras 2 forms of the input shape, accepted on a first layer.
        self._input_shape_arg = None
        if batch_input_shape is not None:
            self._input_shape_arg = standardize_shape(batch_input_shape, "batch_input_shape")
        elif input_shape is not None:
            self._input_shape_arg = (batch_size,) + standardize_shape(input_shape, "input_shape")
        elif input_dim is not None:
            self._input_shape_arg = (batch_size,) + standardize_shape(input_dim, "input_dim")
        self._build_input_shape = None

    # ------------------------------------------------------------------ weights
    def add_weight(self, shape=None, initializer=None, name: str | None = None,
                   trainable: bool = True, dtype: str | None = None, regularizer=None,
                   constraint=None, autocast: bool = True, aggregation: str = "none") -> Variable:
        """Create a weight of `shape` filled by `initializer` and track it.

        Args:
            shape: tuple of ints. Defaults to `()` (a scalar).
            initializer: name, function or `Initializer`. Defaults to
                `"glorot_uniform"` (`"zeros"` for integer dtypes), as in Keras.
            name: short name (the path is `"<layer name>/<name>"`).
            trainable: whether the optimizer updates it. Defaults to True.
            dtype: defaults to the layer's dtype.
            regularizer, constraint: stored on the variable
                (`variable.regularizer`, `variable.constraint`).
            autocast, aggregation: accepted for Keras compatibility.
        """
        shape = standardize_shape(() if shape is None else shape, "shape")
        dtype = dtype or self.dtype
        if initializer is None:
            initializer = "glorot_uniform" if np.issubdtype(np.dtype(dtype), np.floating) else "zeros"
        init = initializers.get(initializer)
        name = name or "variable"
        value = np.asarray(init(shape, dtype=dtype), dtype=dtype)
        variable = Variable(value, name=name, trainable=trainable, path=f"{self.name}/{name}",
                            regularizer=regularizer, constraint=constraint)
        self._weights.append(variable)
        return variable

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)

    @property
    def weights(self) -> list[Variable]:
        """All weights, trainable first (as Keras orders them), sub-layers' included."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        own = [w for w in self._weights if w.trainable]
        return unique_variables(own + [w for layer in self._tracked_layers() for w in layer.trainable_weights])

    @property
    def non_trainable_weights(self) -> list[Variable]:
        trainable = {id(w) for w in self.trainable_weights}
        return [w for w in self.variables if id(w) not in trainable]

    @property
    def variables(self) -> list[Variable]:
        """Every weight of the layer and of its sub-layers, each once."""
        return unique_variables(list(self._weights) + [w for layer in self._tracked_layers() for w in layer.variables])

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def _tracked_layers(self) -> list["Layer"]:
        """Sub-layers assigned as attributes (also inside lists, tuples and dicts), in order."""
        found: list[Layer] = []
        seen = {id(self)}

        def visit(value) -> None:
            if isinstance(value, Layer):
                if id(value) not in seen:
                    seen.add(id(value))
                    found.append(value)
            elif isinstance(value, (list, tuple)):
                for item in value:
                    visit(item)
            elif isinstance(value, dict):
                for item in value.values():
                    visit(item)

        for name, value in self.__dict__.items():
            if name not in _ENGINE_ATTRIBUTES:
                visit(value)
        return found

    def _gradient_variables(self) -> list[Variable]:
        """The variables whose `.grad` `backward` writes (a traced call: those its graph reads)."""
        if self._traced_call:
            from axone.layers import tracing
            return tracing.traced_variables(self)
        return self._weights

    def get_weights(self) -> list[np.ndarray]:
        """Return copies of the weights as NumPy arrays, in `weights` order."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights: Sequence[np.ndarray]) -> None:
        """Set the weights from a list of arrays (same order and shapes as `get_weights`).

        Every shape is checked before anything is written, so a wrong list
        leaves the layer unchanged.
        """
        own = self.weights
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(
                f"{type(self).__name__} {self.name!r} expects {len(own)} weight arrays "
                f"({', '.join(str(w.shape) for w in own) or 'none'}), "
                f"but received {len(weights)}."
            )
        arrays = [np.asarray(w) for w in weights]
        for variable, array in zip(own, arrays):
            if array.shape != variable.shape:
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: weight {variable.path!r} has shape "
                    f"{variable.shape}, but the provided array has shape {array.shape}."
                )
        for variable, array in zip(own, arrays):
            variable.value[...] = array

    def count_params(self) -> int:
        """Number of scalars in all weights."""
        if not self.built:
            raise ValueError(
                f"Layer {self.name!r} is not built yet, so its number of weights is "
                "unknown. Call it on an input (or build it) first."
            )
        return int(sum(w.size for w in self.variables))

    # ------------------------------------------------------------ the contract
    def build(self, input_shape) -> None:
        """Create the weights for inputs of `input_shape`. Default: no weights."""

    def compute_output_shape(self, input_shape):
        """Output shape for `input_shape`. Default: unchanged (a traced call: what it computes)."""
        if self._traced_call:
            from axone.layers import tracing
            from axone.layers.input_layer import Input
            example = _inputs_for_shapes(input_shape, self.dtype, Input)
            self._maybe_build(tracing.shapes_of(example))
            found = tracing.get_trace(self, example, False, self.__dict__.get("_call_kwargs", {}))
            return tracing.pack_like(found.outputs, [t.shape for t in tracing.flatten(found.outputs)])
        return input_shape

    def call(self, inputs, *args, **kwargs):
        """The layer's computation, written with layers and `axone.ops` (user layers).

        A subclass that defines `call` (and not `forward`) is traced: `call`
        runs once on symbolic inputs and the graph it records becomes the
        layer's forward and backward pass (see `axone.layers.tracing`).
        """
        raise NotImplementedError(f"{type(self).__name__} must implement call() (or forward()).")

    def forward(self, inputs, training: bool = False):
        """Compute the output; cache in `self._cache` what `backward` needs."""
        if self._traced_call:
            from axone.layers import tracing
            return tracing.composite_forward(self, inputs, training)
        raise NotImplementedError(f"{type(self).__name__} must implement forward().")

    def backward(self, grad_output):
        """Write weight gradients into `variable.grad`; return the input gradient."""
        if self._traced_call:
            from axone.layers import tracing
            return tracing.composite_backward(self, grad_output)
        raise NotImplementedError(f"{type(self).__name__} must implement backward().")

    def add_loss(self, loss) -> None:
        """Add a term to the training loss (an activity penalty, a reconstruction error...).

        Called in a traced `call` with a tensor computed there, the term (summed
        to a scalar) becomes an output of the call's graph: training adds it to
        the loss at every step and backpropagates it. Called with a number, it
        is only reported in `losses`.
        """
        from axone.layers import tracing
        if isinstance(loss, SymbolicTensor):
            if not tracing.ADDED_LOSSES:
                raise ValueError(f"Layer {self.name!r}: add_loss() of a symbolic tensor works inside "
                                 "call(); outside it, add the term to the model's loss instead.")
            tracing.ADDED_LOSSES[-1].append(loss)
            return
        self.__dict__.setdefault("_losses", []).append(float(np.asarray(loss)))

    @property
    def losses(self) -> list:
        """The add_loss terms: this layer's (from its last call), then its sub-layers'."""
        own = list(self.__dict__.get("_losses", [])) + list(self.__dict__.get("_step_losses", []))
        return own + [loss for layer in self._tracked_layers() for loss in layer.losses]

    def apply_sgd_step(self, momentum: float = 0.0, velocities=None) -> None:
        """Add the pre-scaled SGD step kept by the last `backward` to the weights
        (through `velocities`, the optimizer's views for this layer's weights, with momentum).

        Only layers with `supports_sgd_step` implement it (see the module docstring).
        """
        raise TypeError(f"{type(self).__name__} does not apply SGD steps itself; the optimizer does.")

    def check_input_shape(self, input_shape) -> None:
        """Raise a ValueError if `input_shape` cannot feed this built layer.

        Layers override this to state what they need (Dense: the last axis).
        """

    # ------------------------------------------------------------- calling it
    def _maybe_build(self, input_shape) -> None:
        if not self.built:
            self.build(input_shape)
            self._build_input_shape = input_shape
            self.built = True
        else:
            self.check_input_shape(input_shape)

    def __call__(self, inputs, training: bool | None = None, **kwargs):
        if self._traced_call:
            return self._call_traced(inputs, training, kwargs)
        if kwargs:
            raise TypeError(
                f"Layer {self.name!r} was called with unexpected argument(s): "
                f"{', '.join(sorted(kwargs))}."
            )
        if is_symbolic(inputs):
            return self._call_symbolic(inputs, training)
        if isinstance(inputs, (list, tuple)):
            arrays = [self._as_input_array(x) for x in inputs]
            self._maybe_build([x.shape for x in arrays])
            output = self.forward(arrays, training=bool(training))
        else:
            array = self._as_input_array(inputs)
            self._maybe_build(array.shape)
            output = self.forward(array, training=bool(training))
        return _record_on_tapes(self, inputs, output, training)

    @classmethod
    def _call_arguments(cls) -> set[str]:
        found = cls.__dict__.get("_call_argument_names")
        if found is None:
            from axone.layers import tracing
            found = tracing.call_arguments(cls.call)
            cls._call_argument_names = found
        return found

    def _call_traced(self, inputs, training, kwargs):
        """`__call__` of a layer whose `call` is traced (see `axone.layers.tracing`)."""
        from axone.layers import tracing
        accepts = self._call_arguments()
        unknown = [k for k in kwargs if k not in accepts and "**" not in accepts]
        if kwargs.get("mask") is None:
            kwargs.pop("mask", None)  # Keras passes mask=None to layers that ignore masks
            unknown = [k for k in unknown if k != "mask"]
        if unknown:
            raise TypeError(f"Layer {self.name!r} was called with argument(s) its call() does not "
                            f"take: {', '.join(sorted(unknown))}.")
        leaves = tracing.flatten(inputs)
        symbolic = [isinstance(leaf, SymbolicTensor) for leaf in leaves]
        self.__dict__["_call_kwargs"] = kwargs
        if isinstance(inputs, (list, tuple, dict)):
            self._accepts_list_input = True
        if "_input_template" not in self.__dict__:  # the structure only: no data kept alive
            self._input_template = tracing.pack_like(inputs, [None] * len(leaves))
        if any(symbolic):
            if not all(symbolic):
                raise TypeError(f"Layer {self.name!r} received a mix of symbolic tensors and arrays; "
                                "pass only tensors returned by Input(...) or by layers.")
            self._maybe_build(tracing.shapes_of(inputs))
            flags = (False, True) if "training" in self._call_arguments() else (False,)
            found = [tracing.get_trace(self, inputs, flag, kwargs) for flag in flags][0]
            count = len(self._inbound_nodes)
            outputs = [SymbolicTensor(t.shape, t.dtype, name=self.name if count == 0 else f"{self.name}_{count}")
                       for t in tracing.flatten(found.outputs)]
            node = Node(self, leaves, outputs, training=training)
            self._inbound_nodes.append(node)
            return tracing.pack_like(found.outputs, outputs)
        arrays = tracing.as_input_arrays(inputs, self.dtype)
        self._maybe_build(tracing.shapes_of(arrays))
        output = self.forward(arrays, training=bool(training))
        output = _record_on_tapes(self, inputs, output, training)
        found = self._cache[0]
        return output if found.single_output else tracing.pack_like(found.outputs, output)

    def _as_input_array(self, x):
        """An eager input as an array of the layer's dtype (Embedding keeps integer indices)."""
        return np.asarray(x, dtype=self.dtype)

    def _call_symbolic(self, inputs, training: bool | None = None):
        if isinstance(inputs, (list, tuple)):
            tensors = list(inputs)
            if not all(isinstance(t, SymbolicTensor) for t in tensors):
                raise TypeError(
                    f"Layer {self.name!r} received a list mixing symbolic tensors and "
                    "arrays; pass only tensors returned by Input(...) or by layers."
                )
            input_shape = [t.shape for t in tensors]
        else:
            tensors = [inputs]
            input_shape = inputs.shape
        self._maybe_build(input_shape)
        output_shape = tuple(self.compute_output_shape(input_shape))
        count = len(self._inbound_nodes)
        output = SymbolicTensor(output_shape, self.dtype, name=self.name if count == 0 else f"{self.name}_{count}")
        node = Node(self, tensors, [output], training=training)
        self._inbound_nodes.append(node)
        return output

    # ---------------------------------------------------- symbolic accessors
    @property
    def input(self):
        """The symbolic input of the layer's first call."""
        node = self._first_node("input")
        return node.inputs[0] if len(node.inputs) == 1 else list(node.inputs)

    @property
    def output(self):
        """The symbolic output of the layer's first call."""
        return self._first_node("output").outputs[0]

    @property
    def output_shape(self):
        return self.output.shape

    def _first_node(self, what: str) -> Node:
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer {self.name!r} has never been called on a symbolic input, "
                f"so it has no defined {what}."
            )
        return self._inbound_nodes[0]

    # ------------------------------------------------------------- config
    def get_config(self) -> dict:
        """Arguments that recreate this layer (without its weights)."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._input_shape_arg is not None:
            config["batch_input_shape"] = self._input_shape_arg
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


#: Attributes the engine sets on layers: never scanned for sub-layers.
_ENGINE_ATTRIBUTES = frozenset({
    "_inbound_nodes", "_cache", "_weights", "_traces", "_input_template", "_call_kwargs",
    "_losses", "_step_losses", "_sgd_step", "_nodes_made", "_plan", "_train_plan", "_params", "_stack",
    "_input_layer", "_node_caches", "inputs", "outputs",
})


def unique_variables(variables) -> list:
    """The variables in order, each once (a layer shared by two nodes lists its weights once)."""
    seen, result = set(), []
    for variable in variables:
        if id(variable) not in seen:
            seen.add(id(variable))
            result.append(variable)
    return result


def _is_model_class(cls) -> bool:
    return any(k.__name__ == "Model" and k.__module__ == "axone.models.model" for k in cls.__mro__)


def _record_on_tapes(layer, inputs, output, training):
    """Record an eager layer call on the recording `GradientTape`s, if any; return the
    output as the tapes follow it (arrays then become `TrackedArray`s)."""
    from axone.layers.tracing import flatten, pack_like
    from axone.ops.operation import TAPES, TrackedArray
    if not TAPES:
        return output
    output = pack_like(output, [TrackedArray.wrap(leaf) for leaf in flatten(output)])
    for tape in TAPES:
        tape._record_layer(layer, inputs, output, bool(training))
    return output


def _inputs_for_shapes(input_shape, dtype, make_input):
    """Symbolic inputs for a shape (batch axis included), or a list/dict of shapes."""
    if isinstance(input_shape, dict):
        return {k: _inputs_for_shapes(v, dtype, make_input) for k, v in input_shape.items()}
    if isinstance(input_shape, (list, tuple)) and input_shape and isinstance(input_shape[0], (list, tuple)):
        return [_inputs_for_shapes(v, dtype, make_input) for v in input_shape]
    return make_input(batch_shape=(None,) + tuple(input_shape)[1:], dtype=dtype, name="shape_probe")
