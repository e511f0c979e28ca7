"""Routed parameters (`model__`, `fit__`, `optimizer__`, ...) and the build function's arguments.

As in scikeras, a parameter `prefix__name` is meant for one consumer: the
build function (`model__`), `Model.fit` (`fit__`), `Model.predict`
(`predict__`), `Model.compile` (`compile__`), or the constructor of the
optimizer, loss, metrics or callbacks given as classes (`optimizer__`,
`loss__`, `metrics__`, `callbacks__`).
"""

from __future__ import annotations

import copy
import inspect
from typing import Any, Callable

PREFIXES = ("model", "fit", "predict", "compile", "optimizer", "loss", "metrics", "callbacks")
# Arguments a build function may declare to receive what the wrapper knows.
SPECIAL_ARGUMENTS = ("meta", "compile_kwargs", "params")


def routed(params: dict, prefix: str) -> dict:
    """The parameters `prefix__name`, keyed by `name`."""
    head = prefix + "__"
    return {key[len(head):]: value for key, value in params.items() if key.startswith(head)}


def is_routed(key: str) -> bool:
    return "__" in key and key.split("__", 1)[0] in PREFIXES


def instantiate(spec: Any, kwargs: dict, what: str, resolve: Callable[[str], Any] | None = None):
    """A fresh object from `spec`: a class is called with `kwargs`, an instance is copied.

    A string is returned as it is (compile resolves it), unless `kwargs` are
    routed to it: then `resolve(name)` gives an object whose class is called.
    Copying instances keeps one fit's optimizer state out of the next fit.
    """
    if isinstance(spec, type):
        return spec(**kwargs)
    if isinstance(spec, str):
        if not kwargs:
            return spec
        if resolve is None:
            raise ValueError(f"{what}__ parameters {sorted(kwargs)} need {what} given as a class, not "
                             f"the name {spec!r}: e.g. {what}=axone.{what}s.SomeClass.")
        return type(resolve(spec))(**kwargs)
    if kwargs:
        raise ValueError(f"{what}__ parameters {sorted(kwargs)} cannot apply to {what}={spec!r}, an object "
                         f"already made: pass its class instead, e.g. {what}={type(spec).__name__}.")
    return copy.deepcopy(spec)


def build_arguments(function: Callable, params: dict, extra: dict, special: dict, owner: str) -> dict:
    """The keyword arguments to call the build function with.

    Args:
        function: the build function.
        params: every parameter of the wrapper (routed ones included).
        extra: the parameters given to the wrapper by a name it does not
            define itself (`KerasRegressor(build_model, n_hidden=1)`).
        special: the values of `meta`, `compile_kwargs` and `params`.
        owner: the wrapper's class name, for messages.

    `model__name` wins over a plain `name`. Raises if a parameter meant for
    the function is not one of its arguments (unless it takes `**kwargs`),
    or if one of its arguments without a default gets no value.
    """
    signature = inspect.signature(function)
    arguments = signature.parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in arguments.values())
    offered = {**extra, **routed(params, "model")}
    unknown = sorted(k for k in offered if k not in arguments or k in SPECIAL_ARGUMENTS)
    if unknown and not takes_any:
        raise ValueError(
            f"{owner} was given {', '.join(unknown)}, which {function.__name__}() does not take "
            f"(its arguments: {', '.join(arguments) or 'none'}). Check the spelling, or add them "
            "to the function's arguments.")
    kwargs = {name: value for name, value in special.items() if name in arguments}
    for name, value in offered.items():
        if name not in SPECIAL_ARGUMENTS:
            kwargs[name] = value
    missing = [name for name, p in arguments.items()
               if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
               and name not in kwargs]
    if missing:
        hint = ", ".join(f"{name}=..." for name in missing)
        raise TypeError(f"{function.__name__}() needs {', '.join(missing)}: pass "
                        f"{owner}({function.__name__}, {hint}) or model__{missing[0]}=... "
                        "(e.g. in a parameter grid).")
    return kwargs
