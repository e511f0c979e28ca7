import numpy as np
import pytest

from axone.optimizers import Adagrad

W0 = np.array([0.5, -1.0, 2.0])
GRADS = np.array([[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.1]])


def adagrad_by_formula(lr, initial_accumulator_value=0.1, epsilon=1e-7):
    w, acc = W0.copy(), np.full(3, initial_accumulator_value)
    for g in GRADS:
        acc = acc + g**2
        w = w - lr * g / np.sqrt(acc + epsilon)
    return w


def test_first_step_by_hand(run):
    # first weight: acc = 0.1 + 0.01 = 0.11, step = 0.1 * 0.1 / sqrt(0.11)
    np.testing.assert_allclose(run(Adagrad(0.1), grads=GRADS[:1])[0], 0.5 - 0.01 / np.sqrt(0.11), rtol=1e-6)


@pytest.mark.parametrize("initial", [0.1, 0.0, 2.0])
def test_three_steps(run, initial):
    np.testing.assert_allclose(run(Adagrad(0.1, initial_accumulator_value=initial)),
                               adagrad_by_formula(0.1, initial), rtol=1e-6)


def test_accumulator_starts_at_initial_value():
    opt = Adagrad(initial_accumulator_value=0.5)
    opt.build(4, "float32")
    np.testing.assert_array_equal(opt.slots["accumulator"], [0.5] * 4)


def test_defaults_and_config_round_trip():
    opt = Adagrad()
    assert (opt.learning_rate, opt.initial_accumulator_value, opt.epsilon) == (0.001, 0.1, 1e-7)
    config = Adagrad(0.01, initial_accumulator_value=0.2, epsilon=1e-6).get_config()
    assert Adagrad.from_config(config).get_config() == config


@pytest.mark.parametrize("arg, value", [("initial_accumulator_value", -0.1), ("epsilon", -1.0)])
def test_bad_arguments(arg, value):
    with pytest.raises(ValueError, match=f"{arg}={value}"):
        Adagrad(**{arg: value})
