import numpy as np
import pytest

from axone import optimizers
from axone.optimizers import RMSprop

W0 = np.array([0.5, -1.0, 2.0])
GRADS = np.array([[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.1]])


def rmsprop_by_formula(lr=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    w, v, a, mom = W0.copy(), np.zeros(3), np.zeros(3), np.zeros(3)
    for g in GRADS:
        v = rho * v + (1 - rho) * g**2
        a = rho * a + (1 - rho) * g
        step = lr * g / np.sqrt((v - a**2 if centered else v) + epsilon)
        mom = momentum * mom + step
        w = w - (mom if momentum else step)
    return w


def test_first_step_by_hand(run):
    # v = 0.1 * g**2, so the step is lr * g / sqrt(0.1 * g**2) = lr * sqrt(10) * sign(g)
    np.testing.assert_allclose(run(RMSprop(), grads=GRADS[:1]), W0 - 0.001 * np.sqrt(10) * np.sign(GRADS[0]),
                               rtol=1e-5)


@pytest.mark.parametrize("options", [{}, {"momentum": 0.9}, {"centered": True},
                                     {"centered": True, "momentum": 0.5, "rho": 0.8}])
def test_three_steps(run, options):
    np.testing.assert_allclose(run(RMSprop(0.01, **options)), rmsprop_by_formula(0.01, **options),
                               rtol=1e-5, atol=1e-7)


def test_slots_follow_options():
    assert RMSprop().slot_names == ("velocity",)
    assert RMSprop(momentum=0.9, centered=True).slot_names == ("velocity", "momentum", "average_gradient")


def test_is_the_default_of_compile():
    assert isinstance(optimizers.get("rmsprop"), RMSprop)
    assert isinstance(optimizers.get("RMSprop"), RMSprop)


def test_defaults_and_config_round_trip():
    opt = RMSprop()
    assert (opt.learning_rate, opt.rho, opt.momentum, opt.epsilon, opt.centered) == (0.001, 0.9, 0.0, 1e-7, False)
    config = RMSprop(0.01, rho=0.8, momentum=0.5, centered=True).get_config()
    assert RMSprop.from_config(config).get_config() == config


@pytest.mark.parametrize("arg, value", [("rho", 1.5), ("momentum", -0.5), ("epsilon", -1e-7)])
def test_bad_arguments(arg, value):
    with pytest.raises(ValueError, match=f"{arg}={value}"):
        RMSprop(**{arg: value})
