"""Property-based checks of fit / evaluate / predict / save / load on random data.

Every case either works with the documented conversion (ints, bools, float16/64, object
arrays of numbers, lists and DataFrames become float32) or raises a ValueError/TypeError
from axone's own checks, before anything changes: a refused call leaves the weights and the
optimizer state as they were. Runs are bounded (few examples, small data, a deadline).
"""

import traceback

import numpy as np
import pytest

import axone

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

pd = pytest.importorskip("pandas")

SETTINGS = settings(max_examples=25, deadline=3000, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
DTYPES = ["int8", "int32", "int64", "bool", "float16", "float32", "float64", "object"]
CONTAINERS = ["array", "list", "frame"]


def _model(features, units=1, loss="mse", optimizer="adam", activation=None):
    axone.utils.set_random_seed(0)
    model = axone.Sequential([axone.layers.Dense(4, activation="relu", input_shape=(features,)),
                              axone.layers.Dense(units, activation=activation)])
    model.compile(optimizer=optimizer, loss=loss)
    return model


def _state(model):
    optimizer = model.optimizer
    return ([w.copy() for w in model.get_weights()], optimizer.iterations,
            {k: v.copy() for k, v in optimizer.slots.items()})


def _assert_same_state(before, after):
    for a, b in zip(before[0], after[0]):
        np.testing.assert_array_equal(a, b)
    assert before[1] == after[1]
    assert before[2].keys() == after[2].keys()
    for key in before[2]:
        np.testing.assert_array_equal(before[2][key], after[2][key])


def _as(values: np.ndarray, dtype: str, container: str):
    if dtype == "bool":
        values = values > 0
    elif dtype == "object":
        values = values.astype(object)
    else:
        values = values.astype(dtype)
    if container == "list":
        return values.tolist()
    if container == "frame":
        return pd.DataFrame(values)
    return values


@st.composite
def datasets(draw):
    n = draw(st.integers(1, 40))
    features = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**16))
    values = np.random.default_rng(seed).normal(scale=3, size=(n, features))
    return n, features, values, draw(st.sampled_from(DTYPES)), draw(st.sampled_from(CONTAINERS))


