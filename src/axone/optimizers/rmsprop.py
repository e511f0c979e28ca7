"""RMSprop: divide the gradient by a running root mean square."""

from __future__ import annotations

from axone.backend import xp

from axone.optimizers import fused
from axone.optimizers.base import Optimizer, check_range


class RMSprop(Optimizer):
    """RMSprop, Keras 3's update rule (the default optimizer of `compile`).

        v = rho * v + (1 - rho) * g**2
        a = rho * a + (1 - rho) * g                 # centered only
        step = learning_rate * g / sqrt(v + epsilon)           # plain
        step = learning_rate * g / sqrt(v - a**2 + epsilon)    # centered
        mom = momentum * mom + step; w = w - mom    # momentum > 0
        w = w - step                                # momentum = 0

    Args:
        learning_rate: defaults to `0.001`.
        rho: decay of the running mean, in `[0, 1]`. Defaults to `0.9`.
        momentum: in `[0, 1]`. Defaults to `0.0`.
        epsilon: added inside the square root. Defaults to `1e-7`.
        centered: divide by the running variance instead of the mean
            square. Defaults to `False`.
        **kwargs: the base `Optimizer` arguments (`weight_decay`, clipping, `name`).
    """

    def __init__(self, learning_rate=0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        check_range("rho", rho, 0.0, 1.0)
        check_range("momentum", momentum, 0.0, 1.0)
        check_range("epsilon", epsilon, 0, xp.inf)
        self.rho = float(rho)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.centered = bool(centered)
        self.work_names = ("work",)
        self.slot_names = (("velocity",) + (("momentum",) if self.momentum > 0 else ())
                           + (("average_gradient",) if self.centered else ()))

    def update_step(self, grad, value, lr, slots):
        rho = self.rho
        v = slots["velocity"]
        if not self.centered and self._fused_step(grad, value, lr, v, slots.get("momentum")):
            return
        work = xp.square(grad, out=slots["work"])
        work *= 1 - rho
        v *= rho
        v += work
        if self.centered:
            a = slots["average_gradient"]
            xp.multiply(grad, 1 - rho, out=work)
            a *= rho
            a += work
            xp.square(a, out=work)
            xp.subtract(v, work, out=work)
            work += self.epsilon
        else:
            xp.add(v, self.epsilon, out=work)
        xp.sqrt(work, out=work)
        grad *= lr
        grad /= work  # grad is now the step
        if self.momentum > 0:
            mom = slots["momentum"]
            mom *= self.momentum
            mom += grad
            value -= mom
        else:
            value -= grad

    def _fused_step(self, grad, value, lr, v, mom) -> bool:
        """The plain step in one compiled pass (`axone.optimizers.fused`); False if not available."""
        dtype = value.dtype.type
        scalars = (dtype(self.rho), dtype(1 - self.rho), dtype(self.epsilon), dtype(lr))
        if mom is None:
            kernel = fused.kernel("rmsprop", value)
            if kernel is None or not fused.arrays_fit(grad, v, value):
                return False
            kernel(grad, v, value, *scalars)
        else:
            kernel = fused.kernel("rmsprop_momentum", value)
            if kernel is None or not fused.arrays_fit(grad, v, mom, value):
                return False
            kernel(grad, v, mom, value, *scalars, dtype(self.momentum))
        return True

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
