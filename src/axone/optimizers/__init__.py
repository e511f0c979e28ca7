"""Optimizers: `get("sgd")`, `SGD`, `Adam`, ... and `schedules`."""

from __future__ import annotations

from axone.optimizers import schedules
from axone.optimizers.base import Optimizer
from axone.optimizers.sgd import SGD
from axone.utils.identifiers import lookup

_REGISTRY: dict[str, type[Optimizer]] = {"sgd": SGD}


def get(identifier) -> Optimizer:
    """Resolve a name (`"sgd"`, `"adam"`), a config dict, a class or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return lookup(identifier, _REGISTRY, "optimizer")()
    if isinstance(identifier, dict):
        cls = lookup(identifier["class_name"], _REGISTRY, "optimizer")
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise TypeError(f"Could not interpret optimizer identifier: {identifier!r}")


def serialize(optimizer: Optimizer) -> dict:
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config: dict) -> Optimizer:
    return get(config)


__all__ = ["Optimizer", "SGD", "get", "serialize", "deserialize", "schedules"]
