"""Adagrad: per-parameter rates from the sum of squared gradients."""

from __future__ import annotations

from axone.backend import xp

from axone.optimizers import fused
from axone.optimizers.base import Optimizer, check_range


class Adagrad(Optimizer):
    """Adagrad, Keras 3's update rule.

        acc = acc + g**2                  # acc starts at initial_accumulator_value
        w = w - learning_rate * g / sqrt(acc + epsilon)

    Args:
        learning_rate: defaults to `0.001`.
        initial_accumulator_value: start value of `acc`, `>= 0`. Defaults to `0.1`.
        epsilon: added inside the square root. Defaults to `1e-7`.
        **kwargs: the base `Optimizer` arguments (`weight_decay`, clipping, `name`).
    """

    slot_names = ("accumulator",)
    work_names = ("work",)

    def __init__(self, learning_rate=0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        check_range("initial_accumulator_value", initial_accumulator_value, 0, xp.inf)
        check_range("epsilon", epsilon, 0, xp.inf)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    def _init_slots(self):
        self.slots["accumulator"].fill(self.initial_accumulator_value)

    def update_step(self, grad, value, lr, slots):
        acc = slots["accumulator"]
        kernel = fused.kernel("adagrad", value)
        if kernel is not None and fused.arrays_fit(grad, acc, value):
            dtype = value.dtype.type
            kernel(grad, acc, value, dtype(self.epsilon), dtype(lr))
            return
        work = xp.square(grad, out=slots["work"])
        acc += work
        xp.add(acc, self.epsilon, out=work)
        xp.sqrt(work, out=work)
        grad *= lr
        grad /= work
        value -= grad

    def get_config(self):
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
