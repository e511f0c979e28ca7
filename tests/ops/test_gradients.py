"""Every op's vector-Jacobian product against central differences, in float64.

Each case is checked twice: on arrays under a `GradientTape` (the eager
path) and as a planned graph built from `Input`s (the symbolic path), so
both the recording and the plan runner are exercised.
"""

import numpy as np
import pytest

import axone
from axone import ops
from axone.models.graph import plan_graph, run_backward, run_forward
from axone.testing import numerical_gradient

rng = np.random.default_rng(0)


def normal(*shape):
    return rng.standard_normal(shape)


def positive(*shape):
    return rng.uniform(0.5, 2.0, shape)


def probabilities(*shape):
    return rng.uniform(0.1, 0.9, shape)


# name -> (function of the inputs, the inputs); every differentiable op appears at least once.
CASES = {
    "add": (ops.add, [normal(3, 4), normal(4)]),
    "add_scalar": (lambda a: a + 2.5, [normal(3, 2)]),
    "subtract": (ops.subtract, [normal(3, 1), normal(1, 4)]),
    "rsub": (lambda a: 1.0 - a, [normal(2, 3)]),
    "multiply": (ops.multiply, [normal(2, 3, 4), normal(3, 1)]),
    "divide": (ops.divide, [normal(3, 4), positive(4)]),
    "true_divide": (ops.true_divide, [normal(3, 4), positive(3, 1)]),
    "power": (ops.power, [positive(3, 4), normal(4)]),
    "power_const": (lambda a: a ** 3, [normal(5)]),
    "maximum": (ops.maximum, [normal(3, 4), normal(4)]),
    "minimum": (ops.minimum, [normal(3, 4), normal(3, 1)]),
    "square": (ops.square, [normal(3, 4)]),
    "sqrt": (ops.sqrt, [positive(3, 4)]),
    "exp": (ops.exp, [normal(3, 4)]),
    "expm1": (ops.expm1, [normal(3, 4)]),
    "log": (ops.log, [positive(3, 4)]),
    "log1p": (ops.log1p, [positive(3, 4)]),
    "abs": (ops.abs, [normal(3, 4)]),
    "absolute": (ops.absolute, [normal(3, 4)]),
    "negative": (ops.negative, [normal(3, 4)]),
    "neg_operator": (lambda a: -a, [normal(3, 4)]),
    "sign": (lambda a: ops.sign(a) * a, [normal(3, 4)]),
    "reciprocal": (ops.reciprocal, [positive(3, 4)]),
    "sin": (ops.sin, [normal(3, 4)]),
    "cos": (ops.cos, [normal(3, 4)]),
    "tanh": (ops.tanh, [normal(3, 4)]),
    "clip": (lambda a: ops.clip(a, -0.5, 0.5), [normal(4, 5)]),
    "where": (lambda a, b: ops.where(ops.greater(a, 0), a * 2, b), [normal(3, 4), normal(4)]),
    "sum": (ops.sum, [normal(3, 4)]),
    "sum_axis": (lambda a: ops.sum(a, axis=1), [normal(3, 4, 2)]),
    "sum_keepdims": (lambda a: ops.sum(a, axis=(0, 2), keepdims=True), [normal(3, 4, 2)]),
    "mean": (lambda a: ops.mean(a, axis=-1), [normal(3, 4)]),
    "mean_all": (ops.mean, [normal(3, 4)]),
    "max": (lambda a: ops.max(a, axis=0), [normal(3, 4)]),
    "min": (lambda a: ops.min(a, axis=1, keepdims=True), [normal(3, 4)]),
    "amax": (ops.amax, [normal(3, 4)]),
    "amin": (ops.amin, [normal(3, 4)]),
    "prod": (lambda a: ops.prod(a, axis=1), [normal(3, 4)]),
    "prod_all": (ops.prod, [normal(2, 3)]),
    "std": (lambda a: ops.std(a, axis=0), [normal(5, 3)]),
    "var": (lambda a: ops.var(a, axis=-1, keepdims=True), [normal(3, 5)]),
    "cumsum": (lambda a: ops.cumsum(a, axis=1), [normal(3, 4)]),
    "cumsum_flat": (ops.cumsum, [normal(3, 4)]),
    "concatenate": (lambda a, b: ops.concatenate([a, b], axis=1), [normal(3, 2), normal(3, 4)]),
    "stack": (lambda a, b: ops.stack([a, b], axis=1), [normal(3, 4), normal(3, 4)]),
    "reshape": (lambda a: ops.reshape(a, (4, -1)), [normal(3, 4, 2)]),
    "ravel": (ops.ravel, [normal(3, 4)]),
    "transpose": (lambda a: ops.transpose(a, (2, 0, 1)), [normal(3, 4, 2)]),
    "transpose_T": (lambda a: a.T, [normal(3, 4)]),
    "expand_dims": (lambda a: ops.expand_dims(a, 1), [normal(3, 4)]),
    "squeeze": (lambda a: ops.squeeze(a, axis=1), [normal(3, 1, 4)]),
    "broadcast_to": (lambda a: ops.broadcast_to(a, (3, 4)), [normal(1, 4)]),
    "take": (lambda a: ops.take(a, np.array([2, 0, 2]), axis=1), [normal(3, 4)]),
    "take_flat": (lambda a: ops.take(a, np.array([5, 1, 5])), [normal(3, 4)]),
    "get_item_slice": (lambda a: a[:, 1:3], [normal(3, 4)]),
    "get_item_fancy": (lambda a: ops.get_item(a, (np.array([0, 0, 2]), slice(None))), [normal(3, 4)]),
    "get_item_newaxis": (lambda a: a[None, 1, ::2], [normal(3, 4)]),
    "slice": (lambda a: ops.slice(a, (1, 0), (2, 3)), [normal(3, 4)]),
    "cast": (lambda a: ops.cast(a, "float64"), [normal(3, 4)]),
    "convert_to_tensor": (lambda a: ops.convert_to_tensor(a) * 2.0, [normal(3, 4)]),
    "matmul": (ops.matmul, [normal(3, 4), normal(4, 5)]),
    "matmul_batched": (ops.matmul, [normal(2, 3, 4), normal(4, 5)]),
    "matmul_vector": (ops.matmul, [normal(3, 4), normal(4)]),
    "matmul_operator": (lambda a, b: a @ b, [normal(3, 4), normal(4, 2)]),
    "dot": (ops.dot, [normal(3, 4), normal(4, 2)]),
    "dot_vectors": (ops.dot, [normal(4), normal(4)]),
    "norm": (lambda a: ops.norm(a, axis=-1), [normal(3, 4)]),
    "norm_fro": (ops.norm, [normal(3, 4)]),
    "norm_l1": (lambda a: ops.norm(a, ord=1, axis=0), [normal(3, 4)]),
    "logsumexp": (lambda a: ops.logsumexp(a, axis=-1), [normal(3, 4)]),
    "logsumexp_all": (ops.logsumexp, [normal(3, 4)]),
    "softmax": (ops.softmax, [normal(3, 4)]),
    "softmax_axis0": (lambda a: ops.softmax(a, axis=0), [normal(3, 4)]),
    "log_softmax": (ops.log_softmax, [normal(3, 4)]),
    "relu": (ops.relu, [normal(3, 4)]),
    "relu6": (lambda a: ops.relu6(a * 4), [normal(3, 4)]),
    "sigmoid": (ops.sigmoid, [normal(3, 4)]),
    "softplus": (ops.softplus, [normal(3, 4)]),
    "softsign": (ops.softsign, [normal(3, 4)]),
    "silu": (ops.silu, [normal(3, 4)]),
    "swish": (ops.swish, [normal(3, 4)]),
    "gelu": (ops.gelu, [normal(3, 4)]),
    "elu": (ops.elu, [normal(3, 4)]),
    "selu": (ops.selu, [normal(3, 4)]),
    "leaky_relu": (lambda a: ops.leaky_relu(a, negative_slope=0.1), [normal(3, 4)]),
    "hard_sigmoid": (lambda a: ops.hard_sigmoid(a * 0.5), [normal(3, 4)]),
    "log_sigmoid": (ops.log_sigmoid, [normal(3, 4)]),
    "binary_crossentropy": (ops.binary_crossentropy, [probabilities(3, 4), probabilities(3, 4)]),
    "binary_crossentropy_logits": (lambda t, x: ops.binary_crossentropy(t, x, from_logits=True),
                                   [probabilities(3, 4), normal(3, 4)]),
    "categorical_crossentropy": (ops.categorical_crossentropy, [probabilities(3, 4), probabilities(3, 4)]),
    "categorical_crossentropy_logits": (
        lambda t, x: ops.categorical_crossentropy(t, x, from_logits=True), [probabilities(3, 4), normal(3, 4)]),
    "sparse_categorical_crossentropy": (
        lambda x: ops.sparse_categorical_crossentropy(np.array([0, 3, 1]), x), [probabilities(3, 4)]),
    "sparse_categorical_crossentropy_logits": (
        lambda x: ops.sparse_categorical_crossentropy(np.array([[2], [0], [1]]), x, from_logits=True),
        [normal(3, 4)]),
    "cond_concrete": (lambda a: ops.cond(True, lambda: a * 3, lambda: a), [normal(3)]),
}

