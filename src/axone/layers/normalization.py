"""Normalization layers: `BatchNormalization`, `LayerNormalization`, `UnitNormalization`."""

from __future__ import annotations

from axone.backend import xp

from axone import constraints, initializers, regularizers
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
        beta_regularizer, gamma_regularizer: penalties added to the loss.
            Default to `None`.
        beta_constraint, gamma_constraint: projections applied after each
            optimizer step. Default to `None`.
        synchronized: accepted for Keras compatibility: axone runs on one
            device, where synchronized statistics are the batch statistics.

    Weights, in Keras's order: `gamma`, `beta` (trainable), `moving_mean`,
    `moving_variance` (non-trainable), each of shape `(features,)`.

    Shapes: any input with a known size on `axis`; output of the same shape.
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, synchronized: bool = False, **kwargs):
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
        _set_penalties(self, beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint)
        self.synchronized = bool(synchronized)
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
        _add_scale_and_offset(self, (features,))
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
            **_penalty_config(self),
            "synchronized": self.synchronized,
        }


def _set_penalties(layer, beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint) -> None:
    layer.beta_regularizer = regularizers.get(beta_regularizer)
    layer.gamma_regularizer = regularizers.get(gamma_regularizer)
    layer.beta_constraint = constraints.get(beta_constraint)
    layer.gamma_constraint = constraints.get(gamma_constraint)


def _add_scale_and_offset(layer, shape) -> None:
    """`gamma` then `beta` (Keras's order), carrying their penalties for the model (axone.models.penalties)."""
    if layer.scale:
        layer.gamma = layer.add_weight(shape, layer.gamma_initializer, "gamma",
                                       regularizer=layer.gamma_regularizer, constraint=layer.gamma_constraint)
    if layer.center:
        layer.beta = layer.add_weight(shape, layer.beta_initializer, "beta",
                                      regularizer=layer.beta_regularizer, constraint=layer.beta_constraint)


def _penalty_config(layer) -> dict:
    return {
        "beta_regularizer": regularizers.serialize(layer.beta_regularizer),
        "gamma_regularizer": regularizers.serialize(layer.gamma_regularizer),
        "beta_constraint": constraints.serialize(layer.beta_constraint),
        "gamma_constraint": constraints.serialize(layer.gamma_constraint),
    }


def _canonical_axes(axis, rank: int) -> list[int]:
    """`-1` or `[1, -1]` as sorted positive axes of a rank-`rank` input; raises on bad or repeated axes."""
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"Axis {axis} is out of bounds for an input of rank {rank}. Received: axis={axis}")
    axes = sorted(a % rank for a in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"Duplicate axes are not allowed. Received: axis={axis}")
    return axes


def _check_axis_argument(axis, message: str):
    if isinstance(axis, (list, tuple)) and all(isinstance(a, (int, xp.integer)) and not isinstance(a, bool)
                                              for a in axis):
        return [int(a) for a in axis]
    if isinstance(axis, (int, xp.integer)) and not isinstance(axis, bool):
        return int(axis)
    raise TypeError(f"{message} Received: axis={axis!r}")


