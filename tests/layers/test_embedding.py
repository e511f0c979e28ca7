import os

import numpy as np
import pytest

import axone
from axone import layers
from axone.layers import Embedding, deserialize, serialize
from axone.testing import numerical_gradient


def _built(input_dim=5, output_dim=3):
    layer = Embedding(input_dim, output_dim, dtype="float64")
    layer._maybe_build((None, 4))
    layer.embeddings.assign(np.random.default_rng(0).standard_normal((input_dim, output_dim)))
    return layer


def test_lookup_values_shapes_and_weights():
    layer = _built()
    ids = np.array([[0, 4, 4, 1], [2, 2, 3, 0]])
    out = layer(ids)
    assert out.shape == (2, 4, 3) and out.dtype == np.float64
    np.testing.assert_array_equal(out, layer.embeddings.value[ids])
    assert [w.name for w in layer.trainable_weights] == ["embeddings"]
    assert layer.count_params() == 15
    assert layer.compute_output_shape((None, 4)) == (None, 4, 3)
    np.testing.assert_array_equal(layer(ids.astype("float32")), out)  # whole floats are cast, as in Keras


def test_gradient_is_a_scatter_add_into_the_rows_looked_up():
    layer = _built()
    ids = np.array([[0, 4, 4, 1], [2, 4, 3, 0]])  # id 4 three times, id 0 twice
    projection = np.random.default_rng(1).standard_normal((2, 4, 3))
    layer.forward(ids, training=True)
    assert layer.backward(projection) is None  # the ids get no gradient
    analytic = layer.embeddings.grad.copy()
    numeric = numerical_gradient(lambda: float(np.sum(layer.forward(ids) * projection)), layer.embeddings.value)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(analytic[4], projection[0, 1] + projection[0, 2] + projection[1, 1])


def test_integer_input_trains_in_a_functional_model():
    axone.utils.set_random_seed(0)
    category = axone.Input(shape=(1,), dtype="int32")
    numeric = axone.Input(shape=(2,))
    embedded = layers.Flatten()(Embedding(input_dim=4, output_dim=2)(category))
    output = layers.Dense(1)(layers.concatenate([embedded, numeric]))
    model = axone.Model([category, numeric], output)
    model.compile(loss="mse", optimizer=axone.optimizers.SGD(learning_rate=0.1))
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 4, (256, 1))
    x = rng.standard_normal((256, 2))
    y = np.array([-2.0, 0.0, 1.0, 3.0])[ids[:, 0]] + x[:, 0]
    history = model.fit([ids, x], y, epochs=30, verbose=0)
    assert history.history["loss"][-1] < 0.01 * history.history["loss"][0]
    xs = model._prepare_x([ids, x])
    assert xs[0].dtype == np.int32  # ids never pass through floats
    # Large ids stay exact (float32 would round 2**24 + 1 to 2**24).
    model = axone.Sequential([axone.Input(shape=(1,), dtype="int64"), Embedding(3, 1)])
    assert model._prepare_x(np.array([[2**24 + 1]]))[0][0, 0] == 2**24 + 1


def test_generator_batches_keep_integer_ids():
    model = axone.Sequential([axone.Input(shape=(3,), dtype="int32"), Embedding(10, 2), layers.Flatten(),
                              layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    batches = ((np.full((4, 3), i % 10), np.zeros(4)) for i in range(6))
    model.fit(batches, epochs=1, steps_per_epoch=6, verbose=0)


def test_errors():
    with pytest.raises(ValueError, match="input_dim=0"):
        Embedding(0, 3)
    with pytest.raises(ValueError, match="output_dim=2.5"):
        Embedding(3, 2.5)
    with pytest.raises(NotImplementedError, match=r"mask_zero=True is not supported \(axone layers carry no "
                       r"masks.*pass mask_zero=False"):
        Embedding(3, 2, mask_zero=True)
    layer = Embedding(3, 2, name="emb")
    with pytest.raises(ValueError, match=r"'emb': ids must be in \[0, input_dim=3\). Received ids from 0 to 3"):
        layer(np.array([[0, 3]]))
    with pytest.raises(ValueError, match="non-integer"):
        layer(np.array([[0.5]]))
    model = axone.Sequential([axone.Input(shape=(1,), dtype="int32"), Embedding(3, 2)])
    with pytest.raises(ValueError, match=r"declared int32.*0.5"):
        model.predict(np.array([[0.5]]), verbose=0)


def test_initial_weights_and_config_round_trip():
    table = np.arange(6.0).reshape(3, 2)
    layer = Embedding(3, 2, weights=table, name="e", embeddings_initializer="zeros")
    np.testing.assert_array_equal(layer.get_weights()[0], table)
    clone = deserialize(serialize(layer))
    assert clone.get_config() == layer.get_config()
    assert clone.get_config()["embeddings_initializer"]["class_name"] == "Zeros"
    with pytest.warns(UserWarning, match="input_length"):
        Embedding(3, 2, input_length=5)


def test_matches_keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    ours, theirs = Embedding(6, 3), keras.layers.Embedding(6, 3)
    ids = np.array([[1, 5], [0, 0]])
    theirs(ids)
    ours(ids)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(ids), keras.ops.convert_to_numpy(theirs(ids)))
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert set(ours.get_config()) == set(theirs.get_config())
    assert theirs.get_config()["embeddings_initializer"]["class_name"] == \
        ours.get_config()["embeddings_initializer"]["class_name"]
    assert tuple(keras.layers.Embedding(6, 3)(keras.Input((4,), dtype="int32")).shape) == \
        Embedding(6, 3)(axone.Input((4,), dtype="int32")).shape
