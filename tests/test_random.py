import os

import numpy as np
import pytest

import axone
from axone import random


def test_int_seed_repeats_and_seed_generator_advances():
    np.testing.assert_array_equal(random.normal((3, 4), seed=7), random.normal((3, 4), seed=7))
    generator = random.SeedGenerator(42)
    first, second = random.uniform((5,), seed=generator), random.uniform((5,), seed=generator)
    assert not np.array_equal(first, second)
    again = random.SeedGenerator(42)
    np.testing.assert_array_equal(random.uniform((5,), seed=again), first)
    np.testing.assert_array_equal(random.uniform((5,), seed=again), second)


def test_unseeded_draws_follow_set_random_seed():
    def draws():
        axone.utils.set_random_seed(3)
        generator = random.SeedGenerator()
        return [random.normal((4,)), random.dropout(np.ones(8), 0.5), random.normal((2,), seed=generator)]

    for a, b in zip(draws(), draws()):
        np.testing.assert_array_equal(a, b)


def test_distributions():
    x = random.normal((20000,), mean=2.0, stddev=3.0, seed=0)
    assert x.dtype == np.float32
    assert abs(x.mean() - 2.0) < 0.1 and abs(x.std() - 3.0) < 0.1
    u = random.uniform((20000,), minval=-1.0, maxval=3.0, dtype="float64", seed=0)
    assert u.dtype == np.float64 and u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.05
    t = random.truncated_normal((20000,), mean=1.0, stddev=0.5, seed=0)
    assert np.abs(t - 1.0).max() <= 1.0 and 0.4 < t.std() < 0.45  # cut at two stddevs
    r = random.randint((1000,), 3, 6, seed=0)
    assert r.dtype == np.int32 and set(np.unique(r)) == {3, 4, 5}
    c = random.categorical(np.log([[0.2, 0.8], [0.99, 0.01]]), 4000, seed=0)
    assert c.shape == (2, 4000) and abs(c[0].mean() - 0.8) < 0.03 and c[1].mean() < 0.03


def test_dropout_zeroes_a_fraction_and_scales_the_rest():
    x = np.ones((200, 50), dtype="float32")
    y = random.dropout(x, 0.3, seed=1)
    assert y.dtype == np.float32
    assert abs((y == 0).mean() - 0.3) < 0.02
    np.testing.assert_allclose(y[y != 0], 1 / 0.7, rtol=1e-6)
    shared = random.dropout(np.ones((4, 3, 5)), 0.5, noise_shape=(None, 1, 5), seed=2)
    assert (shared == shared[:, :1, :]).all()  # one mask for every step of axis 1


def test_shuffle_permutes_along_an_axis():
    x = np.arange(12).reshape(3, 4)
    y = random.shuffle(x, axis=1, seed=0)
    np.testing.assert_array_equal(np.sort(y, axis=1), x)
    assert (y[1] - y[0] == 4).all()  # the same permutation for every row


def test_errors():
    with pytest.raises(ValueError, match="integer or an instance of `SeedGenerator`. Received: seed='a'"):
        random.normal((2,), seed="a")
    with pytest.raises(ValueError, match="seed=1.5"):
        random.SeedGenerator(1.5)
    with pytest.raises(ValueError, match="concrete shape"):
        random.normal((None, 3))
    with pytest.raises(ValueError, match="floating point `dtype`"):
        random.uniform((2,), dtype="int32")
    with pytest.raises(ValueError, match="rate=1"):
        random.dropout(np.ones(3), 1)


def test_signatures_match_keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    import inspect

    for name in random.__all__:
        ours, theirs = getattr(random, name), getattr(keras.random, name)
        if name == "SeedGenerator":
            ours, theirs = ours.__init__, theirs.__init__
        assert list(inspect.signature(ours).parameters) == list(inspect.signature(theirs).parameters), name


# ------------------------------------------------------------- inside a model
class _NoisyDropout(axone.layers.Layer):
    """A custom layer as Keras users write one: noise from a SeedGenerator, in training only."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed_generator = random.SeedGenerator(7)

    def call(self, x, training=None):
        if training:
            x = random.dropout(x, self.rate, seed=self.seed_generator)
            x = x + random.normal(axone.ops.shape(x), stddev=0.01, seed=self.seed_generator)
        return x


def _noisy_model():
    axone.utils.set_random_seed(1)
    model = axone.Sequential([axone.Input(shape=(4,)), axone.layers.Dense(8), _NoisyDropout(0.5),
                              axone.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    return model


def test_a_traced_layer_draws_fresh_noise_at_every_step_and_none_in_predict():
    model = _noisy_model()
    layer = model.layers[1]
    x = np.ones((3, 8), dtype="float32")
    first, second = layer(x, training=True), layer(x, training=True)
    assert not np.array_equal(first, second)
    assert 0 < (np.abs(first) < 0.1).sum() < first.size  # some entries dropped, not all
    np.testing.assert_array_equal(layer(x), x)  # inference: the identity
    data = np.random.default_rng(0).standard_normal((32, 4)).astype("float32")
    predictions = model.predict(data, verbose=0)
    np.testing.assert_array_equal(predictions, model.predict(data, verbose=0))


def test_training_with_random_ops_is_reproducible():
    def run():
        model = _noisy_model()
        rng = np.random.default_rng(0)
        x = rng.standard_normal((64, 4)).astype("float32")
        history = model.fit(x, x.sum(axis=1), epochs=3, batch_size=16, verbose=0)
        return model.get_weights(), history.history["loss"]

    (weights, losses), (weights_again, losses_again) = run(), run()
    assert losses == losses_again and losses[-1] < losses[0]
    for a, b in zip(weights, weights_again):
        np.testing.assert_array_equal(a, b)


def test_dropout_gradient_flows_through_the_kept_entries():
    x = np.random.default_rng(0).standard_normal((5, 6))
    projection = np.random.default_rng(1).standard_normal((5, 6))
    with axone.GradientTape() as tape:
        tape.watch(x)
        y = random.dropout(x, 0.4, seed=3)
        loss = axone.ops.sum(y * projection)
    kept = random.dropout(np.ones_like(x), 0.4, seed=3)  # the same seed draws the same mask
    np.testing.assert_allclose(y, x * kept)
    np.testing.assert_allclose(tape.gradient(loss, x), projection * kept)


def test_dropout_in_the_functional_api_is_a_graph_step():
    inputs = axone.Input(shape=(6,))
    dropped = random.dropout(inputs, 0.5, seed=random.SeedGenerator(0))
    outputs = axone.layers.Dense(1, kernel_initializer="ones")(dropped)
    model = axone.Model(inputs, outputs)
    x = np.ones((200, 6), dtype="float32")
    a, b = model.predict(x, verbose=0), model.predict(x, verbose=0)
    assert not np.array_equal(a, b)
    assert abs(a.mean() - 6.0) < 0.5  # scaled by 1 / (1 - rate): the mean is kept


def test_a_fixed_shape_inside_a_traced_call_raises():
    class Fixed(axone.layers.Layer):
        def call(self, x):
            return x + random.normal((3,))

    with pytest.raises(ValueError, match=r"same values at every step.*ops\.shape\(x\)"):
        axone.Sequential([axone.Input(shape=(3,)), Fixed()])
