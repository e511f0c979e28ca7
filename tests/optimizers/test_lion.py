import numpy as np
import pytest

from axone.optimizers import Lion

W0 = np.array([0.5, -1.0, 2.0])
GRADS = np.array([[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.1]])


def test_three_steps_by_hand(run):
    # m1 = 0.01 * g1 = [0.001, -0.002, 0.003]
    # c2 = 0.9 * m1 + 0.1 * g2 = [0.0409, 0.0082, -0.0473]       -> signs [+, +, -]
    # m2 = 0.99 * m1 + 0.01 * g2 = [0.00499, -0.00098, -0.00203]
    # c3 = 0.9 * m2 + 0.1 * g3 = [-0.025509, 0.019118, 0.008173] -> signs [-, +, +]
    expected = W0 - 0.1 * (np.sign(GRADS[0]) + [1, 1, -1] + [-1, 1, 1])
    np.testing.assert_allclose(run(Lion(0.1)), expected, rtol=1e-6)


def test_momentum_update(run):
    opt = Lion(0.1, beta_1=0.5, beta_2=0.5)
    run(opt, grads=GRADS[:2])
    np.testing.assert_allclose(opt.slots["momentum"], 0.25 * GRADS[0] + 0.5 * GRADS[1], rtol=1e-6)


def test_defaults_and_config_round_trip():
    opt = Lion()
    assert (opt.learning_rate, opt.beta_1, opt.beta_2) == (0.001, 0.9, 0.99)
    config = Lion(0.01, beta_1=0.5).get_config()
    assert Lion.from_config(config).get_config() == config


@pytest.mark.parametrize("arg, value", [("beta_1", 0.0), ("beta_2", 1.5)])
def test_bad_arguments(arg, value):
    with pytest.raises(ValueError, match=f"{arg}={value}"):
        Lion(**{arg: value})
