"""The subclassing API of Geron's chapter 10 ("Hands-On Machine Learning", 3rd edition), with
`tf.keras` bound to axone.

The book's wide-and-deep model written as a `Model` subclass (ageron/handson-ml3,
10_neural_nets_with_keras.ipynb, "Using the Subclassing API to Build Dynamic Models"): layers
created in `__init__`, used in `call`, two `Normalization` layers adapted through the model's
attributes, two outputs trained with `loss_weights` and per-output metrics. Then chapter 12's
custom pieces on the same data: a loss written with ops, a custom layer, a training loop with a
`GradientTape`.
"""

from types import SimpleNamespace

import numpy as np
import pytest

import axone
from course_data import geron_housing_split

tf = SimpleNamespace(keras=axone, random=SimpleNamespace(set_seed=axone.utils.set_random_seed),
                     GradientTape=axone.GradientTape)

EPOCHS = 10  # the book trains for 20; half as many show the same behaviour


@pytest.fixture(scope="module")
def housing():
    return geron_housing_split()


class WideAndDeepModel(tf.keras.Model):
    def __init__(self, units=30, activation="relu", **kwargs):
        super().__init__(**kwargs)  # needed to support naming the model
        self.norm_layer_wide = tf.keras.layers.Normalization()
        self.norm_layer_deep = tf.keras.layers.Normalization()
        self.hidden1 = tf.keras.layers.Dense(units, activation=activation)
        self.hidden2 = tf.keras.layers.Dense(units, activation=activation)
        self.main_output = tf.keras.layers.Dense(1)
        self.aux_output = tf.keras.layers.Dense(1)

    def call(self, inputs):
        input_wide, input_deep = inputs
        norm_wide = self.norm_layer_wide(input_wide)
        norm_deep = self.norm_layer_deep(input_deep)
        hidden1 = self.hidden1(norm_deep)
        hidden2 = self.hidden2(hidden1)
        concat = tf.keras.layers.concatenate([norm_wide, hidden2])
        output = self.main_output(concat)
        aux_output = self.aux_output(hidden2)
        return output, aux_output


def _split(X):
    return X[:, :5], X[:, 2:]


def test_wide_and_deep_model_subclass(housing, capsys):
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing
    (X_train_wide, X_train_deep), (X_valid_wide, X_valid_deep) = _split(X_train), _split(X_valid)
    (X_test_wide, X_test_deep), (X_new_wide, X_new_deep) = _split(X_test), _split(X_test[:3])

    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    model = WideAndDeepModel(30, activation="relu", name="my_cool_model")
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss="mse", loss_weights=[0.9, 0.1], optimizer=optimizer,
                  metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
    model.norm_layer_wide.adapt(X_train_wide)
    model.norm_layer_deep.adapt(X_train_deep)
    history = model.fit((X_train_wide, X_train_deep), (y_train, y_train), epochs=EPOCHS,
                        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)), verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    eval_results = model.evaluate((X_test_wide, X_test_deep), (y_test, y_test), verbose=0)
    weighted_sum_of_losses, main_loss, aux_loss, main_rmse, aux_rmse = eval_results
    assert weighted_sum_of_losses == pytest.approx(0.9 * main_loss + 0.1 * aux_loss, rel=1e-4)
    assert main_rmse == pytest.approx(np.sqrt(main_loss), rel=1e-4)
    assert main_loss < 0.75 * y_test.var()
    y_pred_main, y_pred_aux = model.predict((X_new_wide, X_new_deep), verbose=0)
    assert y_pred_main.shape == y_pred_aux.shape == (3, 1)

    model.summary()
    summary = capsys.readouterr().out
    assert 'Model: "my_cool_model"' in summary and "Connected to" not in summary
    assert "(Normalization)" in summary
    # Two Normalization layers (mean, variance, count: 11 + 13 values), Dense 6->30, 30->30,
    # 35->1 and 30->1.
    assert model.count_params() == 11 + 13 + 210 + 930 + 36 + 31
    assert [layer.name for layer in model.layers] == [
        "normalization", "normalization_1", "dense", "dense_1", "dense_2", "dense_3"]


def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small_error = tf.keras.ops.abs(error) < 1
    squared_loss = tf.keras.ops.square(error) / 2
    linear_loss = tf.keras.ops.abs(error) - 0.5
    return tf.keras.ops.where(is_small_error, squared_loss, linear_loss)


def test_custom_loss_and_custom_layer_on_housing(housing):
    X_train, X_valid, _, y_train, y_valid, _ = housing

    class MyDense(tf.keras.layers.Layer):
        def __init__(self, units, activation=None, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.activation = tf.keras.activations.get(activation)

        def build(self, batch_input_shape):
            self.kernel = self.add_weight(name="kernel", shape=[batch_input_shape[-1], self.units],
                                          initializer="he_normal")
            self.bias = self.add_weight(name="bias", shape=[self.units], initializer="zeros")

        def call(self, X):
            return self.activation(X @ self.kernel + self.bias)

    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    norm_layer = tf.keras.layers.Normalization(input_shape=X_train.shape[1:])
    model = tf.keras.Sequential([norm_layer, MyDense(30, activation="relu"), MyDense(1)])
    norm_layer.adapt(X_train)
    model.compile(loss=huber_fn, optimizer="nadam", metrics=["mae"])
    history = model.fit(X_train, y_train, epochs=3, validation_data=(X_valid, y_valid), verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["val_mae"][-1] < np.mean(np.abs(y_valid - y_valid.mean()))


def test_custom_training_loop_with_a_gradient_tape(housing):
    X_train, _, _, y_train, _, _ = housing
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    norm_layer = tf.keras.layers.Normalization(input_shape=X_train.shape[1:])
    norm_layer.adapt(X_train)
    model = tf.keras.Sequential([norm_layer, tf.keras.layers.Dense(30, activation="relu"),
                                 tf.keras.layers.Dense(1)])
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.01)
    loss_fn = tf.keras.losses.MeanSquaredError()
    y_train = y_train.reshape(-1, 1)
    losses = []
    for epoch in range(2):
        for start in range(0, 4096, 32):
            X_batch, y_batch = X_train[start:start + 32], y_train[start:start + 32]
            with tf.GradientTape() as tape:
                y_pred = model(X_batch, training=True)
                loss = loss_fn(y_batch, y_pred) + sum(model.losses)
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            losses.append(float(loss))
    assert np.mean(losses[-32:]) < 0.5 * np.mean(losses[:32])
