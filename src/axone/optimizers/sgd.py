"""Stochastic gradient descent, with optional (Nesterov) momentum."""

from __future__ import annotations

from axone.optimizers.base import Optimizer, check_range


class SGD(Optimizer):
    """Gradient descent (with momentum), Keras 3's update rule.

    Without momentum: `w = w - learning_rate * g`.
    With momentum:    `v = momentum * v - learning_rate * g`, then
    `w = w + v`, or with Nesterov `w = w + momentum * v - learning_rate * g`.

    Args:
        learning_rate: defaults to `0.01`.
        momentum: float in `[0, 1]`. Defaults to `0.0`.
        nesterov: defaults to `False`.
        **kwargs: the base `Optimizer` arguments (`weight_decay`, clipping, `name`).
    """

    def __init__(self, learning_rate=0.01, momentum: float = 0.0, nesterov: bool = False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        check_range("momentum", momentum, 0.0, 1.0)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        self.slot_names = ("momentum",) if self.momentum else ()

    def update_step(self, grad, value, lr, slots):
        grad *= -lr  # grad is now -lr * g
        if not self.momentum:
            value += grad
            return
        velocity = slots["momentum"]
        velocity *= self.momentum
        velocity += grad
        if self.nesterov:
            value += grad
            value += self.momentum * velocity
        else:
            value += velocity

    def prescale_factor(self):
        # Plain descent, w += -lr * g, and nothing else touching the gradient.
        if self.momentum or self.weight_decay or self.clipnorm or self.clipvalue or self.global_clipnorm:
            return None
        return -float(self._current_learning_rate())

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
