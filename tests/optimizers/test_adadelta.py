import numpy as np
import pytest

from axone.optimizers import Adadelta

W0 = np.array([0.5, -1.0, 2.0])
GRADS = np.array([[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.1]])


def adadelta_by_formula(lr, rho=0.95, epsilon=1e-7):
    w, acc_g, acc_d = W0.copy(), np.zeros(3), np.zeros(3)
    for g in GRADS:
        acc_g = rho * acc_g + (1 - rho) * g**2
        delta = -np.sqrt(acc_d + epsilon) * g / np.sqrt(acc_g + epsilon)
        acc_d = rho * acc_d + (1 - rho) * delta**2
        w = w + lr * delta
    return w


def test_first_step_by_hand(run):
    # first weight: acc_g = 0.05 * 0.01, delta = -sqrt(1e-7) * 0.1 / sqrt(5e-4 + 1e-7)
    delta = -np.sqrt(1e-7) * 0.1 / np.sqrt(5e-4 + 1e-7)
    np.testing.assert_allclose(run(Adadelta(1.0), grads=GRADS[:1])[0], 0.5 + delta, rtol=1e-6)


@pytest.mark.parametrize("rho", [0.95, 0.5])
def test_three_steps(run, rho):
    np.testing.assert_allclose(run(Adadelta(1.0, rho=rho, epsilon=1e-3)), adadelta_by_formula(1.0, rho, 1e-3),
                               rtol=1e-6)


def test_defaults_and_config_round_trip():
    opt = Adadelta()
    assert (opt.learning_rate, opt.rho, opt.epsilon) == (0.001, 0.95, 1e-7)
    config = Adadelta(1.0, rho=0.9).get_config()
    assert Adadelta.from_config(config).get_config() == config


@pytest.mark.parametrize("arg, value", [("rho", 1.5), ("epsilon", -1.0)])
def test_bad_arguments(arg, value):
    with pytest.raises(ValueError, match=f"{arg}={value}"):
        Adadelta(**{arg: value})
