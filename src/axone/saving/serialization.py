"""Objects to JSON-compatible dicts and back, in Keras 3's schema.

A serialized object is
`{"module", "class_name", "config", "registered_name"}` (plus
`build_config` / `compile_config` for models and layers that have them).
`module` is the public Keras module of a built-in class (`"keras.layers"`),
which Keras reads back, and only ever a *hint* here: loading looks a class
up by name in axone's registries, the registered objects and the caller's
`custom_objects`, never by importing a module named in a file.
"""

from __future__ import annotations

import base64
import inspect
import threading
import warnings
from typing import Any

import numpy as np

from axone.saving import object_registration

PLAIN_TYPES = (str, int, float, bool)

#: kind of object -> the public Keras module its built-in classes live in.
KERAS_MODULES = {
    "layers": "keras.layers",
    "initializers": "keras.initializers",
    "regularizers": "keras.regularizers",
    "constraints": "keras.constraints",
    "losses": "keras.losses",
    "metrics": "keras.metrics",
    "optimizers": "keras.optimizers",
    "schedules": "keras.optimizers.schedules",
    "activations": "keras.activations",
    "models": "keras",
}
# Dtypes a config may hold in a `__numpy__` entry (never `object`).
_NUMERIC_KINDS = "biuf"
_MAX_DEPTH = 100

_state = threading.local()


class SerializationError(ValueError):
    """A config that cannot be turned back into objects (unknown class, bad entry)."""


# ---------------------------------------------------------------- built-ins
def _base_classes() -> dict[str, type]:
    """kind -> axone base class (imported here, lazily, to keep imports acyclic)."""
    from axone import initializers, losses, metrics, optimizers, regularizers
    from axone.layers.base import Layer
    from axone.optimizers.schedules import LearningRateSchedule

    bases = {
        "layers": Layer, "initializers": initializers.Initializer,
        "regularizers": regularizers.Regularizer, "losses": losses.Loss,
        "metrics": metrics.Metric, "optimizers": optimizers.Optimizer,
        "schedules": LearningRateSchedule,
    }
    constraints = _optional_module("constraints")
    if constraints is not None and hasattr(constraints, "Constraint"):
        bases["constraints"] = constraints.Constraint
    return bases


def _optional_module(name: str):
    import importlib
    import axone
    module = getattr(axone, name, None)
    if module is None:
        try:  # an axone subpackage not imported by axone/__init__ yet
            module = importlib.import_module(f"axone.{name}")
        except ImportError:
            return None
    return module


def builtin_classes(kind: str) -> dict[str, Any]:
    """`{class_name: class}` of axone's public built-ins of one kind.

    Found by scanning the kind's public module, so a class added there is
    serialisable (and covered by the round-trip tests) without registering.
    """
    if kind == "models":
        from axone.models import Model, Sequential
        return {"Sequential": Sequential, "Functional": Model, "Model": Model}
    if kind == "activations":
        from axone import activations
        return dict(activations._REGISTRY)
    base = _base_classes().get(kind)
    if base is None:
        return {}
    module = _optional_module("optimizers.schedules" if kind == "schedules" else kind)
    found = {}
    for value in vars(module).values():
        if (isinstance(value, type) and issubclass(value, base) and not value.__name__.startswith("_")
                and value.__module__.startswith("axone.")):
            found[value.__name__] = value
    if kind == "layers":
        from axone.models import Model, Sequential
        found.update({"Sequential": Sequential, "Functional": Model, "Model": Model})
    return found


def kind_of(obj) -> str | None:
    """The kind (`"layers"`, `"losses"`, ...) of an axone object or class, else None."""
    cls = obj if isinstance(obj, type) else type(obj)
    from axone.models import Model
    if issubclass(cls, Model):
        return "models"
    for kind, base in _base_classes().items():
        if issubclass(cls, base):
            return kind
    return None


