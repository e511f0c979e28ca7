"""Saving and loading models: Keras 3's `.keras` and `.weights.h5` formats, safely.

    model.save("m.keras")
    model = axone.saving.load_model("m.keras")          # also axone.models.load_model
    model.save_weights("m.weights.h5"); model.load_weights("m.weights.h5")
    axone.saving.inspect("m.keras")                     # what a file holds, building nothing

Loading never runs code from a file: classes come from axone's registries,
`register_keras_serializable` and `custom_objects` only.
"""

from axone.saving.inspection import format_inspection, inspect
from axone.saving.object_registration import (CustomObjectScope, custom_object_scope, get_custom_objects,
                                              get_registered_name, get_registered_object,
                                              register_keras_serializable)
from axone.saving.saving_lib import load_model, load_weights, save_model, save_weights
from axone.saving.serialization import deserialize_keras_object, serialize_keras_object

__all__ = [
    "CustomObjectScope", "custom_object_scope", "get_custom_objects", "get_registered_name",
    "get_registered_object", "register_keras_serializable", "serialize_keras_object",
    "deserialize_keras_object", "save_model", "load_model", "save_weights", "load_weights",
    "inspect", "format_inspection",
]
