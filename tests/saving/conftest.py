"""Models built the same way in axone and in Keras, for the saving tests."""

import pytest


def _dict_model(lib):
    """Two named inputs and two named outputs (dicts), in axone or Keras."""
    wide, deep = lib.Input(shape=(5,), name="wide"), lib.Input(shape=(3,), name="deep")
    hidden = lib.layers.Dense(4, activation="relu")(deep)
    merged = lib.layers.concatenate([wide, hidden])
    return lib.Model(inputs={"wide": wide, "deep": deep},
                     outputs={"main": lib.layers.Dense(1)(merged), "aux": lib.layers.Dense(1)(hidden)})


@pytest.fixture
def dict_model():
    return _dict_model
