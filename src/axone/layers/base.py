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
    def add_weight(self, shape, initializer="glorot_uniform", name: str = "weight",
                   trainable: bool = True, dtype: str | None = None) -> Variable:
        """Create a weight of `shape` filled by `initializer` and track it."""
        shape = standardize_shape(shape, "shape")
        init = initializers.get(initializer)
        value = np.asarray(init(shape, dtype=dtype or self.dtype), dtype=dtype or self.dtype)
        variable = Variable(value, name=name, trainable=trainable, path=f"{self.name}/{name}")
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
        """All weights, trainable first (as Keras orders them)."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [w for w in self._weights if w.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return list(self._weights)
        return [w for w in self._weights if not w.trainable]

    @property
    def variables(self) -> list[Variable]:
        return list(self._weights)

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
        return int(sum(w.size for w in self._weights))

    # ------------------------------------------------------------ the contract
    def build(self, input_shape) -> None:
        """Create the weights for inputs of `input_shape`. Default: no weights."""

    def compute_output_shape(self, input_shape):
        """Output shape for `input_shape`. Default: unchanged."""
        return input_shape

    def forward(self, inputs, training: bool = False):
        """Compute the output; cache in `self._cache` what `backward` needs."""
        raise NotImplementedError(f"{type(self).__name__} must implement forward().")

    def backward(self, grad_output):
        """Write weight gradients into `variable.grad`; return the input gradient."""
        raise NotImplementedError(f"{type(self).__name__} must implement backward().")

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
        if kwargs:
            raise TypeError(
                f"Layer {self.name!r} was called with unexpected argument(s): "
                f"{', '.join(sorted(kwargs))}."
            )
        if is_symbolic(inputs):
            return self._call_symbolic(inputs)
        if isinstance(inputs, (list, tuple)):
            arrays = [self._as_input_array(x) for x in inputs]
            self._maybe_build([x.shape for x in arrays])
            return self.forward(arrays, training=bool(training))
        array = self._as_input_array(inputs)
        self._maybe_build(array.shape)
        return self.forward(array, training=bool(training))

    def _as_input_array(self, x):
        """An eager input as an array of the layer's dtype (Embedding keeps integer indices)."""
        return np.asarray(x, dtype=self.dtype)

    def _call_symbolic(self, inputs):
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
        node = Node(self, tensors, [output])
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
