"""`Optimizer`: the update loop over a model's flat parameter buffer.

An optimizer step is `apply(buffer, ranges)`: clip the gradients, apply
weight decay, then one `update_step` per contiguous range of trainable
parameters (a single range when every layer is trainable). Subclasses
write each formula line of their update rule as one vectorised NumPy
expression over those flat arrays, reading and writing their state
("slots", e.g. Adam's moments) as arrays of the same length.
"""

from __future__ import annotations

import numpy as np

from axone.optimizers import schedules
from axone.utils.naming import to_snake_case


class Optimizer:
    """Base class for optimizers.

    Args:
        learning_rate: float or `LearningRateSchedule`.
        weight_decay: if set, each step first does `w -= w * weight_decay * lr`.
        clipnorm: clip each weight's gradient to this L2 norm.
        clipvalue: clip each gradient entry to `[-clipvalue, clipvalue]`.
        global_clipnorm: clip all gradients together to this global L2 norm.
        name: defaults to the snake-case class name.
    """

    #: names of the per-parameter state arrays this optimizer keeps
    slot_names: tuple[str, ...] = ()

    def __init__(self, learning_rate=0.001, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, name: str | None = None, **kwargs):
        for unsupported in ("use_ema", "loss_scale_factor", "gradient_accumulation_steps"):
            if kwargs.pop(unsupported, None):
                raise ValueError(f"The optimizer argument {unsupported!r} is not supported.")
        kwargs.pop("ema_momentum", None)
        kwargs.pop("ema_overwrite_frequency", None)
        if kwargs:
            raise TypeError(
                f"{type(self).__name__} got unexpected keyword argument(s): "
                f"{', '.join(sorted(kwargs))}."
            )
        if sum(x is not None for x in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of clipnorm, clipvalue and global_clipnorm can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        for arg, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue),
                           ("global_clipnorm", global_clipnorm), ("weight_decay", weight_decay)):
            if value is not None and not (value >= 0):
                raise ValueError(f"{arg} must be a non-negative number. Received: {arg}={value!r}")
        self.name = name or to_snake_case(type(self).__name__)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self._learning_rate = self._check_learning_rate(learning_rate)
        self.iterations = 0
        self.slots: dict[str, np.ndarray] = {}
        self._size = None

    # ------------------------------------------------------------ learning rate
    @staticmethod
    def _check_learning_rate(value):
        if isinstance(value, schedules.LearningRateSchedule) or callable(value):
            return value
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(
                f"learning_rate must be a float or a LearningRateSchedule. Received: {value!r}"
            ) from None
        if not value >= 0 or not np.isfinite(value):
            raise ValueError(f"learning_rate must be a non-negative finite float. Received: {value}")
        return value

    @property
    def learning_rate(self) -> float:
        """The current learning rate (a schedule is evaluated at `iterations`)."""
        if callable(self._learning_rate):
            return float(self._learning_rate(self.iterations))
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        self._learning_rate = self._check_learning_rate(value)

    lr = learning_rate  # Keras 2 spelling

    # ----------------------------------------------------------------- state
    def build(self, size: int, dtype) -> None:
        """Allocate the slots for `size` parameters (no-op if already built for it)."""
        if self._size == size:
            return
        if self._size is not None:
            raise ValueError(
                f"Optimizer {self.name!r} is already used by a model with {self._size} "
                f"parameters; create a new optimizer for this one ({size} parameters)."
            )
        self.slots = {name: np.zeros(size, dtype=dtype) for name in self.slot_names}
        self._init_slots()
        self._size = size

    def _init_slots(self) -> None:
        """Give slots a non-zero start value (Adagrad's accumulator)."""

    @property
    def built(self) -> bool:
        return self._size is not None

    @property
    def variables(self) -> list[np.ndarray]:
        return [np.array(self.iterations)] + [self.slots[name] for name in self.slot_names]

    # ------------------------------------------------------------------ step
    def apply(self, values: np.ndarray, grads: np.ndarray, ranges=None, offsets=None) -> None:
        """One update of `values` from `grads` (flat arrays), over `ranges`.

        Args:
            values, grads: the model's flat parameter and gradient buffers.
                `grads` may be overwritten.
            ranges: list of `(start, stop)` of trainable parameters; defaults
                to the whole buffer.
            offsets: start of each weight in the buffer (plus the end), for
                the per-weight `clipnorm`.
        """
        if not self.built:
            self.build(values.size, values.dtype)
        if ranges is None:
            ranges = [(0, values.size)]
        lr = self.learning_rate
        self._clip(grads, ranges, offsets)
        whole = len(ranges) == 1 and ranges[0] == (0, values.size)
        for start, stop in ranges:
            part = slice(start, stop)
            value = values if whole else values[part]
            if self.weight_decay:
                value -= value * (self.weight_decay * lr)
            slots = self.slots if whole else {k: s[part] for k, s in self.slots.items()}
            self.update_step(grads if whole else grads[part], value, lr, slots)
        self.iterations += 1

    def update_step(self, grad: np.ndarray, value: np.ndarray, lr: float, slots: dict) -> None:
        """Update `value` in place from `grad`; subclasses implement their rule here."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step().")

    def _clip(self, grads, ranges, offsets) -> None:
        if self.clipvalue is not None:
            np.clip(grads, -self.clipvalue, self.clipvalue, out=grads)
        elif self.global_clipnorm is not None:
            norm = float(np.sqrt(sum(np.dot(grads[a:b], grads[a:b]) for a, b in ranges)))
            if norm > self.global_clipnorm:
                grads *= self.global_clipnorm / norm
        elif self.clipnorm is not None:
            if offsets is None:
                offsets = np.array([0, grads.size])
            starts = np.asarray(offsets[:-1])
            sizes = np.diff(offsets)
            nonempty = sizes > 0
            norms = np.zeros(len(sizes))
            norms[nonempty] = np.sqrt(np.add.reduceat(np.square(grads, dtype=np.float64), starts[nonempty]))
            scale = np.where(norms > self.clipnorm, self.clipnorm / np.maximum(norms, 1e-30), 1.0)
            if (scale < 1.0).any():
                grads *= np.repeat(scale, sizes).astype(grads.dtype)

    # ------------------------------------------------------------- config
    def get_config(self) -> dict:
        lr = self._learning_rate
        return {
            "name": self.name,
            "learning_rate": schedules.serialize(lr) if isinstance(lr, schedules.LearningRateSchedule) else lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
        }

    @classmethod
    def from_config(cls, config: dict) -> "Optimizer":
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, learning_rate={self._learning_rate}>"