# Python operators on NumPy arrays are NumPy's own: a tape does not record them, so
# these cases are checked through the graph only (where the operators record nodes).
OPERATOR_CASES = {"add_scalar", "rsub", "power_const", "neg_operator", "sign", "where", "get_item_slice",
                  "get_item_newaxis", "transpose_T", "matmul_operator", "convert_to_tensor", "relu6",
                  "hard_sigmoid", "cond_concrete"}
NOT_DIFFERENTIABLE = {"argmax", "argmin", "equal", "not_equal", "greater", "greater_equal", "less",
                      "less_equal", "logical_and", "logical_or", "logical_not", "isnan", "isfinite",
                      "one_hot", "ones_like", "zeros_like", "full_like"}
NOT_OPS = {"Operation", "stop_gradient", "ones", "zeros", "full", "eye", "arange", "linspace", "shape", "ndim",
           "is_tensor", "cond", "get_item", "slice"}


def test_every_op_is_checked():
    covered = {name.split("_")[0] for name in CASES} | set(CASES)
    names = {name for name in ops.__all__ if callable(getattr(ops, name))}
    missing = sorted(n for n in names - NOT_DIFFERENTIABLE - NOT_OPS if n not in covered)
    assert not missing, f"ops without a gradient check: {missing}"


def _scalar_of(function, xs, projection):
    return lambda: float(np.sum(np.asarray(function(*xs), dtype=np.float64) * projection))


