import axone
from axone import backend, layers


def test_clear_session_restarts_automatic_names():
    [layers.Dense(2) for _ in range(3)]
    axone.Sequential([axone.Input(shape=(3,)), layers.Dense(1)])
    backend.clear_session()
    assert layers.Dense(2).name == "dense"
    assert layers.Dense(2).name == "dense_1"
    assert axone.Sequential().name == "sequential"
    inputs = axone.Input(shape=(3,))
    assert inputs.node.layer.name == "input_layer"
    assert axone.Model(inputs, layers.Dense(1)(inputs)).name == "functional"


def test_clear_session_keeps_existing_layers_and_settings():
    layer = layers.Dense(2, name="kept")
    backend.set_floatx("float64")
    axone.utils.clear_session(free_memory=False)  # Keras's alias
    assert layer.name == "kept"
    assert backend.floatx() == "float64"
