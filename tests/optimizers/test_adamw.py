import numpy as np
import pytest

from axone.optimizers import AdamW

W0 = np.array([0.5, -1.0, 2.0])
GRADS = np.array([[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.1]])


def adamw_by_formula(grads, lr, weight_decay, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    w, m, v = W0.copy(), np.zeros(3), np.zeros(3)
    for t, g in enumerate(grads, start=1):
        w = w * (1 - weight_decay * lr)  # decoupled: the gradient is not changed
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        w = w - lr * np.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (np.sqrt(v) + epsilon)
    return w


def test_default_weight_decay_is_keras_value(run):
    opt = AdamW()
    assert opt.weight_decay == 0.004 and opt.learning_rate == 0.001
    np.testing.assert_allclose(run(opt), adamw_by_formula(GRADS, 0.001, 0.004), rtol=1e-6)


def test_three_steps_with_strong_decay(run):
    # first step by hand, first weight: 0.5 * (1 - 0.5 * 0.1) - 0.1 * sign(0.1)
    np.testing.assert_allclose(run(AdamW(0.1, weight_decay=0.5), grads=GRADS[:1])[0], 0.375, atol=1e-5)
    np.testing.assert_allclose(run(AdamW(0.1, weight_decay=0.5)), adamw_by_formula(GRADS, 0.1, 0.5), rtol=1e-5)


def test_config_round_trip():
    config = AdamW(0.01, weight_decay=0.1, amsgrad=True).get_config()
    assert config["weight_decay"] == 0.1 and config["amsgrad"] is True
    assert AdamW.from_config(config).get_config() == config


@pytest.mark.parametrize("value", [None, -0.1])
def test_bad_weight_decay(value):
    with pytest.raises(ValueError, match="weight_decay"):
        AdamW(weight_decay=value)