@pytest.mark.parametrize("name", sorted(CASES))
def test_tape_gradient_matches_finite_differences(name):
    if name in OPERATOR_CASES:
        pytest.skip("written with NumPy operators on arrays, which a tape does not record")
    function, inputs = CASES[name]
    xs = [np.array(x, dtype=np.float64) for x in inputs]
    projection = np.random.default_rng(1).standard_normal(np.shape(function(*xs)))
    with axone.GradientTape() as tape:
        tape.watch(xs)
        out = function(*xs)
    grads = tape.gradient(out, xs, output_gradients=projection, unconnected_gradients="zero")
    for i, (x, grad) in enumerate(zip(xs, grads)):
        numeric = numerical_gradient(_scalar_of(function, xs, projection), x)
        np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7, err_msg=f"{name}: input {i}")


@pytest.mark.parametrize("name", sorted(CASES))
def test_graph_gradient_matches_finite_differences(name):
    function, inputs = CASES[name]
    xs = [np.array(x, dtype=np.float64) for x in inputs]
    tensors = [axone.Input(batch_shape=x.shape, dtype="float64") for x in xs]
    out = function(*tensors)
    plan = plan_graph(tensors, [out])
    value = run_forward(plan, xs, training=True)[0]
    np.testing.assert_allclose(value, function(*xs), rtol=1e-12, err_msg=f"{name}: forward")
    projection = np.random.default_rng(1).standard_normal(np.shape(value))
    grads = run_backward(plan, [projection], input_grads=True)
    for i, (x, grad) in enumerate(zip(xs, grads)):
        numeric = numerical_gradient(_scalar_of(function, xs, projection), x)
        got = np.zeros_like(x) if grad is None else grad
        np.testing.assert_allclose(got, numeric, rtol=1e-5, atol=1e-7, err_msg=f"{name}: input {i}")


