"""Custom classes and functions that loading may create, by name.

Loading a file never imports a module named in it: a class comes from
axone's own registries, from the objects registered here with
`register_keras_serializable`, or from the `custom_objects` the caller
passes (directly or through `custom_object_scope`).
"""

from __future__ import annotations

import threading
from typing import Any, Callable

# "package>name" -> object, and object -> "package>name".
_GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
_GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}
_scopes = threading.local()


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable:
    """Decorator registering a class or function under `"package>name"`.

    Args:
        package: namespace of the name. Defaults to `"Custom"`.
        name: defaults to the object's `__name__`.

    A registered object is saved with `registered_name="package>name"` and
    found again by that name when loading, without `custom_objects`.
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(f"package must be a string without '>'. Received: package={package!r}")

    def decorator(obj):
        key = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(
                f"Cannot register {obj.__name__!r}: a class registered for saving must define "
                "get_config()."
            )
        _GLOBAL_CUSTOM_OBJECTS[key] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = key
        return obj

    return decorator


def get_registered_name(obj) -> str:
    """`"package>name"` of a registered object, else its `__name__`."""
    try:
        return _GLOBAL_CUSTOM_NAMES.get(obj) or obj.__name__
    except TypeError:  # an unhashable object is never registered
        return obj.__name__


def is_registered(obj) -> bool:
    try:
        return obj in _GLOBAL_CUSTOM_NAMES
    except TypeError:
        return False


def get_custom_objects() -> dict[str, Any]:
    """The global registry (`"package>name"` -> object); editing it registers objects."""
    return _GLOBAL_CUSTOM_OBJECTS


def _scope_stack() -> list[dict]:
    if not hasattr(_scopes, "stack"):
        _scopes.stack = []
    return _scopes.stack


class CustomObjectScope:
    """`with custom_object_scope({"MyLayer": MyLayer}): load_model(...)`.

    The objects are visible to every loading call inside the block (in this
    thread), as if passed as `custom_objects`.
    """

    def __init__(self, *custom_objects: dict):
        self.custom_objects = {}
        for objects in custom_objects:
            if objects is None:
                continue
            if not isinstance(objects, dict):
                raise TypeError(f"custom_objects must be a dict. Received: {objects!r}")
            self.custom_objects.update(objects)

    def __enter__(self):
        _scope_stack().append(self.custom_objects)
        return self

    def __exit__(self, *exc):
        _scope_stack().pop()


custom_object_scope = CustomObjectScope


def scoped_custom_objects() -> dict[str, Any]:
    """The objects of every enclosing `custom_object_scope`, innermost last."""
    merged: dict[str, Any] = {}
    for objects in _scope_stack():
        merged.update(objects)
    return merged


def get_registered_object(name: str, custom_objects: dict | None = None, module_objects: dict | None = None):
    """The object known as `name`: from `custom_objects`, the enclosing scopes,
    the global registry, then `module_objects`; None if none has it."""
    for source in (custom_objects or {}, scoped_custom_objects(), _GLOBAL_CUSTOM_OBJECTS, module_objects or {}):
        if name in source:
            return source[name]
    return None
