import json
import math
import os
import warnings

import numpy as np
import pytest

from axone import activations
from axone.activations import ActivationFunction, NotDifferentiableError, erf
from axone.layers import Dense
from axone.testing import check_activation_gradient, check_layer_gradients

# Points away from every kink (0, +-0.5, +-1, +-3, 6 and the thresholds below),
# two rows so that softmax-like functions see a real axis.
POINTS = np.array([[-7.3, -4.1, -2.9, -1.7, -0.93, -0.41, -0.13, 0.07],
                   [0.29, 0.61, 1.13, 1.9, 2.6, 3.4, 5.3, 6.8]])

SELU_ALPHA, SELU_SCALE = 1.6732632423543772848, 1.0507009873554804934


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def _softplus(x):
    return math.log1p(math.exp(-abs(x))) + max(x, 0.0)


def _gelu_tanh(x):
    return 0.5 * x * (1.0 + math.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


# Element-wise formulas written with the math module, independently of the library.
FORMULAS = {
    "linear": lambda x: x,
    "relu": lambda x: max(x, 0.0),
    "leaky_relu": lambda x: x if x > 0 else 0.2 * x,
    "relu6": lambda x: min(max(x, 0.0), 6.0),
    "sigmoid": _sigmoid,
    "hard_sigmoid": lambda x: min(max(x / 6.0 + 0.5, 0.0), 1.0),
    "log_sigmoid": lambda x: math.log(_sigmoid(x)),
    "sparse_sigmoid": lambda x: min(max(0.5 * (x + 1.0), 0.0), 1.0),
    "tanh": math.tanh,
    "hard_tanh": lambda x: min(max(x, -1.0), 1.0),
    "tanh_shrink": lambda x: x - math.tanh(x),
    "softplus": lambda x: math.log(1.0 + math.exp(x)),
    "softsign": lambda x: x / (1.0 + abs(x)),
    "squareplus": lambda x: (x + math.sqrt(x * x + 4.0)) / 2.0,
    "sparse_plus": lambda x: 0.0 if x <= -1 else (x if x >= 1 else (x + 1.0) ** 2 / 4.0),
    "elu": lambda x: x if x > 0 else math.exp(x) - 1.0,
    "selu": lambda x: SELU_SCALE * (x if x > 0 else SELU_ALPHA * (math.exp(x) - 1.0)),
    "celu": lambda x: x if x > 0 else math.exp(x) - 1.0,
    "gelu": lambda x: 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0))),
    "silu": lambda x: x * _sigmoid(x),
    "hard_silu": lambda x: x * min(max(x / 6.0 + 0.5, 0.0), 1.0),
    "mish": lambda x: x * math.tanh(_softplus(x)),
    "exponential": math.exp,
    "soft_shrink": lambda x: x - 0.5 if x > 0.5 else (x + 0.5 if x < -0.5 else 0.0),
    "hard_shrink": lambda x: x if abs(x) > 0.5 else 0.0,
    "heaviside": lambda x: 1.0 if x >= 0 else 0.0,
    "sign": lambda x: math.copysign(1.0, x) if x != 0 else 0.0,
}

# Parametrised forms whose derivative takes another path than the defaults.
PARAMETRISED = [
    ("relu", dict(negative_slope=0.1)),
    ("relu", dict(max_value=4.5)),
    ("relu", dict(threshold=0.5)),
    ("relu", dict(threshold=-0.5)),
    ("relu", dict(negative_slope=0.3, threshold=2.0, max_value=4.0)),
    ("relu", dict(negative_slope=0.3, threshold=-2.0, max_value=4.0)),
    ("leaky_relu", dict(negative_slope=0.05)),
    ("leaky_relu", dict(negative_slope=-0.5)),
    ("elu", dict(alpha=0.5)),
    ("elu", dict(alpha=-1.5)),
    ("celu", dict(alpha=2.0)),
    ("gelu", dict(approximate=True)),
    ("softmax", dict(axis=0)),
    ("log_softmax", dict(axis=0)),
    ("squareplus", dict(b=1.0)),
    ("soft_shrink", dict(threshold=1.5)),
    ("hard_shrink", dict(threshold=1.5)),
]

DIFFERENTIABLE = sorted({f.name for f in activations._REGISTRY.values() if f.differentiable})
ALL = sorted({f.name for f in activations._REGISTRY.values()})


def _backward(activation, grad, z, y):
    """Call backward as a layer does: without z when the activation does not need it."""
    return activation.backward(grad, z if activation.uses_input else None, y)


