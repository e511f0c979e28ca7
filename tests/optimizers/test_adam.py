import numpy as np
import pytest

from axone.optimizers import Adam

W0 = np.array([0.5, -1.0, 2.0])
GRADS = np.array([[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.1]])


def adam_by_formula(grads, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, w=W0):
    w, m, v, v_max = w.copy(), np.zeros(3), np.zeros(3), np.zeros(3)
    for t, g in enumerate(grads, start=1):
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        v_max = np.maximum(v_max, v)
        alpha = lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w = w - alpha * m / (np.sqrt(v_max if amsgrad else v) + epsilon)
    return w


def test_first_step_moves_each_weight_by_about_lr(run):
    # m_hat / sqrt(v_hat) = g / |g| on the first step
    np.testing.assert_allclose(run(Adam(), grads=GRADS[:1]), W0 - 0.001 * np.sign(GRADS[0]), atol=1e-6)


def test_three_steps(run):
    np.testing.assert_allclose(run(Adam()), adam_by_formula(GRADS), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(run(Adam(0.1, beta_1=0.8, beta_2=0.99, epsilon=1e-3)),
                               adam_by_formula(GRADS, 0.1, 0.8, 0.99, 1e-3), rtol=1e-5, atol=1e-6)


def test_amsgrad_uses_the_largest_second_moment(run):
    grads = np.array([[1.0, -2.0, 3.0], [0.01, 0.01, -0.01], [0.02, -0.01, 0.01]])
    expected = adam_by_formula(grads, 0.1, beta_2=0.5, amsgrad=True)
    assert not np.allclose(expected, adam_by_formula(grads, 0.1, beta_2=0.5), atol=1e-2)
    opt = Adam(0.1, beta_2=0.5, amsgrad=True)
    np.testing.assert_allclose(run(opt, grads=grads), expected, rtol=1e-5, atol=1e-6)
    assert set(opt.slots) == {"momentum", "velocity", "velocity_hat"}


def test_defaults_and_config_round_trip():
    opt = Adam()
    assert (opt.learning_rate, opt.beta_1, opt.beta_2, opt.epsilon, opt.amsgrad) == (0.001, 0.9, 0.999, 1e-7, False)
    config = Adam(0.01, beta_1=0.8, amsgrad=True, clipnorm=1.0).get_config()
    assert Adam.from_config(config).get_config() == config


@pytest.mark.parametrize("arg, value", [("beta_1", 1.0), ("beta_2", -0.1), ("epsilon", -1.0)])
def test_bad_arguments(arg, value):
    with pytest.raises(ValueError, match=f"{arg}={value}"):
        Adam(**{arg: value})
