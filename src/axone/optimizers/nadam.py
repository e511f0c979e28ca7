"""Nadam: Adam with Nesterov momentum."""

from __future__ import annotations

from axone.backend import xp

from axone.optimizers import fused
from axone.optimizers.base import Optimizer, check_range


class Nadam(Optimizer):
    """Nadam, Keras 3's update rule with its momentum cache.

    At step `t` (`iterations + 1`), with `mu(t) = beta_1 * (1 - 0.5 * 0.96**t)`
    and `prod` the product `mu(1) * ... * mu(t)` (kept across steps):

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        m_hat = mu(t+1) * m / (1 - prod * mu(t+1)) + (1 - mu(t)) * g / (1 - prod)
        v_hat = v / (1 - beta_2**t)
        w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    Args:
        learning_rate: defaults to `0.001`.
        beta_1: in `[0, 1)`. Defaults to `0.9`.
        beta_2: in `[0, 1)`. Defaults to `0.999`.
        epsilon: added to `sqrt(v_hat)`. Defaults to `1e-7`.
        **kwargs: the base `Optimizer` arguments (`weight_decay`, clipping, `name`).
    """

    slot_names = ("momentum", "velocity")
    work_names = ("work",)

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        check_range("beta_1", beta_1, 0.0, 1.0, high_open=True)
        check_range("beta_2", beta_2, 0.0, 1.0, high_open=True)
        check_range("epsilon", epsilon, 0, xp.inf)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self._u_product = 1.0  # prod of mu(1) ... mu(iterations)

    def _mu(self, step: int, dtype):
        return dtype(self.beta_1) * (1 - dtype(0.5) * dtype(0.96) ** step)

    def apply(self, values, grads, ranges=None, offsets=None):
        # The product advances once per step, shared by every range.
        self._u_product = self._u_product * self._mu(self.iterations + 1, values.dtype.type)
        super().apply(values, grads, ranges, offsets)

    def update_step(self, grad, value, lr, slots):
        m, v = slots["momentum"], slots["velocity"]
        dtype = value.dtype.type
        t = self.iterations + 1
        mu_t, mu_next = self._mu(t, dtype), self._mu(t + 1, dtype)
        prod = dtype(self._u_product)  # the scalars are in the parameters' dtype, as in Keras
        # lr * m_hat / (sqrt(v / c**2) + eps) with c = sqrt(1 - beta_2**t) is
        # (lr * c) * m_hat / (sqrt(v) + eps * c): the scalars take the bias
        # correction and the learning rate, which saves two passes.
        correction = xp.sqrt(1 - dtype(self.beta_2) ** t)
        scale = lr * correction
        grad_scale = scale * (1 - mu_t) / (1 - prod)
        momentum_scale = scale * mu_next / (1 - prod * mu_next)
        epsilon = self.epsilon * correction
        kernel = fused.kernel("nadam", value)
        if kernel is not None and fused.arrays_fit(grad, m, v, value):
            kernel(grad, m, v, value, dtype(self.beta_1), dtype(1 - self.beta_1), dtype(self.beta_2),
                   dtype(1 - self.beta_2), dtype(grad_scale), dtype(momentum_scale), dtype(epsilon))
            return
        work = xp.square(grad, out=slots["work"])
        work *= 1 - self.beta_2
        v *= self.beta_2
        v += work
        xp.multiply(grad, 1 - self.beta_1, out=work)
        m *= self.beta_1
        m += work
        grad *= grad_scale
        xp.multiply(m, momentum_scale, out=work)
        grad += work  # grad is now lr * c * m_hat
        xp.sqrt(v, out=work)
        work += epsilon
        grad /= work
        value -= grad

    @property
    def variables(self):
        return super().variables + [xp.array(self._u_product)]

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
