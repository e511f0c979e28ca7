"""Preprocessing layers: `Normalization` (with `adapt`) and `Rescaling`.

They transform the data inside the model, so that a saved model takes raw
features. Neither has trainable weights: `Normalization` keeps the
statistics computed by `adapt` as non-trainable weights, as Keras 3 does.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from axone import backend
from axone.backend import xp
from axone.layers.base import Layer


def _standardize_axis(axis) -> tuple:
    """`None` -> `()`, `-1` -> `(-1,)`, `[1, 2]` -> `(1, 2)`; anything else raises."""
    if axis is None:
        return ()
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return (int(axis),)
    try:
        axes = tuple(axis)
    except TypeError:
        axes = None
    if axes is None or not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"`axis` must be an int, a tuple of ints or None. Received: axis={axis!r}")
    return tuple(int(a) for a in axes)


def _adapt_source(data):
    """`(array, shape, batches)` for `adapt`: either the whole data as one array
    (`batches` None), or an iterator of batches (`array` None) and their shape."""
    from axone.utils.dataset import PyDataset

    if hasattr(data, "to_numpy"):  # pandas DataFrame or Series
        data = data.to_numpy()
    if isinstance(data, np.ndarray):
        return np.asarray(data, dtype=np.float64), data.shape, None
    if isinstance(data, PyDataset):
        batches = (data[i] for i in range(len(data)))
    elif hasattr(data, "__iter__") and not isinstance(data, (str, bytes, dict)):
        batches = iter(data)
    else:
        raise TypeError(
            f"adapt() expects a NumPy array, a PyDataset or an iterable of batches (a list of "
            f"arrays, a generator). Received: {type(data).__name__}"
        )
    first = next(batches, None)
    if first is None:
        raise ValueError(
            "adapt() received an empty iterable (no batches). Expected at least one batch, "
            "e.g. layer.adapt([x]) or layer.adapt(list_of_batches)."
        )
    first = _features(first)
    return None, first.shape, itertools.chain([first], (_features(b) for b in batches))


def _features(batch) -> np.ndarray:
    """The inputs of one batch: `x` of an `(x, y)` or `(x, y, sample_weight)` tuple."""
    if isinstance(batch, tuple):
        batch = batch[0]
    if hasattr(batch, "to_numpy"):
        batch = batch.to_numpy()
    if not hasattr(batch, "shape"):
        raise TypeError(
            "adapt() expects an iterable that yields arrays (with a `.shape`), e.g. NumPy "
            f"arrays. Got an element of type {type(batch).__name__}."
        )
    return np.asarray(batch, dtype=np.float64)


class Normalization(Layer):
    """Shifts and scales inputs to mean 0 and variance 1: `(x - mean) / sqrt(variance)`.

    The statistics come either from the `mean` and `variance` arguments, or
    from `adapt(data)`, called before training. The divisor is
    `max(sqrt(variance), backend.epsilon())`, as in Keras 3, so a constant
    feature does not divide by zero.

    Args:
        axis: the axis or axes that keep their own mean and variance (one per
            index); the others are reduced. `None` normalises every value by
            a single mean and variance. Defaults to `-1` (one per feature).
        mean, variance: the statistics, broadcast to the kept axes (both or
            neither). Given, the layer has no weights and cannot `adapt`.
        invert: apply the inverse transform, `x * sqrt(variance) + mean`,
            turning normalised values back into data. Defaults to `False`.

    Weights (without `mean`/`variance` arguments), all non-trainable, in
    Keras's order: `mean` and `variance`, of the kept axes' shape, and
    `count`, an int32 scalar (as on Keras 3's torch and JAX backends) kept
    for old saved models (adapt leaves it at 0, as Keras does). A layer for
    8 features counts 17 params.

    Backward: `grad_input = grad_output / max(sqrt(variance), epsilon)`
    (times, for `invert`); the statistics get no gradient.

    Shapes: any input with known sizes on `axis`; output of the same shape.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _standardize_axis(axis)
        if (mean is None) != (variance is None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {np.shape(mean)} and variance shape "
                    f"{np.shape(variance)}"
                )
            if np.ndim(mean) > len(self.axis):
                raise ValueError(
                    f"The rank of `mean` must be less than or equal to the number of axes "
                    f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis {self.axis}"
                )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.adapt_mean = self.adapt_variance = self.count = None
        self._fixed = None  # (mean, variance) broadcast arrays, when given as arguments

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). "
                f"Received inputs with ndim={ndim}, while axis={self.axis}"
            )
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    "All `axis` values to be kept must have a known shape. Received "
                    f"axis={self.axis}, inputs.shape={tuple(input_shape)}, with unknown axis at index {d}"
                )
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1 for d in range(ndim))
        stats_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(stats_shape, "zeros", "mean", trainable=False)
            self.adapt_variance = self.add_weight(stats_shape, "ones", "variance", trainable=False)
            self.count = self.add_weight((), "zeros", "count", trainable=False, dtype="int32")
            return
        # Align the given statistics with the kept axes from the right, then broadcast.
        expanded = [1] * ndim
        for i in range(1, np.ndim(self.input_mean) + 1):
            expanded[self._keep_axis[-i]] = np.shape(self.input_mean)[-i]
        try:
            self._fixed = tuple(
                np.broadcast_to(np.reshape(np.asarray(v, dtype=self.dtype), expanded),
                                self._broadcast_shape).copy()
                for v in (self.input_mean, self.input_variance))
        except ValueError:
            raise ValueError(
                f"Layer {self.name!r}: mean of shape {np.shape(self.input_mean)} cannot broadcast to "
                f"the kept axes {self._keep_axis} of inputs of shape {tuple(input_shape)}."
            ) from None

    def check_input_shape(self, input_shape):
        expected = self._build_input_shape
        if len(input_shape) != len(expected) or any(
                input_shape[d] != expected[d] for d in self._keep_axis):
            raise ValueError(
                f"Input 0 of layer {self.name!r} is incompatible with the layer: expected shape "
                f"{tuple(expected)}, but received input with shape {tuple(input_shape)}."
            )

    # ------------------------------------------------------------ statistics
    @property
    def mean(self):
        """The mean, shaped to broadcast against inputs (e.g. `(1, features)`); None before build."""
        if not self.built:
            return None
        return self._fixed[0] if self._fixed is not None else self.adapt_mean.value.reshape(self._broadcast_shape)

    @property
    def variance(self):
        """The variance, shaped to broadcast against inputs; None before build."""
        if not self.built:
            return None
        return self._fixed[1] if self._fixed is not None else self.adapt_variance.value.reshape(self._broadcast_shape)

    def adapt(self, data) -> None:
        """Compute the mean and variance of `data` and store them in the layer.

        Args:
            data: a NumPy array (or DataFrame) of samples, or batches: a
                `PyDataset`, a list of arrays or a generator (`(x, y)` batches
                use `x`). Batched statistics are combined exactly (the
                lack-of-fit sum of squares), in float64.

        The weights are written in place, so a layer already inside a
        compiled model (as in `Sequential([norm_layer, ...])`) is adapted too.
        """
        if self.input_mean is not None:
            raise ValueError(
                f"Layer {self.name!r} was given mean= and variance=, so it has no statistics "
                "to adapt. Create it without them to call adapt()."
            )
        array, shape, batches = _adapt_source(data)
        if not self.built:
            self._maybe_build(tuple(shape))
        else:
            self._check_adapt_shape(shape)
        if batches is None:
            mean, var = array.mean(axis=self._reduce_axis), array.var(axis=self._reduce_axis)
        else:
            mean, var = self._batched_moments(batches)
        # Both are computed before either is written: a bad batch leaves the old statistics.
        self.adapt_mean.assign(mean.astype(self.adapt_mean.dtype))
        self.adapt_variance.assign(var.astype(self.adapt_variance.dtype))

    def _check_adapt_shape(self, shape) -> None:
        expected = self._build_input_shape
        if len(shape) != len(expected) or any(shape[d] != expected[d] for d in self._keep_axis):
            raise ValueError(
                f"The layer was built with input_shape={tuple(expected)}, but adapt() is being "
                f"called with data with an incompatible shape, data.shape={tuple(shape)}"
            )

    def _batched_moments(self, batches):
        stats_shape = tuple(self._broadcast_shape[d] for d in self._keep_axis)
        total_mean = np.zeros(stats_shape)
        total_var = np.zeros(stats_shape)
        total_count = 0
        for batch in batches:
            self._check_adapt_shape(batch.shape)
            count = math.prod(batch.shape[d] for d in self._reduce_axis)
            if count == 0:
                continue
            batch_mean = batch.mean(axis=self._reduce_axis)
            batch_var = batch.var(axis=self._reduce_axis)
            total_count += count
            weight = count / total_count
            new_mean = total_mean * (1.0 - weight) + batch_mean * weight
            total_var = ((total_var + (total_mean - new_mean) ** 2) * (1.0 - weight)
                         + (batch_var + (batch_mean - new_mean) ** 2) * weight)
            total_mean = new_mean
        return total_mean, total_var

    # -------------------------------------------------------------- compute
    def _scale(self):
        return xp.maximum(xp.sqrt(self.variance), xp.asarray(backend.epsilon(), dtype=self.variance.dtype))

    def forward(self, x, training=False):
        mean = self.mean.astype(x.dtype, copy=False)
        scale = self._scale().astype(x.dtype, copy=False)
        if self.invert:
            return x * scale + mean
        return (x - mean) / scale

    def backward(self, grad_output):
        if not self.input_grad_needed:
            return None
        scale = self._scale().astype(grad_output.dtype, copy=False)
        return grad_output * scale if self.invert else grad_output / scale

    def get_config(self):
        def plain(value):
            return np.asarray(value).tolist() if value is not None else None

        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": plain(self.input_mean), "variance": plain(self.input_variance)}