# --------------------------------------------------------------- gradients
@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_gradient_matches_finite_differences(name):
    check_activation_gradient(activations.get(name), POINTS)


@pytest.mark.parametrize("name, params", PARAMETRISED)
def test_parametrised_gradient_matches_finite_differences(name, params):
    check_activation_gradient(activations.get(name).with_params(**params), POINTS)


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_backward_from_output_alone_matches_backward_with_input(name):
    # Dense overwrites z with y and passes z=None when uses_input is False.
    activation = activations.get(name)
    grad = np.random.default_rng(1).standard_normal(POINTS.shape)
    y = activation.forward(POINTS.copy())
    np.testing.assert_allclose(_backward(activation, grad, POINTS, y),
                               activation.backward(grad, POINTS, y), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["relu", "elu", "leaky_relu", "celu", "softmax"])
def test_parametrised_forms_keep_the_input(name):
    assert activations.get(name).with_params(**dict(PARAMETRISED)[name]).uses_input


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_dense_layer_trains_through_activation(name):
    check_layer_gradients(Dense(3, activation=name, dtype="float64"), input_shape=(2, 4))


# ---------------------------------------------------------------- forward
@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_forward_matches_closed_form(name):
    x = POINTS.ravel()
    expected = [FORMULAS[name](v) for v in x]
    np.testing.assert_allclose(activations.get(name)(x), expected, rtol=1e-13, atol=1e-15)


def test_every_element_wise_activation_has_a_closed_form_test():
    row_wise = {"softmax", "log_softmax"}
    assert set(ALL) - row_wise == set(FORMULAS)


def test_softmax_and_log_softmax_closed_forms():
    x = POINTS
    expected = np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(activations.softmax(x), expected, rtol=1e-13)
    np.testing.assert_allclose(activations.log_softmax(x), np.log(expected), rtol=1e-13)
    by_column = np.exp(x) / np.exp(x).sum(axis=0, keepdims=True)
    np.testing.assert_allclose(activations.softmax(x, axis=0), by_column, rtol=1e-13)


@pytest.mark.parametrize("name, x, params, expected", [
    ("gelu", 1.0, {}, 0.8413447460685429),
    ("gelu", -1.0, {}, -0.15865525393145707),
    ("gelu", 1.0, {"approximate": True}, 0.8411919906082768),
    ("selu", 1.0, {}, 1.0507009873554805),
    ("selu", -1.0, {}, -1.1113307378125625),
    ("hard_sigmoid", 1.5, {}, 0.75),  # Keras 3: x / 6 + 1/2
    ("hard_silu", 1.5, {}, 1.125),
    ("leaky_relu", -1.0, {}, -0.2),  # Keras 3 default slope 0.2
    ("softplus", 0.0, {}, math.log(2.0)),
    ("mish", 1.0, {}, 0.8650983882673103),
    ("elu", -1.0, {"alpha": 2.0}, 2.0 * (math.exp(-1.0) - 1.0)),
])
def test_spot_values(name, x, params, expected):
    assert float(activations.get(name)(np.float64(x), **params)) == pytest.approx(expected, rel=1e-14)
    assert float(activations.get(name)(x, **params)) == pytest.approx(expected, rel=3e-7)  # float32


@pytest.mark.parametrize("params, expected", [
    ({}, [0.0, 0.0, 0.0, 5.0, 10.0]),
    ({"negative_slope": 0.5}, [-5.0, -2.5, 0.0, 5.0, 10.0]),
    ({"max_value": 5.0}, [0.0, 0.0, 0.0, 5.0, 5.0]),
    ({"threshold": 5.0}, [0.0, 0.0, 0.0, 0.0, 10.0]),  # z <= threshold gives 0
])
def test_relu_parameters_as_documented_by_keras(params, expected):
    x = np.array([-10.0, -5.0, 0.0, 5.0, 10.0])
    np.testing.assert_array_equal(activations.relu(x, **params), expected)


def test_parameters_by_position_as_in_keras():
    x = POINTS
    np.testing.assert_array_equal(activations.relu(x, 0.5), activations.relu(x, negative_slope=0.5))
    np.testing.assert_array_equal(activations.softmax(x, 0), activations.softmax(x, axis=0))
    with pytest.raises(TypeError, match="at most 1"):
        activations.softmax(x, 0, 1)


