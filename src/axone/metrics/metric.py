"""The `Metric` base class: state accumulated over batches.

A metric adds each batch with `update_state(y_true, y_pred, sample_weight)`,
reports with `result()` and starts over with `reset_state()` (training does
so at each epoch). Calling a metric updates it and returns the result, as
in Keras.
"""

from __future__ import annotations

import numpy as np

from axone import backend, initializers
from axone.utils.naming import to_snake_case, unique_name


class MetricVariable(np.lib.mixins.NDArrayOperatorsMixin):
    """A metric's state array: reads like an array, changes with `assign`.

    `self.count.assign(self.count + 1)` works as with Keras variables.
    """

    def __init__(self, value: np.ndarray, name: str | None = None):
        self.value = value
        self.name = name

    @property
    def shape(self) -> tuple[int, ...]:
        return self.value.shape

    @property
    def dtype(self):
        return self.value.dtype

    def assign(self, value) -> None:
        self.value[...] = np.asarray(value)

    def assign_add(self, value) -> None:
        self.value += np.asarray(value, dtype=self.value.dtype)

    def assign_sub(self, value) -> None:
        self.value -= np.asarray(value, dtype=self.value.dtype)

    def numpy(self) -> np.ndarray:
        return self.value.copy()

    def __getitem__(self, index):
        return self.value[index]

    def __float__(self) -> float:
        return float(self.value)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.value, dtype=dtype)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = tuple(x.value if isinstance(x, MetricVariable) else x for x in inputs)
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __repr__(self) -> str:
        return f"<MetricVariable name={self.name} value={self.value!r}>"


class Metric:
    """Base class of stateful metrics.

    Subclasses create their state in `__init__` (with `add_variable`, or as
    plain attributes and their own `reset_state`), and implement
    `update_state` and `result`.

    Args:
        dtype: the dtype of the state variables. Defaults to `floatx()`.
        name: defaults to the snake-case class name, made unique
            (`"precision"`, `"precision_1"`, ...), as in Keras.
    """

    def __init__(self, dtype=None, name: str | None = None):
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.dtype = str(np.dtype(dtype or backend.floatx()))
        self._variables: list[MetricVariable] = []

    def add_variable(self, shape=(), initializer="zeros", dtype=None, name: str | None = None,
                     aggregation: str = "sum") -> MetricVariable:
        """A state variable, set back to zero by the default `reset_state`."""
        value = initializers.get(initializer)(tuple(shape), dtype=dtype or self.dtype)
        variable = MetricVariable(np.array(value), name)
        self._variables.append(variable)
        return variable

    add_weight = add_variable

    @property
    def variables(self) -> list[MetricVariable]:
        return list(getattr(self, "_variables", []))

    def reset_state(self) -> None:
        """Set every state variable back to zero."""
        for variable in self.variables:
            variable.assign(np.zeros(variable.shape, dtype=variable.dtype))

    def update_state(self, *args, **kwargs) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement update_state().")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def __call__(self, *args, **kwargs):
        """Update the state with this batch, then return the result (as Keras)."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"
