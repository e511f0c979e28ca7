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
        # -lr * g is all the step needs (w += -lr * g, or v = m * v - lr * g;
        # w += v) when nothing else touches the gradient; Nesterov's step uses
        # the gradient a second time, so it takes the ordinary path.
        if self.nesterov or self.weight_decay or self.clipnorm or self.clipvalue or self.global_clipnorm:
            return None
        return -float(self._current_learning_rate())

    def prescaled_momentum(self):
        return (self.momentum, self.slots["momentum"]) if self.momentum else None

    def apply_prescaled(self, values, updates, ranges=None):
        """One step from `updates = -learning_rate * g`: `v = momentum * v + updates; w += v`."""
        if not self.momentum:
            return super().apply_prescaled(values, updates, ranges)
        if self._size != values.size:
            self.build(values.size, values.dtype)
        momentum = values.dtype.type(self.momentum)
        for start, stop in ranges if ranges is not None else [(0, values.size)]:
            velocity = self.slots["momentum"][start:stop]
            velocity *= momentum
            velocity += updates[start:stop]
            values[start:stop] += velocity
        self.iterations += 1
        # The Dense layers update their velocities inside BLAS's threads, which
        # never flush subnormals to zero: zero them here, whatever the processor does.
        if self.flush_every and self.iterations % self.flush_every == 0:
            self._flush_subnormal_slots([(0, values.size)])

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
