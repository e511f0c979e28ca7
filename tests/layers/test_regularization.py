import numpy as np
import pytest

import axone
from axone import backend
from axone.layers import (Dense, Dropout, GaussianDropout, GaussianNoise, deserialize,
                          serialize)
from axone.testing import check_layer_gradients


def _reseeded(layer, seed=3):
    """A `before_forward` that restarts the layer's generator: every pass draws the same noise."""
    def reseed():
        layer._generator = backend.random_generator(seed)
    return reseed


# ------------------------------------------------------------------ gradients
@pytest.mark.parametrize("noise_shape", [None, (None, 1, 4)])
def test_dropout_gradients_with_a_fixed_mask(noise_shape):
    layer = Dropout(0.4, noise_shape=noise_shape, dtype="float64")
    check_layer_gradients(layer, input_shape=(5, 3, 4), before_forward=_reseeded(layer))


def test_gaussian_noise_and_dropout_gradients():
    for layer in (GaussianNoise(0.5, dtype="float64"), GaussianDropout(0.3, dtype="float64")):
        check_layer_gradients(layer, input_shape=(5, 4), before_forward=_reseeded(layer))


def test_dropout_backward_uses_the_forward_mask():
    layer = Dropout(0.5, seed=0)
    x = np.ones((10, 20), dtype="float32")
    y = layer(x, training=True)
    grad = layer.backward(np.ones_like(x))
    np.testing.assert_array_equal(grad, y)  # both are mask / (1 - rate)


# ---------------------------------------------------------------- statistics
def test_dropout_keeps_one_minus_rate_and_preserves_the_expectation():
    rate = 0.3
    x = np.full((1000, 100), 2.0, dtype="float32")
    y = Dropout(rate, seed=0)(x, training=True)
    kept = y != 0
    assert abs(kept.mean() - (1 - rate)) < 0.01  # 100,000 draws: the std of the fraction is 0.0015
    np.testing.assert_allclose(y[kept], 2.0 / (1 - rate), rtol=1e-6)  # kept units are scaled up
    assert abs(y.mean() - 2.0) < 0.03
    assert y.dtype == np.float32


def test_dropout_is_the_identity_at_inference():
    layer = Dropout(0.5)
    x = np.random.default_rng(0).standard_normal((4, 3)).astype("float32")
    np.testing.assert_array_equal(layer(x), x)
    np.testing.assert_array_equal(layer(x, training=False), x)
    np.testing.assert_array_equal(Dropout(0.0)(x, training=True), x)


def test_dropout_noise_shape_shares_the_mask_along_size_one_axes():
    y = Dropout(0.5, noise_shape=(None, 1, 6), seed=1)(np.ones((8, 5, 6)), training=True)
    assert (y == y[:, :1, :]).all()
    assert 0 < (y == 0).mean() < 1


def test_seeded_dropout_repeats_on_its_own_and_draws_new_masks_each_call():
    x = np.ones((6, 50))
    a, b = Dropout(0.5, seed=7), Dropout(0.5, seed=7)
    first_a, second_a = a(x, training=True), a(x, training=True)
    np.testing.assert_array_equal(first_a, b(x, training=True))
    np.testing.assert_array_equal(second_a, b(x, training=True))
    assert not np.array_equal(first_a, second_a)


def test_global_seed_makes_unseeded_dropout_repeatable():
    x = np.ones((6, 50))
    axone.utils.set_random_seed(42)
    first = Dropout(0.5)(x, training=True)
    axone.utils.set_random_seed(42)
    second = Dropout(0.5)(x, training=True)
    np.testing.assert_array_equal(first, second)


def test_training_with_dropout_is_repeatable_after_set_random_seed():
    x = np.random.default_rng(0).standard_normal((32, 4))
    y = x.sum(axis=1, keepdims=True)

    def train():
        axone.utils.set_random_seed(5)
        model = axone.Sequential([axone.Input(shape=(4,)), Dense(8, activation="tanh"),
                                  Dropout(0.5), Dense(1)])
        model.compile(loss="mse", optimizer="sgd")
        model.fit(x, y, epochs=2, batch_size=8, verbose=0)
        return model.get_weights()

    for w1, w2 in zip(train(), train()):
        np.testing.assert_array_equal(w1, w2)


def test_gaussian_layers_perturb_only_in_training():
    x = np.zeros((2000, 50), dtype="float32")
    noisy = GaussianNoise(0.5, seed=0)(x, training=True)
    assert abs(noisy.std() - 0.5) < 0.01 and abs(noisy.mean()) < 0.01
    scaled = GaussianDropout(0.2, seed=0)(x + 1, training=True)
    assert abs(scaled.mean() - 1) < 0.01 and abs(scaled.std() - 0.5) < 0.01  # sqrt(.2 / .8)
    for layer in (GaussianNoise(0.5), GaussianDropout(0.2)):
        np.testing.assert_array_equal(layer(x + 1), x + 1)


# ------------------------------------------------------------------ arguments
@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5, "0.5", None])
def test_dropout_rejects_rates_outside_zero_one(rate):
    with pytest.raises(ValueError, match=f"rate={rate!r}"):
        Dropout(rate)


def test_gaussian_layers_validate_their_arguments():
    with pytest.raises(ValueError, match="stddev=2"):
        GaussianNoise(2)
    GaussianNoise(1.0)  # Keras accepts stddev up to 1 included
    with pytest.raises(ValueError, match="rate=1"):
        GaussianDropout(1)


@pytest.mark.parametrize("noise_shape", ["abc", (0, 3), (2.5, None), 7])
def test_dropout_rejects_bad_noise_shape(noise_shape):
    with pytest.raises(ValueError, match="noise_shape"):
        Dropout(0.5, noise_shape=noise_shape)


def test_dropout_noise_shape_must_broadcast_to_the_input():
    with pytest.raises(ValueError, match=r"noise_shape=\(None, 2\).*\(4, 3\)"):
        Dropout(0.5, noise_shape=(None, 2))(np.ones((4, 3)), training=True)


def test_dropout_seed_must_be_an_int():
    with pytest.raises(TypeError, match="seed"):
        Dropout(0.5, seed="7")


# --------------------------------------------------------------------- config
def test_dropout_config_round_trip_gives_the_same_masks():
    layer = Dropout(0.25, noise_shape=(None, 3), seed=11, name="drop")
    clone = deserialize(serialize(layer))
    assert isinstance(clone, Dropout)
    assert clone.get_config() == layer.get_config()
    assert (clone.rate, clone.noise_shape, clone.seed, clone.name) == (0.25, (None, 3), 11, "drop")
    x = np.ones((4, 3))
    np.testing.assert_array_equal(clone(x, training=True), layer(x, training=True))


def test_gaussian_layers_config_round_trip():
    for layer in (GaussianNoise(0.1, seed=2), GaussianDropout(0.4, seed=3)):
        clone = deserialize(serialize(layer))
        assert type(clone) is type(layer) and clone.get_config() == layer.get_config()
