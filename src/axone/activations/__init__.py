"""Activation functions: forward formulas and their analytic derivatives.

Each activation is an `ActivationFunction`: call it like Keras's function
(`axone.activations.relu(x)` returns a new array), and layers use its
`forward(z, out)` (which may compute in place) and `backward(grad, z, y)`
(the gradient with respect to `z`, given the gradient with respect to the
output `y`). Where the derivative can be written from the output `y`
(sigmoid: `y (1 - y)`), `uses_input` is False and layers may overwrite `z`
with `y` to save memory; `backward` then receives `z=None`.

Names, defaults and formulas follow Keras 3 (`keras.activations`), plus two
threshold units, `heaviside` and `sign`, that have no usable derivative.
"""

from __future__ import annotations

import types
from functools import partial
from typing import Callable

from axone.activations.function import (  # noqa: F401
    _PLAIN_FUNCTION,
    ActivationFunction,
    NotDifferentiableError,
)
from axone.activations.gated import exponential, gelu, hard_silu, mish, silu
from axone.activations.numerics import _into, erf  # noqa: F401  (public: axone.activations.erf)
from axone.activations.rectifiers import (
    celu,
    elu,
    hard_shrink,
    leaky_relu,
    linear,
    relu,
    relu6,
    selu,
    soft_shrink,
)
from axone.activations.squashing import (
    hard_sigmoid,
    hard_tanh,
    log_sigmoid,
    log_softmax,
    sigmoid,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    squareplus,
    tanh,
    tanh_shrink,
)
from axone.activations.steps import heaviside, sign
from axone.backend import xp
from axone.utils.identifiers import lookup

# ------------------------------------------------------------------ registry
swish = silu
hard_swish = hard_silu

_REGISTRY: dict[str, ActivationFunction] = {
    f.name: f for f in (
        linear, relu, leaky_relu, relu6, sigmoid, hard_sigmoid, log_sigmoid, sparse_sigmoid,
        tanh, hard_tanh, tanh_shrink, softmax, log_softmax, softplus, softsign, squareplus,
        sparse_plus, elu, selu, celu, gelu, silu, hard_silu, mish, exponential, soft_shrink,
        hard_shrink, heaviside, sign,
    )
}
_REGISTRY.update({"swish": silu, "hard_swish": hard_silu})  # Keras's aliases


def register(function: ActivationFunction, *aliases: str) -> ActivationFunction:
    """Add an activation (and optional aliases) to the name registry."""
    for name in (function.name, *aliases):
        _REGISTRY[name] = function
    return function


def _wrap_plain_function(function: Callable) -> ActivationFunction:
    """An `ActivationFunction` that applies a derivative-free Python function."""
    def forward(z, out):
        return _into(xp.asarray(function(z)), z, out)

    name = getattr(function, "__name__", None) or type(function).__name__
    return ActivationFunction(name, forward, None,
                              not_differentiable_message=_PLAIN_FUNCTION)


def get(identifier) -> ActivationFunction | Callable:
    """Resolve an activation as Keras does.

    Args:
        identifier: `None` (linear), a name (`"relu"`, `"swish"`), a
            serialized dict (see `serialize`), an `ActivationFunction`, or a
            plain function. A plain function computes predictions; training
            through it raises `NotDifferentiableError`, since it has no
            derivative: give one with `ActivationFunction` to train.

    Raises:
        ValueError: for an unknown name (naming the closest known names) or
            an identifier of another type.
    """
    if identifier is None:
        return linear
    if isinstance(identifier, ActivationFunction):
        return identifier
    if isinstance(identifier, str):
        return lookup(identifier, _REGISTRY, "activation")
    if isinstance(identifier, dict):
        return _from_dict(identifier)
    if isinstance(identifier, (types.FunctionType, types.BuiltinFunctionType, xp.ufunc, partial)):
        return _wrap_plain_function(identifier)
    if callable(identifier):  # e.g. an object with its own forward/backward
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


def _from_dict(config: dict) -> ActivationFunction:
    # Keras writes a built-in function as {"class_name": "function", "config": "relu"};
    # a parametrised one is {"class_name": "relu", "config": {"negative_slope": 0.1}}.
    inner = config.get("config")
    if isinstance(inner, str) and config.get("class_name") == "function" and "module" in config:
        # Keras's full schema: a registered or custom function is looked up by name.
        from axone.saving.serialization import deserialize_keras_object
        found = deserialize_keras_object(config, kind="activations")
        return found if isinstance(found, ActivationFunction) else get(found)
    if isinstance(inner, str):
        return lookup(inner, _REGISTRY, "activation")
    if "class_name" not in config:
        raise ValueError(f"An activation config needs a 'class_name'. Received: {config!r}")
    return lookup(config["class_name"], _REGISTRY, "activation").with_params(**(inner or {}))


def serialize(activation) -> str | dict:
    """Return the name of an activation, or a dict when its parameters differ from the defaults.

    `get(serialize(f))` rebuilds `f`; the result is JSON-compatible.
    """
    name = getattr(activation, "name", None) or getattr(activation, "__name__", None)
    if name is None:
        raise ValueError(f"Cannot serialize activation {activation!r}: it has no name.")
    params = getattr(activation, "params", None)
    default = _REGISTRY.get(name)
    if params and default is not None and params != default.params:
        return {"class_name": name, "config": dict(params)}
    return name


def deserialize(config) -> ActivationFunction | Callable:
    """Inverse of `serialize`."""
    return get(config)