class LayerNormalization(Layer):
    """Normalises each sample over `axis` (not over the batch), then scales and shifts it.

    Per sample, with mean and (biased) variance over the `axis` entries:

        x_hat = (x - mean) / sqrt(var + epsilon)
        output = gamma * x_hat + beta

    The same in training and inference (no moving statistics).

    Backward, with `n` entries per normalised group, `g_hat = g * gamma` and
    means over the group:

        grad_x = (g_hat - mean(g_hat) - x_hat * mean(g_hat * x_hat)) / sqrt(var + epsilon)
        grad_gamma = sum(g * x_hat)        grad_beta = sum(g)     (over the other axes)

    Args:
        axis: int or list of ints, the axes normalised together. Defaults to `-1`.
        epsilon: added to the variance. Defaults to `1e-3`.
        center: whether to add `beta`. Defaults to `True`.
        scale: whether to multiply by `gamma`. Defaults to `True`.
        beta_initializer: defaults to `"zeros"`.
        gamma_initializer: defaults to `"ones"`.
        beta_regularizer, gamma_regularizer: penalties added to the loss.
            Default to `None`.
        beta_constraint, gamma_constraint: projections applied after each
            optimizer step. Default to `None`.

    Weights: `gamma`, `beta` (trainable), of the shape of the `axis` sizes.
    Shapes: any input with known sizes on `axis`; output of the same shape.
    """

    def __init__(self, axis=-1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 rms_scaling: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _check_axis_argument(
            axis, "Expected an int or a list/tuple of ints for the argument 'axis'.")
        if rms_scaling:
            raise NotImplementedError("LayerNormalization: rms_scaling=True is not supported. "
                                      "Received: rms_scaling=True")
        _set_penalties(self, beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.gamma = self.beta = None

    def build(self, input_shape):
        rank = len(input_shape)
        axes = _canonical_axes(self.axis, rank)
        # Keras 3.15 keeps the axes as a sorted list once built (as given, not made positive).
        self.axis = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if input_shape[a] is None:
                raise ValueError(f"Axis {a} of the input to layer {self.name!r} should have a defined size. "
                                 f"Received: input_shape={tuple(input_shape)}")
        shape = tuple(input_shape[a] for a in axes)
        self._reduce = tuple(axes)
        self._other = tuple(i for i in range(rank) if i not in axes)
        self._broadcast = tuple(input_shape[i] if i in axes else 1 for i in range(rank))
        _add_scale_and_offset(self, shape)

    def check_input_shape(self, input_shape):
        expected = self._build_input_shape
        if len(input_shape) != len(expected) or any(input_shape[a] != expected[a] for a in self._reduce):
            wanted = tuple(d if i in self._reduce else None for i, d in enumerate(expected))
            raise ValueError(
                f"Input 0 of layer {self.name!r} is incompatible with the layer: expected shape "
                f"{wanted}, but received input with shape {tuple(input_shape)}."
            )

    def forward(self, x, training=False):
        mean = x.mean(axis=self._reduce, keepdims=True)
        centered = x - mean
        inv_std = 1.0 / xp.sqrt(xp.mean(centered * centered, axis=self._reduce, keepdims=True) + self.epsilon)
        x_hat = centered * inv_std
        y = x_hat * self.gamma.value.reshape(self._broadcast) if self.scale else x_hat.copy()
        if self.center:
            y += self.beta.value.reshape(self._broadcast)
        if training:
            self._cache = (x_hat, inv_std)
        return y

    def backward(self, grad_output):
        x_hat, inv_std = self._cache
        g = grad_output
        if self.scale:
            self.gamma.grad[...] = xp.sum(g * x_hat, axis=self._other).reshape(self.gamma.shape)
        if self.center:
            self.beta.grad[...] = xp.sum(g, axis=self._other).reshape(self.beta.shape)
        if not self.input_grad_needed:
            return None
        g_hat = g * self.gamma.value.reshape(self._broadcast) if self.scale else g
        grad_x = g_hat - g_hat.mean(axis=self._reduce, keepdims=True)
        grad_x -= x_hat * xp.mean(g_hat * x_hat, axis=self._reduce, keepdims=True)
        grad_x *= inv_std
        return grad_x

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": False,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            **_penalty_config(self),
        }


class UnitNormalization(Layer):
    """Scales each sample to unit L2 norm over `axis`: `output = x / max(||x||, 1e-12)`.

    Backward, with `y` the output and `norm = ||x||`:
    `grad_x = (g - y * sum(g * y)) / norm`, sums over `axis` (for a norm
    below `1e-12`, the clamped divisor is a constant: `grad_x = g / 1e-12`).

    Args:
        axis: int or list of ints, the axes normalised together. Defaults to `-1`.

    Shapes: any; output of the same shape. No weights.
    """

    _EPSILON = 1e-12  # Keras 3's

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = _check_axis_argument(
            axis, "Invalid value for `axis` argument: expected an int or a list/tuple of ints.")

    def build(self, input_shape):
        self._reduce = tuple(_canonical_axes(self.axis, len(input_shape)))

    def compute_output_shape(self, input_shape):
        _canonical_axes(self.axis, len(input_shape))
        return input_shape

    def check_input_shape(self, input_shape):
        self.build(input_shape)

    def forward(self, x, training=False):
        square_sum = xp.sum(x * x, axis=self._reduce, keepdims=True)
        clamped = square_sum < self._EPSILON ** 2
        inv_norm = 1.0 / xp.sqrt(xp.maximum(square_sum, self._EPSILON ** 2))
        y = x * inv_norm
        if training:
            self._cache = (y, inv_norm, clamped)
        return y

    def backward(self, grad_output):
        if not self.input_grad_needed:
            return None
        y, inv_norm, clamped = self._cache
        g = grad_output
        projection = xp.sum(g * y, axis=self._reduce, keepdims=True)
        # Where the norm was clamped the divisor is a constant: no projection term.
        grad_x = g - y * xp.where(clamped, 0.0, projection)
        grad_x *= inv_norm
        return grad_x

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
