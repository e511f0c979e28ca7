"""Subclassed models: `class M(keras.Model)` with `__init__` creating layers and `call` using them."""

import numpy as np
import pytest

import axone as keras
from axone import ops


def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8)).astype("float32")
    y = (X @ rng.normal(size=(8, 1)) * 0.5 + 1.0).astype("float32")
    return X, y


class WideAndDeepModel(keras.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = keras.layers.Dense(units, activation=activation)
        self.hidden2 = keras.layers.Dense(units, activation=activation)
        self.main_output = keras.layers.Dense(1)
        self.aux_output = keras.layers.Dense(1)

    def call(self, inputs):
        input_wide, input_deep = inputs
        hidden1 = self.hidden1(input_deep)
        hidden2 = self.hidden2(hidden1)
        concat = keras.layers.concatenate([input_wide, hidden2])
        return self.main_output(concat), self.aux_output(hidden2)


class ResidualBlock(keras.layers.Layer):
    def __init__(self, n_layers, n_neurons, **kwargs):
        super().__init__(**kwargs)
        self.hidden = [keras.layers.Dense(n_neurons, activation="relu", kernel_initializer="he_normal")
                       for _ in range(n_layers)]

    def call(self, inputs):
        Z = inputs
        for layer in self.hidden:
            Z = layer(Z)
        return inputs + Z


class ResidualRegressor(keras.Model):
    def __init__(self, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.hidden1 = keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal")
        self.block1 = ResidualBlock(2, 30)
        self.block2 = ResidualBlock(2, 30)
        self.out = keras.layers.Dense(output_dim)

    def call(self, inputs):
        Z = self.hidden1(inputs)
        for _ in range(1 + 3):
            Z = self.block1(Z)
        Z = self.block2(Z)
        return self.out(Z)


def test_wide_and_deep_subclass_fits_evaluates_and_predicts_two_outputs():
    X, y = _data()
    X_wide, X_deep = X[:, :5], X[:, 2:]
    model = WideAndDeepModel(30, activation="relu", name="my_cool_model")
    assert not model.built
    model.compile(loss="mse", loss_weights=[0.9, 0.1], optimizer="adam",
                  metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
    history = model.fit((X_wide, X_deep), (y, y), epochs=3, verbose=0,
                        validation_data=((X_wide, X_deep), (y, y)))
    assert model.built and model.name == "my_cool_model"
    assert history.history["loss"][-1] < history.history["loss"][0]
    main_name, aux_name = model.output_names
    assert {f"val_{main_name}_loss", f"{aux_name}_loss"} <= set(history.history)
    weighted_sum_of_losses, main_loss, aux_loss, main_rmse, aux_rmse = model.evaluate(
        (X_wide, X_deep), (y, y), verbose=0)
    assert weighted_sum_of_losses == pytest.approx(0.9 * main_loss + 0.1 * aux_loss, rel=1e-5)
    assert main_rmse == pytest.approx(np.sqrt(main_loss), rel=1e-4)
    y_pred_main, y_pred_aux = model.predict((X_wide[:3], X_deep[:3]), verbose=0)
    assert y_pred_main.shape == y_pred_aux.shape == (3, 1)
    assert [layer.name for layer in model.layers] == [model.hidden1.name, model.hidden2.name,
                                                      model.main_output.name, model.aux_output.name]


def test_residual_regressor_trains_and_reports_keras_parameter_count(capsys):
    X, y = _data()
    model = ResidualRegressor(1)
    model.compile(loss="mse", optimizer="nadam")
    history = model.fit(X, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    # Keras: Dense(30) on 8 inputs, two blocks of two Dense(30, 30), Dense(1).
    assert model.count_params() == (8 * 30 + 30) + 2 * 2 * (30 * 30 + 30) + (30 + 1) == 4021
    model.summary()
    text = capsys.readouterr().out
    assert 'Model: "residual_regressor"' in text
    assert "Connected to" not in text and "(ResidualBlock)" in text
    assert "Trainable params: 4,021" in text


def test_build_with_an_input_shape_then_summary():
    model = ResidualRegressor(2)
    model.build((None, 8))
    assert model.built and model.count_params() == 270 + 3720 + 62
    assert model.predict(np.zeros((4, 8), "float32"), verbose=0).shape == (4, 2)


def test_a_subclassed_model_called_directly_and_with_dict_inputs():
    class TwoInputs(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(1, kernel_initializer="ones", use_bias=False)

        def call(self, inputs):
            return self.dense(inputs["a"]) * inputs["b"]

    model = TwoInputs()
    result = model({"a": np.ones((2, 3), "float32"), "b": np.full((2, 1), 2.0, "float32")})
    np.testing.assert_allclose(result, [[6.0], [6.0]])
    assert model.input_names == ["a", "b"]


def test_python_branch_on_training_in_a_model_call():
    class Model(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(1, kernel_initializer="ones", use_bias=False)

        def call(self, x, training=None):
            x = self.dense(x)
            return x + 10.0 if training else x

    model = Model()
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=0.0))
    x, y = np.ones((1, 2), "float32"), np.zeros((1, 1), "float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), [[2.0]])
    np.testing.assert_allclose(model.train_on_batch(x, y), 144.0)  # (2 + 10)^2


def test_a_subclassed_call_that_branches_on_a_value_raises():
    class Bad(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x) if ops.max(x) > 0 else x

    with pytest.raises(TypeError, match=r"ops\.where"):
        Bad().predict(np.ones((2, 3), "float32"), verbose=0)


def test_plain_model_without_inputs_explains_both_apis():
    with pytest.raises(ValueError, match="subclass that defines call"):
        keras.Model()


def test_a_subclassed_model_config_recreates_it():
    model = ResidualRegressor(1, name="regressor")
    model.build((None, 8))
    with pytest.raises(TypeError):  # its own __init__ argument is not in the base config
        ResidualRegressor.from_config(model.get_config())

    class Plain(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    plain = Plain(name="plain")
    again = Plain.from_config(plain.get_config())
    assert type(again) is Plain and again.name == "plain" and not again.built


class ReconstructingRegressor(keras.Model):
    """Geron's chapter 12 model: its own build() adds a layer, call() adds a reconstruction loss."""

    def __init__(self, output_dim, **kwargs):
        super().__init__(**kwargs)
        self.hidden = [keras.layers.Dense(30, activation="relu", kernel_initializer="he_normal")
                       for _ in range(5)]
        self.out = keras.layers.Dense(output_dim)

    def build(self, batch_input_shape):
        n_inputs = batch_input_shape[-1]
        self.reconstruct = keras.layers.Dense(n_inputs)
        super().build(batch_input_shape)

    def call(self, inputs, training=None):
        Z = inputs
        for layer in self.hidden:
            Z = layer(Z)
        reconstruction = self.reconstruct(Z)
        self.add_loss(0.05 * ops.mean(ops.square(reconstruction - inputs)))
        return self.out(Z)


def test_a_model_build_and_add_loss_in_its_call_are_trained_on():
    X, y = _data(128)
    model = ReconstructingRegressor(1)
    model.compile(loss="mse", optimizer="nadam")
    history = model.fit(X, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.count_params() == 270 + 4 * 930 + 31 + (30 * 8 + 8)
    reconstruct = model.reconstruct
    assert reconstruct in model.layers
    before = reconstruct.get_weights()[0].copy()
    model.fit(X, y, epochs=1, verbose=0)  # only the added loss reaches this layer
    assert not np.array_equal(before, reconstruct.get_weights()[0])
    mse = np.mean((model.predict(X, verbose=0) - y) ** 2)
    assert model.evaluate(X, y, verbose=0) > mse  # the reconstruction term is in the loss
    assert len(model.losses) == 1
