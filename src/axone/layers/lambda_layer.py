"""`Lambda`: a layer from a Python function written with layers and `axone.ops`."""

from __future__ import annotations

from axone.layers.base import Layer, standardize_shape


class Lambda(Layer):
    """Wraps `function(inputs, **arguments)` as a layer; traced like any `call`.

    Args:
        function: the function, written with `axone.ops` (or NumPy functions,
            which become ops on symbolic tensors), e.g. `lambda x: x ** 2`.
        output_shape: shape of one output sample (no batch axis). Optional:
            the traced graph knows it; when given it must agree.
        mask: accepted for Keras compatibility; must be None.
        arguments: keyword arguments passed to `function`.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda needs a callable. Received: function={function!r}")
        if mask is not None:
            raise NotImplementedError("Lambda(mask=...) is not supported: axone layers carry no masks.")
        self.function = function
        self.arguments = dict(arguments or {})
        self._output_shape = None if output_shape is None else standardize_shape(output_shape, "output_shape")

    def call(self, inputs):
        outputs = self.function(inputs, **self.arguments)
        expected = self._output_shape
        if expected is not None and hasattr(outputs, "shape"):
            got = tuple(outputs.shape[1:])
            if len(got) != len(expected) or any(a is not None and b is not None and a != b
                                                for a, b in zip(got, expected)):
                raise ValueError(f"Lambda {self.name!r}: output_shape={expected} was given, but the "
                                 f"function returns samples of shape {got}.")
        return outputs

    def get_config(self):
        """Keras's config: a named function by name (found again through `custom_objects` or
        `register_keras_serializable`), a lambda as bytecode (loaded only with `safe_mode=False`)."""
        from axone.saving.serialization import serialize_function, serialize_keras_object
        config = {**super().get_config(), "function": serialize_function(self.function),
                  "arguments": serialize_keras_object(self.arguments)}
        if self._output_shape is not None:
            config["output_shape"] = self._output_shape
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None, safe_mode: bool | None = None):
        from axone.saving.serialization import deserialize_keras_object
        config = dict(config)
        config["function"] = deserialize_keras_object(config["function"], custom_objects, safe_mode)
        config["arguments"] = deserialize_keras_object(config.get("arguments") or {}, custom_objects, safe_mode)
        if isinstance(config.get("output_shape"), list):
            config["output_shape"] = tuple(config["output_shape"])
        return cls(**config)