class Rescaling(Layer):
    """Multiplies the inputs by `scale` and adds `offset`: `output = inputs * scale + offset`.

    To bring pixels from `[0, 255]` into `[0, 1]`, `Rescaling(1 / 255)`; into
    `[-1, 1]`, `Rescaling(1 / 127.5, offset=-1)`. Applied in training and
    inference alike; integer inputs come out as floats.

    Args:
        scale: float, or an array broadcast against the inputs (one per channel).
        offset: float or array. Defaults to `0.0`.

    Backward: `grad_input = grad_output * scale`.
    Shapes: any; output of the same shape.
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        for value, argument in ((scale, "scale"), (offset, "offset")):
            array = np.asarray(value)
            if not np.issubdtype(array.dtype, np.number) or array.dtype == bool:
                raise ValueError(f"`{argument}` must be a number or an array of numbers. "
                                 f"Received: {argument}={value!r}")
        self.scale = scale
        self.offset = offset

    def forward(self, x, training=False):
        scale = xp.asarray(self.scale, dtype=x.dtype)
        return x * scale + xp.asarray(self.offset, dtype=x.dtype)

    def backward(self, grad_output):
        if not self.input_grad_needed:
            return None
        return grad_output * xp.asarray(self.scale, dtype=grad_output.dtype)

    def get_config(self):
        def plain(value):
            return np.asarray(value).tolist() if np.ndim(value) else float(value)

        return {**super().get_config(), "scale": plain(self.scale), "offset": plain(self.offset)}
