"""Two-way exchange with Keras 3: files saved by axone load in Keras and predict the same,
files saved by Keras load in axone, and an optimizer state saved by either resumes training.

Run by `make compare` (Keras on its torch backend); skipped without Keras.
"""

import numpy as np
import pytest

import axone

keras = pytest.importorskip("keras")
pytest.importorskip("h5py")

OPTIMIZERS = ["adam", "sgd_momentum", "rmsprop", "nadam", "adamax", "adagrad", "adadelta", "adamw", "lion"]


def _optimizer(lib, name):
    make = {
        "adam": lambda o: o.Adam(0.01), "sgd_momentum": lambda o: o.SGD(0.01, momentum=0.9),
        "rmsprop": lambda o: o.RMSprop(0.001, momentum=0.5), "nadam": lambda o: o.Nadam(0.01),
        "adamax": lambda o: o.Adamax(0.01), "adagrad": lambda o: o.Adagrad(0.05),
        "adadelta": lambda o: o.Adadelta(1.0), "adamw": lambda o: o.AdamW(0.01, weight_decay=0.01),
        "lion": lambda o: o.Lion(1e-3),
    }[name]
    return make(lib.optimizers)


def _data(n=64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 8)).astype("float32")
    y = (np.tanh(x @ rng.normal(size=(8, 1)))).astype("float32")
    return x, y


def _build(lib, optimizer="adam", dropout=True):
    """The same Sequential and functional architectures in axone or Keras."""
    layers = lib.layers
    sequential = lib.Sequential([
        lib.Input(shape=(8,)), layers.Dense(6, activation="relu", kernel_regularizer="l2"),
        layers.BatchNormalization(), *([layers.Dropout(0.3)] if dropout else []),
        layers.Activation("tanh"), layers.Dense(1),
    ])
    inputs = lib.Input(shape=(8,), name="x")
    hidden = layers.Dense(5, activation="elu")(inputs)
    merged = layers.Concatenate()([inputs, hidden])
    other = layers.Dense(13, activation="sigmoid")(merged)
    added = layers.Add()([merged, other])
    functional = lib.Model(inputs, layers.Dense(1)(added))
    for model in (sequential, functional):
        model.compile(optimizer=_optimizer(lib, optimizer), loss="mse", metrics=["mae"])
    return sequential, functional


def _keras_predict(model, x):
    return np.asarray(model.predict(x, verbose=0))


def _load(lib, path):
    return lib.saving.load_model(path)


@pytest.mark.parametrize("writer, reader", [(axone, keras), (keras, axone)], ids=["axone_to_keras", "keras_to_axone"])
@pytest.mark.parametrize("which", [0, 1], ids=["sequential", "functional"])
def test_a_file_loads_in_the_other_library_and_predicts_the_same(tmp_path, which, writer, reader):
    x, y = _data()
    model = _build(writer)[which]
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = _load(reader, tmp_path / "m.keras")
    np.testing.assert_allclose(_keras_predict(loaded, x), _keras_predict(model, x), rtol=1e-5, atol=1e-6)
    assert int(loaded.optimizer.iterations) == int(model.optimizer.iterations)
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]


@pytest.mark.parametrize("writer, reader", [(keras, axone), (axone, keras)], ids=["keras_to_axone", "axone_to_keras"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_optimizer_state_resumes_in_the_other_library(tmp_path, optimizer, writer, reader):
    """One library trains and saves, the other resumes: the same weights as the first continuing."""
    x, y = _data()
    model = _build(writer, optimizer, dropout=False)[0]
    model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    model.save(tmp_path / "m.keras")
    resumed = _load(reader, tmp_path / "m.keras")
    resumed.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    for a, b in zip(resumed.get_weights(), model.get_weights()):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=2e-4, atol=2e-5)
    assert int(resumed.optimizer.iterations) == int(model.optimizer.iterations)


def test_weights_files_are_exchangeable(tmp_path):
    x, y = _data()
    ours = _build(axone)[1]
    ours.fit(x, y, epochs=1, verbose=0)
    ours.save_weights(tmp_path / "a.weights.h5")
    theirs = _build(keras)[1]
    theirs.load_weights(tmp_path / "a.weights.h5")
    np.testing.assert_allclose(_keras_predict(theirs, x), ours.predict(x, verbose=0), rtol=1e-5, atol=1e-6)

    theirs.fit(x, y, epochs=1, verbose=0)
    theirs.save_weights(tmp_path / "k.weights.h5")
    ours.load_weights(tmp_path / "k.weights.h5")
    np.testing.assert_allclose(ours.predict(x, verbose=0), _keras_predict(theirs, x), rtol=1e-5, atol=1e-6)


def test_inspect_reads_a_keras_file(tmp_path):
    model = _build(keras)[0]
    model.save(tmp_path / "k.keras")
    info = axone.saving.inspect(tmp_path / "k.keras")
    assert info["writer"].startswith("Keras 3")
    assert info["total_params"] == model.count_params()


@pytest.mark.parametrize("writer, reader", [(axone, keras), (keras, axone)], ids=["axone_to_keras", "keras_to_axone"])
def test_preprocessing_layers_keep_their_adapted_state(tmp_path, writer, reader):
    x = np.random.default_rng(2).normal(3, 2, size=(40, 4)).astype("float32")
    normalization = writer.layers.Normalization()
    normalization.adapt(x)
    model = writer.Sequential([writer.Input(shape=(4,)), normalization, writer.layers.Rescaling(0.5, 1.0),
                               writer.layers.Reshape((2, 2)), writer.layers.Flatten(), writer.layers.Dense(1)])
    model.save(tmp_path / "m.keras")
    loaded = _load(reader, tmp_path / "m.keras")
    np.testing.assert_allclose(_keras_predict(loaded, x), _keras_predict(model, x), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("writer, reader", [(axone, keras), (keras, axone)], ids=["axone_to_keras", "keras_to_axone"])
def test_named_inputs_and_outputs(tmp_path, writer, reader, dict_model):
    rng = np.random.default_rng(0)
    x = {"wide": rng.normal(size=(6, 5)).astype("float32"), "deep": rng.normal(size=(6, 3)).astype("float32")}
    model = dict_model(writer)
    model.save(tmp_path / "m.keras")
    predictions = _load(reader, tmp_path / "m.keras").predict(x, verbose=0)
    assert sorted(predictions) == ["aux", "main"]
    for key, value in model.predict(x, verbose=0).items():
        np.testing.assert_allclose(np.asarray(predictions[key]), np.asarray(value), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("writer, reader", [(axone, keras), (keras, axone)], ids=["axone_to_keras", "keras_to_axone"])
def test_constraints_and_regularizers_cross_over(tmp_path, writer, reader):
    x, y = _data()
    constraints = writer.constraints
    model = writer.Sequential([
        writer.Input(shape=(8,)),
        writer.layers.Dense(3, kernel_constraint=constraints.MaxNorm(0.5), bias_constraint=constraints.NonNeg(),
                            kernel_regularizer=writer.regularizers.L1L2(0.01, 0.02)),
        writer.layers.Dense(1, kernel_constraint=constraints.UnitNorm(axis=0))])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = _load(reader, tmp_path / "m.keras")
    assert type(loaded.layers[0].kernel_constraint).__name__ == "MaxNorm"
    assert loaded.layers[0].kernel_constraint.get_config()["max_value"] == 0.5
    np.testing.assert_allclose(_keras_predict(loaded, x), _keras_predict(model, x), rtol=1e-5, atol=1e-6)
