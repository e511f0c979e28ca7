"""Weight penalties added to the loss: `L1`, `L2`, `L1L2`, `OrthogonalRegularizer` (Keras formulas).

A layer takes them as `kernel_regularizer=`, `bias_regularizer=`,
`activity_regularizer=` (or `add_weight(regularizer=...)`). As in Keras 3,
the loss that training minimises and reports is the mean loss of the batch
plus the sum of every trainable weight's penalty, plus each activity
penalty divided by the batch size. A custom regularizer subclasses
`Regularizer` and implements `__call__` and `gradient` (axone's backward
pass is analytic).
"""

from __future__ import annotations

from axone import backend
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


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight towards orthogonality.

    `factor * 0.5 * sum(|P - diag(P)|) / (k * (k - 1) / 2)`, where `P` is the
    matrix of dot products between the L2-normalised rows (`mode="rows"`) or
    columns (`mode="columns"`), and `k` their number. Defaults:
    `factor=0.01`, `mode="rows"`.
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        self.factor = _check_factor("factor", factor)
        if mode not in ("rows", "columns"):
            raise ValueError(f'Invalid value for argument `mode`. Expected one of {{"rows", "columns"}}. '
                             f"Received: mode={mode}")
        self.mode = mode

    def _normalized(self, x):
        if x.ndim != 2:
            raise ValueError(f"Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape={x.shape}")
        rows = x if self.mode == "rows" else x.T
        norms = xp.maximum(xp.sqrt(xp.sum(xp.square(rows), axis=1, keepdims=True)), backend.epsilon())
        return rows, rows / norms, norms

    def __call__(self, x):
        _, n, _ = self._normalized(x)
        k = n.shape[0]
        if k < 2:
            return 0.0
        product = n @ n.T
        off_diagonal = float(xp.abs(product).sum() - xp.abs(xp.diagonal(product)).sum())
        return self.factor * 0.5 * off_diagonal / (k * (k - 1) / 2.0)

    def gradient(self, x):
        rows, n, norms = self._normalized(x)
        k = n.shape[0]
        if k < 2:
            return xp.zeros_like(x)
        signs = xp.sign(n @ n.T)
        xp.fill_diagonal(signs, 0.0)
        scale = self.factor * 0.5 / (k * (k - 1) / 2.0)
        grad_n = scale * ((signs + signs.T) @ n)
        # through n = rows / |rows| (rows of norm below epsilon are divided by epsilon)
        radial = xp.sum(n * grad_n, axis=1, keepdims=True) * n
        clamped = xp.sqrt(xp.sum(xp.square(rows), axis=1, keepdims=True)) <= backend.epsilon()
        grad_rows = xp.where(clamped, grad_n, grad_n - radial) / norms
        return (grad_rows if self.mode == "rows" else grad_rows.T).astype(x.dtype, copy=False)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer
_REGISTRY = {"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2,
             "orthogonal_regularizer": OrthogonalRegularizer,
             "orthogonalregularizer": OrthogonalRegularizer}


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
        "Expected None, 'l1', 'l2', 'l1_l2', 'orthogonal_regularizer' or an "
        "axone.regularizers.Regularizer."
    )


def serialize(regularizer) -> dict | None:
    if regularizer is None:
        return None
    from axone.saving.serialization import serialize_keras_object
    return serialize_keras_object(regularizer)
