"""Adamax: Adam with the infinity norm."""

from __future__ import annotations

from axone.backend import xp

from axone.optimizers.base import Optimizer, check_range


class Adamax(Optimizer):
    """Adamax, Keras 3's update rule.

    At step `t` (`iterations + 1`):

        m = beta_1 * m + (1 - beta_1) * g
        u = max(beta_2 * u, |g|)
        w = w - learning_rate * m / ((1 - beta_1**t) * (u + epsilon))

    Args:
        learning_rate: defaults to `0.001`.
        beta_1: in `[0, 1)`. Defaults to `0.9`.
        beta_2: decay of the norm, in `[0, 1]`. Defaults to `0.999`.
        epsilon: added to `u`. Defaults to `1e-7`.
        **kwargs: the base `Optimizer` arguments (`weight_decay`, clipping, `name`).
    """

    slot_names = ("momentum", "norm")
    work_names = ("work",)

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        check_range("beta_1", beta_1, 0.0, 1.0, high_open=True)
        check_range("beta_2", beta_2, 0.0, 1.0)
        check_range("epsilon", epsilon, 0, xp.inf)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)

    def update_step(self, grad, value, lr, slots):
        m, u = slots["momentum"], slots["norm"]
        m *= self.beta_1
        m += xp.multiply(grad, 1 - self.beta_1, out=slots["work"])
        u *= self.beta_2
        xp.abs(grad, out=grad)
        xp.maximum(u, grad, out=u)
        xp.add(u, self.epsilon, out=grad)  # grad is now the denominator
        grad *= 1 - value.dtype.type(self.beta_1) ** (self.iterations + 1)  # in float32, as Keras
        xp.divide(m, grad, out=grad)
        grad *= lr
        value -= grad

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
