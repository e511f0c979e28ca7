"""Bad input gets a clear error naming what was wrong and what was expected,
and a failed call leaves the model as it was."""

import os
import signal
import warnings

import numpy as np
import pytest

import axone
from axone import layers


def classifier(n_classes=3, features=4):
    model = axone.Sequential([layers.Input(shape=(features,)), layers.Dense(8, activation="relu", name="hidden"),
                              layers.Dense(n_classes, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def data(n=20, features=4, n_classes=3):
    rng = np.random.default_rng(0)
    return rng.standard_normal((n, features)).astype("float32"), rng.integers(0, n_classes, n)


def assert_unchanged(model, weights):
    for a, b in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_wrong_input_shape_names_input_expected_and_received():
    model = classifier()
    x, y = data(features=5)
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"expected shape \(None, 4\).*\(20, 5\)"):
        model.fit(x, y, verbose=0)
    assert_unchanged(model, before)
    with pytest.raises(ValueError, match=r"x\[None\]"):
        model.predict(np.zeros(4), verbose=0)


def test_wrong_shape_inside_graph_names_the_layer():
    dense = layers.Dense(3, name="scorer")
    dense(np.zeros((1, 4), dtype="float32"))
    inputs = axone.Input(shape=(6,))
    with pytest.raises(ValueError, match=r"scorer.*value 4.*\(None, 6\)"):
        dense(inputs)


def test_x_y_length_mismatch():
    model = classifier()
    x, y = data()
    with pytest.raises(ValueError, match=r"x has 20 samples but y has 19"):
        model.fit(x, y[:-1], verbose=0)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_inputs_are_refused_before_training(bad):
    model = classifier()
    x, y = data()
    x[3, 2] = bad
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"NaN or infinite.*index \(3, 2\)"):
        model.fit(x, y, verbose=0)
    assert_unchanged(model, before)


def test_labels_out_of_range_for_sparse_crossentropy():
    model = classifier(n_classes=3)
    x, y = data()
    y[5] = 3
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"label value of 3.*\[0, 3\)"):
        model.fit(x, y, verbose=0)
    assert_unchanged(model, before)


def test_integer_labels_with_categorical_crossentropy_suggests_the_fix():
    model = classifier()
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    x, y = data()
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        model.fit(x, y, verbose=0)


@pytest.mark.parametrize("kwargs, suggestion", [
    ({"optimizer": "sgdd", "loss": "mse"}, "'sgd'"),
    ({"optimizer": "sgd", "loss": "mean_squared_eror"}, "'mean_squared_error'"),
    ({"optimizer": "sgd", "loss": "sparse_categorical_crossentropy", "metrics": ["acuracy"]}, "accuracy"),
])
def test_unknown_identifiers_suggest_the_closest_name(kwargs, suggestion):
    model = classifier()
    x, y = data()
    with pytest.raises(ValueError, match=f"Did you mean.*{suggestion}"):
        model.compile(**kwargs)
        model.fit(x, y, verbose=0)


def test_unknown_activation_suggests_the_closest_name():
    with pytest.raises(ValueError, match="Did you mean 'relu'"):
        layers.Dense(3, activation="relou")


def test_fit_before_compile():
    model = axone.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match=r"compile\(\) before fit"):
        model.fit(*data(), verbose=0)


def test_nan_loss_warns_once_with_causes():
    x, y = data(64)
    model = axone.Sequential([layers.Input(shape=(4,)), layers.Dense(1)])
    model.compile(optimizer=axone.optimizers.SGD(learning_rate=1e6), loss="mse")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(all="ignore"):
            model.fit(x * 1e3, y.astype("float32") * 1e3, epochs=3, batch_size=4, verbose=0)
    advice = [w for w in caught if "learning rate" in str(w.message)]
    assert len(advice) == 1
    assert "not scaled" in str(advice[0].message)


def test_ctrl_c_stops_after_the_step_and_keeps_history():
    x, y = data(64)
    model = classifier()

    class PressCtrlC(axone.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            if self.params and model.history.epoch == [0, 1] and batch == 1:
                os.kill(os.getpid(), signal.SIGINT)  # arrives while the step runs

        def on_train_batch_end(self, batch, logs=None):
            self.last_weights = model.get_weights()

    watcher = PressCtrlC()
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=5, batch_size=8, verbose=0, callbacks=[watcher])
    assert model.history.epoch == [0, 1]
    assert len(model.history.history["loss"]) == 2
    # The interrupted step finished: the weights are those after it, not half-updated.
    assert_unchanged(model, watcher.last_weights)
    # And the model still trains afterwards.
    model.fit(x, y, epochs=1, verbose=0)
