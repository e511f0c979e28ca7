"""Core layers: `Dense`, `Activation`, `Flatten`, `Identity`."""

from __future__ import annotations

import math

from axone.backend import xp

from axone import activations, constraints, initializers, regularizers
from axone.blas import matmul_add
from axone.layers.base import Layer


def _incompatible(layer: Layer, expected: str, input_shape) -> ValueError:
    return ValueError(
        f"Input 0 of layer {layer.name!r} is incompatible with the layer: "
        f"expected {expected}, but received input with shape {tuple(input_shape)}."
    )


class Dense(Layer):
    """Fully connected layer: `output = activation(inputs @ kernel + bias)`.

    Args:
        units: positive int, size of the output's last axis.
        activation: name or function. Defaults to None (linear).
        use_bias: whether to add a bias vector. Defaults to `True`.
        kernel_initializer: defaults to `"glorot_uniform"`.
        bias_initializer: defaults to `"zeros"`.
        kernel_regularizer, bias_regularizer: penalties on the weights, added to
            the loss (see `axone.regularizers`).
        activity_regularizer: penalty on the layer's output, added to the loss
            divided by the batch size (as Keras 3 does).
        kernel_constraint, bias_constraint: projections applied to the weights
            after each optimizer step (see `axone.constraints`).

    Shapes: input `(batch, ..., input_dim)`; kernel `(input_dim, units)`;
    output `(batch, ..., units)`.
    """

    supports_sgd_step = True

    def __init__(self, units: int, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, (int, xp.integer)) or isinstance(units, bool) or units <= 0:
            raise ValueError(
                f"Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units!r}"
            )
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self._activity_loss = 0.0
        # Set by the model when the loss gradient is taken with respect to the
        # pre-activation (softmax + crossentropy, sigmoid + binary crossentropy).
        self.loss_gives_preactivation_grad = False
        self.kernel = self.bias = None
        self._sgd_step = None  # (x, delta) kept for apply_sgd_step

    def build(self, input_shape):
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise _incompatible(self, "an input with a known last axis and at least 2 dims "
                                "(batch, features)", input_shape)
        self.input_dim = int(input_shape[-1])
        self.kernel = self.add_weight((self.input_dim, self.units), self.kernel_initializer, "kernel")
        # The model adds each weight's penalty and applies its constraint (axone.models.penalties).
        self.kernel.regularizer, self.kernel.constraint = self.kernel_regularizer, self.kernel_constraint
        if self.use_bias:
            self.bias = self.add_weight((self.units,), self.bias_initializer, "bias")
            self.bias.regularizer, self.bias.constraint = self.bias_regularizer, self.bias_constraint

    def check_input_shape(self, input_shape):
        if len(input_shape) < 2 or input_shape[-1] != self.input_dim:
            raise _incompatible(self, f"axis -1 of input shape to have value {self.input_dim}",
                                input_shape)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def forward(self, x, training=False):
        z = x @ self.kernel.value
        if self.use_bias:
            z += self.bias.value
        if self.activation.uses_input:
            y = self.activation.forward(z)
        else:  # the derivative needs only y: compute it in place, keep no z
            y = self.activation.forward(z, out=z)
            z = None
        if self.activity_regularizer is not None:  # Keras 3: the penalty over the batch size
            self._activity_loss = self.activity_regularizer(y) / max(len(y), 1)
        if training:  # inference keeps nothing for a backward pass
            self._cache = (x, z, y)
            self._sgd_step = None
        return y

    def backward(self, grad_output):
        x, z, y = self._cache
        activity = None
        if self.activity_regularizer is not None:
            activity = self.activity_regularizer.gradient(y) / max(len(y), 1)
        if self.loss_gives_preactivation_grad:
            grad_z = grad_output
            if activity is not None:
                grad_z = grad_z + self.activation.backward(activity, z, y)
        else:
            grad_z = self.activation.backward(grad_output if activity is None else grad_output + activity, z, y)
        # Flatten leading axes so inputs of rank > 2 reduce to one matrix product.
        x2 = x.reshape(-1, x.shape[-1])
        g2 = grad_z.reshape(-1, self.units)
        if self.keep_sgd_step:
            # grad_z carries -learning_rate: the step is x.T @ grad_z, added
            # to the kernel by apply_sgd_step once the backward pass is done.
            self._sgd_step = (x2, g2)
        else:
            xp.matmul(x2.T, g2, out=self.kernel.grad)
            if self.use_bias:
                xp.sum(g2, axis=0, out=self.bias.grad)
        if not self.input_grad_needed:
            return None
        return grad_z @ self.kernel.value.T

    def apply_sgd_step(self, momentum: float = 0.0, velocities=None):
        """Add the kept step to the weights: `kernel += x.T @ delta`, `bias += sum(delta)`.

        With `velocities` (views of the optimizer's velocity, one per weight):
        `v = momentum * v + step`, then `weight += v` (Keras's SGD momentum).
        The product is one gemm (the gradient buffer is its fallback scratch).
        """
        if self._sgd_step is None:  # no gradient reached this layer in this step
            return
        x2, g2 = self._sgd_step
        self._sgd_step = None
        if velocities is None:
            matmul_add(x2.T, g2, out=self.kernel.value, scratch=self.kernel.grad)
            if self.use_bias:
                self.bias.value += xp.add.reduce(g2, axis=0)
            return
        kernel_velocity = velocities[0]
        matmul_add(x2.T, g2, out=kernel_velocity, scratch=self.kernel.grad, beta=momentum)
        self.kernel.value += kernel_velocity
        if self.use_bias:
            bias_velocity = velocities[1]
            bias_velocity *= bias_velocity.dtype.type(momentum)
            bias_velocity += xp.add.reduce(g2, axis=0)
            self.bias.value += bias_velocity

    def activity_loss(self) -> float:
        """The activity penalty of the last forward pass (0.0 without `activity_regularizer`)."""
        return self._activity_loss

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }


class Activation(Layer):
    """Applies an activation function: `output = activation(inputs)`.

    Args:
        activation: name or function, e.g. `"relu"`.
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.loss_gives_preactivation_grad = False

    def forward(self, x, training=False):
        y = self.activation.forward(x)
        if training:
            self._cache = (x if self.activation.uses_input else None, y)
        return y

    def backward(self, grad_output):
        if self.loss_gives_preactivation_grad:
            return grad_output
        z, y = self._cache
        return self.activation.backward(grad_output, z, y)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Flatten(Layer):
    """Flattens each sample: `(batch, d1, d2, ...)` -> `(batch, d1 * d2 * ...)`."""

    def __init__(self, data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def check_input_shape(self, input_shape):
        expected = self._build_input_shape
        if tuple(input_shape[1:]) != tuple(expected[1:]) and None not in expected[1:]:
            raise _incompatible(self, f"shape {expected}", input_shape)

    def forward(self, x, training=False):
        if training:
            self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_output):
        if not self.input_grad_needed:
            return None
        return grad_output.reshape(self._cache)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Identity(Layer):
    """Returns its input unchanged (a placeholder, e.g. for a skipped block); no weights."""

    def forward(self, x, training=False):
        return x

    def backward(self, grad_output):
        return grad_output if self.input_grad_needed else None
