"""model.save / load_model / save_weights / load_weights in Keras 3's formats."""

import json
import os
import zipfile

import numpy as np
import pytest

import axone
from axone.saving import saving_lib

pytest.importorskip("h5py")


def _data(n=64, features=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features)).astype("float32")
    y = (x @ rng.normal(size=(features, 1))).astype("float32")
    return x, y


def _sequential(optimizer="adam"):
    model = axone.Sequential([
        axone.layers.Dense(6, activation="relu", input_shape=(8,), kernel_regularizer="l2"),
        axone.layers.BatchNormalization(),
        axone.layers.Dropout(0.2, seed=1),
        axone.layers.Dense(1),
    ])
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    return model


def _functional():
    inputs = axone.Input(shape=(8,), name="features")
    hidden = axone.layers.Dense(5, activation="tanh")(inputs)
    merged = axone.layers.Concatenate()([inputs, hidden])
    outputs = axone.layers.Dense(1)(merged)
    model = axone.Model(inputs, outputs)
    model.compile(optimizer=axone.optimizers.SGD(0.01, momentum=0.9), loss="mse")
    return model


@pytest.mark.parametrize("make", [_sequential, _functional])
def test_save_then_load_predicts_the_same_and_keeps_compile(tmp_path, make):
    x, y = _data()
    model = make()
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = axone.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert [l.name for l in loaded.layers] == [l.name for l in model.layers]
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.iterations == model.optimizer.iterations
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_archive_holds_keras_members_and_schema(tmp_path):
    model = _sequential()
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
    assert set(metadata) >= {"keras_version", "date_saved", "axone_version"}
    assert config["module"] == "keras" and config["class_name"] == "Sequential"
    dense = config["config"]["layers"][1]
    assert {"module", "class_name", "config", "registered_name", "build_config"} <= set(dense)
    assert dense["module"] == "keras.layers" and dense["config"]["kernel_initializer"]["module"] == "keras.initializers"
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert config["compile_config"]["loss"] == "mse"


def test_weights_h5_layout_is_keras_layout(tmp_path):
    import h5py
    model = _sequential()
    model.fit(*_data(), epochs=1, verbose=0)
    path = tmp_path / "w.weights.h5"
    model.save_weights(path)
    with h5py.File(path) as file:
        assert file["layers/dense/vars/0"].shape == (8, 6)
        assert file["layers/dense/vars"].attrs["name"] == model.layers[0].name
        assert file["layers/dense_1/vars/1"].shape == (1,)
        assert len(file["layers/batch_normalization/vars"]) == 4
        assert "optimizer" not in file  # save_weights keeps only the layers' weights


@pytest.mark.parametrize("optimizer", [
    axone.optimizers.Adam(learning_rate=0.01), axone.optimizers.Adam(amsgrad=True),
    axone.optimizers.SGD(0.05, momentum=0.9), axone.optimizers.SGD(0.05, nesterov=True, momentum=0.5),
    axone.optimizers.RMSprop(momentum=0.5, centered=True), axone.optimizers.Nadam(),
    axone.optimizers.Adamax(), axone.optimizers.Adagrad(), axone.optimizers.Adadelta(1.0),
    axone.optimizers.AdamW(weight_decay=0.01), axone.optimizers.Lion(1e-3),
    axone.optimizers.SGD(axone.optimizers.schedules.ExponentialDecay(0.1, 3, 0.5)),
], ids=lambda o: type(o).__name__)
def test_resumed_training_equals_uninterrupted_training(tmp_path, optimizer):
    x, y = _data()
    config = axone.optimizers.serialize(optimizer)

    def fresh():
        axone.utils.set_random_seed(3)
        model = axone.Sequential([axone.layers.Dense(4, activation="relu", input_shape=(8,)),
                                  axone.layers.Dense(1)])
        model.compile(optimizer=axone.optimizers.deserialize(config), loss="mse")
        return model

    straight = fresh()
    straight.fit(x, y, epochs=4, batch_size=16, shuffle=False, verbose=0)

    first = fresh()
    first.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    first.save(tmp_path / "half.keras")
    resumed = axone.models.load_model(tmp_path / "half.keras")
    resumed.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)

    for a, b in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert resumed.optimizer.iterations == straight.optimizer.iterations


