"""Every Keras cell of Geron's chapter 10 notebook, in order, with `tf.keras` bound to axone.

The notebook is ageron/handson-ml3, 10_neural_nets_with_keras.ipynb ("Hands-On Machine
Learning", 3rd edition). One test per section, named after it; each runs the section's code as
the book writes it, on smaller data and fewer epochs, and checks what a reader sees in the
notebook's outputs (names, shapes, keys, files). Left out: the scikit-learn-only cells (Perceptron,
MLPRegressor), `model.export` and `TFSMLayer` (TensorFlow's SavedModel), `tf.summary`, the
TensorBoard server and Keras Tuner itself (its `build_model(hp)` and `HyperModel.fit` run here with
fixed hyperparameters).

Fashion-MNIST and MNIST come from `keras.datasets.<name>.load_data()` reading a stand-in `.npz`
of the real shapes (written to a temporary `AXONE_DATASETS`); California housing is the copy
embedded in axone (`axone.datasets.fetch_california_housing`, scikit-learn's form).
"""

import re
from pathlib import Path
from time import strftime
from types import SimpleNamespace

import numpy as np
import pytest

import axone
from course_data import synthetic_mnist
from test_geron_chapter10_subclassing import WideAndDeepModel  # the book's class, as written

tf = SimpleNamespace(keras=axone, random=SimpleNamespace(set_seed=axone.utils.set_random_seed))
fetch_california_housing = axone.datasets.fetch_california_housing

EPOCHS = 3  # the book trains for 20 or 30
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


@pytest.fixture(scope="module")
def datasets_folder(tmp_path_factory):
    """An `AXONE_DATASETS` with Fashion-MNIST and MNIST stand-ins: 6,000 + 500 images each.

    The book keeps the last 5,000 training images for validation, so 1,000 remain for training.
    """
    root = tmp_path_factory.mktemp("datasets")
    for name, seed in (("fashion_mnist", 0), ("mnist", 1)):
        (x_train, y_train), (x_test, y_test) = synthetic_mnist(6000, seed), synthetic_mnist(500, seed + 10)
        (root / name).mkdir()
        np.savez(root / name / f"{name}.npz", x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return root


@pytest.fixture
def workdir(tmp_path, monkeypatch, datasets_folder):
    """The notebook writes its files in the current directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AXONE_DATASETS", str(datasets_folder))
    return tmp_path


@pytest.fixture(scope="module")
def housing():
    """The book's split of California housing (11,610 training rows)."""
    from sklearn.model_selection import train_test_split

    housing = fetch_california_housing()
    X_train_full, X_test, y_train_full, y_test = train_test_split(
        housing.data, housing.target, random_state=42)
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full, random_state=42)
    return X_train, X_valid, X_test, y_train, y_valid, y_test


@pytest.fixture(scope="module")
def wide_deep(housing):
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing
    return SimpleNamespace(
        X_train_wide=X_train[:, :5], X_train_deep=X_train[:, 2:],
        X_valid_wide=X_valid[:, :5], X_valid_deep=X_valid[:, 2:],
        X_test_wide=X_test[:, :5], X_test_deep=X_test[:, 2:],
        X_new_wide=X_test[:3, :5], X_new_deep=X_test[:3, 2:],
        y_train=y_train, y_valid=y_valid, y_test=y_test)


def load_fashion_mnist():
    fashion_mnist = tf.keras.datasets.fashion_mnist.load_data()
    (X_train_full, y_train_full), (X_test, y_test) = fashion_mnist
    X_train, y_train = X_train_full[:-5000], y_train_full[:-5000]
    X_valid, y_valid = X_train_full[-5000:], y_train_full[-5000:]
    return X_train, y_train, X_valid[:500], y_valid[:500], X_test, y_test


def plain_lines(out):
    """The lines a terminal shows: after each carriage return, without the bold/colour codes."""
    return [line for line in re.sub(r"\x1b\[[0-9;]*m", "", out).replace("\r", "\n").splitlines() if line]


