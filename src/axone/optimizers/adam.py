"""Adam: adaptive moment estimation, with the AMSGrad option."""

from __future__ import annotations

from axone.backend import xp

from axone.optimizers import fused
from axone.optimizers.base import Optimizer, check_range


class Adam(Optimizer):
    """Adam, Keras 3's update rule.

    At step `t` (`iterations + 1`):

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        v_hat = max(v_hat, v)                       # amsgrad only; v_hat replaces v below
        alpha = learning_rate * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        w = w - alpha * m / (sqrt(v) + epsilon)

    Args:
        learning_rate: defaults to `0.001`.
        beta_1: decay of the first moment, in `[0, 1)`. Defaults to `0.9`.
        beta_2: decay of the second moment, in `[0, 1)`. Defaults to `0.999`.
        epsilon: added to `sqrt(v)`. Defaults to `1e-7`.
        amsgrad: use the running maximum of `v`. Defaults to `False`.
        **kwargs: the base `Optimizer` arguments (`weight_decay`, clipping, `name`).
    """

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        check_range("beta_1", beta_1, 0.0, 1.0, high_open=True)
        check_range("beta_2", beta_2, 0.0, 1.0, high_open=True)
        check_range("epsilon", epsilon, 0, xp.inf)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.amsgrad = bool(amsgrad)
        self.work_names = ("work",)
        self.slot_names = ("momentum", "velocity") + (("velocity_hat",) if self.amsgrad else ())

    def update_step(self, grad, value, lr, slots):
        m, v = slots["momentum"], slots["velocity"]
        t = self.iterations + 1
        # Bias corrections in the parameters' dtype, as Keras computes them.
        beta_1_power = value.dtype.type(self.beta_1) ** t
        beta_2_power = value.dtype.type(self.beta_2) ** t
        alpha = lr * xp.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        kernel = None if self.amsgrad else fused.kernel("adam", value)
        if kernel is not None and fused.arrays_fit(grad, m, v, value):
            dtype = value.dtype.type
            kernel(grad, m, v, value, dtype(self.beta_1), dtype(1 - self.beta_1), dtype(self.beta_2),
                   dtype(1 - self.beta_2), dtype(self.epsilon), dtype(alpha))
            return
        work = slots["work"]
        m *= self.beta_1
        xp.multiply(grad, 1 - self.beta_1, out=work)
        m += work
        v *= self.beta_2
        xp.square(grad, out=grad)  # grad is now g**2
        grad *= 1 - self.beta_2
        v += grad
        if self.amsgrad:
            v = xp.maximum(slots["velocity_hat"], v, out=slots["velocity_hat"])
        xp.sqrt(v, out=grad)  # grad is now the denominator
        grad += self.epsilon
        xp.divide(m, grad, out=grad)
        grad *= alpha
        value -= grad

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}
