import numpy as np
import pytest

from axone.optimizers import SGD

W0 = np.array([0.5, -1.0, 2.0])
GRADS = np.array([[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.1]])


def test_plain_step_by_hand(run):
    # w - 0.01 * (g1 + g2 + g3), with g1 + g2 + g3 = [0.2, 0.1, -0.1]
    np.testing.assert_allclose(run(SGD()), [0.498, -1.001, 2.001], rtol=1e-6)


def test_momentum(run):
    w, v = W0.copy(), np.zeros(3)
    for g in GRADS:
        v = 0.9 * v - 0.1 * g
        w = w + v
    np.testing.assert_allclose(run(SGD(0.1, momentum=0.9)), w, rtol=1e-6)
    # second step by hand, first weight: v1 = -0.01, v2 = -0.009 - 0.04 = -0.049
    np.testing.assert_allclose(run(SGD(0.1, momentum=0.9), grads=GRADS[:2])[0], 0.5 - 0.01 - 0.049, rtol=1e-6)


def test_nesterov(run):
    w, v = W0.copy(), np.zeros(3)
    for g in GRADS:
        v = 0.9 * v - 0.1 * g
        w = w + 0.9 * v - 0.1 * g
    np.testing.assert_allclose(run(SGD(0.1, momentum=0.9, nesterov=True)), w, rtol=1e-6)


def test_defaults_and_config_round_trip():
    opt = SGD()
    assert (opt.learning_rate, opt.momentum, opt.nesterov) == (0.01, 0.0, False)
    config = SGD(0.2, momentum=0.5, nesterov=True, name="s").get_config()
    assert SGD.from_config(config).get_config() == config
    assert config["momentum"] == 0.5 and config["nesterov"] is True


@pytest.mark.parametrize("momentum", [-0.1, 1.5, float("nan")])
def test_bad_momentum(momentum):
    with pytest.raises(ValueError, match="momentum"):
        SGD(momentum=momentum)


def test_prescaled_momentum_step_by_hand():
    """The training loop's pre-scaled form: updates = -lr * g, v = 0.9 * v + updates, w += v."""
    optimizer = SGD(0.1, momentum=0.9)
    assert optimizer.prescale_factor() == pytest.approx(-0.1)
    w = W0.copy()
    for g in GRADS[:2]:
        optimizer.apply_prescaled(w, -0.1 * g)
    # first weight: v1 = -0.01, v2 = 0.9 * -0.01 - 0.04 = -0.049
    assert w[0] == pytest.approx(0.5 - 0.01 - 0.049)
    assert optimizer.iterations == 2


def test_nesterov_and_gradient_changes_take_the_ordinary_path():
    assert SGD(momentum=0.9, nesterov=True).prescale_factor() is None
    assert SGD(momentum=0.9, clipnorm=1.0).prescale_factor() is None
    assert SGD(weight_decay=0.01).prescale_factor() is None
    assert SGD().prescaled_momentum() is None