def test_creating_the_model_using_the_sequential_api(workdir, capsys):
    X_train, y_train, X_valid, y_valid, X_test, y_test = load_fashion_mnist()
    assert X_train.shape == (1000, 28, 28) and X_train.dtype == np.uint8
    X_train, X_valid, X_test = X_train / 255., X_valid / 255., X_test / 255.

    tf.keras.backend.clear_session()  # the notebook's kernel starts with fresh name counters
    tf.random.set_seed(42)
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.InputLayer(input_shape=[28, 28]))
    model.add(tf.keras.layers.Flatten())
    model.add(tf.keras.layers.Dense(300, activation="relu"))
    model.add(tf.keras.layers.Dense(100, activation="relu"))
    model.add(tf.keras.layers.Dense(10, activation="softmax"))
    assert [layer.name for layer in model.layers] == ["flatten", "dense", "dense_1", "dense_2"]

    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    model = tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=[28, 28]),
        tf.keras.layers.Dense(300, activation="relu"),
        tf.keras.layers.Dense(100, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax")
    ])
    model.summary()
    summary = capsys.readouterr().out
    assert 'Model: "sequential"' in summary
    assert "Total params: 266,610 (1.02 MB)" in summary
    assert "Trainable params: 266,610 (1.02 MB)" in summary

    tf.keras.utils.plot_model(model, "my_fashion_mnist_model.png", show_shapes=True)
    assert Path("my_fashion_mnist_model.png").read_bytes()[:4] == b"\x89PNG"

    assert len(model.layers) == 4
    hidden1 = model.layers[1]
    assert hidden1.name == "dense"
    assert model.get_layer("dense") is hidden1
    weights, biases = hidden1.get_weights()
    assert weights.shape == (784, 300) and biases.shape == (300,)
    assert np.all(biases == 0) and 0 < np.abs(weights).max() < 0.1  # Glorot uniform: +-0.0741



def test_compiling_the_model(workdir):
    model = build_fashion_classifier()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    model.compile(loss=tf.keras.losses.sparse_categorical_crossentropy,
                  optimizer=tf.keras.optimizers.SGD(),
                  metrics=[tf.keras.metrics.sparse_categorical_accuracy])
    assert model.optimizer.learning_rate.numpy() == pytest.approx(0.01)  # SGD's default
    X_train, y_train, X_valid, y_valid, _, _ = load_fashion_mnist()
    history = model.fit(X_train[:200] / 255., y_train[:200], epochs=1, verbose=0,
                        validation_data=(X_valid / 255., y_valid))
    assert sorted(history.history) == ["loss", "sparse_categorical_accuracy", "val_loss",
                                       "val_sparse_categorical_accuracy"]
    np.testing.assert_array_equal(tf.keras.utils.to_categorical([0, 5, 1, 0], num_classes=10),
                                  np.eye(10)[[0, 5, 1, 0]])


def build_fashion_classifier():
    """The book's 300-100-10 classifier of 28x28 images, after clear_session and the seed."""
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    return tf.keras.Sequential([
        tf.keras.layers.Flatten(input_shape=[28, 28]),
        tf.keras.layers.Dense(300, activation="relu"),
        tf.keras.layers.Dense(100, activation="relu"),
        tf.keras.layers.Dense(10, activation="softmax")
    ])


