"""Lion: the sign of an interpolated momentum."""

from __future__ import annotations

from axone.backend import xp

from axone.optimizers.base import Optimizer, check_range


class Lion(Optimizer):
    """Lion, Keras 3's update rule.

        w = w - learning_rate * sign(beta_1 * m + (1 - beta_1) * g)
        m = beta_2 * m + (1 - beta_2) * g

    Use a learning rate 3-10x smaller than for Adam (each step moves every
    weight by exactly `learning_rate`).

    Args:
        learning_rate: defaults to `0.001`.
        beta_1: in `(0, 1]`. Defaults to `0.9`.
        beta_2: in `[0, 1]`. Defaults to `0.99`.
        **kwargs: the base `Optimizer` arguments (`weight_decay`, clipping, `name`).
    """

    slot_names = ("momentum",)
    work_names = ("work", "work_2")

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.99, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        check_range("beta_1", beta_1, 0.0, 1.0, low_open=True)
        check_range("beta_2", beta_2, 0.0, 1.0)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)

    def update_step(self, grad, value, lr, slots):
        m = slots["momentum"]
        step = xp.multiply(m, self.beta_1, out=slots["work"])  # m is still needed below
        step += xp.multiply(grad, 1 - self.beta_1, out=slots["work_2"])
        m *= self.beta_2
        grad *= 1 - self.beta_2
        m += grad
        # xp.sign into another array: in place (out=step) it is several times slower
        xp.sign(step, out=grad)
        grad *= lr
        value -= grad

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
