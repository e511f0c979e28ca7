import numpy as np
import pytest

import axone
from axone.layers import (Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract,
                          deserialize, serialize)
from axone.testing import check_layer_gradients

ELEMENTWISE = [Add, Subtract, Multiply, Average, Maximum, Minimum]


# ------------------------------------------------------------------ gradients
@pytest.mark.parametrize("cls", [Add, Multiply, Average, Maximum, Minimum])
def test_elementwise_gradients_three_inputs(cls):
    check_layer_gradients(cls(dtype="float64"), input_shape=[(4, 3), (4, 3), (4, 3)])


def test_subtract_gradients():
    check_layer_gradients(Subtract(dtype="float64"), input_shape=[(4, 3), (4, 3)])


@pytest.mark.parametrize("cls", ELEMENTWISE)
def test_elementwise_gradients_with_broadcast_axis(cls):
    # (batch, 1) broadcasts against (batch, 3): its gradient is summed over the stretched axis.
    check_layer_gradients(cls(dtype="float64"), input_shape=[(4, 1), (4, 3)])


@pytest.mark.parametrize("cls", [Add, Multiply, Maximum])
def test_elementwise_gradients_lower_rank_input(cls):
    # (batch, 3) is expanded to (batch, 1, 3) to meet (batch, 2, 3), as Keras does.
    check_layer_gradients(cls(dtype="float64"), input_shape=[(4, 2, 3), (4, 3)])


@pytest.mark.parametrize("axis, shapes", [
    (-1, [(4, 3), (4, 2), (4, 1)]),
    (1, [(2, 3, 4), (2, 1, 4)]),
    (0, [(2, 3), (5, 3)]),
])
def test_concatenate_gradients(axis, shapes):
    check_layer_gradients(Concatenate(axis=axis, dtype="float64"), input_shape=shapes)


def test_maximum_gives_the_gradient_of_a_tie_to_the_first_input():
    layer = Maximum()
    a = np.array([[1.0, 5.0]])
    layer([a, a.copy()], training=True)
    first, second = layer.backward(np.array([[2.0, 3.0]], dtype="float32"))
    np.testing.assert_array_equal(first, [[2.0, 3.0]])
    np.testing.assert_array_equal(second, [[0.0, 0.0]])


# -------------------------------------------------------------------- values
def test_elementwise_values():
    a = np.array([[1.0, -2.0, 3.0]])
    b = np.array([[4.0, 5.0, -6.0]])
    c = np.array([[0.5, 0.5, 0.5]])
    np.testing.assert_allclose(Add()([a, b, c]), a + b + c)
    np.testing.assert_allclose(Subtract()([a, b]), a - b)
    np.testing.assert_allclose(Multiply()([a, b, c]), a * b * c)
    np.testing.assert_allclose(Average()([a, b, c]), (a + b + c) / 3)
    np.testing.assert_allclose(Maximum()([a, b, c]), [[4.0, 5.0, 3.0]])
    np.testing.assert_allclose(Minimum()([a, b, c]), [[0.5, -2.0, -6.0]])


def test_concatenate_values_and_default_axis():
    a, b = np.ones((2, 3)), np.zeros((2, 2))
    out = Concatenate()([a, b])
    np.testing.assert_array_equal(out, np.concatenate([a, b], axis=-1))
    assert out.dtype == np.float32


def test_merge_keeps_float32():
    out = Average()([np.ones((2, 3), "float32"), np.ones((2, 3), "float32")])
    assert out.dtype == np.float32


# ------------------------------------------------------------ shape checks
def test_add_rejects_incompatible_shapes():
    with pytest.raises(ValueError, match=r"incompatible shapes.*\(3,\) and \(4,\)"):
        Add()([np.ones((2, 3)), np.ones((2, 4))])


def test_merge_rejects_a_single_tensor():
    with pytest.raises(ValueError, match=r"list.*input_shape=\(2, 3\)"):
        Add()(np.ones((2, 3)))
    with pytest.raises(ValueError, match="Concatenate.*list"):
        Concatenate()(axone.Input(shape=(3,)))