@pytest.fixture(scope="module")
def fashion_classifier(datasets_folder):
    """The book's classifier, compiled and trained (3 epochs instead of 30)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AXONE_DATASETS", str(datasets_folder))
        X_train, y_train, X_valid, y_valid, X_test, y_test = load_fashion_mnist()
    X_train, X_valid, X_test = X_train / 255., X_valid / 255., X_test / 255.
    model = build_fashion_classifier()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    history = model.fit(X_train, y_train, epochs=EPOCHS, validation_data=(X_valid, y_valid), verbose=0)
    return SimpleNamespace(model=model, history=history, X_test=X_test, y_test=y_test)


def test_training_and_evaluating_the_model(fashion_classifier, workdir, capsys):
    import matplotlib
    import pandas as pd

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model, history = fashion_classifier.model, fashion_classifier.history
    assert history.params == {"verbose": 0, "epochs": EPOCHS, "steps": 32}
    print(history.epoch)
    assert capsys.readouterr().out == f"{list(range(EPOCHS))}\n"
    assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert history.history["accuracy"][-1] > history.history["accuracy"][0]

    pd.DataFrame(history.history).plot(
        figsize=(8, 5), xlim=[0, 29], ylim=[0, 1], grid=True, xlabel="Epoch",
        style=["r--", "r--.", "b-", "b-*"])
    plt.legend(loc="lower left")
    assert [line.get_label() for line in plt.gca().get_lines()] == list(history.history)
    plt.savefig("keras_learning_curves_plot.png")
    plt.close("all")

    results = model.evaluate(fashion_classifier.X_test, fashion_classifier.y_test)
    out = capsys.readouterr().out
    assert isinstance(results, list) and len(results) == 2
    test_loss, test_accuracy = results
    assert test_accuracy > 0.5  # ten classes: chance is 0.1
    last_line = plain_lines(out)[-1]
    assert last_line.startswith("16/16 ") and f"accuracy: {test_accuracy:.4f}" in last_line
    assert f"loss: {test_loss:.4f}" in last_line


def test_using_the_model_to_make_predictions(fashion_classifier):
    model, X_test, y_test = fashion_classifier.model, fashion_classifier.X_test, fashion_classifier.y_test
    X_new = X_test[:3]
    y_proba = model.predict(X_new, verbose=0)
    assert y_proba.round(2).shape == (3, 10) and y_proba.dtype == np.float32
    np.testing.assert_allclose(y_proba.sum(axis=1), 1, rtol=1e-5)
    y_pred = y_proba.argmax(axis=-1)
    assert np.array(CLASS_NAMES)[y_pred].shape == (3,)
    assert (y_pred == y_test[:3]).mean() >= 2 / 3


def housing_regressor(X_train, hidden_units, optimizer):
    """The book's Sequential regressor: an adapted Normalization layer, ReLU layers, one output."""
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    norm_layer = tf.keras.layers.Normalization(input_shape=X_train.shape[1:])
    model = tf.keras.Sequential([norm_layer]
                                + [tf.keras.layers.Dense(units, activation="relu") for units in hidden_units]
                                + [tf.keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])
    norm_layer.adapt(X_train)  # after compile, as the book does
    return model


def test_building_a_regression_mlp_using_the_sequential_api(housing, capsys):
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing
    model = housing_regressor(X_train, [50, 50, 50], tf.keras.optimizers.Adam(learning_rate=1e-3))
    history = model.fit(X_train, y_train, epochs=EPOCHS,
                        validation_data=(X_valid, y_valid))
    out = capsys.readouterr().out
    assert f"Epoch 1/{EPOCHS}" in out and f"Epoch {EPOCHS}/{EPOCHS}" in out
    epoch_line = plain_lines(out.split(f"Epoch {EPOCHS}/{EPOCHS}")[1])[-1]
    assert epoch_line.startswith("363/363 ")
    for key in ("RootMeanSquaredError", "loss", "val_RootMeanSquaredError", "val_loss"):
        assert f"{key}: {history.history[key][-1]:.4f}" in epoch_line
    mse_test, rmse_test = model.evaluate(X_test, y_test, verbose=0)
    assert rmse_test == pytest.approx(np.sqrt(mse_test), rel=1e-5)
    assert mse_test < 0.75 * y_test.var()
    X_new = X_test[:3]
    y_pred = model.predict(X_new, verbose=0)
    assert y_pred.shape == (3, 1)


