"""`Optimizer`: the update loop over a model's flat parameter buffer.

One step, `apply(values, grads, ranges, offsets)`, does what Keras 3's
optimizer step does, in the same order:

1. read the learning rate (a schedule is evaluated at `iterations`,
   before the increment);
2. clip the gradients of the trainable ranges: `clipnorm` per weight,
   `global_clipnorm` over all of them together, or `clipvalue` per entry;
3. weight decay, `w *= 1 - weight_decay * learning_rate`, on every
   trainable weight not excluded by `exclude_from_weight_decay`;
4. `update_step(grad, value, lr, slots)` once per contiguous range of
   trainable parameters, on views of the flat arrays;
5. `iterations += 1`.

Subclasses write each formula line of their rule as one vectorised,
in-place NumPy expression over those views, and keep their per-parameter
state ("slots", e.g. Adam's moments) as arrays as long as the buffer, so
parameters outside the ranges (frozen layers) and their state never move.
"""

from __future__ import annotations

import math
import re
import warnings

from axone.backend import xp

from axone import backend
from axone.optimizers import schedules
from axone.utils import fpu
from axone.utils.naming import to_snake_case, unique_name


class LearningRateValue(float):
    """What `optimizer.learning_rate` returns: the current rate as a float.

    It also has the `numpy()` and `assign()` of the variable Keras returns
    there, so `optimizer.learning_rate.assign(1e-4)` works as in Keras.
    """

    __slots__ = ("_optimizer",)

    def __new__(cls, value: float, optimizer: "Optimizer | None" = None):
        self = super().__new__(cls, value)
        self._optimizer = optimizer
        return self

    def numpy(self) -> xp.ndarray:
        return xp.asarray(float(self), dtype=backend.floatx())

    def assign(self, value) -> None:
        if self._optimizer is None:
            raise ValueError("This learning rate is not attached to an optimizer.")
        self._optimizer.learning_rate = value