def test_save_weights_load_weights_round_trip(tmp_path):
    x, _ = _data()
    model = _sequential()
    model.fit(*_data(), epochs=1, verbose=0)
    path = tmp_path / "w.weights.h5"
    model.save_weights(path)
    other = _sequential()
    other.load_weights(path)
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


def test_load_weights_from_a_keras_file(tmp_path):
    x, _ = _data()
    model = _functional()
    model.save(tmp_path / "m.keras")
    other = _functional()
    other.load_weights(tmp_path / "m.keras")
    np.testing.assert_array_equal(other.predict(x, verbose=0), model.predict(x, verbose=0))


def _two_outputs_head():
    """`_sequential`'s architecture with 2 output units instead of 1."""
    return axone.Sequential([axone.layers.Dense(6, activation="relu", input_shape=(8,)),
                             axone.layers.BatchNormalization(), axone.layers.Dropout(0.2),
                             axone.layers.Dense(2)])


def test_load_weights_mismatch_raises_and_leaves_the_model_unchanged(tmp_path):
    model = _sequential()
    model.save_weights(tmp_path / "w.weights.h5")
    other = _two_outputs_head()
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"w\.weights\.h5.*shape"):
        other.load_weights(tmp_path / "w.weights.h5")
    for a, b in zip(other.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_skip_mismatch_loads_the_matching_layers(tmp_path):
    model = _sequential()
    model.save_weights(tmp_path / "w.weights.h5")
    other = _two_outputs_head()
    with pytest.warns(UserWarning, match="Skipping layer"):
        other.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[0].get_weights()[0], model.layers[0].get_weights()[0])


def test_load_without_compile(tmp_path):
    model = _sequential()
    model.save(tmp_path / "m.keras")
    loaded = axone.models.load_model(tmp_path / "m.keras", compile=False)
    assert not loaded.compiled
    with pytest.raises(ValueError, match="compile"):
        loaded.fit(*_data(), verbose=0)


def test_saving_api_aliases(tmp_path):
    model = _functional()
    axone.saving.save_model(model, tmp_path / "m.keras")
    assert axone.saving.load_model(tmp_path / "m.keras").count_params() == model.count_params()
    axone.models.save_model(model, tmp_path / "n.keras")
    assert axone.models.load_model(tmp_path / "n.keras").count_params() == model.count_params()


@pytest.mark.parametrize("name, call", [
    ("m.h5", lambda m, p: m.save(p)),
    ("m.zip", lambda m, p: axone.models.load_model(p)),
    ("w.h5", lambda m, p: m.save_weights(p)),
])
def test_wrong_suffix_is_refused(tmp_path, name, call):
    with pytest.raises(ValueError, match="extension"):
        call(_functional(), tmp_path / name)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        axone.models.load_model(tmp_path / "absent.keras")


def test_overwrite_false(tmp_path):
    model = _functional()
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.keras", overwrite=False)


def _interrupted(*args, **kwargs):
    raise KeyboardInterrupt


