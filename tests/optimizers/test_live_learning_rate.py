"""The learning rate is a live value: a change from a callback takes effect at the next step,
on every path (plain SGD pre-scales the loss gradient by -learning_rate and Dense folds the
step into its product; momentum; the ordinary `apply`), checked against steps done by hand."""

import numpy as np
import pytest

import axone as keras

X = np.array([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.5], [2.0, 1.0]], dtype="float32")
Y = np.array([[1.0], [-1.0], [0.5], [2.0]], dtype="float32")
W0 = np.array([[0.3], [-0.2]], dtype="float32")
B0 = np.array([0.1], dtype="float32")
RATES = [0.1, 0.01, 0.5, 0.2]  # the rate of step i; set after step i - 1 by a callback


def by_hand(momentum=0.0, nesterov=False):
    """SGD steps on one sample each, in float64: mse gradient 2 (x w + b - y) x."""
    w, b = W0.astype("float64"), B0.astype("float64")
    vw, vb = np.zeros_like(w), np.zeros_like(b)
    for x, y, lr in zip(X.astype("float64"), Y.astype("float64"), RATES):
        error = x @ w + b - y
        gw, gb = 2 * np.outer(x, error), 2 * error
        if momentum:
            vw, vb = momentum * vw - lr * gw, momentum * vb - lr * gb
            if nesterov:
                w, b = w + momentum * vw - lr * gw, b + momentum * vb - lr * gb
            else:
                w, b = w + vw, b + vb
        else:
            w, b = w - lr * gw, b - lr * gb
    return w, b


def train(optimizer, setter):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    model.set_weights([W0, B0])
    optimizer.learning_rate = RATES[0]

    def change(batch, logs):
        if batch + 1 < len(RATES):
            setter(model.optimizer, RATES[batch + 1])

    model.fit(X, Y, batch_size=1, epochs=1, shuffle=False, verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(on_train_batch_end=change)])
    return model.get_weights()


def set_attribute(optimizer, value):
    optimizer.learning_rate = value


def assign(optimizer, value):
    optimizer.learning_rate.assign(value)


@pytest.mark.parametrize("setter", [set_attribute, assign])
@pytest.mark.parametrize("kwargs", [{}, {"momentum": 0.9}, {"momentum": 0.9, "nesterov": True},
                                    {"clipnorm": 100.0}],
                         ids=["plain", "momentum", "nesterov", "ordinary-path"])
def test_a_rate_set_after_a_batch_is_used_by_the_next_step(kwargs, setter):
    weights = train(keras.optimizers.SGD(**kwargs), setter)
    w, b = by_hand(kwargs.get("momentum", 0.0), kwargs.get("nesterov", False))
    np.testing.assert_allclose(weights[0], w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(weights[1], b, rtol=1e-5, atol=1e-6)


ALL = ["SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "Nadam", "Lion"]


@pytest.mark.parametrize("name", ALL)
def test_a_zero_rate_set_after_a_batch_freezes_every_optimizer(name):
    # Every step of every optimizer is proportional to the rate it reads at that step.
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=getattr(keras.optimizers, name)(learning_rate=0.1), loss="mse")
    initial = model.get_weights()
    seen = []

    def freeze(batch, logs):
        model.optimizer.learning_rate = 0.0
        seen.append(model.get_weights())

    model.fit(X, Y, batch_size=1, epochs=1, shuffle=False, verbose=0,
              callbacks=[keras.callbacks.LambdaCallback(on_train_batch_end=freeze)])
    assert any(not np.array_equal(a, b) for a, b in zip(seen[0], initial))  # the first step moved
    for weights in seen[1:]:
        for got, want in zip(weights, seen[0]):
            np.testing.assert_array_equal(got, want)


def test_learning_rate_accepts_numpy_scalars_and_zero_d_arrays():
    optimizer = keras.optimizers.SGD()
    optimizer.learning_rate = np.float32(0.5)
    assert optimizer.learning_rate == 0.5
    optimizer.learning_rate.assign(np.array(0.25))
    assert optimizer.learning_rate == 0.25
    with pytest.raises(ValueError, match="Received: learning_rate=-1.0"):
        optimizer.learning_rate = -1.0
