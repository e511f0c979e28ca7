"""Models used as layers, frozen models, and transfer learning as Geron's chapter 11 does it."""

import numpy as np
import pytest

import axone as keras
from axone.testing import numerical_gradient


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8)).astype("float32")
    return X, (X[:, :1] + X[:, 1:2] > 0).astype("float32"), rng.integers(0, 3, n)


def _inner():
    return keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(16, activation="relu"),
                             keras.layers.Dense(8, activation="relu")])


def test_a_sequential_model_inside_a_sequential_model_trains():
    X, y, _ = _data()
    inner = _inner()
    outer = keras.Sequential([inner, keras.layers.Dense(1, activation="sigmoid")])
    outer.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.01), metrics=["accuracy"])
    history = outer.fit(X, y, epochs=10, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    assert outer.count_params() == inner.count_params() + 9
    assert outer.layers[0] is inner and len(outer.trainable_weights) == 6


def test_a_model_called_on_a_symbolic_tensor_is_one_node():
    X, _, _ = _data(4)
    inner = _inner()
    inputs = keras.Input(shape=(8,))
    model = keras.Model(inputs, keras.layers.Dense(2)(inner(inputs)))
    assert inner in model.layers
    expected = model.layers[-1](inner.predict(X, verbose=0))
    np.testing.assert_allclose(model.predict(X, verbose=0), expected, rtol=1e-6)


def test_nested_model_gradients_match_finite_differences():
    inner = keras.Sequential([keras.Input(shape=(3,), dtype="float64"),
                              keras.layers.Dense(4, activation="tanh", dtype="float64")])
    inputs = keras.Input(shape=(3,), dtype="float64")
    model = keras.Model(inputs, keras.layers.Dense(2, dtype="float64")(inner(inputs)))
    x = np.random.default_rng(0).normal(size=(5, 3))
    model._ensure_packed()
    model._forward([x], training=True)
    model._backward([np.ones((5, 2))])
    kernel = inner.layers[0].kernel
    analytic = kernel.grad.copy()
    numeric = numerical_gradient(lambda: float(model._forward([x], training=False)[0].sum()), kernel.value)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def test_a_frozen_inner_model_keeps_its_weights_bit_for_bit():
    X, y, _ = _data()
    inner = _inner()
    outer = keras.Sequential([inner, keras.layers.Dense(1, activation="sigmoid")])
    inner.trainable = False
    outer.compile(loss="binary_crossentropy", optimizer="adam")
    before, head = inner.get_weights(), outer.layers[-1].get_weights()
    outer.fit(X, y, epochs=2, verbose=0)
    for a, b in zip(before, inner.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(head[0], outer.layers[-1].get_weights()[0])
    assert len(outer.trainable_weights) == 2 and len(outer.non_trainable_weights) == 4


def test_transfer_learning_freeze_train_unfreeze_recompile():
    X, y, classes = _data()
    model_A = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(10, activation="relu"),
                                keras.layers.Dense(10, activation="relu"),
                                keras.layers.Dense(3, activation="softmax")])
    model_A.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    model_A.fit(X, classes, epochs=2, verbose=0)
    model_A_weights = model_A.get_weights()

    model_B_on_A = keras.Sequential(model_A.layers[:-1])
    model_B_on_A.add(keras.layers.Dense(1, activation="sigmoid"))
    for layer in model_B_on_A.layers[:-1]:
        layer.trainable = False
    model_B_on_A.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
    frozen = [w.copy() for layer in model_B_on_A.layers[:-1] for w in layer.get_weights()]
    model_B_on_A.fit(X, y, epochs=2, verbose=0)
    now = [w for layer in model_B_on_A.layers[:-1] for w in layer.get_weights()]
    for a, b in zip(frozen, now):
        np.testing.assert_array_equal(a, b)

    for layer in model_B_on_A.layers[:-1]:
        layer.trainable = True
    model_B_on_A.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
    model_B_on_A.fit(X, y, epochs=2, verbose=0)
    now = [w for layer in model_B_on_A.layers[:-1] for w in layer.get_weights()]
    assert all(not np.array_equal(a, b) for a, b in zip(frozen, now))
    # model_A shares those layers (as in Keras), and still evaluates.
    assert not np.array_equal(model_A.get_weights()[0], model_A_weights[0])
    assert np.isfinite(model_A.evaluate(X, classes, verbose=0)[0])


def test_a_compiled_softmax_model_nested_gets_the_gradient_of_its_output():
    """Its output Dense was fused with crossentropy by its own compile; nested, it is not."""
    X, _, classes = _data(64)
    inner = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(3, activation="softmax")])
    inner.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    inner.fit(X, classes, epochs=1, verbose=0)
    outer = keras.Sequential([inner, keras.layers.Dense(1)])
    outer.compile(loss="mse", optimizer="sgd")
    outer._ensure_packed()
    x = X[:5].astype("float64")
    outer._forward([x.astype("float32")], training=True)
    outer._backward([np.ones((5, 1), "float32")])
    kernel = inner.layers[0].kernel
    analytic = kernel.grad.copy()

    def total():
        return float(outer._forward([x.astype("float32")], training=False)[0].astype("float64").sum())

    numeric = numerical_gradient(total, kernel.value, eps=1e-2)
    np.testing.assert_allclose(analytic, numeric, rtol=2e-2, atol=1e-4)
    assert inner.layers[0].loss_gives_preactivation_grad  # its own training still fuses


def test_calling_a_model_on_incompatible_tensors_raises():
    inner = _inner()
    with pytest.raises(ValueError, match="incompatible"):
        inner(keras.Input(shape=(5,)))
