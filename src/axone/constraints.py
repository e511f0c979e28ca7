"""Weight constraints: projections applied to a weight after each optimizer step (Keras formulas).

A layer takes them as `kernel_constraint=` / `bias_constraint=` (or
`add_weight(constraint=...)`); after every training step the model sets
each constrained weight to `constraint(weight)`.
"""

from __future__ import annotations

import numpy as np

from axone import backend
from axone.utils.identifiers import lookup


class Constraint:
    """Base class: `constraint(w)` returns the projected weights (the base returns `w`)."""

    def __call__(self, w: np.ndarray) -> np.ndarray:
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Constraint":
        return cls(**config)


def _norms(w: np.ndarray, axis) -> np.ndarray:
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescale so that the norm along `axis` is at most `max_value` (defaults: 2, axis 0).

    For a Dense kernel `(input_dim, units)`, axis 0 bounds each unit's
    incoming weight vector: `w * clip(norm, 0, max_value) / (epsilon + norm)`.
    """

    def __init__(self, max_value: float = 2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        return w * (np.clip(norms, 0, self.max_value) / (backend.epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Negative weights become 0: `maximum(w, 0)`."""

    def __call__(self, w):
        return np.maximum(w, 0)


class UnitNorm(Constraint):
    """Rescale to unit norm along `axis` (defaults to 0): `w / (epsilon + norm)`."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (backend.epsilon() + _norms(w, self.axis))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Move the norm along `axis` into `[min_value, max_value]`, at `rate`.

    `desired = rate * clip(norm, min_value, max_value) + (1 - rate) * norm`,
    then `w * desired / (epsilon + norm)`. Defaults: `min_value=0.0`,
    `max_value=1.0`, `rate=1.0`, `axis=0`.
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = self.rate * np.clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
_REGISTRY = {"max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm,
             "MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm,
             "Constraint": Constraint}


def get(identifier) -> Constraint | None:
    """Resolve None, a name (`"max_norm"`, `"MaxNorm"`), a config dict, a `Constraint` or a callable."""
    if identifier is None or isinstance(identifier, Constraint):
        return identifier
    if isinstance(identifier, str):
        return lookup(identifier, _REGISTRY, "constraint")()
    if isinstance(identifier, dict):
        from axone.saving.serialization import deserialize_keras_object
        return deserialize_keras_object({"config": {}, **identifier}, kind="constraints")
    if callable(identifier):
        return identifier
    raise TypeError(f"Could not interpret constraint identifier: {identifier!r}. Expected None, "
                    "a name such as 'max_norm', or an axone.constraints.Constraint.")


def serialize(constraint) -> dict | None:
    if constraint is None:
        return None
    from axone.saving.serialization import serialize_keras_object
    return serialize_keras_object(constraint)


def deserialize(config: dict) -> Constraint:
    return get(config)
