"""`axone.ops`: Keras 3's `keras.ops` on NumPy, each op with its analytic gradient.

On arrays an op computes at once (and a recording `GradientTape` records
it); on symbolic tensors it records a graph node, so ops mix with layers in
the functional API (`x = ops.exp(Dense(4)(inputs))`) and in traced
`call` methods, losses and `Lambda` functions. See `axone.ops.operation`.
"""

from axone.ops.core import cond, convert_to_tensor, is_tensor, ndim, shape, stop_gradient
from axone.ops.math import logsumexp, norm
from axone.ops.nn import (binary_crossentropy, categorical_crossentropy, elu, gelu, hard_sigmoid,
                          leaky_relu, log_sigmoid, log_softmax, one_hot, relu, relu6, selu, sigmoid,
                          silu, softmax, softplus, softsign, sparse_categorical_crossentropy, swish)
from axone.ops.numpy import (abs, absolute, add, amax, amin, arange, argmax, argmin, broadcast_to,
                             cast, clip, concatenate, cos, cumsum, divide, dot, equal, exp,
                             expand_dims, expm1, eye, full, full_like, get_item, greater,
                             greater_equal, isfinite, isnan, less, less_equal, linspace, log,
                             log1p, logical_and, logical_not, logical_or, matmul, max, maximum,
                             mean, min, minimum, multiply, negative, not_equal, ones, ones_like,
                             power, prod, ravel, reciprocal, reshape, sign, sin, slice, sqrt,
                             square, squeeze, stack, std, subtract, sum, take, tanh, transpose,
                             true_divide, var, where, zeros, zeros_like)
from axone.ops.operation import Operation

import types as _types

__all__ = [name for name, value in dict(globals()).items()
           if not name.startswith("_") and not isinstance(value, _types.ModuleType)]
