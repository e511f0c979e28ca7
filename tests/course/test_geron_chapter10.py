"""The housing regressors of Geron's chapter 10 ("Hands-On Machine Learning", 3rd edition), with
`tf.keras` bound to axone.

The book's notebook (ageron/handson-ml3, 10_neural_nets_with_keras.ipynb) writes `tf.keras...`
throughout; here `tf` is a namespace whose `keras` is axone, so the code below reads as the book's
does. It exercises what that chapter relies on: a `Normalization` layer adapted to the training
set, `metrics=["RootMeanSquaredError"]`, `clear_session` before each model, the functional API
with two inputs, then two outputs with `loss_weights` and `output_names`.
"""

from types import SimpleNamespace

import numpy as np
import pytest

import axone
from course_data import geron_housing_split

tf = SimpleNamespace(keras=axone, random=SimpleNamespace(set_seed=axone.utils.set_random_seed))

EPOCHS = 10  # the book trains for 20; half as many show the same behaviour


@pytest.fixture(scope="module")
def housing():
    return geron_housing_split()


def test_sequential_regressor_with_an_adapted_normalization_layer(housing):
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    norm_layer = tf.keras.layers.Normalization(input_shape=X_train.shape[1:])
    model = tf.keras.Sequential([
        norm_layer,
        tf.keras.layers.Dense(50, activation="relu"),
        tf.keras.layers.Dense(50, activation="relu"),
        tf.keras.layers.Dense(1),
    ])
    model.compile(loss="mse", optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  metrics=["RootMeanSquaredError"])
    norm_layer.adapt(X_train)  # after compile, as the book does: the layer is already in the model
    np.testing.assert_allclose(norm_layer(X_train).mean(axis=0), 0, atol=1e-4)
    history = model.fit(X_train, y_train, epochs=EPOCHS, validation_data=(X_valid, y_valid), verbose=0)
    assert sorted(history.history) == ["RootMeanSquaredError", "loss", "val_RootMeanSquaredError", "val_loss"]
    mse_test, rmse_test = model.evaluate(X_test, y_test, verbose=0)
    assert rmse_test == pytest.approx(np.sqrt(mse_test), rel=1e-5)
    assert rmse_test**2 < 0.75 * y_test.var()  # well below predicting the mean
    assert model.predict(X_test[:3], verbose=0).shape == (3, 1)
    assert [layer.name for layer in model.layers] == ["normalization", "dense", "dense_1", "dense_2"]
    assert model.count_params() == 17 + 450 + 2550 + 51
    assert len(model.non_trainable_weights) == 3  # mean, variance, count


def test_functional_wide_and_deep_with_normalization(housing, capsys):
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    normalization_layer = tf.keras.layers.Normalization()
    input_ = tf.keras.layers.Input(shape=X_train.shape[1:])
    normalized = normalization_layer(input_)
    hidden1 = tf.keras.layers.Dense(30, activation="relu")(normalized)
    hidden2 = tf.keras.layers.Dense(30, activation="relu")(hidden1)
    concat = tf.keras.layers.Concatenate()([normalized, hidden2])
    output = tf.keras.layers.Dense(1)(concat)
    model = tf.keras.Model(inputs=[input_], outputs=[output])
    model.summary()
    summary = capsys.readouterr().out
    assert "(Normalization)" in summary and "Total params: 1,256" in summary
    assert "Non-trainable params: 17 (68.00 B)" in summary
    model.compile(loss="mse", optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  metrics=["RootMeanSquaredError"])
    normalization_layer.adapt(X_train)
    history = model.fit(X_train, y_train, epochs=EPOCHS, validation_data=(X_valid, y_valid), verbose=0)
    losses = history.history["loss"]  # (the validation loss jumps on this data's outliers, in Keras too)
    assert losses[-1] < losses[0]
    mse_test, _ = model.evaluate(X_test, y_test, verbose=0)
    assert mse_test < 0.75 * y_test.var()


