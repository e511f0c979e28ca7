"""`BatchNormalization`: normalise each feature by batch statistics, learn a scale and shift."""

from __future__ import annotations

from axone.backend import xp

from axone import initializers
from axone.layers.base import Layer


class BatchNormalization(Layer):
    """Normalises each feature over the batch, then scales and shifts it.

    Training (`training=True` and the layer trainable), per feature, over
    every axis but `axis`:

        mean = mean(x)                 var = mean((x - mean) ** 2)   (biased)
        x_hat = (x - mean) / sqrt(var + epsilon)
        output = gamma * x_hat + beta
        moving_mean = moving_mean * momentum + mean * (1 - momentum)    (same for var)

    Inference (`training=False`) uses the moving statistics instead:
    `output = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta`.
    As in Keras 3, a layer set `trainable = False` runs in inference mode even
    during `fit` (its moving statistics stay frozen too).

    Backward in training mode, with `n` values per feature and sums over them:

        grad_beta = sum(g)        grad_gamma = sum(g * x_hat)
        grad_x = gamma / sqrt(var + epsilon) * (g - grad_beta / n - x_hat * grad_gamma / n)

    In inference mode the statistics are constants: `grad_x = g * gamma / sqrt(moving_variance + epsilon)`.

    Args:
        axis: the feature axis (the one not reduced). Defaults to `-1`.
        momentum: weight of the past in the moving statistics. Defaults to `0.99`.
        epsilon: added to the variance before the square root. Defaults to `1e-3`.
        center: whether to add the learned offset `beta`. Defaults to `True`.
        scale: whether to multiply by the learned `gamma`. Defaults to `True`.
        beta_initializer: defaults to `"zeros"`.
        gamma_initializer: defaults to `"ones"`.
        moving_mean_initializer: defaults to `"zeros"`.
        moving_variance_initializer: defaults to `"ones"`.

    Weights, in Keras's order: `gamma`, `beta` (trainable), `moving_mean`,
    `moving_variance` (non-trainable), each of shape `(features,)`.

    Shapes: any input with a known size on `axis`; output of the same shape.
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, (int, xp.integer)) or isinstance(axis, bool):
            raise TypeError(f"`axis` must be an int. Received: axis={axis!r}")
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape):
        rank = len(input_shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Axis {self.axis} is out of bounds for input shape {tuple(input_shape)}. "
                f"Received: axis={self.axis}"
            )
        features = input_shape[self.axis]
        if features is None:
            raise ValueError(
                f"Axis {self.axis} of the input to layer {self.name!r} should have a defined "
                f"size. Received: input_shape={tuple(input_shape)}"
            )
        self._axis = self.axis % rank
        self._reduce_axes = tuple(i for i in range(rank) if i != self._axis)
        # Per-feature vectors reshaped to broadcast along `axis`: (features,) -> (1, features, 1, ...).
        self._broadcast = tuple(features if i == self._axis else 1 for i in range(rank))
        if self.scale:
            self.gamma = self.add_weight((features,), self.gamma_initializer, "gamma")
        if self.center:
            self.beta = self.add_weight((features,), self.beta_initializer, "beta")
        self.moving_mean = self.add_weight((features,), self.moving_mean_initializer,
                                           "moving_mean", trainable=False)
        self.moving_variance = self.add_weight((features,), self.moving_variance_initializer,
                                               "moving_variance", trainable=False)

    def check_input_shape(self, input_shape):
        rank, features = len(self._broadcast), self._broadcast[self._axis]
        if len(input_shape) != rank:
            expected = f"ndim={rank}, found ndim={len(input_shape)}"
        elif input_shape[self._axis] != features:
            expected = f"axis {self.axis} of input shape to have value {features}"
        else:
            return
        raise ValueError(
            f"Input 0 of layer {self.name!r} is incompatible with the layer: expected "
            f"{expected}, but received input with shape {tuple(input_shape)}."
        )

    def forward(self, x, training=False):
        # Keras 3: a frozen layer normalises with its moving statistics, even in fit().
        batch_stats = bool(training) and self.trainable
        if batch_stats:
            mean = x.mean(axis=self._reduce_axes)
            centered = x - mean.reshape(self._broadcast)
            # Two passes (mean of squared deviations) stay accurate when |mean| >> std.
            variance = xp.mean(centered * centered, axis=self._reduce_axes)
            for moving, batch in ((self.moving_mean.value, mean), (self.moving_variance.value, variance)):
                moving *= self.momentum  # in place: the variables' arrays stay the same objects
                moving += batch * (1.0 - self.momentum)
        else:
            variance = self.moving_variance.value
            centered = x - self.moving_mean.value.reshape(self._broadcast)
        inv_std = 1.0 / xp.sqrt(variance + self.epsilon)
        factor = inv_std * self.gamma.value if self.scale else inv_std
        y = centered * factor.reshape(self._broadcast)
        if self.center:
            y += self.beta.value.reshape(self._broadcast)
        if training:
            self._cache = (centered, inv_std, factor, batch_stats)
        return y

    def backward(self, grad_output):
        centered, inv_std, factor, batch_stats = self._cache
        g = grad_output
        grad_beta = g.sum(axis=self._reduce_axes)
        # sum(g * x_hat) computed as sum(g * (x - mean)) * inv_std: x_hat is never stored.
        grad_gamma = xp.sum(g * centered, axis=self._reduce_axes) * inv_std
        if self.scale:
            self.gamma.grad[...] = grad_gamma
        if self.center:
            self.beta.grad[...] = grad_beta
        if not self.input_grad_needed:
            return None
        if not batch_stats:
            return g * factor.reshape(self._broadcast)
        # The batch mean and variance depend on every input: their share of the
        # gradient is the two subtracted terms (the mean of g, and of g * x_hat times x_hat).
        n = g.size // factor.size
        b = self._broadcast
        grad_x = g - (grad_beta / n).reshape(b)
        grad_x -= centered * (grad_gamma * inv_std / n).reshape(b)
        grad_x *= factor.reshape(b)
        return grad_x

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
        }
