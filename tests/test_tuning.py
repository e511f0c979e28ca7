"""`axone.tuning.find_learning_rate`: the course's exponential sweep, the smoothed curve and its
suggestion, early stop on explosion, and the model left exactly as it was."""

import math

import matplotlib
import numpy as np
import pytest

import axone as keras
from axone.tuning import find_learning_rate

matplotlib.use("Agg")


def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 4)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5], [0.0]]) + 0.1).astype("float32")


def model_with(optimizer):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dropout(0.1), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def test_the_rates_grow_as_the_course_says():
    x, y = data()
    result = find_learning_rate(model_with("sgd"), x, y, steps=50, stop_factor=math.inf, seed=0)
    assert len(result.lrs) == 50 and result.lrs[0] == pytest.approx(1e-5)
    np.testing.assert_allclose(result.lrs[1:] / result.lrs[:-1], math.exp(math.log(1e5) / 50), rtol=1e-9)
    assert len(result.losses) == len(result.smoothed_losses) == 50


def test_smoothing_is_a_bias_corrected_moving_average():
    x, y = data()
    result = find_learning_rate(model_with("sgd"), x, y, steps=20, beta=0.9, stop_factor=math.inf, seed=0)
    average, expected = 0.0, []
    for i, loss in enumerate(result.losses):
        average = 0.9 * average + 0.1 * loss
        expected.append(average / (1 - 0.9 ** (i + 1)))
    np.testing.assert_allclose(result.smoothed_losses, expected, rtol=1e-12)
    assert result.smoothed_losses[0] == result.losses[0]


def test_the_raw_losses_are_the_batches_losses_before_each_step():
    x, y = data()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    first = model.evaluate(x[:32], y[:32], verbose=0)
    result = find_learning_rate(model, x[:32], y[:32], steps=3, batch_size=32, shuffle=False,
                                stop_factor=math.inf)
    assert result.losses[0] == pytest.approx(first, rel=1e-6)  # from the model's own weights
    assert result.losses[1] < result.losses[0]  # after one (tiny) step


def test_stops_early_when_the_loss_explodes_and_suggests_a_rate_before_it():
    x, y = data()
    result = find_learning_rate(model_with(keras.optimizers.SGD()), x, y, min_lr=1e-4, max_lr=10.0,
                                steps=300, seed=0)
    assert result.stopped_early and len(result.lrs) < 300
    assert not (result.smoothed_losses[-1] <= 4 * np.nanmin(result.smoothed_losses))
    assert result.lrs[0] < result.suggested_lr < result.lrs[-1]
    # the suggestion is where the smoothed curve falls fastest, before its minimum
    stop = int(np.nanargmin(result.smoothed_losses)) + 1
    slopes = np.gradient(result.smoothed_losses[:stop], np.log(result.lrs[:stop]))
    assert result.suggested_lr == result.lrs[int(np.argmin(slopes))]


@pytest.mark.parametrize("optimizer", [lambda: keras.optimizers.SGD(0.01, momentum=0.9),
                                       lambda: keras.optimizers.Adam(1e-3)], ids=["sgd", "adam"])
def test_leaves_weights_and_optimizer_state_exactly_as_they_were(optimizer):
    x, y = data()
    model = model_with(optimizer())
    model.fit(x, y, epochs=1, verbose=0)  # a model part-way through training
    weights = model.get_weights()
    state = {"iterations": model.optimizer.iterations,
             "learning_rate": float(model.optimizer.learning_rate),
             **{name: slot.copy() for name, slot in model.optimizer.slots.items()}}
    dropout = model.layers[1]._generator.bit_generator.state
    find_learning_rate(model, x, y, steps=40, seed=0)
    for got, want in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
    assert model.optimizer.iterations == state["iterations"]
    assert float(model.optimizer.learning_rate) == state["learning_rate"]
    for name, slot in model.optimizer.slots.items():
        np.testing.assert_array_equal(slot, state[name])
    assert model.layers[1]._generator.bit_generator.state == dropout
    # and training goes on as if the search had not happened
    twin = model_with(optimizer())
    twin.fit(x, y, epochs=1, verbose=0)
    np.random.seed(5); model.fit(x, y, epochs=1, verbose=0, shuffle=False)
    np.random.seed(5); twin.fit(x, y, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_an_unbuilt_model_is_left_as_a_fresh_build():
    x, y = data()

    def unbuilt():
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(1)])  # no input shape yet
        model.compile(optimizer="adam", loss="mse")
        return model

    model = unbuilt()
    find_learning_rate(model, x, y, steps=10, seed=0)
    twin = unbuilt()
    twin.predict(x[:1], verbose=0)  # builds it from the same seed
    for a, b in zip(model.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.optimizer.iterations == 0
    assert all(not slot.any() for slot in model.optimizer.slots.values())


def test_plot_renders(tmp_path):
    x, y = data()
    result = find_learning_rate(model_with("sgd"), x, y, steps=30, seed=0)
    ax = result.plot()
    ax.figure.savefig(tmp_path / "lr.png")
    assert (tmp_path / "lr.png").stat().st_size > 1000
    assert ax.get_xscale() == "log"


def test_bad_arguments():
    x, y = data()
    with pytest.raises(ValueError, match="0 < min_lr < max_lr. Received: min_lr=1.0, max_lr=0.1"):
        find_learning_rate(model_with("sgd"), x, y, min_lr=1.0, max_lr=0.1)
    uncompiled = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="compiled model"):
        find_learning_rate(uncompiled, x, y)
