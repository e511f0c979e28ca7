"""Several steps with random gradients in Keras 3 and in axone give the same weights."""

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # raised inside Keras and torch

from axone import optimizers  # noqa: E402
from axone.optimizers import schedules  # noqa: E402

SHAPES = [(3, 4), (4,), (5,)]
CASES = [
    ("SGD", {}), ("SGD", {"momentum": 0.9}), ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("Adam", {}), ("Adam", {"amsgrad": True}), ("AdamW", {}),
    ("RMSprop", {}), ("RMSprop", {"momentum": 0.9}), ("RMSprop", {"centered": True, "momentum": 0.5}),
    ("Adagrad", {"initial_accumulator_value": 0.5}), ("Nadam", {}), ("Adamax", {}),
    ("Adadelta", {"learning_rate": 1.0}), ("Lion", {}),
]
BASE_OPTIONS = [{"learning_rate": 0.05}, {"clipnorm": 1.0}, {"global_clipnorm": 1.0}, {"clipvalue": 0.5},
                {"weight_decay": 0.1, "learning_rate": 0.05}]


def run_both(name, options, steps=6, seed=0):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=s).astype("float32") for s in SHAPES]
    grads = [[3 * rng.normal(size=s).astype("float32") for s in SHAPES] for _ in range(steps)]
    variables = [keras.Variable(w) for w in weights]
    keras_opt = getattr(keras.optimizers, name)(**options)
    for step in grads:
        keras_opt.apply([keras.ops.convert_to_tensor(g) for g in step], variables)
    ours = getattr(optimizers, name)(**options)
    values = np.concatenate([w.ravel() for w in weights])
    offsets = np.cumsum([0] + [w.size for w in weights])
    for step in grads:
        ours.apply(values, np.concatenate([g.ravel() for g in step]), None, offsets)
    expected = np.concatenate([keras.ops.convert_to_numpy(v).ravel() for v in variables])
    return values, expected


@pytest.mark.parametrize("name, options", CASES + [("Adam", o) for o in BASE_OPTIONS]
                         + [("RMSprop", o) for o in BASE_OPTIONS] + [("Nadam", o) for o in BASE_OPTIONS])
def test_same_weights_as_keras(name, options):
    values, expected = run_both(name, options)
    np.testing.assert_allclose(values, expected, rtol=1e-5, atol=1e-6)


def test_same_weights_as_keras_with_a_schedule():
    config = {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5}
    ours, theirs = schedules.ExponentialDecay(**config), keras.optimizers.schedules.ExponentialDecay(**config)
    rng = np.random.default_rng(1)
    weights = rng.normal(size=5).astype("float32")
    variable, values = keras.Variable(weights), weights.copy()
    keras_opt, opt = keras.optimizers.SGD(theirs, weight_decay=0.1), optimizers.SGD(ours, weight_decay=0.1)
    for _ in range(4):
        grad = rng.normal(size=5).astype("float32")
        keras_opt.apply([keras.ops.convert_to_tensor(grad)], [variable])
        opt.apply(values, grad.copy())
    np.testing.assert_allclose(values, keras.ops.convert_to_numpy(variable), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name, config", [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": True}),
    ("PiecewiseConstantDecay", {"boundaries": [10, 20], "values": [1.0, 0.5, 0.1]}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "end_learning_rate": 0.01,
                         "power": 2.0, "cycle": True}),
    ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 10, "alpha": 0.1, "warmup_target": 0.2,
                     "warmup_steps": 5}),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 4, "t_mul": 3.0, "m_mul": 0.9}),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 3, "t_mul": 1.0, "alpha": 0.1}),
])
def test_schedules_match_keras(name, config):
    ours, theirs = getattr(schedules, name)(**config), getattr(keras.optimizers.schedules, name)(**config)
    expected = [float(keras.ops.convert_to_numpy(theirs(step))) for step in range(120)]
    np.testing.assert_allclose([ours(step) for step in range(120)], expected, rtol=1e-5, atol=1e-7)
    assert schedules.serialize(ours)["config"] == keras.optimizers.schedules.serialize(theirs)["config"]


@pytest.mark.parametrize("name", [name for name, _ in CASES])
def test_same_defaults_and_config_keys_as_keras(name):
    ours, theirs = getattr(optimizers, name)().get_config(), getattr(keras.optimizers, name)().get_config()
    assert list(ours) == list(theirs)
    ours.pop("name"), theirs.pop("name")
    assert ours == pytest.approx(theirs)