def _kind_from_module(module) -> str | None:
    """`"keras.src.backend.torch.optimizers.torch_adam"` -> `"optimizers"` (a string test only)."""
    if not isinstance(module, str):
        return None
    parts = module.split(".")
    if parts[0] not in ("keras", "axone"):
        return None
    if "schedules" in parts:
        return "schedules"
    if "models" in parts or module == "keras":
        return "models"
    for part in parts[1:]:
        if part in KERAS_MODULES:
            return part
    return None


# ------------------------------------------------------------- serializing
def serialize_keras_object(obj):
    """`obj` as JSON-compatible data in Keras 3's schema (see the module docstring)."""
    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in _NUMERIC_KINDS:
            raise ValueError(f"Cannot serialize an array of dtype {obj.dtype}: only numbers are saved.")
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    from axone.activations.function import ActivationFunction
    if isinstance(obj, ActivationFunction):
        from axone import activations
        return _function_config(obj, activations.serialize(obj))
    if isinstance(obj, type) or callable(obj) and not hasattr(obj, "get_config"):
        return _function_config(obj, getattr(obj, "__name__", None))
    return _object_config(obj)


def _function_config(fn, name):
    if object_registration.is_registered(fn):
        return {"module": getattr(fn, "__module__", None), "class_name": "function",
                "config": object_registration.get_registered_name(fn),
                "registered_name": object_registration.get_registered_name(fn)}
    if isinstance(name, dict):  # a parametrised built-in activation
        return name
    if getattr(fn, "__name__", None) == "<lambda>":
        raise ValueError(
            "Cannot serialize a Python lambda: name the function, register it with "
            "@axone.saving.register_keras_serializable() and pass it by name."
        )
    return {"module": "keras.activations" if _is_builtin_activation(fn) else getattr(fn, "__module__", None),
            "class_name": "function", "config": name, "registered_name": name}


def _is_builtin_activation(fn) -> bool:
    from axone import activations
    return any(fn is f for f in activations._REGISTRY.values())


def public_name(cls) -> tuple[str, str, str | None]:
    """`(module, class_name, registered_name)` to write for class `cls`."""
    if object_registration.is_registered(cls):
        return cls.__module__, cls.__name__, object_registration.get_registered_name(cls)
    kind = kind_of(cls)
    if kind is not None and cls.__module__.startswith("axone."):
        if kind == "models":
            from axone.models import Sequential
            if cls is Sequential:
                return "keras", "Sequential", None
            return "keras.src.models.functional", "Functional", "Functional"
        if builtin_classes(kind).get(cls.__name__) is cls:
            return KERAS_MODULES[kind], cls.__name__, None
    return cls.__module__, cls.__name__, cls.__name__


def _object_config(obj) -> dict:
    cls = type(obj)
    if not hasattr(obj, "get_config"):
        raise ValueError(
            f"Cannot serialize {obj!r}: {cls.__name__} has no get_config(). Give it one, or "
            "register a serializable object with @axone.saving.register_keras_serializable()."
        )
    module, class_name, registered_name = public_name(cls)
    try:
        inner = obj.get_config()
    except NotImplementedError as error:
        if kind_of(obj) == "models" and not getattr(obj, "_subclassed", False):
            raise  # a graph axone cannot describe: nothing useful could be saved
        warnings.warn(
            f"{cls.__name__} {getattr(obj, 'name', '')!r} has no get_config() ({error}); its "
            "weights are saved, but the file cannot recreate it: define get_config() "
            "(and from_config()) to make it loadable.", UserWarning, stacklevel=3)
        inner = None
    else:
        _warn_if_config_is_incomplete(obj, inner)
    config = {"module": module, "class_name": class_name,
              "config": serialize_keras_object(inner), "registered_name": registered_name}
    build_config = _build_config(obj)
    if build_config is not None:
        config["build_config"] = serialize_keras_object(build_config)
    compile_config = _compile_config(obj)
    if compile_config is not None:
        config["compile_config"] = serialize_keras_object(compile_config)
    return config


