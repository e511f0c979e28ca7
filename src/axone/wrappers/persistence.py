"""Models held by a wrapper, as `.keras` bytes when pickled or copied.

A pickled wrapper holds its model as the bytes of a `.keras` file written in
memory (the architecture, the compile arguments, the weights and the
optimizer's state), never as live layers and buffers; unpickling loads it.
"""

from __future__ import annotations

import io

from axone.models import Model, load_model


def model_to_bytes(model: Model) -> bytes:
    buffer = io.BytesIO()
    model.save(buffer)
    return buffer.getvalue()


def model_from_bytes(data: bytes) -> Model:
    return load_model(io.BytesIO(data))


def copy_model(model: Model) -> Model:
    """An independent model with the same architecture, compile arguments, weights and optimizer state."""
    return model_from_bytes(model_to_bytes(model))


class SavedModel:
    """A model in its pickled form: the bytes of its `.keras` file."""

    def __init__(self, model: Model):
        self.data = model_to_bytes(model)

    def load(self) -> Model:
        return model_from_bytes(self.data)
