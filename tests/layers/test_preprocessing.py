import os

import numpy as np
import pytest

import axone
from axone.layers import Dense, Normalization, Rescaling, deserialize, serialize
from axone.testing import check_layer_gradients
from axone.utils import PyDataset


def _data(shape=(200, 4), seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(shape) * np.arange(1, shape[-1] + 1) * 3 + np.arange(shape[-1]) * 10


# ------------------------------------------------------------ Normalization
def test_adapt_then_call_standardizes_each_feature():
    x = _data()
    layer = Normalization(dtype="float64")
    layer.adapt(x)
    np.testing.assert_allclose(layer.adapt_mean.value, x.mean(axis=0))
    np.testing.assert_allclose(layer.adapt_variance.value, x.var(axis=0))
    y = layer(x)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(y.std(axis=0), 1, rtol=1e-12)
    assert layer.mean.shape == layer.variance.shape == (1, 4)  # broadcast against inputs


def test_keras_docstring_examples():
    layer = Normalization(axis=None)
    layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], dtype="float32"))
    np.testing.assert_allclose(layer(np.array([1.0, 2.0, 3.0])), [-1.4142135, -0.70710677, 0.0], rtol=1e-6)
    adapt = np.array([[0.0, 7.0, 4.0], [2.0, 9.0, 6.0], [0.0, 7.0, 4.0], [2.0, 9.0, 6.0]])
    layer = Normalization(axis=-1)
    layer.adapt(adapt)
    np.testing.assert_allclose(layer(np.array([[0.0, 7.0, 4.0]])), [[-1.0, -1.0, -1.0]])
    layer = Normalization(mean=3.0, variance=2.0)
    np.testing.assert_allclose(layer(np.array([[1.0], [2.0], [3.0]])), [[-1.4142135], [-0.70710677], [0.0]],
                               rtol=1e-6)
    layer = Normalization(axis=-1, invert=True)
    layer.adapt(adapt)
    np.testing.assert_allclose(layer(np.array([[1.0, 2.0, 3.0]])), [[2.0, 10.0, 8.0]])


def test_axis_tuple_keeps_one_statistic_per_index():
    x = _data((50, 3, 2))
    layer = Normalization(axis=(1, 2), dtype="float64")
    layer.adapt(x)
    assert layer.adapt_mean.shape == (3, 2)
    np.testing.assert_allclose(layer.adapt_mean.value, x.mean(axis=0))
    layer = Normalization(axis=1, dtype="float64")
    layer.adapt(x)
    np.testing.assert_allclose(layer.adapt_variance.value, x.var(axis=(0, 2)))


@pytest.mark.parametrize("kind", ["list", "generator", "xy_generator", "pydataset"])
def test_batched_adapt_equals_whole_array(kind):
    x = _data((103, 4))
    batches = [x[i:i + 10] for i in range(0, len(x), 10)]  # the last batch is smaller

    class Batches(PyDataset):
        def __len__(self):
            return len(batches)

        def __getitem__(self, i):
            return batches[i], np.zeros(len(batches[i]))

    source = {"list": batches, "generator": (b for b in batches),
              "xy_generator": ((b, np.zeros(len(b))) for b in batches), "pydataset": Batches()}[kind]
    layer = Normalization(dtype="float64")
    layer.adapt(source)
    np.testing.assert_allclose(layer.adapt_mean.value, x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(layer.adapt_variance.value, x.var(axis=0), rtol=1e-12)


def test_adapt_accepts_a_dataframe():
    pd = pytest.importorskip("pandas")
    x = _data()
    layer = Normalization()
    layer.adapt(pd.DataFrame(x))
    np.testing.assert_allclose(layer.adapt_mean.value, x.mean(axis=0), rtol=1e-6)


def test_given_mean_and_variance_broadcast_to_the_kept_axes():
    layer = Normalization(mean=[1.0, 2.0], variance=[4.0, 16.0])
    np.testing.assert_allclose(layer(np.array([[3.0, 6.0]])), [[1.0, 1.0]])
    assert layer.weights == [] and layer.count_params() == 0  # constants, not weights
    with pytest.raises(ValueError, match="mean= and variance="):
        layer.adapt(_data((10, 2)))


def test_weights_are_non_trainable_and_counted_as_keras_does():
    layer = Normalization(name="norm")
    layer(np.zeros((2, 8)))
    assert [w.path for w in layer.weights] == ["norm/mean", "norm/variance", "norm/count"]
    assert layer.trainable_weights == []
    assert layer.count.dtype == np.int32 and layer.count.shape == ()
    assert layer.count_params() == 17  # 8 means, 8 variances, the count
    model = axone.Sequential([axone.Input(shape=(8,)), layer, Dense(1)])
    printed = []
    model.summary(print_fn=printed.append)
    assert "Non-trainable params: 17 (68.00 B)" in printed[0]


def test_adapt_inside_a_compiled_model_changes_its_predictions_and_survives_fit():
    x = _data((64, 4)).astype("float32")
    y = x[:, :1] * 0.01
    norm = Normalization(input_shape=(4,))
    model = axone.Sequential([norm, Dense(1, kernel_initializer="ones")])
    model.compile(loss="mse", optimizer="adam")
    before = model.predict(x, verbose=0)
    norm.adapt(x)
    np.testing.assert_allclose(model.predict(x, verbose=0), norm(x).sum(axis=1, keepdims=True), rtol=1e-5)
    assert not np.allclose(before, model.predict(x, verbose=0))
    stats = [w.copy() for w in norm.get_weights()]
    model.fit(x, y, epochs=2, verbose=0)
    for old, new in zip(stats, norm.get_weights()):
        np.testing.assert_array_equal(old, new)  # training never touches the statistics


@pytest.mark.parametrize("invert", [False, True])
def test_gradients(invert):
    layer = Normalization(axis=(1, 2), invert=invert, dtype="float64")
    layer.adapt(_data((20, 3, 2)))
    check_layer_gradients(layer, input_shape=(5, 3, 2))


def test_a_constant_feature_divides_by_epsilon_not_zero():
    layer = Normalization()
    layer.adapt(np.array([[1.0, 5.0], [3.0, 5.0]]))
    y = layer(np.array([[1.0, 5.0], [3.0, 6.0]]))
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y[:, 1], [0.0, 1.0 / axone.backend.epsilon()], rtol=1e-5)


