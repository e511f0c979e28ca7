"""Weight penalties added to the loss: `L1`, `L2`, `L1L2` (Keras formulas)."""

from __future__ import annotations

from axone.backend import xp

from axone.utils.identifiers import lookup


class Regularizer:
    """Base class: `penalty = regularizer(weights)`, `regularizer.gradient(weights)`."""

    def __call__(self, x: xp.ndarray) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__().")

    def gradient(self, x: xp.ndarray) -> xp.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement gradient().")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Regularizer":
        return cls(**config)


def _check_factor(name: str, value: float) -> float:
    value = float(value)
    if value < 0 or not xp.isfinite(value):
        raise ValueError(f"{name} must be a non-negative float. Received: {name}={value}")
    return value


class L1L2(Regularizer):
    """`l1 * sum(|x|) + l2 * sum(x**2)`. Defaults: `l1=0.0`, `l2=0.0`."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = _check_factor("l1", l1)
        self.l2 = _check_factor("l2", l2)

    def __call__(self, x):
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * float(xp.abs(x).sum())
        if self.l2:
            penalty += self.l2 * float(xp.square(x).sum())
        return penalty

    def gradient(self, x):
        grad = xp.zeros_like(x)
        if self.l1:
            grad += self.l1 * xp.sign(x)
        if self.l2:
            grad += (2.0 * self.l2) * x
        return grad

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """`l1 * sum(|x|)`. Defaults to `l1=0.01`."""

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """`l2 * sum(x**2)`. Defaults to `l2=0.01`."""

    def __init__(self, l2: float = 0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2
_REGISTRY = {"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2}


def get(identifier) -> Regularizer | None:
    """Resolve None, a name (`"l2"`), a config dict or a `Regularizer`."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str):
        return lookup(identifier, _REGISTRY, "regularizer")()
    if isinstance(identifier, dict):
        from axone.saving.serialization import deserialize_keras_object
        return deserialize_keras_object({"config": {}, **identifier}, kind="regularizers")
    raise TypeError(
        f"Could not interpret regularizer identifier: {identifier!r}. "
        "Expected None, 'l1', 'l2', 'l1_l2' or an axone.regularizers.Regularizer."
    )


def serialize(regularizer) -> dict | None:
    if regularizer is None:
        return None
    from axone.saving.serialization import serialize_keras_object
    return serialize_keras_object(regularizer)
