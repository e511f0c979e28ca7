"""Layers: `Dense`, `Dropout`, `BatchNormalization`, `Concatenate`, ... and their registry."""

from __future__ import annotations

from axone.layers.base import Layer
from axone.layers.core import Activation, Dense, Flatten, Identity
from axone.layers.input_layer import Input, InputLayer
from axone.layers.lambda_layer import Lambda
from axone.layers.merge import (Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract,
                                add, average, concatenate, maximum, minimum, multiply, subtract)
from axone.layers.embedding import Embedding
from axone.layers.normalization import BatchNormalization, LayerNormalization, UnitNormalization
from axone.layers.preprocessing import Normalization, Rescaling
from axone.layers.regularization import Dropout, GaussianDropout, GaussianNoise
from axone.layers.reshaping import Reshape

_LAYER_CLASSES: dict[str, type[Layer]] = {
    cls.__name__: cls for cls in (
        Layer, InputLayer, Dense, Flatten, Activation,
        Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum,
        Dropout, GaussianNoise, GaussianDropout, BatchNormalization,
        Identity, Normalization, Rescaling, Reshape,
        Embedding, LayerNormalization, UnitNormalization, Lambda,
    )
}


def register(cls: type[Layer]) -> type[Layer]:
    """Make a layer class known to `deserialize` (and model loading) by its name."""
    _LAYER_CLASSES[cls.__name__] = cls
    return cls


def serialize(layer: Layer) -> dict:
    """Keras's `{"module", "class_name", "config", "registered_name"}` (plus `build_config`)."""
    from axone.saving.serialization import serialize_keras_object
    return serialize_keras_object(layer)


def deserialize(config: dict, custom_objects: dict | None = None) -> Layer:
    """Recreate a layer (without weights) from `serialize`'s dict."""
    from axone.saving.serialization import deserialize_keras_object
    return deserialize_keras_object(config, custom_objects, kind="layers")


__all__ = ["Layer", "Input", "InputLayer", "Dense", "Flatten", "Activation",
           "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
           "concatenate", "add", "subtract", "multiply", "average", "maximum", "minimum",
           "Dropout", "GaussianNoise", "GaussianDropout", "BatchNormalization",
           "Identity", "Normalization", "Rescaling", "Reshape",
           "Embedding", "LayerNormalization", "UnitNormalization", "Lambda",
           "serialize", "deserialize", "register"]
