"""`History` and the values `fit` and `evaluate` report, keyed and ordered as in Keras 3."""

import numpy as np
import pytest

import axone as keras

layers = keras.layers


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((100, 8)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32"), x[:, :1] * 2 + 1


def classifier():
    model = keras.Sequential([layers.Input((8,)), layers.Dense(5, activation="relu"),
                              layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return model


def two_output_model():
    inputs = layers.Input((8,))
    hidden = layers.Dense(4, activation="relu")(inputs)
    main = layers.Dense(1, name="main")(hidden)
    aux = layers.Dense(2, activation="softmax", name="aux")(hidden)
    model = keras.Model(inputs, [main, aux])
    model.compile(loss=["mse", "sparse_categorical_crossentropy"], optimizer="sgd",
                  metrics=[["mae"], ["accuracy"]])
    return model


def test_history_of_a_classifier(data):
    x, labels, _ = data
    model = classifier()
    history = model.fit(x, labels, epochs=2, validation_split=0.2, verbose=0)
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(len(values) == 2 and all(isinstance(v, float) for v in values)
               for values in history.history.values())
    # 80 training samples in batches of 32: 3 steps; verbose as it was passed.
    assert history.params == {"verbose": 0, "epochs": 2, "steps": 3}
    assert history.epoch == [0, 1]
    assert model.history is history
    assert classifier().fit(x, labels, epochs=1).params["verbose"] == "auto"


def test_history_of_a_regression_with_two_metrics(data):
    x, _, target = data
    model = keras.Sequential([layers.Input((8,)), layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd", metrics=["mae", keras.metrics.RootMeanSquaredError()])
    history = model.fit(x, target, epochs=1, validation_data=(x, target), verbose=0)
    assert list(history.history) == [
        "loss", "mae", "root_mean_squared_error", "val_loss", "val_mae", "val_root_mean_squared_error"]
    loss, mae, rmse = model.evaluate(x, target, verbose=0)
    assert rmse == pytest.approx(np.sqrt(loss), rel=1e-5)
    assert model.evaluate(x, target, verbose=0, return_dict=True) == {
        "loss": loss, "mae": mae, "root_mean_squared_error": rmse}


def test_history_of_a_two_output_model(data):
    x, labels, target = data
    model = two_output_model()
    history = model.fit(x, [target, labels], epochs=1, validation_data=(x, [target, labels]), verbose=0)
    assert list(history.history) == [
        "aux_accuracy", "aux_loss", "loss", "main_loss", "main_mae",
        "val_aux_accuracy", "val_aux_loss", "val_loss", "val_main_loss", "val_main_mae"]
    logs = model.evaluate(x, [target, labels], verbose=0, return_dict=True)
    assert list(logs) == ["aux_accuracy", "aux_loss", "loss", "main_loss", "main_mae"]
    # As a list: the total loss, each output's loss in output order, then the metrics by name.
    assert model.evaluate(x, [target, labels], verbose=0) == [
        logs["loss"], logs["main_loss"], logs["aux_loss"], logs["aux_accuracy"], logs["main_mae"]]


def test_output_named_after_val_sorts_after_the_val_keys(data):
    x, _, target = data
    inputs = layers.Input((8,))
    model = keras.Model(inputs, [layers.Dense(1, name="zz")(inputs), layers.Dense(1, name="aa")(inputs)])
    model.compile(loss="mse", optimizer="sgd")
    history = model.fit(x, [target, target], epochs=1, validation_split=0.2, verbose=0)
    assert list(history.history) == ["aa_loss", "loss", "val_aa_loss", "val_loss", "val_zz_loss", "zz_loss"]
    logs = model.evaluate(x, [target, target], verbose=0, return_dict=True)
    assert model.evaluate(x, [target, target], verbose=0) == [logs["loss"], logs["zz_loss"], logs["aa_loss"]]


def test_evaluate_with_loss_only_returns_a_float(data):
    x, _, target = data
    model = keras.Sequential([layers.Input((8,)), layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    assert isinstance(model.evaluate(x, target, verbose=0), float)


def test_each_fit_gets_a_new_history_starting_at_initial_epoch(data):
    x, labels, _ = data
    model = classifier()
    first = model.fit(x, labels, epochs=2, verbose=0)
    second = model.fit(x, labels, epochs=4, initial_epoch=2, verbose=0)
    assert second is not first and model.history is second
    assert second.epoch == [2, 3] and len(second.history["loss"]) == 2
    assert first.epoch == [0, 1]


def test_keras2_batch_hook_names_are_called():
    import numpy as np

    import axone

    seen = []

    class Counter(axone.callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append((batch, sorted(logs)))

    model = axone.Sequential([axone.layers.Input(shape=(2,)), axone.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((10, 2)), np.zeros(10), batch_size=4, verbose=0, callbacks=[Counter()])
    assert seen == [(0, ["loss"]), (1, ["loss"]), (2, ["loss"])]
