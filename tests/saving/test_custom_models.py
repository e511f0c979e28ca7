"""Lambda layers, subclassed and nested models through .keras files."""

import numpy as np
import pytest

import axone
from axone import ops

pytest.importorskip("h5py")

X = np.random.default_rng(0).normal(size=(6, 4)).astype("float32")


def square_plus_one(x):
    return ops.square(x) + 1.0


class TwoDense(axone.Model):
    """A subclassed model: its constructor arguments are its config."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = axone.layers.Dense(units, activation="relu")
        self.out = axone.layers.Dense(1)

    def call(self, x):
        return self.out(ops.tanh(self.hidden(x)))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _lambda_model(function):
    inputs = axone.Input(shape=(4,))
    model = axone.Model(inputs, axone.layers.Dense(1)(axone.layers.Lambda(function)(inputs)))
    model.compile(optimizer="adam", loss="mse")
    return model


def test_named_function_lambda_loads_with_custom_objects(tmp_path):
    model = _lambda_model(square_plus_one)
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="square_plus_one.*custom_objects"):
        axone.models.load_model(tmp_path / "m.keras")
    loaded = axone.models.load_model(tmp_path / "m.keras", custom_objects={"square_plus_one": square_plus_one})
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_python_lambda_needs_safe_mode_false_and_runs_no_code_otherwise(tmp_path):
    marker = tmp_path / "CODE_RAN"

    def leave_marker(x, path=str(marker)):
        import pathlib
        pathlib.Path(path).write_text("ran")
        return x

    model = _lambda_model(lambda x, mark=leave_marker: mark(x) * 2.0)
    marker.unlink()  # tracing the lambda while building the model ran it once
    with pytest.warns(UserWarning, match="safe_mode=False"):
        model.save(tmp_path / "m.keras")
    assert not marker.exists()
    with pytest.raises(ValueError, match="lambda.*safe_mode=False"):
        axone.models.load_model(tmp_path / "m.keras")
    assert not marker.exists()
    with pytest.raises(ValueError, match="lambda"):
        axone.models.load_model(tmp_path / "m.keras", safe_mode=True, custom_objects={"<lambda>": abs})
    assert not marker.exists()


def test_python_lambda_loads_with_safe_mode_false(tmp_path):
    model = _lambda_model(lambda x: ops.square(x) * 2.0)
    with pytest.warns(UserWarning):
        model.save(tmp_path / "m.keras")
    loaded = axone.models.load_model(tmp_path / "m.keras", safe_mode=False)
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)


def test_lambda_from_config_is_safe_by_default():
    layer = axone.layers.Lambda(lambda x: x * 3.0)
    with pytest.warns(UserWarning):
        config = layer.get_config()
    with pytest.raises(ValueError, match="lambda"):
        axone.layers.Lambda.from_config(config)
    rebuilt = axone.layers.Lambda.from_config(config, safe_mode=False)
    assert rebuilt.function(2.0) == 6.0


def test_subclassed_model_round_trip_and_resumed_training(tmp_path):
    y = X[:, :1] * 2

    def trained(epochs):
        axone.utils.set_random_seed(1)
        model = TwoDense(units=5)
        model.compile(optimizer="adam", loss="mse")
        model.fit(X, y, epochs=epochs, batch_size=2, shuffle=False, verbose=0)
        return model

    straight, first = trained(4), trained(2)
    first.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="'TwoDense'.*custom_objects.*register_keras_serializable"):
        axone.models.load_model(tmp_path / "m.keras")
    resumed = axone.models.load_model(tmp_path / "m.keras", custom_objects={"TwoDense": TwoDense})
    assert isinstance(resumed, TwoDense) and resumed.units == 5
    np.testing.assert_array_equal(resumed.predict(X, verbose=0), first.predict(X, verbose=0))
    resumed.fit(X, y, epochs=2, batch_size=2, shuffle=False, verbose=0)
    for a, b in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_nested_model_round_trip(tmp_path):
    inner = axone.Sequential([axone.Input(shape=(4,)), axone.layers.Dense(3, activation="relu")], name="inner")
    inputs = axone.Input(shape=(4,))
    model = axone.Model(inputs, axone.layers.Dense(1)(inner(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, X[:, :1], epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = axone.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_operations_between_layers_are_refused_before_the_file_is_touched(tmp_path):
    path = tmp_path / "m.keras"
    path.write_bytes(b"previous")
    inputs = axone.Input(shape=(4,))
    model = axone.Model(inputs, ops.exp(axone.layers.Dense(2)(inputs)))
    with pytest.raises(NotImplementedError, match=r"axone.ops between its layers \(exp\).*Lambda"):
        model.save(path)
    assert path.read_bytes() == b"previous"