def test_building_complex_models_using_the_functional_api(housing, capsys):
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    normalization_layer = tf.keras.layers.Normalization()
    hidden_layer1 = tf.keras.layers.Dense(30, activation="relu")
    hidden_layer2 = tf.keras.layers.Dense(30, activation="relu")
    concat_layer = tf.keras.layers.Concatenate()
    output_layer = tf.keras.layers.Dense(1)

    input_ = tf.keras.layers.Input(shape=X_train.shape[1:])
    normalized = normalization_layer(input_)
    hidden1 = hidden_layer1(normalized)
    hidden2 = hidden_layer2(hidden1)
    concat = concat_layer([normalized, hidden2])
    output = output_layer(concat)

    model = tf.keras.Model(inputs=[input_], outputs=[output])
    model.summary()
    summary = capsys.readouterr().out
    assert 'Model: "functional"' in summary and "Connected to" in summary
    assert "concatenate" in summary and "(Concatenate)" in summary and "Total params: 1,256 (4.91 KB)" in summary

    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])
    normalization_layer.adapt(X_train)
    history = model.fit(X_train, y_train, epochs=EPOCHS, validation_data=(X_valid, y_valid), verbose=0)
    mse_test = model.evaluate(X_test, y_test, verbose=0)
    assert len(mse_test) == 2 and mse_test[0] < 0.75 * y_test.var()
    y_pred = model.predict(X_test[:3], verbose=0)
    assert y_pred.shape == (3, 1)

    # Two inputs: the wide path takes features 0 to 4, the deep path features 2 to 7.
    tf.random.set_seed(42)
    model, norm_layer_wide, norm_layer_deep = wide_and_deep_graph(aux_output=False)
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss="mse", optimizer=optimizer, metrics=["RootMeanSquaredError"])
    X_train_wide, X_train_deep = X_train[:, :5], X_train[:, 2:]
    X_valid_wide, X_valid_deep = X_valid[:, :5], X_valid[:, 2:]
    X_test_wide, X_test_deep = X_test[:, :5], X_test[:, 2:]
    X_new_wide, X_new_deep = X_test_wide[:3], X_test_deep[:3]
    norm_layer_wide.adapt(X_train_wide)
    norm_layer_deep.adapt(X_train_deep)
    history = model.fit((X_train_wide, X_train_deep), y_train, epochs=EPOCHS,
                        validation_data=((X_valid_wide, X_valid_deep), y_valid), verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    mse_test = model.evaluate((X_test_wide, X_test_deep), y_test, verbose=0)
    assert mse_test[0] < 0.75 * y_test.var()
    assert model.predict((X_new_wide, X_new_deep), verbose=0).shape == (3, 1)

    # Two outputs: an auxiliary output on the deep path, for regularization.
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    model, norm_layer_wide, norm_layer_deep = wide_and_deep_graph(aux_output=True)
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss=("mse", "mse"), loss_weights=(0.9, 0.1), optimizer=optimizer,
                  metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
    norm_layer_wide.adapt(X_train_wide)
    norm_layer_deep.adapt(X_train_deep)
    history = model.fit(
        (X_train_wide, X_train_deep), (y_train, y_train), epochs=EPOCHS,
        validation_data=((X_valid_wide, X_valid_deep), (y_valid, y_valid)), verbose=0
    )
    assert sorted(history.history) == sorted(
        prefix + name for prefix in ("", "val_")
        for name in ("loss", "dense_2_loss", "dense_3_loss",
                     "dense_2_RootMeanSquaredError", "dense_3_RootMeanSquaredError"))
    eval_results = model.evaluate((X_test_wide, X_test_deep), (y_test, y_test), verbose=0)
    weighted_sum_of_losses, main_loss, aux_loss = eval_results[:3]
    assert weighted_sum_of_losses == pytest.approx(0.9 * main_loss + 0.1 * aux_loss, rel=1e-4)
    main_rmse, aux_rmse = eval_results[3:]  # Keras 3's order: the losses, then the metrics by name
    assert main_rmse == pytest.approx(np.sqrt(main_loss), rel=1e-4)
    y_pred_main, y_pred_aux = model.predict((X_new_wide, X_new_deep), verbose=0)
    y_pred_tuple = model.predict((X_new_wide, X_new_deep), verbose=0)
    y_pred = dict(zip(model.output_names, y_pred_tuple))
    assert list(y_pred) == ["dense_2", "dense_3"]
    np.testing.assert_array_equal(y_pred["dense_2"], y_pred_main)


def wide_and_deep_graph(aux_output):
    """The book's functional wide-and-deep model on features 0-4 and 2-7, and its two Normalizations."""
    input_wide = tf.keras.layers.Input(shape=[5])  # features 0 to 4
    input_deep = tf.keras.layers.Input(shape=[6])  # features 2 to 7
    norm_layer_wide = tf.keras.layers.Normalization()
    norm_layer_deep = tf.keras.layers.Normalization()
    norm_wide = norm_layer_wide(input_wide)
    norm_deep = norm_layer_deep(input_deep)
    hidden1 = tf.keras.layers.Dense(30, activation="relu")(norm_deep)
    hidden2 = tf.keras.layers.Dense(30, activation="relu")(hidden1)
    concat = tf.keras.layers.concatenate([norm_wide, hidden2])
    output = tf.keras.layers.Dense(1)(concat)
    outputs = [output, tf.keras.layers.Dense(1)(hidden2)] if aux_output else [output]
    model = tf.keras.Model(inputs=[input_wide, input_deep], outputs=outputs)
    return model, norm_layer_wide, norm_layer_deep


def fit_wide_and_deep_model(d, **fit_kwargs):
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    model = WideAndDeepModel(30, activation="relu", name="my_cool_model")
    optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer=optimizer,
                  metrics=["RootMeanSquaredError", "RootMeanSquaredError"])
    model.norm_layer_wide.adapt(d.X_train_wide)
    model.norm_layer_deep.adapt(d.X_train_deep)
    history = model.fit(
        (d.X_train_wide, d.X_train_deep), (d.y_train, d.y_train), epochs=EPOCHS,
        validation_data=((d.X_valid_wide, d.X_valid_deep), (d.y_valid, d.y_valid)), **fit_kwargs)
    return model, history


