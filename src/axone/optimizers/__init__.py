"""Optimizers: `get("adam")`, `SGD`, `Adam`, ... and `schedules`."""

from __future__ import annotations

from axone.optimizers import schedules
from axone.optimizers.adadelta import Adadelta
from axone.optimizers.adagrad import Adagrad
from axone.optimizers.adam import Adam
from axone.optimizers.adamax import Adamax
from axone.optimizers.adamw import AdamW
from axone.optimizers.base import Optimizer
from axone.optimizers.lion import Lion
from axone.optimizers.nadam import Nadam
from axone.optimizers.rmsprop import RMSprop
from axone.optimizers.sgd import SGD
from axone.utils.identifiers import lookup

#: Keras 3's names: the lower-case class name (lookups ignore case).
_REGISTRY: dict[str, type[Optimizer]] = {
    cls.__name__.lower(): cls
    for cls in (SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam, Lion)
}


def get(identifier) -> Optimizer | None:
    """Resolve a name (`"sgd"`, `"adam"`), a config dict, a class or an instance.

    `None` gives `None`, as in Keras.
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return lookup(identifier, _REGISTRY, "optimizer")()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")


def serialize(optimizer: Optimizer) -> dict:
    """Keras's `{"module", "class_name", "config", "registered_name"}`, which `deserialize` reads back."""
    from axone.saving.serialization import serialize_keras_object
    return serialize_keras_object(optimizer)


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """Rebuild an optimizer from `serialize`'s dict (Keras's dicts are read too)."""
    from axone.saving.serialization import deserialize_keras_object
    return deserialize_keras_object({"config": {}, **config}, custom_objects, kind="optimizers")


__all__ = [
    "Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "Nadam",
    "Lion", "get", "serialize", "deserialize", "schedules",
]