def test_merge_rejects_different_batch_sizes():
    with pytest.raises(ValueError, match="different batch sizes"):
        Add()([np.ones((2, 3)), np.ones((4, 3))])


def test_subtract_needs_exactly_two_inputs():
    inputs = [axone.Input(shape=(3,)) for _ in range(3)]
    with pytest.raises(ValueError, match=r"Subtract.*exactly 2 inputs"):
        Subtract()(inputs)


def test_concatenate_rejects_mismatch_off_the_axis():
    a, b = axone.Input(shape=(3, 2)), axone.Input(shape=(4, 5))
    with pytest.raises(ValueError, match=r"matching shapes except for the concatenation axis.*\(None, 4, 5\)"):
        Concatenate(axis=1)([a, b])
    with pytest.raises(ValueError, match="matching shapes"):
        Concatenate()([axone.Input(shape=(3,)), axone.Input(shape=(4, 2))])


def test_concatenate_rejects_axis_out_of_range():
    with pytest.raises(ValueError, match="axis=3"):
        Concatenate(axis=3)([axone.Input(shape=(3,)), axone.Input(shape=(4,))])


def test_built_merge_checks_later_calls():
    layer = Add()
    layer([np.ones((2, 3)), np.ones((2, 3))])
    layer([np.ones((5, 4)), np.ones((5, 4))])  # no weights: other compatible shapes are fine
    with pytest.raises(ValueError, match="incompatible shapes"):
        layer([np.ones((2, 3)), np.ones((2, 4))])


def test_compute_output_shape():
    assert Concatenate().compute_output_shape([(None, 3), (None, 4)]) == (None, 7)
    assert Concatenate(axis=1).compute_output_shape([(None, 3, 2), (None, None, 2)]) == (None, None, 2)
    assert Add().compute_output_shape([(None, 1), (None, 4)]) == (None, 4)
    assert Multiply().compute_output_shape([(8, 2, 3), (None, 3)]) == (8, 2, 3)


# --------------------------------------------------------- graph and config
def test_functional_helpers_build_a_working_model():
    a, b = axone.Input(shape=(3,)), axone.Input(shape=(3,))
    joined = axone.layers.concatenate([a, b])
    summed = axone.layers.add([a, b])
    others = [f([a, b]) for f in (axone.layers.subtract, axone.layers.multiply,
                                   axone.layers.average, axone.layers.maximum,
                                   axone.layers.minimum)]
    assert joined.shape == (None, 6) and summed.shape == (None, 3)
    model = axone.Model(inputs=[a, b], outputs=[joined, summed] + others)
    x1, x2 = np.arange(6.0).reshape(2, 3), np.ones((2, 3))
    outputs = model.predict([x1, x2], verbose=0)
    expected = [np.concatenate([x1, x2], -1), x1 + x2, x1 - x2, x1 * x2, (x1 + x2) / 2,
                np.maximum(x1, x2), np.minimum(x1, x2)]
    for out, want in zip(outputs, expected):
        np.testing.assert_allclose(out, want)


def test_merge_on_a_one_tensor_list_in_a_model():
    x = axone.Input(shape=(3,))
    model = axone.Model(x, Concatenate()([x]))
    np.testing.assert_array_equal(model.predict(np.ones((2, 3)), verbose=0), np.ones((2, 3)))


@pytest.mark.parametrize("layer", [Concatenate(axis=1, name="joined"), Add(name="sum"),
                                   Maximum(trainable=False)])
def test_config_round_trip(layer):
    clone = deserialize(serialize(layer))
    assert type(clone) is type(layer)
    assert clone.get_config() == layer.get_config()
    xs = [np.ones((2, 3, 2)), np.full((2, 3, 2), 2.0)]
    np.testing.assert_array_equal(clone(xs), layer(xs))