def test_interrupted_save_keeps_the_previous_file(tmp_path, monkeypatch):
    x, _ = _data()
    model = _sequential()
    path = tmp_path / "m.keras"
    model.save(path)
    before = path.read_bytes()
    model.fit(*_data(), epochs=1, verbose=0)
    monkeypatch.setattr(saving_lib.archive, "write_archive", _interrupted)
    with pytest.raises(KeyboardInterrupt):
        model.save(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.keras"]  # no temporary file left behind
    monkeypatch.undo()
    np.testing.assert_array_equal(axone.models.load_model(path).predict(x, verbose=0).shape, (64, 1))


def test_interrupted_save_weights_keeps_the_previous_file(tmp_path, monkeypatch):
    model = _sequential()
    path = tmp_path / "w.weights.h5"
    model.save_weights(path)
    before = path.read_bytes()
    monkeypatch.setattr(saving_lib.H5Writer, "write", _interrupted)
    with pytest.raises(KeyboardInterrupt):
        model.save_weights(path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["w.weights.h5"]


def test_to_json_and_model_from_json_share_the_saving_schema():
    model = _functional()
    config = json.loads(model.to_json())
    assert config["class_name"] == "Functional" and config["module"].startswith("keras")
    rebuilt = axone.models.model_from_json(model.to_json())
    assert [type(l).__name__ for l in rebuilt.layers] == [type(l).__name__ for l in model.layers]
    assert rebuilt.count_params() == model.count_params()


def test_unbuilt_optimizer_state_round_trips(tmp_path):
    model = _sequential(axone.optimizers.Adam(learning_rate=0.02))
    model.save(tmp_path / "m.keras")  # compiled, never trained
    loaded = axone.models.load_model(tmp_path / "m.keras")
    assert loaded.optimizer.iterations == 0
    assert float(loaded.optimizer.learning_rate) == pytest.approx(0.02)
    loaded.fit(*_data(), epochs=1, verbose=0)


def test_learning_rate_changed_during_training_is_restored(tmp_path):
    model = _sequential(axone.optimizers.Adam(learning_rate=0.01))
    model.fit(*_data(), epochs=1, verbose=0)
    model.optimizer.learning_rate = 0.0025
    model.save(tmp_path / "m.keras")
    loaded = axone.models.load_model(tmp_path / "m.keras")
    assert float(loaded.optimizer.learning_rate) == pytest.approx(0.0025)


def test_dict_inputs_and_outputs_keep_their_names(tmp_path, dict_model):
    rng = np.random.default_rng(0)
    x = {"wide": rng.normal(size=(6, 5)).astype("float32"), "deep": rng.normal(size=(6, 3)).astype("float32")}
    model = dict_model(axone)
    model.save(tmp_path / "m.keras")
    loaded = axone.models.load_model(tmp_path / "m.keras")
    predictions = loaded.predict(x, verbose=0)
    assert isinstance(predictions, dict) and sorted(predictions) == ["aux", "main"]
    for key, value in model.predict(x, verbose=0).items():
        np.testing.assert_array_equal(predictions[key], value)


class _TwoInputs(axone.Model):
    """A subclassed model whose layers (a Normalization among them) get their variables when traced."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.norm = axone.layers.Normalization()
        self.hidden = axone.layers.Dense(4, activation="relu")
        self.out = axone.layers.Dense(1)

    def call(self, inputs):
        wide, deep = inputs
        return self.out(axone.layers.concatenate([self.norm(wide), self.hidden(deep)]))


def test_subclassed_model_is_rebuilt_from_its_build_config(tmp_path):
    x, y = _data()
    model = _TwoInputs(name="two_inputs")
    model.norm.adapt(x[:, :3])
    model.compile(optimizer="adam", loss="mse")
    model.fit((x[:, :3], x[:, 3:]), y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        config = json.loads(archive.read("config.json"))
    assert config["build_config"] == {"input_shape": [[None, 3], [None, 5]]}  # Keras 3's form
    loaded = axone.models.load_model(tmp_path / "m.keras", custom_objects={"_TwoInputs": _TwoInputs})
    assert isinstance(loaded, _TwoInputs) and loaded.name == "two_inputs"
    np.testing.assert_array_equal(loaded.norm.mean, model.norm.mean)  # the adapted statistics too
    np.testing.assert_array_equal(loaded.predict((x[:, :3], x[:, 3:]), verbose=0),
                                  model.predict((x[:, :3], x[:, 3:]), verbose=0))