def test_symbolic_shapes_keep_the_batch_axis_unknown():
    x = axone.Input(shape=(4,))
    assert ops.reshape(x, (-1, 2, 2)).shape == (None, 2, 2)
    assert ops.sum(x, axis=0).shape == (4,)
    assert ops.mean(x, axis=-1).shape == (None,)
    assert ops.concatenate([x, x], axis=-1).shape == (None, 8)
    assert ops.matmul(x, np.ones((4, 3), "float32")).shape == (None, 3)
    assert ops.argmax(x, axis=-1).dtype == "int32"
    assert ops.shape(x) == (None, 4)


def test_non_differentiable_ops_compute_like_numpy():
    x = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]], dtype="float32")
    np.testing.assert_array_equal(ops.argmax(x, axis=1), [2, 1])
    np.testing.assert_array_equal(ops.argmin(x, axis=1), [1, 2])
    np.testing.assert_array_equal(ops.greater(x, 0), x > 0)
    np.testing.assert_array_equal(ops.one_hot(np.array([0, 2]), 3), [[1, 0, 0], [0, 0, 1]])
    assert ops.one_hot(np.array([1]), 3).dtype == np.float32
    np.testing.assert_array_equal(ops.ones_like(x), np.ones_like(x))
    assert ops.convert_to_tensor(1.5).dtype == np.float32
    assert ops.convert_to_tensor([1, 2]).dtype == np.int32


def test_float32_stays_float32():
    x = np.ones((2, 3), dtype="float32")
    for result in (x * 2.0 + ops.exp(x), ops.mean(x, axis=0), ops.softmax(x), ops.sqrt(x)):
        assert np.asarray(result).dtype == np.float32


def test_symbolic_cond_selects_the_branch_per_sample():
    inputs = axone.Input(shape=(1,))
    outputs = ops.cond(ops.greater(inputs, 0), lambda: inputs * 2.0, lambda: -inputs)
    model = axone.Model(inputs, outputs)
    np.testing.assert_allclose(model.predict(np.array([[1.5], [-3.0]]), verbose=0), [[3.0], [3.0]])


def test_bool_of_a_symbolic_tensor_names_the_fix():
    x = axone.Input(shape=(3,))
    with pytest.raises(TypeError, match=r"ops\.where.*ops\.cond"):
        bool(ops.sum(x) > 0)


def test_numpy_functions_on_symbolic_tensors_become_ops():
    inputs = axone.Input(shape=(3,))
    outputs = np.mean(np.exp(inputs), axis=-1, keepdims=True) + np.ones(1, "float32")
    model = axone.Model(inputs, outputs)
    x = np.array([[0.0, 1.0, 2.0]], dtype="float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), np.exp(x).mean(-1, keepdims=True) + 1, rtol=1e-6)
    with pytest.raises(TypeError, match="axone.ops"):
        np.fft.fft(inputs)


def test_stop_gradient_blocks_the_gradient():
    x = np.array([1.0, -2.0, 3.0])
    with axone.GradientTape() as tape:
        tape.watch(x)
        y = ops.sum(ops.multiply(ops.stop_gradient(x), x))
    np.testing.assert_allclose(tape.gradient(y, x), x)  # d/dx (c * x) with c = x held fixed
    inputs = axone.Input(batch_shape=(3,), dtype="float64")
    plan = plan_graph([inputs], [ops.stop_gradient(inputs) * inputs])
    run_forward(plan, [x], training=True)
    np.testing.assert_allclose(run_backward(plan, [np.ones(3)], input_grads=True)[0], x)