def _build_config(obj) -> dict | None:
    """`{"input_shape": ...}` of a built layer or Sequential model (Keras's `get_build_config`)."""
    method = getattr(obj, "get_build_config", None)
    if method is not None:
        return method()
    from axone.layers.base import Layer
    from axone.models import Model, Sequential
    if isinstance(obj, Sequential):
        layer = obj._input_layer
        return {"input_shape": list(layer.batch_shape)} if layer is not None else None
    if isinstance(obj, Model):
        if not obj._subclassed or obj._plan is None:
            return None  # a functional model's config holds its inputs
        shapes = [list(t.shape) for t in obj.inputs]
        return {"input_shape": shapes[0] if len(shapes) == 1 else shapes}
    if isinstance(obj, Layer) and obj.built and obj._build_input_shape is not None:
        return {"input_shape": obj._build_input_shape}
    return None


def _compile_config(obj) -> dict | None:
    """The arguments of `compile` (Keras's `get_compile_config`), for a compiled model."""
    method = getattr(obj, "get_compile_config", None)
    if method is not None:
        return method()
    if not getattr(obj, "compiled", False) or getattr(obj, "_compile_args", None) is None:
        return None
    args = obj._compile_args
    return {"optimizer": obj.optimizer, "loss": args["loss"], "loss_weights": args["loss_weights"],
            "metrics": args["metrics"], "weighted_metrics": args["weighted_metrics"],
            "run_eagerly": False, "steps_per_execution": 1, "jit_compile": False}


def _apply_build_config(instance, build_config) -> None:
    """Build a lone layer (or an unbuilt Sequential model) as its file says."""
    from axone.layers.base import Layer
    from axone.models import Model, Sequential
    shape = build_config.get("input_shape") if isinstance(build_config, dict) else None
    if shape is None or not isinstance(instance, Layer) or instance.built and not isinstance(instance, Model):
        return
    shape = _as_shape(shape)
    if isinstance(instance, Sequential):
        if instance._plan is None:
            instance.build(shape)
    elif isinstance(instance, Model):
        if instance._subclassed and instance._plan is None:
            instance.build(shape)
    else:
        instance._maybe_build(shape)


