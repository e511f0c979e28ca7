"""Models: `Sequential`, `Model` (functional API), and building them from configs."""

from axone.models.model import Model
from axone.models.sequential import Sequential
from axone.models.serialization import model_from_config
from axone.saving.saving_lib import load_model, save_model


def model_from_json(json_string: str, custom_objects: dict | None = None):
    """Recreate a model (without weights) from `model.to_json()`."""
    import json

    return model_from_config(json.loads(json_string), custom_objects)


__all__ = ["Model", "Sequential", "load_model", "model_from_config", "model_from_json", "save_model"]
