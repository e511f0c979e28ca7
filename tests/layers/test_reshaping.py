import os

import numpy as np
import pytest

import axone
from axone.layers import Dense, Reshape, deserialize, serialize
from axone.testing import check_layer_gradients


@pytest.mark.parametrize("target, expected", [((3, 4), (None, 3, 4)), ((-1, 2, 2), (None, 3, 2, 2)),
                                              ((12,), (None, 12)), ((2, -1), (None, 2, 6))])
def test_output_shapes(target, expected):
    assert Reshape(target)(axone.Input(shape=(12,))).shape == expected


def test_unknown_sizes_leave_minus_one_unresolved():
    assert Reshape((-1, 2))(axone.Input(shape=(None,))).shape == (None, None, 2)


def test_values_and_gradients():
    x = np.arange(24.0).reshape(2, 12)
    np.testing.assert_array_equal(Reshape((3, -1))(x), x.reshape(2, 3, 4))
    check_layer_gradients(Reshape((-1, 3), dtype="float64"), input_shape=(2, 2, 3))


def test_in_a_model():
    model = axone.Sequential([axone.Input(shape=(6,)), Reshape((3, 2)), Dense(1)])
    assert model.outputs[0].shape == (None, 3, 1)
    model.compile(loss="mse", optimizer="sgd")
    model.fit(np.ones((4, 6)), np.ones((4, 3, 1)), verbose=0)


def test_errors():
    with pytest.raises(ValueError, match=r"total size.*input_shape=\(12,\), target_shape=\(5,\)"):
        Reshape((5,))(axone.Input(shape=(12,)))
    with pytest.raises(ValueError, match="cannot be divided"):
        Reshape((-1, 5))(axone.Input(shape=(12,)))
    with pytest.raises(ValueError, match=r"single unknown dimension. Received: target_shape=\(-1, -1\)"):
        Reshape((-1, -1))
    with pytest.raises(TypeError, match="target_shape"):
        Reshape(3)


def test_config_round_trip():
    layer = Reshape([2, -1], name="r")
    clone = deserialize(serialize(layer))
    assert clone.get_config() == layer.get_config()
    assert clone.target_shape == (2, -1)


def test_matches_keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    for target in ((3, 4), (-1, 2, 2), (2, -1)):
        theirs = keras.layers.Reshape(target)(keras.Input(shape=(12,)))
        assert Reshape(target)(axone.Input(shape=(12,))).shape == tuple(theirs.shape)
    assert keras.layers.Reshape((2, -1)).get_config()["target_shape"] == Reshape((2, -1)).get_config()["target_shape"]
