"""Gradient checks through whole functional models: the engine's graph backward.

For fixed projections `r` of the outputs, the gradients that `Model._backward`
writes into every weight must match central differences of
`sum(output * r)`. Input gradients are observed through `_Probe` layers,
which add a zero weight of the input's full shape right after each `Input`:
the gradient of that weight is the gradient reaching the input, fan-out
contributions included.
"""

import numpy as np
import pytest

import axone
from axone import backend
from axone.layers import (Add, Average, BatchNormalization, Concatenate, Dense, Dropout, Layer,
                          Maximum, Multiply, Subtract)
from axone.testing import numerical_gradient

BATCH = 5


@pytest.fixture(autouse=True)
def _float64():
    backend.set_floatx("float64")  # the conftest restores it after each test


class _Probe(Layer):
    """`output = inputs + w` with `w` zeros of the input's full shape: `w.grad` is the input gradient."""

    def build(self, input_shape):
        self.w = self.add_weight((BATCH,) + tuple(input_shape[1:]), "zeros", "w")

    def forward(self, x, training=False):
        return x + self.w.value

    def backward(self, grad_output):
        self.w.grad[...] = grad_output
        return grad_output if self.input_grad_needed else None


def _inputs(*sizes, seed=1):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((BATCH, n)) for n in sizes]


def assert_model_gradients(model, xs, before_forward=None, seed=0):
    """Compare `_backward`'s weight gradients with central differences of `sum(output * r)`."""
    rng = np.random.default_rng(seed)

    def outputs():
        if before_forward is not None:
            before_forward()
        return model._forward(xs, training=True)

    projections = [rng.standard_normal(out.shape) for out in outputs()]

    def scalar():
        return float(sum(np.sum(out * r) for out, r in zip(outputs(), projections)))

    outputs()
    model._backward([r.copy() for r in projections])
    variables = model.trainable_weights
    analytic = [v.grad.copy() for v in variables]
    assert any(v.name == "w" for v in variables), "the model should contain an input probe"
    for variable, grad in zip(variables, analytic):
        np.testing.assert_allclose(grad, numerical_gradient(scalar, variable.value),
                                   rtol=1e-5, atol=1e-7, err_msg=f"gradient of {variable.path}")
    return analytic


def test_fan_out_into_two_layers_and_add():
    x = axone.Input(shape=(3,))
    p = _Probe()(x)  # feeds two layers: its gradient is a sum
    h = Dense(4, activation="tanh")(p)  # feeds two layers too
    a = Dense(3)(h)
    b = Dense(3, activation="sigmoid")(h)
    skip = Dense(3, use_bias=False)(p)
    out = Dense(2)(Add()([a, b, skip]))
    assert_model_gradients(axone.Model(x, out), _inputs(3))


def test_concatenate_and_elementwise_merges():
    x1, x2 = axone.Input(shape=(3,)), axone.Input(shape=(2,))
    p1, p2 = _Probe()(x1), _Probe()(x2)
    h1 = Dense(4, activation="tanh")(p1)
    h2 = Dense(2, activation="tanh")(p2)
    joined = Concatenate()([h1, p2, h2])
    product = Multiply()([Dense(3)(joined), Dense(3)(p1)])
    largest = Maximum()([product, Dense(3)(joined)])
    mean = Average()([largest, Subtract()([product, Dense(3)(p2)])])
    model = axone.Model([x1, x2], Dense(2)(mean))
    assert_model_gradients(model, _inputs(3, 2))


def test_shared_layer_called_at_three_nodes():
    x = axone.Input(shape=(4,))
    p = _Probe()(x)
    shared = Dense(4, activation="tanh")
    u = shared(p)
    v = shared(u)  # one node of the shared layer feeds another
    w = shared(Dense(4)(p))
    model = axone.Model(x, Dense(2)(Concatenate()([v, w, u])))
    first = assert_model_gradients(model, _inputs(4))
    # A second backward overwrites, never accumulates onto, the previous step's gradients.
    xs = _inputs(4)
    model._forward(xs, training=True)
    model._backward([np.random.default_rng(0).standard_normal((BATCH, 2))])
    for variable, grad in zip(model.trainable_weights, first):
        np.testing.assert_allclose(variable.grad, grad, rtol=1e-12, err_msg=variable.path)


def test_multiple_inputs_and_outputs():
    x1, x2 = axone.Input(shape=(3,)), axone.Input(shape=(3,))
    p1, p2 = _Probe()(x1), _Probe()(x2)
    h = Dense(3, activation="tanh")(p1)
    o1 = Add()([h, p2])  # an output that also feeds two more layers
    o2 = Dense(2)(Concatenate()([o1, h]))
    o3 = Dense(1, activation="sigmoid")(o1)
    o4 = Subtract()([x1, x2])  # a merge of model inputs only: no gradient to pass back
    model = axone.Model([x1, x2], [o1, o2, o3, o4])
    assert_model_gradients(model, _inputs(3, 3))


def test_same_tensor_twice_in_one_merge_and_as_two_outputs():
    x = axone.Input(shape=(3,))
    p = _Probe()(x)
    h = Dense(3, activation="tanh")(p)
    doubled = Add()([h, h])
    model = axone.Model(x, [doubled, doubled, Multiply()([h, h])])
    assert_model_gradients(model, _inputs(3))


def test_shared_dropout_and_batch_normalization_keep_one_cache_per_node():
    x = axone.Input(shape=(3,))
    p = _Probe()(x)
    drop = Dropout(0.5)
    norm = BatchNormalization()
    a = norm(drop(Dense(4, activation="tanh")(p)))
    b = norm(drop(Dense(4)(p)))
    frozen = BatchNormalization(trainable=False)  # inference mode inside a training pass
    c = frozen(p)
    frozen.set_weights([[2.0, 0.5, 1.0], [0.1, 0.2, 0.3], [0.5, -0.5, 0.0], [2.0, 0.5, 1.5]])
    model = axone.Model(x, [Dense(2)(Add()([a, b])), Dense(1)(c)])

    def same_masks():
        drop._generator = backend.random_generator(0)

    assert_model_gradients(model, _inputs(3), before_forward=same_masks)


def test_sequential_model():
    drop = Dropout(0.3)
    model = axone.Sequential([axone.Input(shape=(3,)), _Probe(), Dense(4, activation="tanh"),
                              BatchNormalization(), drop, Dense(2, activation="softmax")])

    def same_masks():
        drop._generator = backend.random_generator(0)

    assert_model_gradients(model, _inputs(3), before_forward=same_masks)