def _as_shape(value):
    """JSON lists back to shape tuples: `[null, 8]` -> `(None, 8)`; a list of shapes stays a list."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (list, tuple)) for v in value):
        return [_as_shape(v) for v in value]
    if not isinstance(value, (list, tuple)) or not all(v is None or isinstance(v, int) and not isinstance(v, bool)
                                                       for v in value):
        raise SerializationError(f"build_config holds an invalid shape {value!r}.")
    return tuple(value)


def _warn_if_config_is_incomplete(obj, config) -> None:
    """A custom class whose config lacks required `__init__` arguments (no get_config of its own)."""
    cls = type(obj)
    if cls.__module__.startswith("axone.") or "get_config" in vars(cls) or not isinstance(config, dict):
        return
    try:
        parameters = inspect.signature(cls.__init__).parameters.values()
    except (TypeError, ValueError):
        return
    missing = [p.name for p in parameters
               if p.name != "self" and p.default is p.empty and p.name not in config
               and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    if missing:
        warnings.warn(
            f"{cls.__name__} does not define get_config(), so its constructor argument(s) "
            f"{', '.join(missing)} are not saved: the weights are saved, but loading the "
            f"file needs a get_config() returning them.", UserWarning, stacklevel=4)


# ----------------------------------------------------------- deserializing
class _SafeMode:
    """The innermost safe_mode wins, but a nested call can never turn it off."""

    def __init__(self, safe_mode: bool):
        outer = getattr(_state, "safe_mode", None)
        self.safe_mode = bool(safe_mode) or outer is True

    def __enter__(self):
        self.previous = getattr(_state, "safe_mode", None)
        _state.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc):
        _state.safe_mode = self.previous


def in_safe_mode() -> bool:
    """True unless the caller of the enclosing load passed `safe_mode=False`."""
    value = getattr(_state, "safe_mode", None)
    return True if value is None else value


def _depth_guard(depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise SerializationError(f"The config is nested more than {_MAX_DEPTH} levels deep.")


def deserialize_keras_object(config, custom_objects: dict | None = None, safe_mode: bool | None = None,
                             kind: str | None = None, _depth: int = 0):
    """Rebuild what `serialize_keras_object` wrote (or what Keras 3 wrote).

    Args:
        config: the serialized data.
        custom_objects: `{name: class or function}` for custom objects.
        safe_mode: refuse Python code (lambdas) in the config. Defaults to
            True; only a caller can pass False, and a nested call cannot
            switch it off once an outer one is safe.
        kind: what is expected (`"layers"`, `"losses"`...), used to find a
            built-in class when the config names no Keras/axone module.

    Raises:
        SerializationError (a ValueError): an unknown class, naming the two
            ways to provide it; a lambda in safe mode; a malformed entry.
    """
    _depth_guard(_depth)
    if safe_mode is None or getattr(_state, "safe_mode", None) is True:
        safe_mode = in_safe_mode() if safe_mode is None else True
    if config is None or isinstance(config, PLAIN_TYPES):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(x, custom_objects, safe_mode, None, _depth + 1) for x in config]
    if not isinstance(config, dict):
        raise SerializationError(f"Could not parse config entry {config!r}.")
    if "class_name" not in config or "config" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode, None, _depth + 1)
                for k, v in config.items()}
    class_name, inner = config["class_name"], config["config"]
    if not isinstance(class_name, str):
        raise SerializationError(f"class_name must be a string. Received: {class_name!r}")
    special = _special(class_name, inner, safe_mode)
    if special is not _NOT_SPECIAL:
        return special
    custom = {**object_registration.scoped_custom_objects(), **(custom_objects or {})}
    if class_name == "function":
        return _resolve_function(config, custom, kind)
    if inner is None:
        raise SerializationError(
            f"The file holds no config for {class_name!r}: its class had no get_config() when "
            "it was saved, so it cannot be recreated (its weights can still be loaded into a "
            "model built in code, with load_weights).")
    if not isinstance(inner, dict):
        raise SerializationError(f"The config of {class_name!r} must be a dict. Received: {inner!r}")
    cls = resolve_class(config, custom, kind)
    found_kind = kind_of(cls) or kind
    inner = normalize_config(cls, found_kind, inner)
    with object_registration.CustomObjectScope(custom), _SafeMode(safe_mode):
        try:
            if found_kind in ("models", "layers") and "custom_objects" in _parameters(cls.from_config):
                instance = cls.from_config(inner, custom_objects=custom)
            else:
                instance = cls.from_config(inner)
        except TypeError as error:
            raise SerializationError(
                f"{class_name} could not be recreated from its config: {error}. A custom "
                "class's from_config() must accept what its get_config() returns.") from error
        if config.get("build_config"):
            _apply_build_config(instance, config["build_config"])
    return instance


_NOT_SPECIAL = object()


def _special(class_name, inner, safe_mode):
    if class_name == "__numpy__":
        dtype = np.dtype(inner.get("dtype", "float32")) if isinstance(inner, dict) else None
        if dtype is None or dtype.kind not in _NUMERIC_KINDS:
            raise SerializationError(f"A __numpy__ entry must hold numbers. Received dtype: {dtype}")
        return np.array(inner["value"], dtype=dtype)
    if class_name == "__bytes__":
        return str(inner["value"]).encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__tuple__":
        return tuple(inner.get("value", ()))
    if class_name == "__lambda__":
        if safe_mode:
            raise SerializationError(
                "The config holds a Python lambda (code): refused, since loading it would run "
                "code from the file. If you trust the file, pass safe_mode=False to the "
                "loading function.")
        if not isinstance(inner, dict):
            raise SerializationError("A __lambda__ entry must hold a dict.")
        with _SafeMode(False):
            if "value" in inner:  # serialize_keras_object's form
                return load_function(inner["value"])
            return load_function(inner.get("code"), inner.get("defaults"), inner.get("closure"))
    if class_name in ("__typespec__", "__tensor__"):
        raise SerializationError(f"Config entries of class {class_name!r} are not supported by axone.")
    return _NOT_SPECIAL


def load_function(code, defaults=None, closure=None):
    """A function from its marshalled bytecode (Keras's `func_dump`): only with safe_mode=False."""
    if in_safe_mode():  # a second guard: never unmarshal code in safe mode
        raise SerializationError("Refusing to load Python bytecode in safe mode.")
    import marshal
    import types
    if isinstance(code, (list, tuple)):  # Keras's (code, defaults, closure) triple
        code, defaults, closure = (list(code) + [None, None])[:3]
    if not isinstance(code, str):
        raise SerializationError("A __lambda__ entry must hold its code as a base64 string.")
    raw = base64.decodebytes(code.encode("ascii"))
    cells = None if closure is None else tuple(types.CellType(v) for v in closure)
    return types.FunctionType(marshal.loads(raw), _lambda_globals(), None,
                              tuple(defaults) if defaults is not None else None, cells)


def _lambda_globals() -> dict:
    """What a loaded lambda can name: NumPy and axone (also as `keras` and `ops`)."""
    import builtins
    import axone
    from axone import ops
    return {"__builtins__": builtins, "np": np, "numpy": np, "axone": axone, "keras": axone, "ops": ops}


def serialize_function(fn) -> dict:
    """A function in a layer's config (a `Lambda`'s): by name, or a lambda's bytecode as Keras writes it.

    A lambda can only be loaded again with `safe_mode=False`, which says so.
    """
    import marshal
    if getattr(fn, "__name__", None) != "<lambda>":
        return serialize_keras_object(fn)
    warnings.warn(
        "Saving a Python lambda: the file holds its bytecode, which loading refuses unless the "
        "caller passes safe_mode=False. Prefer a named function (def), registered with "
        "@axone.saving.register_keras_serializable() or passed in custom_objects.",
        UserWarning, stacklevel=3)
    closure = None
    if fn.__closure__:
        closure = [serialize_keras_object(cell.cell_contents) for cell in fn.__closure__]
    return {"class_name": "__lambda__", "config": {
        "code": base64.encodebytes(marshal.dumps(fn.__code__)).decode("ascii"),
        "defaults": serialize_keras_object(fn.__defaults__), "closure": closure}}


def _parameters(fn) -> set[str]:
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


_KIND_NAMES = {"layers": "layer", "initializers": "initializer", "regularizers": "regularizer",
               "constraints": "constraint", "losses": "loss", "metrics": "metric", "optimizers": "optimizer",
               "schedules": "learning rate schedule", "activations": "activation", "models": "model",
               "function": "function"}


def missing_class_error(class_name, registered_name=None, module=None, kind=None) -> SerializationError:
    """The error for a class no registry has: it names the class and the two ways to provide it."""
    import difflib
    where = f" (module {module!r} in the file)" if module else ""
    known = list(builtin_classes(kind)) if kind in KERAS_MODULES else []
    close = difflib.get_close_matches(str(class_name), known, n=3, cutoff=0.6)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    key = registered_name if registered_name and registered_name != class_name else class_name
    return SerializationError(
        f"Unknown {_KIND_NAMES.get(kind, 'class')} {class_name!r}{where}.{hint} axone never imports "
        f"a module named in a file; if it is your own class or function, provide it either by "
        f"passing custom_objects={{{key!r}: {class_name}}} to the loading function, or by "
        f"decorating it with @axone.saving.register_keras_serializable()"
        + (f" (registered as {registered_name!r})" if registered_name and ">" in registered_name else "")
        + "."
    )


def resolve_class(config: dict, custom: dict, kind: str | None = None):
    """The class a config names: custom objects, then registered ones, then axone's built-ins."""
    class_name = config["class_name"]
    registered_name = config.get("registered_name")
    module = config.get("module")
    for key in (registered_name, class_name):
        if isinstance(key, str) and key in custom:
            return custom[key]
    if isinstance(registered_name, str):
        found = object_registration.get_registered_object(registered_name)
        if found is not None:
            return found
    module_kind = _kind_from_module(module)
    if module_kind is not None or module is None:
        for candidate in dict.fromkeys(k for k in (module_kind, kind) if k):
            cls = builtin_classes(candidate).get(class_name)
            if cls is not None and isinstance(cls, type):
                return cls
    raise missing_class_error(class_name, registered_name, module, kind or module_kind)


def _resolve_function(config, custom, kind):
    name = config["config"]
    registered_name = config.get("registered_name")
    if not isinstance(name, str):
        raise SerializationError(f"A function entry must name the function. Received: {name!r}")
    for key in (registered_name, name):
        if isinstance(key, str):
            found = custom.get(key) or object_registration.get_registered_object(key)
            if found is not None:
                return found
    module = config.get("module")
    module_kind = _kind_from_module(module)
    if module_kind is None and module not in (None, "builtins"):
        # A function of some other module (the user's own): never a built-in of the same name.
        raise missing_class_error(name, registered_name, module, "function")
    module_kind = module_kind or kind or "activations"
    if module_kind == "activations" or module == "builtins":
        from axone import activations
        if name in activations._REGISTRY:
            return activations._REGISTRY[name]
    if module_kind in ("losses", "metrics"):
        import axone
        fn = getattr(getattr(axone, module_kind), name, None)
        if callable(fn) and getattr(fn, "__module__", "").startswith("axone."):
            return fn
    raise missing_class_error(name, registered_name, config.get("module"), "function")


# ------------------------------------------------------- Keras's configs
#: Keras layer options axone does not have, accepted only at these (neutral) values.
_NEUTRAL = (None, False)
#: Keras options that only matter when another one is on (BatchNormalization's renorm).
_DEPENDENT = {"renorm_momentum": "renorm", "renorm_clipping": "renorm"}


def normalize_config(cls, kind: str | None, config: dict) -> dict:
    """Keras 3's spellings that axone writes differently (dtype policies), and
    Keras layer options axone lacks when they hold their neutral value (None/False).

    An option axone lacks that holds anything else raises: it would change
    what the model computes.
    """
    config = dict(config)
    dtype = config.get("dtype")
    if isinstance(dtype, dict):
        config["dtype"] = _dtype_policy_name(dtype)
    if kind == "layers" and isinstance(cls, type):
        accepted = _accepted_arguments(cls)
        if accepted is not None:
            for key in [k for k in config if k not in accepted]:
                if any(config[key] is v for v in _NEUTRAL) or key in _DEPENDENT and not config.get(_DEPENDENT[key]):
                    del config[key]
                else:
                    raise SerializationError(
                        f"Layer class {cls.__name__} has no option {key!r} in axone. "
                        f"Received: {key}={config[key]!r}")
    return config


def _dtype_policy_name(policy: dict) -> str:
    name = (policy.get("config") or {}).get("name")
    if not isinstance(name, str):
        raise SerializationError(f"Could not read the dtype policy {policy!r}.")
    if name.startswith("mixed_"):
        raise SerializationError(f"Mixed precision (dtype policy {name!r}) is not supported by axone.")
    return name


def _accepted_arguments(cls) -> set[str] | None:
    """Names every `__init__` along the class's MRO accepts, or None if unknown (no **kwargs chain)."""
    names: set[str] = set()
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None:
            continue
        try:
            parameters = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            return None
        names.update(p.name for p in parameters if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL))
        if not any(p.kind is p.VAR_KEYWORD for p in parameters):
            return names
        if klass.__module__ == "axone.layers.base":
            return names
    return names