def test_using_the_subclassing_api_to_build_dynamic_models(wide_deep):
    model, history = fit_wide_and_deep_model(wide_deep, verbose=0)
    assert model.name == "my_cool_model"
    assert history.history["loss"][-1] < history.history["loss"][0]
    eval_results = model.evaluate((wide_deep.X_test_wide, wide_deep.X_test_deep),
                                  (wide_deep.y_test, wide_deep.y_test), verbose=0)
    weighted_sum_of_losses, main_loss, aux_loss = eval_results[:3]
    assert weighted_sum_of_losses == pytest.approx(0.9 * main_loss + 0.1 * aux_loss, rel=1e-4)
    y_pred_main, y_pred_aux = model.predict((wide_deep.X_new_wide, wide_deep.X_new_deep), verbose=0)
    assert y_pred_main.shape == y_pred_aux.shape == (3, 1)


def test_saving_and_restoring_a_model(wide_deep, workdir):
    model, _ = fit_wide_and_deep_model(wide_deep, verbose=0)
    X_new = (wide_deep.X_new_wide, wide_deep.X_new_deep)
    y_pred_main, y_pred_aux = model.predict(X_new, verbose=0)

    model.save_weights("my_weights.weights.h5")
    saved = model.get_weights()
    model.set_weights([np.zeros_like(w) for w in saved])
    model.load_weights("my_weights.weights.h5")
    for loaded, original in zip(model.get_weights(), saved):
        np.testing.assert_array_equal(loaded, original)

    model.save("my_model.keras")
    loaded_model = tf.keras.models.load_model(
        "my_model.keras",
        custom_objects={"WideAndDeepModel": WideAndDeepModel}
    )
    assert isinstance(loaded_model, WideAndDeepModel) and loaded_model.name == "my_cool_model"
    loaded_main, loaded_aux = loaded_model.predict(X_new, verbose=0)
    np.testing.assert_allclose(loaded_main, y_pred_main, rtol=1e-6)
    np.testing.assert_allclose(loaded_aux, y_pred_aux, rtol=1e-6)


class PrintValTrainRatioCallback(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs):
        ratio = logs["val_loss"] / logs["loss"]
        print(f"Epoch={epoch}, val/train={ratio:.2f}")


