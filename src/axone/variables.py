"""`Variable`: a named weight array and the array its gradient is written to."""

from __future__ import annotations

from axone.backend import xp


class Variable:
    """A weight, with Keras's `Variable` API.

    Layers read `value` in their forward pass and write `grad` in their
    backward pass. Once a model is built, `value` and `grad` are views into
    the model's two contiguous buffers (see `axone.models.parameters`), so
    `value[...] = x`, `assign(x)` and `grad[...] = g` are seen by the
    optimizer; rebinding `value` to a new array is not.

    Arithmetic (`v * 2`, `x @ v`, `-v`) and indexing go through `axone.ops`:
    on arrays they compute at once; inside a traced `call` they record graph
    nodes that read the variable, so its gradient reaches `grad`.

    Args:
        initializer: the initial value: an array, or an initializer (name or
            callable) called with `shape` and `dtype`.
        shape, dtype: needed with an initializer; `dtype` defaults to
            floatx for a Python number, else to the array's dtype.
        trainable: whether the optimizer updates it. Defaults to `True`.
        name: short name, e.g. `"kernel"`. Defaults to `"variable"`.
        path: `"layer_name/name"`, as Keras's `Variable.path`.
        regularizer, constraint: kept for the training loop (see
            `axone.regularizers`); `None` by default.
    """

    __array_priority__ = 100  # NumPy defers binary operators to ours

    def __init__(self, initializer=None, shape=None, dtype=None, trainable: bool = True,
                 name: str | None = None, path: str | None = None, regularizer=None,
                 constraint=None, value=None, **kwargs):
        if value is not None:  # the former positional name
            initializer = value
        unknown = set(kwargs) - {"autocast", "aggregation", "synchronization"}
        if unknown:
            raise TypeError(f"Variable got unexpected keyword argument(s): {', '.join(sorted(unknown))}.")
        if initializer is None:
            raise ValueError("Variable needs an initial value: Variable(array) or "
                             "Variable(initializer, shape=..., dtype=...).")
        if isinstance(initializer, str) or (callable(initializer) and not hasattr(initializer, "shape")):
            from axone import backend, initializers
            if shape is None:
                raise ValueError(f"Variable {name!r}: an initializer needs shape=. Received: shape=None")
            dtype = dtype or backend.floatx()
            array = xp.asarray(initializers.get(initializer)(tuple(shape), dtype=dtype), dtype=dtype)
        else:
            array = xp.asarray(initializer, dtype=dtype)
            if dtype is None and isinstance(initializer, (int, float, list, tuple)) and \
                    xp.issubdtype(array.dtype, xp.floating):
                from axone import backend
                array = array.astype(backend.floatx())
            array = array.copy() if array is initializer else array
            if shape is not None and tuple(shape) != array.shape:
                raise ValueError(f"Variable {name!r}: the initial value has shape {array.shape}, "
                                 f"but shape={tuple(shape)} was given.")
        self.value = array
        self.grad = xp.zeros_like(array) if trainable else None
        self.name = name or "variable"
        self.path = path or self.name
        self.trainable = trainable
        self.regularizer = regularizer
        self.constraint = constraint
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

    @property
    def ndim(self) -> int:
        return self.value.ndim

    def numpy(self) -> xp.ndarray:
        """Return a copy of the current value."""
        return self.value.copy()

    def assign(self, new_value):
        """Write `new_value` into the variable in place (shape must match); return the variable."""
        new_value = xp.asarray(getattr(new_value, "value", new_value) if isinstance(new_value, Variable)
                               else new_value)
        if new_value.shape != self.value.shape and new_value.size != self.value.size:
            raise ValueError(
                f"Cannot assign a value of shape {new_value.shape} to variable "
                f"{self.path!r} of shape {self.value.shape}."
            )
        if new_value.shape != self.value.shape:
            if new_value.ndim and self.value.ndim:
                raise ValueError(
                    f"Cannot assign a value of shape {new_value.shape} to variable "
                    f"{self.path!r} of shape {self.value.shape}."
                )
            new_value = new_value.reshape(self.value.shape)
        self.value[...] = new_value
        return self

    def assign_add(self, delta):
        """`variable += delta`, in place; return the variable."""
        return self.assign(self.value + xp.asarray(delta, dtype=self.value.dtype))

    def assign_sub(self, delta):
        """`variable -= delta`, in place; return the variable."""
        return self.assign(self.value - xp.asarray(delta, dtype=self.value.dtype))

    def __array__(self, dtype=None, copy=None):
        return xp.asarray(self.value, dtype=dtype)

    def __len__(self) -> int:
        return len(self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __int__(self) -> int:
        return int(self.value)

    def __bool__(self) -> bool:
        return bool(self.value)

    def __repr__(self) -> str:
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}>"


def _operator(name: str, swap: bool = False):
    def method(self, other):
        from axone import ops
        function = getattr(ops, name)
        return function(other, self) if swap else function(self, other)
    method.__name__ = name
    return method


def _unary_operator(name: str):
    def method(self):
        from axone import ops
        return getattr(ops, name)(self)
    method.__name__ = name
    return method


for _dunder, _op in (("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("truediv", "divide"),
                     ("pow", "power"), ("matmul", "matmul")):
    setattr(Variable, f"__{_dunder}__", _operator(_op))
    setattr(Variable, f"__r{_dunder}__", _operator(_op, swap=True))
for _dunder, _op in (("lt", "less"), ("le", "less_equal"), ("gt", "greater"), ("ge", "greater_equal")):
    setattr(Variable, f"__{_dunder}__", _operator(_op))
Variable.__neg__ = _unary_operator("negative")
Variable.__abs__ = _unary_operator("abs")


def _get_item(self, key):
    from axone import ops
    return ops.get_item(self, key)


Variable.__getitem__ = _get_item
Variable.T = property(_unary_operator("transpose"))
