"""Neural-network ops: activations, `softmax`, `one_hot` and the crossentropies (Keras 3 semantics).

The activations reuse `axone.activations` (the forward formula and the
analytic derivative the layers use). The crossentropies are written with
other ops, so their gradients come from those ops' products.
"""

from __future__ import annotations

import numpy as np

from axone import activations, backend
from axone.ops import numpy as knp
from axone.ops.operation import Operation, as_array
from axone.symbolic import SymbolicTensor


class _Activation(Operation):
    """`activation(x)` with the derivative `axone.activations` defines for it."""

    def __init__(self, name: str, function=None, **params):
        super().__init__(name=name)
        function = function or activations.get(name)
        self.function = function.with_params(**params) if params else function

    def compute(self, x):
        return self.function.forward(knp._float(as_array(x)))

    def vjp(self, grad, args, out, needed):
        return [self.function.backward(grad, knp._float(as_array(args[0])), out)]


def apply_activation(function, x):
    """`function(x)` for an `axone.activations` function, as an op (a graph node or a taped call)."""
    return _Activation(function.name, function)(x)


def _activation_op(name: str, *param_names: str):
    def op(x, *args, **kwargs):
        params = {**dict(zip(param_names, args)), **kwargs}
        return _Activation(name, **params)(x)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"The `{name}` activation, element-wise (see `axone.activations.{name}`)."
    return op


relu = _activation_op("relu")
relu6 = _activation_op("relu6")
sigmoid = _activation_op("sigmoid")
tanh = knp.tanh
softplus = _activation_op("softplus")
softsign = _activation_op("softsign")
silu = swish = _activation_op("silu")
gelu = _activation_op("gelu", "approximate")
elu = _activation_op("elu", "alpha")
selu = _activation_op("selu")
leaky_relu = _activation_op("leaky_relu", "negative_slope")
hard_sigmoid = _activation_op("hard_sigmoid")
log_sigmoid = _activation_op("log_sigmoid")


def softmax(x, axis=-1):
    """`exp(x) / sum(exp(x))` along `axis`."""
    return _Activation("softmax", axis=axis)(x)


def log_softmax(x, axis=-1):
    """`x - logsumexp(x)` along `axis`."""
    return _Activation("log_softmax", axis=axis)(x)


class _OneHot(Operation):
    differentiable = False

    def __init__(self, num_classes: int, axis: int, dtype):
        super().__init__(name="one_hot")
        self.num_classes, self.axis, self.dtype = int(num_classes), axis, dtype

    def compute(self, x):
        indices = np.asarray(as_array(x)).astype(np.intp)
        valid = (indices >= 0) & (indices < self.num_classes)
        result = (indices[..., None] == np.arange(self.num_classes)) & valid[..., None]
        result = result.astype(self.dtype or backend.floatx())
        return result if self.axis == -1 else np.moveaxis(result, -1, self.axis)


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Integer labels `x` as one-hot vectors of `num_classes` (out-of-range labels: all zeros)."""
    if sparse:
        raise ValueError("ops.one_hot(sparse=True) is not supported: axone has no sparse tensors.")
    return _OneHot(num_classes, axis, dtype)(x)


def binary_crossentropy(target, output, from_logits=False):
    """Element-wise binary crossentropy (no mean over the last axis), as `keras.ops` computes it."""
    if from_logits:
        # max(x, 0) - x z + log(1 + exp(-|x|)): stable for large |x|.
        return knp.add(knp.subtract(relu(output), knp.multiply(output, target)),
                       knp.log1p(knp.exp(knp.negative(knp.abs(output)))))
    epsilon = backend.epsilon()
    output = knp.clip(output, epsilon, 1.0 - epsilon)
    positive = knp.multiply(target, knp.log(output))
    negative = knp.multiply(knp.subtract(1.0, target), knp.log(knp.subtract(1.0, output)))
    return knp.negative(knp.add(positive, negative))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """`-sum(target * log(output))` along `axis`; probabilities are renormalised and clipped first."""
    if from_logits:
        log_prob = log_softmax(output, axis=axis)
    else:
        output = knp.divide(output, knp.sum(output, axis=axis, keepdims=True))
        epsilon = backend.epsilon()
        log_prob = knp.log(knp.clip(output, epsilon, 1.0 - epsilon))
    return knp.negative(knp.sum(knp.multiply(target, log_prob), axis=axis))


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """`categorical_crossentropy` with integer class labels as targets."""
    target_rank = len(target.shape) if isinstance(target, SymbolicTensor) else np.ndim(as_array(target))
    output_rank = len(output.shape) if isinstance(output, SymbolicTensor) else np.ndim(as_array(output))
    target_shape = target.shape if isinstance(target, SymbolicTensor) else np.shape(as_array(target))
    if target_rank == output_rank and target_shape[-1] == 1:
        target = knp.squeeze(target, axis=-1)
    output_shape = output.shape if isinstance(output, SymbolicTensor) else np.shape(as_array(output))
    classes = output_shape[axis]
    if classes is None:
        raise ValueError("ops.sparse_categorical_crossentropy needs a known number of classes "
                         f"(axis {axis} of the output). Received: output shape {output_shape}")
    dtype = output.dtype if isinstance(output, SymbolicTensor) else None
    return categorical_crossentropy(one_hot(target, classes, axis=axis, dtype=dtype or np.asarray(
        as_array(output)).dtype), output, from_logits=from_logits, axis=axis)