def test_using_callbacks(wide_deep, workdir, capsys):
    d = wide_deep
    train = ((d.X_train_wide, d.X_train_deep), (d.y_train, d.y_train))
    valid = ((d.X_valid_wide, d.X_valid_deep), (d.y_valid, d.y_valid))
    model, _ = fit_wide_and_deep_model(d, verbose=0)

    checkpoint_cb = tf.keras.callbacks.ModelCheckpoint("my_checkpoints.weights.h5",
                                                       save_weights_only=True)
    history = model.fit(*train, epochs=EPOCHS, validation_data=valid, callbacks=[checkpoint_cb], verbose=0)
    assert Path("my_checkpoints.weights.h5").is_file()

    early_stopping_cb = tf.keras.callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    model.optimizer.learning_rate = 0.05  # large enough that the validation loss stops improving soon
    history = model.fit(*train, epochs=100, validation_data=valid,
                        callbacks=[checkpoint_cb, early_stopping_cb], verbose=0)
    val_loss = history.history["val_loss"]
    assert len(val_loss) < 100 and early_stopping_cb.stopped_epoch == len(val_loss) - 1
    best = int(np.argmin(val_loss))
    assert len(val_loss) == best + 1 + 2  # patience=2 epochs without improvement
    restored = model.evaluate(*valid, verbose=0)[0]
    assert restored == pytest.approx(val_loss[best], rel=1e-4)

    val_train_ratio_cb = PrintValTrainRatioCallback()
    history = model.fit(*train, epochs=3, validation_data=valid,
                        callbacks=[val_train_ratio_cb], verbose=0)
    lines = capsys.readouterr().out.splitlines()
    ratios = np.divide(history.history["val_loss"], history.history["loss"])
    assert lines == [f"Epoch={epoch}, val/train={ratio:.2f}" for epoch, ratio in enumerate(ratios)]


def get_run_logdir(root_logdir="my_logs"):
    return Path(root_logdir) / strftime("run_%Y_%m_%d_%H_%M_%S")


def test_using_tensorboard_for_visualization(housing, workdir):
    X_train, X_valid, X_test, y_train, y_valid, y_test = housing
    run_logdir = get_run_logdir()
    model = housing_regressor(X_train, [30, 30], tf.keras.optimizers.SGD(learning_rate=1e-3))
    with pytest.warns(UserWarning, match="profile_batch"):  # said, not silently dropped
        tensorboard_cb = tf.keras.callbacks.TensorBoard(run_logdir,
                                                        profile_batch=(100, 200))
    history = model.fit(X_train, y_train, epochs=2,
                        validation_data=(X_valid, y_valid),
                        callbacks=[tensorboard_cb], verbose=0)
    for subdir in ("train", "validation"):
        events = list((run_logdir / subdir).glob("events.out.tfevents.*"))
        assert len(events) == 1 and events[0].stat().st_size > 0, subdir


class FixedHyperParameters:
    """Keras Tuner's `hp` with every value chosen in advance (the tuner itself needs TensorFlow)."""

    def __init__(self, **values):
        self.values = values

    def Int(self, name, min_value, max_value, default=None):
        assert min_value <= self.values[name] <= max_value
        return self.values[name]

    def Float(self, name, min_value, max_value, sampling=None):
        assert min_value <= self.values[name] <= max_value
        return self.values[name]

    def Choice(self, name, values):
        assert self.values[name] in values
        return self.values[name]

    def Boolean(self, name):
        return self.values[name]


def build_model(hp):
    n_hidden = hp.Int("n_hidden", min_value=0, max_value=8, default=2)
    n_neurons = hp.Int("n_neurons", min_value=16, max_value=256)
    learning_rate = hp.Float("learning_rate", min_value=1e-4, max_value=1e-2,
                             sampling="log")
    optimizer = hp.Choice("optimizer", values=["sgd", "adam"])
    if optimizer == "sgd":
        optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)
    else:
        optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)

    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Flatten())
    for _ in range(n_hidden):
        model.add(tf.keras.layers.Dense(n_neurons, activation="relu"))
    model.add(tf.keras.layers.Dense(10, activation="softmax"))
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer,
                  metrics=["accuracy"])
    return model


def hypermodel_fit(hp, model, X, y, **kwargs):
    """`MyClassificationHyperModel.fit`: an optional Normalization layer applied to the data first."""
    if hp.Boolean("normalize"):
        norm_layer = tf.keras.layers.Normalization()
        norm_layer.adapt(X)
        X = norm_layer(X)
    return model.fit(X, y, **kwargs)