def _wide_and_deep_inputs():
    input_wide = tf.keras.layers.Input(shape=[5])  # the first five features
    input_deep = tf.keras.layers.Input(shape=[6])  # the last six
    norm_layer_wide = tf.keras.layers.Normalization()
    norm_layer_deep = tf.keras.layers.Normalization()
    norm_wide = norm_layer_wide(input_wide)
    norm_deep = norm_layer_deep(input_deep)
    hidden1 = tf.keras.layers.Dense(30, activation="relu")(norm_deep)
    hidden2 = tf.keras.layers.Dense(30, activation="relu")(hidden1)
    concat = tf.keras.layers.concatenate([norm_wide, hidden2])
    return (input_wide, input_deep), (norm_layer_wide, norm_layer_deep), hidden2, concat


def test_two_inputs_and_two_outputs(housing):
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing
    X_train_wide, X_train_deep = X_train[:, :5], X_train[:, 2:]
    X_valid_wide, X_valid_deep = X_valid[:, :5], X_valid[:, 2:]
    X_test_wide, X_test_deep = X_test[:, :5], X_test[:, 2:]

    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    inputs, (norm_wide, norm_deep), hidden2, concat = _wide_and_deep_inputs()
    output = tf.keras.layers.Dense(1)(concat)
    aux_output = tf.keras.layers.Dense(1)(hidden2)
    model = tf.keras.Model(inputs=list(inputs), outputs=[output, aux_output])
    assert model.output_names == ["dense_2", "dense_3"]
    model.compile(loss=("mse", "mse"), loss_weights=(0.9, 0.1), optimizer=tf.keras.optimizers.Adam(learning_rate=1e-3),
                  metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
    norm_wide.adapt(X_train_wide)
    norm_deep.adapt(X_train_deep)
    history = model.fit((X_train_wide, X_train_deep), (y_train, y_train), epochs=EPOCHS,
                        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)), verbose=0)
    assert "val_dense_2_RootMeanSquaredError" in history.history and "dense_3_loss" in history.history
    assert model.metrics_names == ["loss", "compile_metrics", "dense_2_loss", "dense_3_loss"]

    eval_results = model.evaluate((X_test_wide, X_test_deep), (y_test, y_test), verbose=0)
    weighted_sum_of_losses, main_loss, aux_loss = eval_results[:3]
    assert weighted_sum_of_losses == pytest.approx(0.9 * main_loss + 0.1 * aux_loss, rel=1e-4)
    assert main_loss < 0.75 * y_test.var()

    y_pred_main, y_pred_aux = model.predict((X_test_wide[:3], X_test_deep[:3]), verbose=0)
    y_pred = dict(zip(model.output_names, model.predict((X_test_wide[:3], X_test_deep[:3]), verbose=0)))
    np.testing.assert_array_equal(y_pred["dense_2"], y_pred_main)
    np.testing.assert_array_equal(y_pred["dense_3"], y_pred_aux)


def test_clear_session_makes_the_second_run_identical(housing):
    """With the names and the seed reset, building and training again gives the same weights."""
    X_train, _, _, y_train, _, _ = housing

    def run():
        tf.keras.backend.clear_session()
        tf.random.set_seed(42)
        norm_layer = tf.keras.layers.Normalization(input_shape=X_train.shape[1:])
        model = tf.keras.Sequential([norm_layer, tf.keras.layers.Dense(1)])
        model.compile(loss="mse", optimizer="adam")
        norm_layer.adapt(X_train)
        model.fit(X_train[:512], y_train[:512], epochs=1, verbose=0)
        return [layer.name for layer in model.layers], model.get_weights()

    (names, weights), (names_again, weights_again) = run(), run()
    assert names == names_again == ["normalization", "dense"]
    for a, b in zip(weights, weights_again):
        np.testing.assert_array_equal(a, b)
