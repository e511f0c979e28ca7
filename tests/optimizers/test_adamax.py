import numpy as np
import pytest

from axone.optimizers import Adamax

W0 = np.array([0.5, -1.0, 2.0])
GRADS = np.array([[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.1]])


def adamax_by_formula(lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w, m, u = W0.copy(), np.zeros(3), np.zeros(3)
    for t, g in enumerate(GRADS, start=1):
        m = beta_1 * m + (1 - beta_1) * g
        u = np.maximum(beta_2 * u, np.abs(g))
        w = w - lr * m / ((1 - beta_1**t) * (u + epsilon))
    return w


def test_first_step_moves_each_weight_by_about_lr(run):
    np.testing.assert_allclose(run(Adamax(0.1), grads=GRADS[:1]), W0 - 0.1 * np.sign(GRADS[0]), atol=1e-6)


def test_three_steps(run):
    np.testing.assert_allclose(run(Adamax(0.1)), adamax_by_formula(0.1), rtol=1e-6)
    np.testing.assert_allclose(run(Adamax(0.1, beta_1=0.5, beta_2=0.5)), adamax_by_formula(0.1, 0.5, 0.5), rtol=1e-6)


def test_defaults_and_config_round_trip():
    opt = Adamax()
    assert (opt.learning_rate, opt.beta_1, opt.beta_2, opt.epsilon) == (0.001, 0.9, 0.999, 1e-7)
    config = Adamax(0.01, beta_2=0.9).get_config()
    assert Adamax.from_config(config).get_config() == config


@pytest.mark.parametrize("arg, value", [("beta_1", 1.0), ("beta_2", 1.5), ("epsilon", -1.0)])
def test_bad_arguments(arg, value):
    with pytest.raises(ValueError, match=f"{arg}={value}"):
        Adamax(**{arg: value})