def test_fine_tuning_neural_network_hyperparameters(workdir):
    X_train, y_train, X_valid, y_valid, X_test, y_test = load_fashion_mnist()
    tf.keras.backend.clear_session()
    tf.random.set_seed(42)
    trials = [FixedHyperParameters(n_hidden=0, n_neurons=16, learning_rate=1e-2, optimizer="sgd",
                                   normalize=True),
              FixedHyperParameters(n_hidden=2, n_neurons=64, learning_rate=1e-3, optimizer="adam",
                                   normalize=False)]
    early_stopping_cb = tf.keras.callbacks.EarlyStopping(patience=2)
    for hp in trials:
        model = build_model(hp)  # no input shape: built by the first batch
        history = hypermodel_fit(hp, model, X_train, y_train, epochs=2, verbose=0,
                                 validation_data=(X_valid, y_valid), callbacks=[early_stopping_cb])
        assert list(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
        assert [type(layer).__name__ for layer in model.layers] == (
            ["Flatten"] + ["Dense"] * (hp.values["n_hidden"] + 1))
    assert model.count_params() == 784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10
    # The best model, trained again on the full training set, then tested.
    model.fit(X_train, y_train, epochs=1, verbose=0)
    test_loss, test_accuracy = model.evaluate(X_test, y_test, verbose=0)
    assert test_accuracy > 0.5


class ExponentialLearningRate(tf.keras.callbacks.Callback):
    def __init__(self, factor):
        self.factor = factor
        self.rates = []
        self.losses = []

    def on_batch_end(self, batch, logs=None):
        lr = self.model.optimizer.learning_rate.numpy() * self.factor
        self.model.optimizer.learning_rate = lr
        self.rates.append(lr)
        self.losses.append(logs["loss"])


def build_mnist_classifier(learning_rate):
    """The exercise's MNIST classifier: the Fashion-MNIST architecture, compiled with SGD."""
    np.random.seed(42)
    model = build_fashion_classifier()
    optimizer = tf.keras.optimizers.SGD(learning_rate=learning_rate)
    model.compile(loss="sparse_categorical_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return model


def test_exercise_10_deep_mlp_on_mnist(workdir):
    (X_train_full, y_train_full), (X_test, y_test) = tf.keras.datasets.mnist.load_data()
    assert X_train_full.shape == (6000, 28, 28) and X_train_full.dtype == np.uint8
    X_valid, X_train = X_train_full[:500] / 255., X_train_full[5000:] / 255.
    y_valid, y_train = y_train_full[:500], y_train_full[5000:]
    X_test = X_test / 255.

    model = build_mnist_classifier(1e-3)
    expon_lr = ExponentialLearningRate(factor=1.005)
    history = model.fit(X_train, y_train, epochs=1, validation_data=(X_valid, y_valid),
                        callbacks=[expon_lr], verbose=0)
    assert len(expon_lr.rates) == len(expon_lr.losses) == 32
    np.testing.assert_allclose(expon_lr.rates, 1e-3 * 1.005 ** np.arange(1, 33), rtol=1e-5)
    assert model.optimizer.learning_rate.numpy() == pytest.approx(1e-3 * 1.005 ** 32, rel=1e-5)

    model = build_mnist_classifier(3e-1)
    run_index = 1
    run_logdir = Path() / "my_mnist_logs" / "run_{:03d}".format(run_index)
    early_stopping_cb = tf.keras.callbacks.EarlyStopping(patience=2)
    checkpoint_cb = tf.keras.callbacks.ModelCheckpoint("my_mnist_model.keras", save_best_only=True)
    tensorboard_cb = tf.keras.callbacks.TensorBoard(run_logdir)
    history = model.fit(X_train, y_train, epochs=EPOCHS, validation_data=(X_valid, y_valid),
                        callbacks=[checkpoint_cb, early_stopping_cb, tensorboard_cb], verbose=0)
    assert list((run_logdir / "train").glob("events.out.tfevents.*"))
    model = tf.keras.models.load_model("my_mnist_model.keras")  # rollback to best model
    val_loss = model.evaluate(X_valid, y_valid, verbose=0)[0]
    assert val_loss == pytest.approx(min(history.history["val_loss"]), rel=1e-4)
    test_loss, test_accuracy = model.evaluate(X_test, y_test, verbose=0)
    assert test_accuracy > 0.5
