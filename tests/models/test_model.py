"""`Model.input_shape` / `output_shape`, as Keras 3 defines them (functional and Sequential models)."""

import numpy as np
import pytest

import axone
from axone import layers


def test_functional_shapes_single_and_several():
    x = axone.Input((8,))
    model = axone.Model(x, layers.Dense(2)(layers.Dense(4)(x)))
    assert model.input_shape == (None, 8) and model.output_shape == (None, 2)
    a, b = axone.Input((2,)), axone.Input((3, 5), batch_size=7)
    model = axone.Model([a, b], [layers.Dense(1)(a), layers.Dense(4)(b)])
    assert model.input_shape == [(None, 2), (7, 3, 5)]
    assert model.output_shape == [(None, 1), (7, 3, 4)]


def test_sequential_shapes_follow_its_build():
    model = axone.Sequential([layers.Dense(3), layers.Dense(1)])
    with pytest.raises(AttributeError, match="Sequential model 'sequential.*' has no defined input shape yet"):
        model.input_shape
    with pytest.raises(AttributeError, match="no defined output shape yet"):
        model.output_shape
    model.build((None, 5))
    assert model.input_shape == (None, 5) and model.output_shape == (None, 1)
    model.pop()
    assert model.output_shape == (None, 3)
    model.add(layers.Reshape((3, 1)))
    assert model.output_shape == (None, 3, 1)


def test_sequential_built_by_fit_has_shapes():
    model = axone.Sequential([layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.zeros((4, 6)), np.zeros((4, 2)), verbose=0)
    assert model.input_shape == (None, 6) and model.output_shape == (None, 2)


def test_a_subclassed_model_has_no_fixed_shapes():
    class Net(axone.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    net = Net()
    net(np.zeros((3, 4), dtype="float32"))
    with pytest.raises(AttributeError, match="subclassed model"):
        net.output_shape
    assert not hasattr(net, "input_shape")


def test_matches_keras():
    keras = pytest.importorskip("keras")
    for lib in (axone, keras):
        a, b = lib.Input((2,)), lib.Input((3,))
        functional = lib.Model([a, b], [lib.layers.Dense(1)(a), lib.layers.Dense(4)(b)])
        sequential = lib.Sequential([lib.Input((5,)), lib.layers.Dense(3)])
        shapes = (functional.input_shape, functional.output_shape, sequential.input_shape, sequential.output_shape)
        if lib is axone:
            ours = shapes
    assert [list(map(tuple, s)) if isinstance(s, list) else tuple(s) for s in shapes] == list(ours)
