import numpy as np
import pytest

from axone.optimizers import Nadam

W0 = np.array([0.5, -1.0, 2.0])
GRADS = np.array([[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.1]])


def nadam_by_formula(grads, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w, m, v, product = W0.copy(), np.zeros(3), np.zeros(3), 1.0
    for t, g in enumerate(grads, start=1):
        mu_t = beta_1 * (1 - 0.5 * 0.96**t)
        mu_next = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        product *= mu_t
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        m_hat = mu_next * m / (1 - product * mu_next) + (1 - mu_t) * g / (1 - product)
        v_hat = v / (1 - beta_2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + epsilon)
    return w


def test_first_step_by_hand(run):
    # mu1 = 0.9 * (1 - 0.48) = 0.468, mu2 = 0.9 * (1 - 0.5 * 0.9216) = 0.48528
    # m_hat = g * (0.48528 * 0.1 / (1 - 0.468 * 0.48528) + 0.532 / 0.532), v_hat = g**2
    factor = 0.048528 / (1 - 0.468 * 0.48528) + 1
    np.testing.assert_allclose(run(Nadam(0.01), grads=GRADS[:1]), W0 - 0.01 * factor * np.sign(GRADS[0]), atol=1e-6)


def test_three_steps(run):
    np.testing.assert_allclose(run(Nadam()), nadam_by_formula(GRADS), rtol=1e-6)
    np.testing.assert_allclose(run(Nadam(0.1, beta_1=0.8, beta_2=0.99)),
                               nadam_by_formula(GRADS, 0.1, 0.8, 0.99), rtol=1e-5)


def test_momentum_cache_advances_once_per_step_over_several_ranges(run):
    opt = Nadam(0.1)
    values = run(opt, ranges=[(0, 1), (2, 3)])
    expected = nadam_by_formula(GRADS, 0.1)
    np.testing.assert_allclose(values[[0, 2]], expected[[0, 2]], rtol=1e-5)
    assert values[1] == np.float32(W0[1])
    np.testing.assert_allclose(opt.variables[-1], 0.9**3 * np.prod([1 - 0.5 * 0.96**t for t in (1, 2, 3)]), rtol=1e-6)


def test_defaults_and_config_round_trip():
    opt = Nadam()
    assert (opt.learning_rate, opt.beta_1, opt.beta_2, opt.epsilon) == (0.001, 0.9, 0.999, 1e-7)
    config = Nadam(0.01, beta_1=0.8).get_config()
    assert Nadam.from_config(config).get_config() == config


@pytest.mark.parametrize("arg, value", [("beta_1", 1.0), ("beta_2", 2.0), ("epsilon", -1.0)])
def test_bad_arguments(arg, value):
    with pytest.raises(ValueError, match=f"{arg}={value}"):
        Nadam(**{arg: value})
