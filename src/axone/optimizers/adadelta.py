"""Adadelta: step sizes from running averages of gradients and updates."""

from __future__ import annotations

from axone.backend import xp

from axone.optimizers.base import Optimizer, check_range


class Adadelta(Optimizer):
    """Adadelta, Keras 3's update rule.

        acc_g = rho * acc_g + (1 - rho) * g**2
        delta = -sqrt(acc_d + epsilon) * g / sqrt(acc_g + epsilon)
        acc_d = rho * acc_d + (1 - rho) * delta**2
        w = w + learning_rate * delta

    Args:
        learning_rate: defaults to `0.001` (Keras 3's value; the original
            method uses `1.0`).
        rho: decay of the running averages, in `[0, 1]`. Defaults to `0.95`.
        epsilon: added inside the square roots. Defaults to `1e-7`.
        **kwargs: the base `Optimizer` arguments (`weight_decay`, clipping, `name`).
    """

    slot_names = ("accumulated_grad", "accumulated_delta_var")
    work_names = ("work",)

    def __init__(self, learning_rate=0.001, rho: float = 0.95, epsilon: float = 1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        check_range("rho", rho, 0.0, 1.0)
        check_range("epsilon", epsilon, 0, xp.inf)
        self.rho = float(rho)
        self.epsilon = float(epsilon)

    def update_step(self, grad, value, lr, slots):
        acc_g, acc_d = slots["accumulated_grad"], slots["accumulated_delta_var"]
        rho = self.rho
        work = xp.square(grad, out=slots["work"])
        work *= 1 - rho
        acc_g *= rho
        acc_g += work
        xp.add(acc_d, self.epsilon, out=work)
        xp.sqrt(work, out=work)
        grad *= work
        xp.add(acc_g, self.epsilon, out=work)
        xp.sqrt(work, out=work)
        grad /= work  # grad is now -delta
        xp.square(grad, out=work)
        work *= 1 - rho
        acc_d *= rho
        acc_d += work
        grad *= lr
        value -= grad

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