def test_unknown_parameter_is_rejected():
    with pytest.raises(TypeError, match="slope"):
        activations.relu.with_params(slope=0.1)
    with pytest.raises(TypeError, match="alpha"):
        activations.sigmoid(POINTS, alpha=2.0)


@pytest.mark.parametrize("name", ALL)
def test_functional_form_accepts_scalars(name):
    y = activations.get(name)(0.7)
    assert isinstance(y, np.ndarray) and y.shape == () and y.dtype == np.float32
    assert float(y) == pytest.approx(float(activations.get(name)(np.array([0.7]))[0]))


def test_functional_form_returns_new_float_array():
    x = np.array([-1.0, 2.0])
    y = activations.relu(x)
    assert y is not x and x[0] == -1.0
    assert activations.relu([-1, 2]).dtype == np.float32  # ints become floatx


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_in_place_forward_equals_out_of_place(name, dtype):
    activation = activations.get(name)
    z = POINTS.astype(dtype)
    expected = activation.forward(z)
    np.testing.assert_array_equal(z, POINTS.astype(dtype))  # the input is left alone
    buffer = z.copy()
    result = activation.forward(buffer, out=buffer)
    assert result is buffer and result.dtype == dtype
    np.testing.assert_array_equal(result, expected)
    other = np.empty_like(z)
    assert activation.forward(z, out=other) is other
    np.testing.assert_array_equal(other, expected)


@pytest.mark.parametrize("name", ALL)
def test_float32_stays_float32(name):
    activation = activations.get(name)
    z = POINTS.astype("float32")
    y = activation.forward(z)
    assert y.dtype == np.float32
    if activation.differentiable:
        assert _backward(activation, np.ones_like(z), z, y).dtype == np.float32


@pytest.mark.parametrize("name", ALL)
def test_large_inputs_in_float32_raise_no_warning(name):
    activation = activations.get(name)
    z = np.array([[-1e30, -1e4, -100.0, -88.0, -20.0, 0.0, 20.0, 88.0, 100.0, 1e4, 1e30]],
                 dtype="float32")
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        y = activation.forward(z)
        if activation.differentiable:
            grad = _backward(activation, np.ones_like(z), z.copy(), y)
    if name == "exponential":  # exp(z) overflows float32 above ~88.7, to inf as in Keras
        assert np.isinf(y[0, -1]) and np.isfinite(y[0, :8]).all()
        return
    assert np.isfinite(y).all()
    if activation.differentiable:
        assert np.isfinite(grad).all()


def test_saturated_values_are_exact():
    z = np.array([-100.0, 100.0], dtype="float32")
    np.testing.assert_array_equal(activations.sigmoid(z), [0.0, 1.0])
    assert activations.softplus(z)[1] == 100.0
    assert activations.softplus(z)[0] == pytest.approx(math.exp(-100.0), rel=0.01)  # subnormal
    np.testing.assert_array_equal(activations.gelu(z), [0.0, 100.0])
    np.testing.assert_array_equal(activations.gelu(z, approximate=True), [0.0, 100.0])
    np.testing.assert_array_equal(activations.silu(z), [0.0, 100.0])


# --------------------------------------------------------------------- erf
def test_erf_matches_math_erf_on_a_grid():
    x = np.linspace(-7.0, 7.0, 20001)
    expected = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(erf(x), expected, rtol=0, atol=1e-15)


def test_erf_tiny_arguments_keep_relative_precision():
    x = np.array([1e-300, 1e-20, 1e-8, 1e-3])
    expected = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(erf(x), expected, rtol=1e-15)


def test_erf_special_values_and_dtypes():
    result = erf(np.array([-np.inf, -0.0, 0.0, np.inf, np.nan]))
    np.testing.assert_array_equal(result[:4], [-1.0, -0.0, 0.0, 1.0])
    assert np.signbit(result[1]) and np.isnan(result[4])
    assert erf(np.float32(0.5)).dtype == np.float32
    assert erf(np.array([1, 2])).dtype == np.float64
    assert float(erf(np.float32(0.5))) == pytest.approx(math.erf(0.5), rel=2.5e-7)  # 2 ulp