@SETTINGS
@given(datasets(), st.integers(1, 16))
def test_valid_data_of_any_dtype_and_container_trains_and_predicts(data, batch_size):
    n, features, values, dtype, container = data
    x = _as(values, dtype, container)
    expected_x = np.asarray(np.asarray(_as(values, dtype, "array"), dtype=np.float64), dtype=np.float32)
    model = _model(features)
    y = np.random.default_rng(1).normal(size=(n, 1)).astype("float32")
    history = model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1
    assert model.optimizer.iterations == -(-n // batch_size)
    predictions = model.predict(x, verbose=0)
    assert predictions.shape == (n, 1) and predictions.dtype == np.float32
    np.testing.assert_array_equal(predictions, model.predict(expected_x, verbose=0))
    assert np.isfinite(model.evaluate(x, y, verbose=0))


def _bad_cases(n, features, rng):
    x = rng.normal(size=(n, features)).astype("float32")
    y = rng.normal(size=(n, 1)).astype("float32")
    with_nan = x.copy()
    with_nan[rng.integers(n), rng.integers(features)] = rng.choice([np.nan, np.inf, -np.inf])
    y_inf = y.copy()
    y_inf[rng.integers(n), 0] = np.inf
    return {
        "fewer targets": (x, y[: n - 1] if n > 1 else y[:0]),
        "more targets": (x, np.concatenate([y, y[:1]])),
        "extra feature": (np.concatenate([x, x[:, :1]], axis=1), y),
        "missing axis": (x[:, 0] if features > 1 else x[None], y),
        "empty": (x[:0], y[:0]),
        "nan or inf in x": (with_nan, y),
        "inf in y": (x, y_inf),
        "strings": (x.astype(str), y),
        "complex": (x.astype(complex), y),
        "mixed objects": (np.array([["a"] + [1.0] * (features - 1)] * n, dtype=object), y),
        "ragged list": ([[1.0] * features] * (n - 1) + [[1.0] * (features + 1)], y),
        "wrong target width": (x, np.ones((n, 3), "float32")),
        "no targets": (x, None),
    }


@SETTINGS
@given(st.integers(1, 30), st.integers(1, 4), st.integers(0, 2**16),
       st.sampled_from(["adam", "sgd", "rmsprop"]), st.sampled_from(sorted(_bad_cases(3, 2, np.random.default_rng(0)))))
def test_invalid_data_is_refused_before_anything_changes(n, features, seed, optimizer, case):
    x, y = _bad_cases(n, features, np.random.default_rng(seed))[case]
    model = _model(features, optimizer=optimizer)
    model.fit(np.zeros((2, features), "float32"), np.zeros((2, 1), "float32"), verbose=0)  # a built optimizer
    before = _state(model)
    for call in (lambda: model.fit(x, y, batch_size=4, verbose=0), lambda: model.evaluate(x, y, verbose=0),
                 lambda: model.train_on_batch(x, y)):
        with pytest.raises((ValueError, TypeError)) as raised:
            call()
        _assert_raised_by_axone(raised)
        _assert_same_state(before, _state(model))
    if case not in ("fewer targets", "more targets", "inf in y", "wrong target width", "no targets"):
        with pytest.raises((ValueError, TypeError)) as raised:
            model.predict(x, verbose=0)
        _assert_raised_by_axone(raised)


def _assert_raised_by_axone(raised):
    """The error comes from axone's checks, with a message, not from deep inside NumPy."""
    frame = traceback.extract_tb(raised.tb)[-1]
    assert "/numpy/" not in frame.filename, f"raised inside NumPy: {frame}"
    assert len(str(raised.value)) > 20


@SETTINGS
@given(st.integers(2, 30), st.integers(2, 5), st.integers(0, 2**16), st.sampled_from(["int64", "float32", "object"]))
def test_sparse_labels_out_of_range_are_refused_before_any_step(n, classes, seed, dtype):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    labels = rng.integers(0, classes, size=n)
    labels[rng.integers(n)] = rng.choice([classes, classes + 7, -1])
    model = _model(3, units=classes, loss="sparse_categorical_crossentropy", activation="softmax")
    before = _state(model)
    with pytest.raises(ValueError, match="label value") as raised:
        model.fit(x, labels.astype(dtype), batch_size=2, verbose=0)
    _assert_raised_by_axone(raised)
    _assert_same_state(before, _state(model))


@SETTINGS
@given(st.lists(st.integers(1, 6), min_size=1, max_size=3), st.sampled_from(["relu", "tanh", "sigmoid", "elu", "linear"]),
       st.sampled_from(["adam", "sgd", "nadam", "rmsprop"]), st.booleans(), st.integers(1, 3))
def test_save_and_load_of_random_models_predict_the_same(tmp_path_factory, units, activation, optimizer,
                                                          batch_norm, epochs):
    pytest.importorskip("h5py")
    layers = [axone.Input(shape=(3,))]
    for size in units:
        layers.append(axone.layers.Dense(size, activation=activation))
        if batch_norm:
            layers.append(axone.layers.BatchNormalization())
    layers.append(axone.layers.Dense(1))
    model = axone.Sequential(layers)
    model.compile(optimizer=optimizer, loss="mse")
    x = np.random.default_rng(0).normal(size=(20, 3)).astype("float32")
    model.fit(x, x[:, :1], epochs=epochs, verbose=0)
    path = tmp_path_factory.mktemp("models") / "m.keras"
    model.save(path)
    loaded = axone.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    _assert_same_state(_state(model), _state(loaded))


def test_refused_predict_does_not_change_batch_norm_statistics():
    model = axone.Sequential([axone.layers.Dense(3, input_shape=(2,)), axone.layers.BatchNormalization()])
    model.compile(optimizer="adam", loss="mse")
    before = model.get_weights()
    with pytest.raises(ValueError):
        model.fit(np.full((4, 2), np.nan), np.zeros((4, 3)), verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
