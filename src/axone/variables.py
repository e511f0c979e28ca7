"""`Variable`: a named weight array and the array its gradient is written to."""

from __future__ import annotations

from axone.backend import xp


class Variable:
    """A layer weight.

    Layers read `value` in their forward pass and write `grad` in their
    backward pass. Once a model is built, `value` and `grad` are views into
    the model's two contiguous buffers (see `axone.models.parameters`), so
    `value[...] = x` and `grad[...] = g` are seen by the optimizer; rebinding
    `value` to a new array is not.

    Args:
        value: the initial array.
        name: short name within its layer, e.g. `"kernel"`.
        trainable: whether the optimizer updates it. Defaults to `True`.
        path: `"layer_name/name"`, as Keras's `Variable.path`.
    """

    def __init__(self, value: xp.ndarray, name: str, trainable: bool = True, path: str | None = None):
        self.value = value
        self.grad = xp.zeros_like(value) if trainable else None
        self.name = name
        self.path = path or name
        self.trainable = trainable
        self.owner = None  # the ParameterBuffer holding `value`, if any

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def size(self) -> int:
        return self.value.size

    def numpy(self) -> xp.ndarray:
        """Return a copy of the current value."""
        return self.value.copy()

    def assign(self, new_value) -> None:
        """Write `new_value` into the variable in place (shape must match)."""
        new_value = xp.asarray(new_value)
        if new_value.shape != self.value.shape:
            raise ValueError(
                f"Cannot assign a value of shape {new_value.shape} to variable "
                f"{self.path!r} of shape {self.value.shape}."
            )
        self.value[...] = new_value

    def __array__(self, dtype=None, copy=None):
        return xp.asarray(self.value, dtype=dtype)

    def __repr__(self) -> str:
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}>"