# --------------------------------------------------------- threshold units
def test_heaviside_and_sign_values():
    z = np.array([-2.0, -1e-30, 0.0, 1e-30, 3.0])
    np.testing.assert_array_equal(activations.heaviside(z), [0.0, 0.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(activations.sign(z), [-1.0, -1.0, 0.0, 1.0, 1.0])


@pytest.mark.parametrize("name", ["heaviside", "sign"])
def test_step_functions_refuse_backpropagation(name):
    activation = activations.get(name)
    assert not activation.differentiable
    z = POINTS.copy()
    with pytest.raises(NotDifferentiableError, match="step function") as info:
        activation.backward(np.ones_like(z), z, activation.forward(z))
    assert repr(name) in str(info.value) and "sigmoid" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_plain_function_predicts_but_cannot_train():
    def cube(x):
        return x ** 3

    activation = activations.get(cube)
    z = POINTS.copy()
    np.testing.assert_array_equal(activation.forward(z), POINTS ** 3)
    assert activation.forward(z, out=z) is z and np.array_equal(z, POINTS ** 3)
    with pytest.raises(NotDifferentiableError, match="'cube' is a plain Python function"):
        activation.backward(np.ones_like(z), z, z)


def test_custom_activation_function_trains():
    square = ActivationFunction("square", lambda z, out: np.multiply(z, z, out=out),
                                lambda grad, z, y: 2.0 * z * grad, uses_input=True)
    check_activation_gradient(square, POINTS)
    assert activations.get(square) is square


# ---------------------------------------------------------- names and config
@pytest.mark.parametrize("name", ALL)
def test_every_activation_documents_its_formula(name):
    assert activations.get(name).__doc__.strip()
    assert activations.get(name).with_params().__doc__ == activations.get(name).__doc__


def test_get_resolves_names_and_aliases_like_keras():
    assert activations.get(None) is activations.linear
    assert activations.get("swish") is activations.silu is activations.swish
    assert activations.get("silu") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu
    assert activations.get("relu") is activations.relu
    assert activations.get(activations.tanh) is activations.tanh


@pytest.mark.parametrize("typo, suggestion", [("sigmod", "sigmoid"), ("relu7", "relu6"),
                                              ("gelus", "gelu")])
def test_unknown_name_suggests_close_names(typo, suggestion):
    with pytest.raises(ValueError, match=f"Unknown activation: '{typo}'") as info:
        activations.get(typo)
    hint = str(info.value).split("Known")[0]
    assert "Did you mean" in hint and repr(suggestion) in hint


def test_uninterpretable_identifier_raises_value_error():
    with pytest.raises(ValueError, match="Could not interpret activation function identifier: 5"):
        activations.get(5)


@pytest.mark.parametrize("name", sorted(activations._REGISTRY))
def test_serialize_round_trip(name):
    activation = activations.get(name)
    config = activations.serialize(activation)
    assert config == activation.name  # aliases serialize to the canonical name
    assert activations.get(json.loads(json.dumps(config))) is activation


@pytest.mark.parametrize("name, params", PARAMETRISED)
def test_parametrised_serialize_round_trip(name, params):
    activation = activations.get(name).with_params(**params)
    config = json.loads(json.dumps(activations.serialize(activation)))
    restored = activations.deserialize(config)
    assert restored == activation and restored.uses_input
    np.testing.assert_array_equal(restored.forward(POINTS.copy()), activation.forward(POINTS.copy()))


def test_keras_function_config_is_understood():
    config = {"module": "keras.activations", "class_name": "function", "config": "relu",
              "registered_name": "relu"}
    assert activations.get(config) is activations.relu


# ------------------------------------------------------------------ Keras
def test_forward_values_match_keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    z = np.concatenate([POINTS.ravel(), [-10.0, -6.0, -3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 6.0, 10.0]])
    z = z.astype("float32")
    compared = 0
    for name, activation in activations._REGISTRY.items():
        theirs = getattr(keras.activations, name, None)
        if theirs is None:
            continue
        np.testing.assert_allclose(activation(z), keras.ops.convert_to_numpy(theirs(z)),
                                   rtol=2e-6, atol=1e-6, err_msg=name)
        compared += 1
    for params in [dict(negative_slope=0.3, threshold=-2.0, max_value=4.0), dict(threshold=5.0),
                   dict(max_value=6.0)]:
        np.testing.assert_allclose(activations.relu(z, **params),
                                   keras.ops.convert_to_numpy(keras.activations.relu(z, **params)))
    np.testing.assert_allclose(activations.gelu(z, approximate=True),
                               keras.ops.convert_to_numpy(keras.activations.gelu(z, approximate=True)),
                               rtol=2e-6, atol=1e-6)
    assert compared == len(activations._REGISTRY) - 2  # all but heaviside and sign
