"""Custom layers, losses and metrics: saved through get_config, found again through
custom_objects or register_keras_serializable, and a clear error otherwise."""

import json
import zipfile

import numpy as np
import pytest

import axone
from axone.saving import object_registration

pytest.importorskip("h5py")


class Scale(axone.layers.Layer):
    """`y = factor * w * x`, one weight per feature."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight((input_shape[-1],), "ones", "w")

    def forward(self, x, training=False):
        self._cache = x
        return x * self.w.value * self.factor

    def backward(self, grad):
        self.w.grad[...] = (grad * self._cache * self.factor).sum(axis=0)
        return grad * self.w.value * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class NoConfig(Scale):
    """A custom layer without its own get_config: the inherited one misses `units`."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units


def scaled_mse(y_true, y_pred):
    return np.mean((y_true - y_pred) ** 2, axis=-1) * 3.0


def _model(layer):
    model = axone.Sequential([axone.layers.Dense(4, input_shape=(3,)), layer, axone.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _x():
    return np.random.default_rng(0).normal(size=(10, 3)).astype("float32")


@pytest.fixture(autouse=True)
def clean_registry():
    before = dict(object_registration._GLOBAL_CUSTOM_OBJECTS)
    yield
    for key in set(object_registration._GLOBAL_CUSTOM_OBJECTS) - set(before):
        obj = object_registration._GLOBAL_CUSTOM_OBJECTS.pop(key)
        object_registration._GLOBAL_CUSTOM_NAMES.pop(obj, None)


def test_custom_layer_needs_custom_objects(tmp_path):
    model = _model(Scale(3.0))
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError) as raised:
        axone.models.load_model(tmp_path / "m.keras")
    message = str(raised.value)
    assert "'Scale'" in message and "custom_objects" in message and "register_keras_serializable" in message
    loaded = axone.models.load_model(tmp_path / "m.keras", custom_objects={"Scale": Scale})
    assert loaded.layers[1].factor == 3.0
    np.testing.assert_array_equal(loaded.predict(_x(), verbose=0), model.predict(_x(), verbose=0))


def test_custom_object_scope(tmp_path):
    model = _model(Scale(3.0))
    model.save(tmp_path / "m.keras")
    with axone.saving.custom_object_scope({"Scale": Scale}):
        loaded = axone.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.layers[1], Scale)


def test_registered_layer_loads_without_custom_objects(tmp_path):
    registered = axone.saving.register_keras_serializable(package="my_pkg")(
        type("Registered", (Scale,), {"__module__": __name__}))
    model = _model(registered(1.5))
    model.fit(_x(), np.ones((10, 1), "float32"), epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        entry = json.loads(archive.read("config.json"))["config"]["layers"][2]
    assert entry["registered_name"] == "my_pkg>Registered" and entry["class_name"] == "Registered"
    loaded = axone.models.load_model(tmp_path / "m.keras")
    assert type(loaded.layers[1]) is registered
    np.testing.assert_array_equal(loaded.predict(_x(), verbose=0), model.predict(_x(), verbose=0))
    assert axone.saving.get_registered_object("my_pkg>Registered") is registered
    assert axone.saving.get_registered_name(registered) == "my_pkg>Registered"


def test_registered_name_must_be_registered_to_load(tmp_path):
    registered = axone.saving.register_keras_serializable(package="pkg", name="Thing")(
        type("Thing", (Scale,), {"__module__": __name__}))
    _model(registered()).save(tmp_path / "m.keras")
    object_registration._GLOBAL_CUSTOM_OBJECTS.pop("pkg>Thing")
    with pytest.raises(ValueError, match="pkg>Thing"):
        axone.models.load_model(tmp_path / "m.keras")


def test_custom_loss_function(tmp_path):
    model = axone.Sequential([axone.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss=scaled_mse)
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="scaled_mse"):
        axone.models.load_model(tmp_path / "m.keras")
    loaded = axone.models.load_model(tmp_path / "m.keras", custom_objects={"scaled_mse": scaled_mse})
    y = np.ones((10, 1), "float32")
    assert loaded.evaluate(_x(), y, verbose=0) == pytest.approx(model.evaluate(_x(), y, verbose=0))
    # compile=False needs nothing for the loss
    assert not axone.models.load_model(tmp_path / "m.keras", compile=False).compiled


def test_registered_custom_metric_class(tmp_path):
    @axone.saving.register_keras_serializable(package="metrics_pkg")
    class DoubleMae(axone.metrics.MeanAbsoluteError):
        pass

    model = axone.Sequential([axone.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse", metrics=[DoubleMae(name="double_mae")])
    model.save(tmp_path / "m.keras")
    loaded = axone.models.load_model(tmp_path / "m.keras")
    logs = loaded.evaluate(_x(), np.ones((10, 1), "float32"), verbose=0, return_dict=True)
    assert "double_mae" in logs


def test_class_without_get_config_still_saves_its_weights_and_says_so(tmp_path):
    model = _model(NoConfig(units=3))
    model.fit(_x(), np.ones((10, 1), "float32"), epochs=2, verbose=0)
    with pytest.warns(UserWarning, match="NoConfig does not define get_config.*units.*weights are saved"):
        model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="NoConfig could not be recreated"):
        axone.models.load_model(tmp_path / "m.keras", custom_objects={"NoConfig": NoConfig})
    rebuilt = _model(NoConfig(units=3))
    rebuilt.load_weights(tmp_path / "m.keras")
    np.testing.assert_array_equal(rebuilt.predict(_x(), verbose=0), model.predict(_x(), verbose=0))


def test_register_requires_get_config():
    with pytest.raises(ValueError, match="get_config"):
        axone.saving.register_keras_serializable()(type("Bare", (), {}))


def test_custom_objects_cannot_be_smuggled_by_the_file(tmp_path):
    """A file naming `custom_objects` or a registered-name of an unregistered class gains nothing."""
    model = _model(Scale())
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    config = json.loads(members["config.json"])
    config["custom_objects"] = {"Scale": "tests.saving.test_object_registration.Scale"}
    config["config"]["layers"][2]["registered_name"] = "builtins>Scale"
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "m.keras", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match="Unknown layer 'Scale'"):
        axone.models.load_model(tmp_path / "m.keras")


def test_unknown_builtin_name_suggests_close_names():
    with pytest.raises(ValueError, match="Did you mean 'Dense'"):
        axone.layers.deserialize({"module": "keras.layers", "class_name": "Dence", "config": {}})
