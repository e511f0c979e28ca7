"""axone.saving.inspect: what a .keras file holds, read without building anything."""

import numpy as np
import pytest

import axone
from axone.saving import serialization

pytest.importorskip("h5py")


def test_inspect_lists_layers_shapes_params_and_writer(tmp_path, monkeypatch):
    model = axone.Sequential([axone.layers.Dense(5, input_shape=(3,), name="hidden"),
                              axone.layers.BatchNormalization(), axone.layers.Dense(2, name="out")])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((4, 3)), np.ones((4, 2)), verbose=0)
    model.save(tmp_path / "m.keras")

    def no_building(*args, **kwargs):
        raise AssertionError("inspect built an object")

    monkeypatch.setattr(serialization, "deserialize_keras_object", no_building)
    info = axone.saving.inspect(tmp_path / "m.keras")
    assert info["writer"] == f"axone {axone.__version__} (Keras {info['keras_version']} format)"
    assert info["model_class"] == "Sequential" and info["compiled"] and info["optimizer"] == "Adam"
    layers = {layer["name"]: layer for layer in info["layers"]}
    assert layers["hidden"]["weights"] == [(3, 5), (5,)] and layers["hidden"]["params"] == 20
    assert layers["hidden"]["input_shape"] == [None, 3]
    assert layers["out"]["params"] == 12
    assert info["total_params"] == model.count_params()
    assert info["optimizer_variables"] == 2 + 2 * len(model.trainable_weights)
    text = axone.saving.format_inspection(info)
    assert "hidden (Dense)" in text and f"Total params: {model.count_params():,}" in text


def test_inspect_needs_no_custom_objects(tmp_path):
    class Custom(axone.layers.Dense):
        pass

    model = axone.Sequential([axone.Input(shape=(2,)), Custom(3)])
    model.save(tmp_path / "m.keras")
    info = axone.saving.inspect(tmp_path / "m.keras")
    assert [l["class_name"] for l in info["layers"]] == ["InputLayer", "Custom"]
    assert info["layers"][1]["params"] == 9


def test_inspect_refuses_hostile_files(tmp_path):
    path = tmp_path / "bad.keras"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValueError, match="bad.keras"):
        axone.saving.inspect(path)