def test_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(ValueError, match=r"range \[-ndim, ndim\)"):
        Normalization(axis=2)(axone.Input(shape=(4,)))
    with pytest.raises(ValueError, match="known shape"):
        Normalization()(axone.Input(shape=(None,)))
    layer = Normalization()
    layer.adapt(_data((10, 4)))
    with pytest.raises(ValueError, match=r"incompatible shape, data.shape=\(10, 3\)"):
        layer.adapt(_data((10, 3)))
    with pytest.raises(ValueError, match="empty iterable"):
        Normalization().adapt([])
    with pytest.raises(TypeError, match="arrays"):
        Normalization().adapt([[1.0, 2.0]])
    with pytest.raises(TypeError, match="axis"):
        Normalization(axis="last")


def test_failed_batched_adapt_keeps_the_old_statistics():
    layer = Normalization()
    layer.adapt(_data((10, 4)))
    before = layer.get_weights()
    with pytest.raises(ValueError, match="incompatible shape"):
        layer.adapt([_data((10, 4)), _data((10, 5))])
    for old, new in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_normalization_config_round_trip():
    layer = Normalization(axis=(1, 2), invert=True, name="n")
    clone = deserialize(serialize(layer))
    assert clone.get_config() == layer.get_config()
    assert clone.get_config()["axis"] == (1, 2) and clone.get_config()["mean"] is None
    fixed = Normalization(mean=[1.0, 2.0], variance=[4.0, 9.0])
    clone = deserialize(serialize(fixed))
    x = _data((3, 2))
    np.testing.assert_array_equal(clone(x), fixed(x))


# ----------------------------------------------------------------- Rescaling
def test_rescaling_values_and_integer_inputs():
    layer = Rescaling(1 / 127.5, offset=-1)
    y = layer(np.array([[0, 255, 127]], dtype=np.uint8))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, [[-1.0, 1.0, 127 / 127.5 - 1]], atol=1e-7)
    per_channel = Rescaling([1.0, 2.0, 3.0])
    np.testing.assert_allclose(per_channel(np.ones((2, 3))), [[1.0, 2.0, 3.0]] * 2)


def test_rescaling_gradients_and_config():
    check_layer_gradients(Rescaling(0.5, offset=2.0, dtype="float64"), input_shape=(3, 4))
    check_layer_gradients(Rescaling([1.0, -2.0, 3.0], dtype="float64"), input_shape=(2, 4, 3))
    layer = Rescaling(np.array([0.5, 2.0]), offset=1.0, name="r")
    clone = deserialize(serialize(layer))
    assert clone.get_config() == layer.get_config()
    assert layer.get_config()["scale"] == [0.5, 2.0]
    with pytest.raises(ValueError, match="scale="):
        Rescaling("big")


# ---------------------------------------------------------- against Keras
def test_normalization_matches_keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    x = _data((40, 3, 4)).astype("float32")
    for kwargs in ({}, {"axis": None}, {"axis": (1, 2)}, {"axis": -1, "invert": True}):
        ours, theirs = Normalization(**kwargs), keras.layers.Normalization(**kwargs)
        ours.adapt(x)
        theirs.adapt(x)
        np.testing.assert_allclose(ours(x), keras.ops.convert_to_numpy(theirs(x)), rtol=1e-4, atol=1e-5)
        assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
        assert ours.count_params() == theirs.count_params()
        assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
        config = theirs.get_config()
        assert {k: ours.get_config()[k] for k in ("axis", "invert", "mean", "variance")} == \
            {k: config[k] for k in ("axis", "invert", "mean", "variance")}
    # (Keras's adapt on an iterable of batches needs TensorFlow: compared by formula above instead.)


def test_rescaling_matches_keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    x = _data((5, 3)).astype("float32")
    np.testing.assert_allclose(Rescaling(0.1, offset=-2)(x),
                               keras.ops.convert_to_numpy(keras.layers.Rescaling(0.1, offset=-2)(x)),
                               rtol=1e-6)
    config = keras.layers.Rescaling(0.1, offset=-2).get_config()
    assert (config["scale"], config["offset"]) == (0.1, -2)
