"""User layers: a `Layer` subclass with `build` and `call`, traced into the model's graph."""

import numpy as np
import pytest

import axone as keras
from axone import ops


class MyDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, batch_input_shape):
        self.kernel = self.add_weight(name="kernel", shape=[batch_input_shape[-1], self.units],
                                      initializer="glorot_normal")
        self.bias = self.add_weight(name="bias", shape=[self.units], initializer="zeros")

    def call(self, X):
        return self.activation(X @ self.kernel + self.bias)


class Doubler(keras.layers.Layer):
    def call(self, inputs):
        return inputs * 2.0


def _data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5)).astype("float32")
    return X, (X @ rng.normal(size=(5, 1)) + 0.5).astype("float32")


def test_a_layer_subclass_with_call_is_applied_not_skipped():
    model = keras.Sequential([keras.Input(shape=(3,)), Doubler()])
    x = np.array([[1.0, -2.0, 0.5]], dtype="float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), 2 * x)
    np.testing.assert_array_equal(Doubler()(x), 2 * x)  # called eagerly


def test_my_dense_trains_like_dense():
    X, y = _data()

    def train(layer_class):
        model = keras.Sequential([keras.Input(shape=(5,)), layer_class(8, activation="relu"), layer_class(1)])
        rng = np.random.default_rng(1)  # the same starting weights for both models
        model.set_weights([(rng.normal(size=w.shape) * 0.3).astype("float32") for w in model.get_weights()])
        model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=0.01))
        history = model.fit(X, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
        return model.get_weights(), history.history["loss"]

    custom_weights, custom_loss = train(MyDense)
    built_in_weights, built_in_loss = train(keras.layers.Dense)
    np.testing.assert_allclose(custom_loss, built_in_loss, rtol=1e-6)
    for a, b in zip(custom_weights, built_in_weights):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_my_dense_gradients_match_finite_differences():
    from axone.testing import check_layer_gradients
    check_layer_gradients(MyDense(3, activation="tanh", dtype="float64"), input_shape=(4, 2))


class Noisy(keras.layers.Layer):
    """Adds 1 in training, nothing at inference: Python `if training:`, resolved per trace."""

    def call(self, X, training=None):
        if training:
            return X + 1.0
        return X


def test_a_training_argument_gives_fit_and_predict_different_graphs():
    inputs = keras.Input(shape=(1,))
    model = keras.Model(inputs, keras.layers.Dense(1, kernel_initializer="ones", use_bias=False)(Noisy()(inputs)))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.0))
    x, y = np.array([[2.0]], "float32"), np.array([[0.0]], "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), [[2.0]])
    loss = model.train_on_batch(x, y)
    np.testing.assert_allclose(loss, 9.0)  # (2 + 1)^2: the training branch ran
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), 4.0)


def test_a_call_that_branches_on_a_tensor_value_raises_naming_the_fix():
    class Branchy(keras.layers.Layer):
        def call(self, x):
            if ops.sum(x) > 0:
                return x
            return -x

    with pytest.raises(TypeError, match=r"branchy.*ops\.where.*ops\.cond"):
        keras.Sequential([keras.Input(shape=(3,)), Branchy()])


def test_a_call_returning_a_constant_raises():
    class Constant(keras.layers.Layer):
        def call(self, x):
            return np.zeros(3)

    with pytest.raises(TypeError, match="does not depend on its inputs"):
        Constant()(keras.Input(shape=(3,)))


def test_overriding_call_of_a_built_in_layer_raises_at_class_creation():
    with pytest.raises(TypeError, match="overrides call"):
        class Twice(keras.layers.Dense):
            def call(self, inputs):
                return inputs * 2


