"""Helpers for the callback tests: a small model and a scripted monitored value."""

import numpy as np
import pytest

import axone as keras


@pytest.fixture
def regression_data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 3)).astype("float32")
    return x, x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")


def small_regressor(optimizer="sgd", **compile_kwargs):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse", **compile_kwargs)
    return model


class Scripted(keras.callbacks.Callback):
    """Writes `values[epoch]` as `logs[key]` and sets every weight to `epoch`, so that
    a callback after it sees a scripted monitored value and can tell the epochs' weights apart."""

    def __init__(self, values, key="score"):
        super().__init__()
        self.values, self.key = list(values), key

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]
        self.model.set_weights([np.full_like(w, epoch) for w in self.model.get_weights()])
