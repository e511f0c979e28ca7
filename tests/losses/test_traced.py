"""Custom losses written with `axone.ops`: differentiated through their trace."""

import numpy as np
import pytest

import axone as keras
from axone import ops
from axone.testing import check_loss_gradient


def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small_error = ops.abs(error) < 1
    squared_loss = ops.square(error) / 2
    linear_loss = ops.abs(error) - 0.5
    return ops.where(is_small_error, squared_loss, linear_loss)


def mse_fn(y_true, y_pred):
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


class HuberLoss(keras.losses.Loss):
    def __init__(self, threshold=1.0, **kwargs):
        self.threshold = threshold
        super().__init__(**kwargs)

    def call(self, y_true, y_pred):
        error = y_true - y_pred
        is_small_error = ops.abs(error) < self.threshold
        squared_loss = ops.square(error) / 2
        linear_loss = self.threshold * ops.abs(error) - self.threshold ** 2 / 2
        return ops.where(is_small_error, squared_loss, linear_loss)


def _housing_like(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8)).astype("float32")
    y = (X @ rng.normal(size=(8, 1)) + 2.0 * rng.normal(size=(n, 1))).astype("float32")
    return X, y


def _train(loss, optimizer="sgd", epochs=3):
    X, y = _housing_like()
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1)])
    rng = np.random.default_rng(5)
    model.set_weights([(rng.normal(size=w.shape) * 0.3).astype("float32") for w in model.get_weights()])
    model.compile(loss=loss, optimizer=optimizer)
    history = model.fit(X, y, epochs=epochs, batch_size=32, shuffle=False, verbose=0)
    return model.get_weights(), history.history["loss"]


@pytest.mark.parametrize("custom, built_in", [(mse_fn, "mse"), (huber_fn, keras.losses.Huber()),
                                              (HuberLoss(), keras.losses.Huber())])
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_custom_loss_trains_bit_for_bit_like_the_built_in(custom, built_in, optimizer):
    custom_weights, custom_history = _train(custom, optimizer)
    weights, history = _train(built_in, optimizer)
    assert custom_history == history
    for a, b in zip(custom_weights, weights):
        np.testing.assert_array_equal(a, b)


def test_custom_loss_gradient_matches_finite_differences():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)) * 2
    check_loss_gradient(keras.losses.get(huber_fn), y_true, y_pred)
    check_loss_gradient(HuberLoss(threshold=0.7), y_true, y_pred)


def test_custom_loss_with_sample_weights_and_a_custom_metric():
    X, y = _housing_like(64)

    def mae_metric(y_true, y_pred):
        return ops.mean(ops.abs(y_true - y_pred), axis=-1)

    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(1)])
    model.compile(loss=huber_fn, optimizer="sgd", metrics=[mae_metric])
    history = model.fit(X, y, sample_weight=np.linspace(0.5, 1.5, 64), epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    expected = np.mean(np.abs(y - model.predict(X, verbose=0)))
    assert model.evaluate(X, y, verbose=0)[1] == pytest.approx(expected, rel=1e-5)


def test_a_loss_written_with_plain_numpy_explains_what_to_use():
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(loss=lambda t, p: np.asarray(p) - t, optimizer="sgd")
    with pytest.raises(TypeError, match="cannot be traced.*axone.ops"):
        model.fit(np.ones((4, 2)), np.ones((4, 1)), verbose=0)
