"""Learning-rate schedules: `schedule(step) -> learning rate`, Keras 3's formulas.

An optimizer given a schedule as its `learning_rate` calls it with its
`iterations` (0 for the first step) before each update.
"""

from __future__ import annotations

import math



class LearningRateSchedule:
    """Base class: `__call__(step)` returns the learning rate for optimizer step `step`."""

    def __call__(self, step) -> float:
        raise NotImplementedError(f"Learning rate schedule {type(self).__name__!r} must override __call__(step).")

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"Learning rate schedule {type(self).__name__!r} must override get_config() "
            "to be serializable."
        )

    @classmethod
    def from_config(cls, config: dict) -> "LearningRateSchedule":
        return cls(**config)


def _check_positive(arg: str, value) -> None:
    if not value > 0:
        raise ValueError(f"Argument `{arg}` must be > 0. Received: {arg}={value!r}")


class _TimeDecay(LearningRateSchedule):
    """Shared by the decays driven by `step / decay_steps` (floored with `staircase`)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str | None = None):
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name or type(self).__name__

    def _progress(self, step) -> float:
        p = step / self.decay_steps
        return math.floor(p) if self.staircase else p

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_TimeDecay):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps over which the rate is multiplied by `decay_rate`; `> 0`.
        decay_rate: the factor per `decay_steps`.
        staircase: floor `step / decay_steps`, so the rate drops every
            `decay_steps` steps. Defaults to `False`.
        name: defaults to `"ExponentialDecay"`.
    """

    def __call__(self, step):
        return self.initial_learning_rate * self.decay_rate ** self._progress(step)


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` while `step <= boundaries[0]`, `values[i]` while
    `boundaries[i-1] < step <= boundaries[i]`, `values[-1]` after the last boundary.

    Args:
        boundaries: increasing steps; one fewer than `values`.
        values: the rate on each interval.
        name: defaults to `"PiecewiseConstant"`.
    """

    def __init__(self, boundaries, values, name: str = "PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}."
            )
        if any(b >= a for a, b in zip(boundaries[1:], boundaries)):
            raise ValueError(f"Argument `boundaries` must be increasing. Received: boundaries={boundaries}")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class InverseTimeDecay(_TimeDecay):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: `> 0`.
        decay_rate: how fast the rate falls.
        staircase: floor `step / decay_steps`. Defaults to `False`.
        name: defaults to `"InverseTimeDecay"`.
    """

    def __call__(self, step):
        return self.initial_learning_rate / (1 + self.decay_rate * self._progress(step))


class PolynomialDecay(LearningRateSchedule):
    """`(initial - end) * (1 - step / decay_steps) ** power + end`, with `step`
    capped at `decay_steps`.

    With `cycle=True`, `decay_steps` is instead stretched to the first
    multiple of itself that is `>= step` (the rate rises again, then decays).

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: `> 0`.
        end_learning_rate: the final rate. Defaults to `0.0001`.
        power: defaults to `1.0` (linear).
        cycle: defaults to `False`.
        name: defaults to `"PolynomialDecay"`.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int,
                 end_learning_rate: float = 0.0001, power: float = 1.0, cycle: bool = False,
                 name: str = "PolynomialDecay"):
        _check_positive("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        decay_steps = self.decay_steps
        if self.cycle:
            decay_steps *= max(1, math.ceil(step / decay_steps))
        else:
            step = min(step, decay_steps)
        p = step / decay_steps
        return (self.initial_learning_rate - self.end_learning_rate) * (1 - p) ** self.power + self.end_learning_rate

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power,
                "cycle": self.cycle, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay, after an optional linear warmup.

    Without warmup (`warmup_target=None`), with `s = min(step, decay_steps)`:
    `initial * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)`.
    With warmup, the rate rises linearly from `initial_learning_rate` to
    `warmup_target` over `warmup_steps`, then decays from `warmup_target`
    the same way over the next `decay_steps`.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: `> 0`.
        alpha: the final rate, as a fraction of the decayed-from rate. Defaults to `0.0`.
        name: defaults to `"CosineDecay"`.
        warmup_target: the rate reached after warmup; `None` for no warmup.
        warmup_steps: defaults to `0`.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: str = "CosineDecay", warmup_target: float | None = None, warmup_steps: int = 0):
        _check_positive("decay_steps", decay_steps)
        if warmup_steps < 0:
            raise ValueError(f"Argument `warmup_steps` must be >= 0. Received: warmup_steps={warmup_steps!r}")
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _decay(self, step, start_rate):
        cosine = 0.5 * (1 + math.cos(math.pi * step / self.decay_steps))
        return start_rate * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        if self.warmup_target is None:
            return self._decay(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            fraction = step / self.warmup_steps
            return (self.warmup_target - self.initial_learning_rate) * fraction + self.initial_learning_rate
        return self._decay(step - self.warmup_steps, self.warmup_target)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR).

    The first period lasts `first_decay_steps`; each restart multiplies the
    period by `t_mul` and the starting rate by `m_mul`. Within a period, at
    fraction `f` of it: `initial * ((1 - alpha) * m_mul**i * 0.5 * (1 + cos(pi * f)) + alpha)`
    for the `i`-th restart.

    Args:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: length of the first period, `> 0`.
        t_mul: period growth factor. Defaults to `2.0`.
        m_mul: rate factor per restart. Defaults to `1.0`.
        alpha: the minimum rate, as a fraction of `initial_learning_rate`. Defaults to `0.0`.
        name: defaults to `"SGDRDecay"`.
    """

    def __init__(self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0,
                 m_mul: float = 1.0, alpha: float = 0.0, name: str = "SGDRDecay"):
        _check_positive("first_decay_steps", first_decay_steps)
        _check_positive("t_mul", t_mul)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        fraction = step / self.first_decay_steps
        if self.t_mul == 1.0:
            restart = math.floor(fraction)
            fraction -= restart
        else:
            # periods grow geometrically: restart i begins at (1 - t_mul**i) / (1 - t_mul)
            restart = math.floor(math.log(1 - fraction * (1 - self.t_mul)) / math.log(self.t_mul))
            begin = (1 - self.t_mul**restart) / (1 - self.t_mul)
            fraction = (fraction - begin) / self.t_mul**restart
        cosine = 0.5 * self.m_mul**restart * (1 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine + self.alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self.t_mul,
                "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


_REGISTRY = {cls.__name__: cls for cls in (ExponentialDecay, PiecewiseConstantDecay, InverseTimeDecay,
                                           PolynomialDecay, CosineDecay, CosineDecayRestarts)}


def serialize(schedule: LearningRateSchedule) -> dict:
    """Keras's `{"module", "class_name", "config", "registered_name"}`, which `deserialize` reads back."""
    from axone.saving.serialization import serialize_keras_object
    return serialize_keras_object(schedule)


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """Rebuild a schedule from `serialize`'s dict (Keras's dicts are read too)."""
    from axone.saving.serialization import deserialize_keras_object
    return deserialize_keras_object({"config": {}, **config}, custom_objects, kind="schedules")


__all__ = [
    "LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay", "InverseTimeDecay",
    "PolynomialDecay", "CosineDecay", "CosineDecayRestarts", "serialize", "deserialize",
]