class Optimizer:
    """Base class for optimizers.

    Args:
        learning_rate: float, `LearningRateSchedule` (called with
            `iterations`), or a callable taking no argument.
        weight_decay: if set, each step first does
            `w *= 1 - weight_decay * learning_rate`. Defaults to `None`.
        clipnorm: clip each weight's gradient to this L2 norm.
        clipvalue: clip each gradient entry to `[-clipvalue, clipvalue]`.
        global_clipnorm: clip all gradients together to this L2 norm.
            At most one of the three clipping arguments may be set; `0`
            means no clipping, as in Keras.
        use_ema, ema_momentum, ema_overwrite_frequency, loss_scale_factor,
            gradient_accumulation_steps: Keras arguments accepted at their
            default values only.
        name: defaults to the snake-case class name (`adam`, `adam_1`, ...).
    """

    #: names of the per-parameter state arrays this optimizer keeps
    slot_names: tuple[str, ...] = ()
    #: names of scratch arrays (parameter-sized, no state) an update step may
    #: write into, so that a step allocates nothing of the parameters' size
    work_names: tuple[str, ...] = ()
    #: without the processor's flush-to-zero (`axone.utils.fpu`), zero the
    #: slots' subnormal values every this many steps (0: never)
    flush_every: int = 16

    def __init__(self, learning_rate=0.001, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None,
                 **kwargs):
        if "lr" in kwargs:  # Keras 2 spelling
            warnings.warn("The `lr` argument is deprecated, use `learning_rate` instead.",
                          UserWarning, stacklevel=3)
            learning_rate = kwargs.pop("lr")
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.",
                          UserWarning, stacklevel=3)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        for arg, value in (("use_ema", use_ema), ("loss_scale_factor", loss_scale_factor),
                           ("gradient_accumulation_steps", gradient_accumulation_steps)):
            if value:
                raise ValueError(f"The optimizer argument `{arg}` is not supported. Received: {arg}={value!r}")
        if sum(x is not None for x in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        for arg, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue),
                           ("global_clipnorm", global_clipnorm), ("weight_decay", weight_decay)):
            if value is not None:
                check_range(arg, value, 0, math.inf)
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self._learning_rate = self._check_learning_rate(learning_rate)
        self.iterations = 0
        self.slots: dict[str, xp.ndarray] = {}
        self._size: int | None = None
        self._exclude_ids: set[int] = set()
        self._exclude_pattern: re.Pattern | None = None
        self._no_decay: list[tuple[int, int]] = []  # buffer spans exempt from weight decay
        self._decay_cache: tuple = (None, None)

    # ------------------------------------------------------------ learning rate
    @staticmethod
    def _check_learning_rate(value):
        if isinstance(value, schedules.LearningRateSchedule) or callable(value):
            return value
        if isinstance(value, xp.ndarray) and value.ndim == 0:  # np.float32(...) * 0-d results
            value = value.item()
        if isinstance(value, (bool, xp.bool_)) or not isinstance(value, (int, float, xp.number)):
            raise ValueError(
                "Argument `learning_rate` should be a float, a LearningRateSchedule or a "
                f"callable. Received: learning_rate={value!r}"
            )
        value = float(value)
        if not (0 <= value < math.inf):
            raise ValueError(f"Argument `learning_rate` must be a non-negative finite float. "
                             f"Received: learning_rate={value}")
        return value

    def _current_learning_rate(self) -> float:
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            return float(lr(self.iterations))
        if callable(lr):  # Keras calls a plain callable with no argument
            return float(lr())
        return lr

    @property
    def learning_rate(self) -> LearningRateValue:
        """The current learning rate (a schedule is evaluated at `iterations`).

        Settable to a float or a schedule (`optimizer.learning_rate = 1e-3`,
        or `optimizer.learning_rate.assign(1e-3)`): the next step uses the
        new value, on every path (`apply` and the pre-scaled SGD step read
        it at each step). A float cannot replace a schedule (TypeError), as
        in Keras. The value returned is a float snapshot: read the property
        again after a change.
        """
        return LearningRateValue(self._current_learning_rate(), self)

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if (isinstance(self._learning_rate, schedules.LearningRateSchedule)
                and not callable(value)):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` as its "
                "`learning_rate`, so its learning rate is not settable. Create the "
                f"optimizer with a float `learning_rate` to set it. Received: {value!r}"
            )
        self._learning_rate = self._check_learning_rate(value)

    lr = learning_rate  # Keras 2 spelling

    # ----------------------------------------------------------------- state
    def build(self, size: int, dtype="float32", variables=None) -> None:
        """Allocate the slots for `size` parameters (no-op if already built for it).

        Args:
            size: length of the flat parameter buffer.
            dtype: its float type.
            variables: the weights packed in the buffer, in order (each with
                `size` and `name`); needed to resolve `exclude_from_weight_decay`.
        """
        if self._size is not None and self._size != size:
            raise ValueError(
                f"Optimizer {self.name!r} is already used by a model with {self._size} "
                f"parameters; create a new optimizer for this one ({size} parameters)."
            )
        if variables is not None:
            self._no_decay = self._excluded_spans(variables, size)
            self._decay_cache = (None, None)
        elif self._size is None and (self._exclude_ids or self._exclude_pattern):
            raise ValueError(
                "exclude_from_weight_decay() needs the model's variables: build the optimizer "
                "with optimizer.build(size, dtype, variables) before its first step."
            )
        if self._size is None:
            self.slots = {name: xp.zeros(size, dtype=dtype) for name in self.slot_names}
            self._work = {name: xp.empty(size, dtype=dtype) for name in self.work_names}
            if self.slot_names:
                self._allocate_flush_buffers(size, dtype)
            self._init_slots()
            self._size = size

    def _init_slots(self) -> None:
        """Give slots a non-zero start value (Adagrad's accumulator)."""

    @property
    def built(self) -> bool:
        return self._size is not None

    @property
    def variables(self) -> list[xp.ndarray]:
        """The optimizer's state: the iteration count, then each slot."""
        return [xp.array(self.iterations)] + [self.slots[name] for name in self.slot_names]

    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Exempt weights from weight decay; call before the optimizer is built.

        Args:
            var_list: weights (`Variable`s) to exempt.
            var_names: strings; a weight whose name contains one of them
                (a regular-expression search) is exempt, e.g. `["bias"]`.
        """
        if self.built:
            raise ValueError("exclude_from_weight_decay() can only be configured before "
                             "the optimizer is built.")
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(sorted(set(var_names)))) if var_names else None

    def _excluded_spans(self, variables, size: int) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        start = 0
        for variable in variables:
            stop = start + int(variable.size)
            if id(variable) in self._exclude_ids or (
                    self._exclude_pattern is not None and self._exclude_pattern.search(variable.name)):
                if spans and spans[-1][1] == start:
                    spans[-1] = (spans[-1][0], stop)
                else:
                    spans.append((start, stop))
            start = stop
        if start != size:
            raise ValueError(f"The variables hold {start} parameters but the buffer has {size}.")
        return spans

    def _decay_spans(self, ranges) -> list[tuple[int, int]]:
        """`ranges` minus the spans exempt from weight decay (cached per `ranges`)."""
        if not self._no_decay:
            return ranges
        key = tuple(ranges)
        if self._decay_cache[0] != key:
            spans = []
            for start, stop in ranges:
                for a, b in self._no_decay:
                    if a < stop and b > start:
                        if a > start:
                            spans.append((start, a))
                        start = max(start, b)
                if start < stop:
                    spans.append((start, stop))
            self._decay_cache = (key, spans)
        return self._decay_cache[1]

    # ------------------------------------------------------------------ step
    def apply_gradients(self, grads_and_vars) -> None:
        """One step from `(gradient, variable)` pairs (a training loop of one's own)."""
        pairs = list(grads_and_vars)
        apply_to_variables(self, [g for g, _ in pairs], [v for _, v in pairs])

    def apply(self, values, grads=None, ranges=None, offsets=None) -> None:
        """One update of `values` from `grads` (flat arrays), over `ranges`.

        Keras's form `apply(grads, trainable_variables)` (lists of gradients
        and `Variable`s) is `apply_gradients(zip(grads, trainable_variables))`.

        Args:
            values, grads: the model's flat parameter and gradient buffers.
                `grads` is overwritten (the next backward pass rewrites it).
            ranges: list of `(start, stop)` of trainable parameters; defaults
                to the whole buffer. Nothing outside them changes.
            offsets: start of each weight in the buffer (plus the end), for
                the per-weight `clipnorm`; without it each range is one weight.
        """
        if not isinstance(values, xp.ndarray):  # Keras's apply(grads, trainable_variables)
            apply_to_variables(self, list(values), list(grads if grads is not None else []))
            return
        if self._size != values.size:
            self.build(values.size, values.dtype)  # raises if built for another size
        if ranges is None:
            ranges = [(0, values.size)]
        # Scalars in the parameters' dtype, so that the arithmetic is Keras's float32.
        lr = values.dtype.type(self._current_learning_rate())
        self._clip(grads, ranges, offsets)
        if self.weight_decay:
            factor = 1 - self.weight_decay * lr
            for start, stop in self._decay_spans(ranges):
                values[start:stop] *= factor
        for start, stop in ranges:
            if start < stop:
                part = slice(start, stop)
                slots = {name: slot[part] for name, slot in self.slots.items()}
                slots.update({name: work[part] for name, work in self._work.items()})
                self.update_step(grads[part], values[part], lr, slots)
        self.iterations += 1
        if self.flush_every and self.iterations % self.flush_every == 0 and not fpu.flushing():
            self._flush_subnormal_slots(ranges)

    def _flush_subnormal_slots(self, ranges) -> None:
        """Set the slots' subnormal values (below the smallest normal float) to 0.

        What the processor's flush-to-zero does, for the state only: values
        decaying towards 0 (the moments of weights whose gradient vanishes)
        would otherwise spend many steps in the range where x86 arithmetic
        is slow. Three passes per slot, once every `flush_every` steps.
        """
        if not self.slots:
            return
        if getattr(self, "_flush_buffers", None) is None:  # slots set without build()
            first = next(iter(self.slots.values()))
            self._allocate_flush_buffers(first.size, first.dtype)
        magnitude, mask = self._flush_buffers
        tiny = xp.finfo(magnitude.dtype).tiny
        for start, stop in ranges:
            part = slice(start, stop)
            for state in self.slots.values():
                small = xp.less(xp.abs(state[part], out=magnitude[part]), tiny, out=mask[part])
                xp.copyto(state[part], 0, where=small)

    def _allocate_flush_buffers(self, size: int, dtype) -> None:
        # The first scratch array is free between steps; a bool mask besides.
        magnitude = next(iter(getattr(self, "_work", {}).values()), None)
        if magnitude is None or magnitude.size != size:
            magnitude = xp.empty(size, dtype=dtype)
        self._flush_buffers = (magnitude, xp.empty(size, dtype=bool))

    # ------------------------------------------------------ pre-scaled steps
    def prescale_factor(self) -> float | None:
        """A factor `c` such that this step is exactly `w += c * g`, or None.

        (With `prescaled_momentum()`: `v = momentum * v + c * g; w += v`.)
        Only gradient descent has one (`c = -learning_rate`). The training
        loop then multiplies the loss gradient by `c` before the backward
        pass, so that every parameter gradient it produces is already the
        update, and calls `apply_prescaled`: one pass over the parameters
        instead of two (and layers that can fold the step into their weight
        product do, see `Layer.supports_sgd_step`).
        """
        return None

    def prescaled_momentum(self) -> tuple[float, xp.ndarray] | None:
        """`(momentum, velocity buffer)` when the pre-scaled step has momentum, else None."""
        return None

    def apply_prescaled(self, values: xp.ndarray, updates: xp.ndarray, ranges=None) -> None:
        """One step when `updates` already holds `prescale_factor() * gradient`."""
        if ranges is None:
            ranges = [(0, values.size)]
        for start, stop in ranges:
            values[start:stop] += updates[start:stop]
        self.iterations += 1

    def update_step(self, grad: xp.ndarray, value: xp.ndarray, lr, slots: dict) -> None:
        """Update `value` in place from `grad` (which may be overwritten).

        `lr` is a scalar of `value`'s dtype; `slots` maps each slot name to
        the view of that state matching `value`, and each of `work_names` to
        a scratch array of the same size.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement update_step().")

    def _clip(self, grads, ranges, offsets) -> None:
        if self.clipnorm:
            for start, stop in _weight_spans(ranges, offsets):
                grad = grads[start:stop]
                norm = math.sqrt(float(xp.dot(grad, grad)))
                if norm > self.clipnorm:
                    grad *= self.clipnorm / norm
        elif self.global_clipnorm:
            norm = math.sqrt(sum(float(xp.dot(grads[a:b], grads[a:b])) for a, b in ranges))
            if not norm <= self.global_clipnorm:
                # Keras: a non-finite global norm turns every gradient into NaN.
                scale = self.global_clipnorm / norm if math.isfinite(norm) else math.nan
                for start, stop in ranges:
                    grads[start:stop] *= scale
        elif self.clipvalue:
            for start, stop in ranges:
                grad = grads[start:stop]
                xp.clip(grad, -self.clipvalue, self.clipvalue, out=grad)

    # ------------------------------------------------------------- config
    def get_config(self) -> dict:
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Optimizer":
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, learning_rate={self._learning_rate}>"


def check_range(arg: str, value, low: float, high: float, *, low_open: bool = False,
                high_open: bool = False) -> None:
    """Raise a ValueError naming `arg` unless `value` lies in the interval."""
    try:
        ok = (low < value if low_open else low <= value) and (value < high if high_open else value <= high)
    except TypeError:
        ok = False
    if not ok or isinstance(value, bool):
        if high == math.inf:
            where = f"{'>' if low_open else '>='} {low:g}"
        else:
            where = f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"Argument `{arg}` must be a number {where}. Received: {arg}={value!r}")


def _weight_spans(ranges, offsets) -> list[tuple[int, int]]:
    """`(start, stop)` of each weight inside `ranges`, cut at `offsets`."""
    if offsets is None:
        return list(ranges)
    offsets = xp.asarray(offsets)
    spans = []
    for start, stop in ranges:
        bounds = [start, *offsets[(offsets > start) & (offsets < stop)].tolist(), stop]
        spans.extend(zip(bounds[:-1], bounds[1:]))
    return spans


def apply_to_variables(optimizer: Optimizer, grads: list, variables: list) -> None:
    """One step of `optimizer` on `variables` from `grads` (arrays; None: not updated).

    The variables' own parameter buffer (the model's) is stepped over the
    variables' spans only; variables outside any buffer are packed into one
    the optimizer keeps, so its state persists from step to step.
    """
    from axone.models.parameters import ParameterBuffer

    if variables and len(grads) != len(variables):
        raise ValueError(f"Received {len(grads)} gradients for {len(variables)} variables.")
    pairs = [(g, v) for g, v in zip(grads, variables) if g is not None]
    if not pairs:
        raise ValueError("No gradients provided for any variable. Check that the loss depends on "
                         "them (tape.gradient returns None for a variable the loss does not use).")
    for _, variable in pairs:
        if not hasattr(variable, "owner") or variable.grad is None:
            raise ValueError(f"Only trainable axone.Variables can be updated. Received: {variable!r}")
    buffer = pairs[0][1].owner
    if buffer is None or not all(v.owner is buffer for _, v in pairs) or not buffer.owns_all():
        buffer = ParameterBuffer([v for _, v in pairs], pairs[0][1].dtype)
    if not optimizer.built:
        optimizer.build(buffer.size, buffer.values.dtype, buffer.variables)
    given = {id(v) for _, v in pairs}
    buffer.grads[...] = 0
    for grad, variable in pairs:
        variable.grad[...] = xp.asarray(grad, dtype=variable.dtype).reshape(variable.shape)
    ranges = buffer.trainable_ranges([id(v) in given for v in buffer.variables])
    optimizer.apply(buffer.values, buffer.grads, ranges, buffer.offsets)