class Block(keras.layers.Layer):
    """Sub-layers in an attribute, a list and a dict."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = keras.layers.Dense(4, activation="relu")
        self.stack = [keras.layers.Dense(4), keras.layers.Dense(4)]
        self.heads = {"out": keras.layers.Dense(2)}

    def call(self, x):
        x = self.first(x)
        for layer in self.stack:
            x = layer(x)
        return self.heads["out"](x) + 1.0


def test_sub_layers_in_attributes_lists_and_dicts_are_tracked_and_trained():
    block = Block()
    model = keras.Sequential([keras.Input(shape=(3,)), block])
    assert len(block.weights) == 8
    assert block.count_params() == (3 * 4 + 4) + 2 * (4 * 4 + 4) + (4 * 2 + 2)
    assert model.count_params() == block.count_params()
    model.compile(loss="mse", optimizer="sgd")
    before = [w.copy() for w in model.get_weights()]
    X = np.random.default_rng(0).normal(size=(16, 3)).astype("float32")
    model.fit(X, np.ones((16, 2), "float32"), epochs=1, verbose=0)
    assert all(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_add_weight_keeps_regularizer_constraint_and_trainable():
    class Scale(keras.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale",
                                         regularizer=keras.regularizers.l2(0.1), constraint="non_neg")
            self.offset = self.add_weight(shape=(), initializer="zeros", trainable=False)

        def call(self, x):
            return x * self.scale + self.offset

    layer = Scale()
    layer(keras.Input(shape=(3,)))
    assert layer.built and layer.scale.shape == (3,)
    assert layer.scale.regularizer is not None and layer.scale.constraint == "non_neg"
    assert layer.trainable_weights == [layer.scale] and layer.non_trainable_weights == [layer.offset]
    assert layer.scale.path == f"{layer.name}/scale"


def test_a_frozen_custom_layer_keeps_its_weights():
    X, y = _data(32)
    layer = MyDense(1)
    model = keras.Sequential([keras.Input(shape=(5,)), layer])
    layer.trainable = False
    model.compile(loss="mse", optimizer="adam")
    before = model.get_weights()
    model.fit(X, y, epochs=2, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_custom_layer_called_twice_sums_the_gradients_of_both_calls():
    layer = MyDense(3, dtype="float64")
    inputs = keras.Input(shape=(3,), dtype="float64")
    outputs = layer(layer(inputs))
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(0).normal(size=(4, 3))
    model._forward([x], training=True)
    model._backward([np.ones((4, 3))])
    analytic = layer.kernel.grad.copy()

    def total():
        return float(model._forward([x], training=False)[0].sum())

    from axone.testing import numerical_gradient
    np.testing.assert_allclose(analytic, numerical_gradient(total, layer.kernel.value), rtol=1e-5, atol=1e-7)


def test_lambda_layer_with_output_shape():
    inputs = keras.Input(shape=(3,))
    squared = keras.layers.Lambda(lambda x: ops.square(x), output_shape=(3,))(inputs)
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: ops.sum(x, axis=-1, keepdims=True))(squared))
    x = np.array([[1.0, 2.0, 3.0]], "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), [[14.0]])
    with pytest.raises(ValueError, match="output_shape"):
        keras.layers.Lambda(lambda x: x, output_shape=(4,))(inputs)


def test_lambda_gradient_matches_finite_differences():
    from axone.testing import check_layer_gradients
    layer = keras.layers.Lambda(lambda x: ops.exp(x) * ops.sum(x, axis=-1, keepdims=True), dtype="float64")
    check_layer_gradients(layer, input_shape=(3, 4))


def test_ops_between_layers_in_the_functional_api():
    inputs = keras.Input(shape=(4,))
    dense = keras.layers.Dense(3)
    outputs = keras.ops.exp(dense(inputs))
    model = keras.Model(inputs, outputs)
    x = np.random.default_rng(0).normal(size=(2, 4)).astype("float32")
    expected = np.exp(x @ dense.kernel.value + dense.bias.value)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense"]


def test_a_model_with_ops_between_layers_refuses_a_config_it_cannot_describe():
    inputs = keras.Input(shape=(4,))
    model = keras.Model(inputs, keras.ops.exp(keras.layers.Dense(3)(inputs)))
    with pytest.raises(NotImplementedError, match=r"axone.ops between its layers \(exp\)"):
        model.get_config()


class ActivityPenalty(keras.layers.Layer):
    """Dense whose output's squared size is added to the loss, as an activity regularizer would."""

    def __init__(self, units, rate, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(units)
        self.rate = rate

    def call(self, x):
        y = self.dense(x)
        self.add_loss(self.rate * ops.sum(ops.square(y)) / 32.0)
        return y


def test_add_loss_in_a_traced_call_is_trained_on():
    X, y = _data(32)
    layer = ActivityPenalty(1, rate=0.5)
    model = keras.Sequential([keras.Input(shape=(5,)), layer])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.01))
    dense = layer.dense
    w0, b0 = (v.numpy().astype("float64") for v in dense.weights)
    loss = model.train_on_batch(X, y)
    out = X @ w0 + b0
    penalty = 0.5 * np.sum(out ** 2) / 32
    assert loss == pytest.approx(np.mean((out - y) ** 2) + penalty, rel=1e-5)
    assert layer.losses[0] == pytest.approx(penalty, rel=1e-5)
    # d(mse + penalty)/d(out) = 2 (out - y) / 32 + 2 * 0.5 * out / 32
    grad_out = 2 * (out - y) / 32 + out / 32
    np.testing.assert_allclose(dense.kernel.numpy(), w0 - 0.01 * X.T @ grad_out, rtol=1e-4, atol=1e-6)
    assert model.evaluate(X, y, verbose=0) > np.mean((model.predict(X, verbose=0) - y) ** 2)


def test_add_loss_of_a_symbolic_tensor_outside_call_raises():
    with pytest.raises(ValueError, match="inside call"):
        keras.layers.Dense(1).add_loss(keras.Input(shape=(1,)))


def test_compute_output_shape_of_a_traced_layer_is_what_call_computes():
    layer = MyDense(7)
    assert layer.compute_output_shape((None, 3)) == (None, 7)
    assert layer.built and layer.kernel.shape == (3, 7)
    assert keras.layers.Lambda(lambda x: ops.sum(x, axis=-1)).compute_output_shape((None, 4, 2)) == (None, 4)
