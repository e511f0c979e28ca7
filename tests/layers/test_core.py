import numpy as np
import pytest

from axone.layers import Activation, Dense, Flatten
from axone.testing import check_layer_gradients


@pytest.mark.parametrize("activation", [None, "relu", "sigmoid", "tanh", "softmax"])
def test_dense_gradients(activation):
    layer = Dense(4, activation=activation, dtype="float64")
    # Shift away from 0 so ReLU's kink is not inside a finite-difference step.
    x = np.random.default_rng(1).standard_normal((5, 3)) + 0.05
    check_layer_gradients(layer, inputs=x)


def test_dense_gradients_rank3_input():
    check_layer_gradients(Dense(2, dtype="float64"), input_shape=(3, 4, 5))


def test_dense_without_bias_has_only_kernel():
    layer = Dense(3, use_bias=False)
    layer(np.zeros((1, 2)))
    assert [w.name for w in layer.weights] == ["kernel"]


def test_flatten_and_activation_gradients():
    check_layer_gradients(Flatten(dtype="float64"), input_shape=(2, 3, 4))
    check_layer_gradients(Activation("tanh", dtype="float64"), input_shape=(3, 4))


def test_dense_rejects_bad_units():
    with pytest.raises(ValueError, match="units=-3"):
        Dense(-3)


def test_dense_wrong_input_names_layer_and_shapes():
    layer = Dense(2, name="hidden")
    layer(np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"hidden.*value 4.*\(1, 5\)"):
        layer(np.zeros((1, 5)))


def test_set_weights_checks_shapes_before_writing():
    layer = Dense(2)
    layer(np.zeros((1, 3)))
    before = layer.get_weights()
    with pytest.raises(ValueError, match="kernel"):
        layer.set_weights([np.ones((4, 2)), np.ones(2)])
    for old, new in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_direct_call_computes_in_the_layer_dtype():
    layer = Dense(1, use_bias=False, kernel_initializer="ones", dtype="float64")
    out = layer(np.array([[1 + 1e-12]]))
    assert out.dtype == np.float64 and out[0, 0] != 1.0


def test_dense_keeps_a_prescaled_sgd_step_and_applies_it_after_backward():
    """With keep_sgd_step, the incoming gradient carries -learning_rate: backward leaves the
    weights alone and returns the input gradient; apply_sgd_step then adds the step."""
    rng = np.random.default_rng(4)
    layer = Dense(3, activation="tanh")
    x = rng.standard_normal((5, 4)).astype("float32")
    layer(x)
    kernel, bias = (w.copy() for w in layer.get_weights())
    layer.forward(x, training=True)
    grad = rng.standard_normal((5, 3)).astype("float32") * -0.1
    layer.keep_sgd_step = True
    grad_input = layer.backward(grad)
    np.testing.assert_array_equal(layer.kernel.value, kernel)
    np.testing.assert_array_equal(layer.bias.value, bias)
    grad_z = grad * (1 - np.tanh(x @ kernel + bias) ** 2)
    np.testing.assert_allclose(grad_input, grad_z @ kernel.T, rtol=1e-5, atol=1e-6)
    layer.apply_sgd_step()
    np.testing.assert_allclose(layer.kernel.value, kernel + x.T @ grad_z, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.bias.value, bias + grad_z.sum(axis=0), rtol=1e-5, atol=1e-6)
    stepped = layer.kernel.value.copy()
    layer.apply_sgd_step()  # a step is applied once
    layer.forward(x, training=True)
    layer.apply_sgd_step()  # a new forward pass drops a step its backward did not make
    np.testing.assert_array_equal(layer.kernel.value, stepped)


def test_dense_sgd_step_with_momentum_goes_through_the_velocity():
    """Keras's SGD momentum: v = momentum * v - lr * g, then w += v (the step carries -lr * g)."""
    rng = np.random.default_rng(5)
    layer = Dense(2)
    x = rng.standard_normal((4, 3)).astype("float32")
    layer(x)
    kernel, bias = (w.copy() for w in layer.get_weights())
    velocities = [rng.standard_normal(kernel.shape).astype("float32"),
                  rng.standard_normal(bias.shape).astype("float32")]
    old = [v.copy() for v in velocities]
    layer.forward(x, training=True)
    step = rng.standard_normal((4, 2)).astype("float32")
    layer.keep_sgd_step = True
    layer.backward(step)
    layer.apply_sgd_step(0.9, velocities)
    new_kernel_velocity = 0.9 * old[0] + x.T @ step
    new_bias_velocity = 0.9 * old[1] + step.sum(axis=0)
    np.testing.assert_allclose(velocities[0], new_kernel_velocity, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(velocities[1], new_bias_velocity, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.kernel.value, kernel + new_kernel_velocity, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.bias.value, bias + new_bias_velocity, rtol=1e-5, atol=1e-6)


def test_identity_passes_values_and_gradients_through():
    from axone.layers import Identity, deserialize, serialize

    x = np.random.default_rng(0).standard_normal((3, 4))
    np.testing.assert_array_equal(Identity()(x), x.astype("float32"))
    check_layer_gradients(Identity(dtype="float64"), input_shape=(3, 4))
    layer = Identity(name="skip")
    assert deserialize(serialize(layer)).get_config() == layer.get_config()
    assert layer.compute_output_shape((None, 4)) == (None, 4)
