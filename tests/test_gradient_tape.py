"""`GradientTape`: training loops of one's own, with the gradients `fit` computes."""

import numpy as np
import pytest

import axone as keras
from axone import ops


def _data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8)).astype("float32")
    return X, (X @ rng.normal(size=(8, 1))).astype("float32")


def _model():
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(1)])
    rng = np.random.default_rng(3)
    model.set_weights([(rng.normal(size=w.shape) * 0.3).astype("float32") for w in model.get_weights()])
    return model


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_a_tape_step_equals_fit_step(optimizer):
    X, y = _data(32)
    fitted, looped = _model(), _model()
    fitted.compile(loss="mse", optimizer=keras.optimizers.get(optimizer))
    fitted.train_on_batch(X, y)
    looped_optimizer = keras.optimizers.get(optimizer)
    loss_fn = keras.losses.MeanSquaredError()
    with keras.GradientTape() as tape:
        loss = loss_fn(y, looped(X, training=True))
    grads = tape.gradient(loss, looped.trainable_variables)
    looped_optimizer.apply_gradients(zip(grads, looped.trainable_variables))
    for a, b in zip(fitted.get_weights(), looped.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_tape_gradients_equal_the_analytic_gradients_of_fit():
    X, y = _data(32)
    model = _model()
    model.compile(loss="mse", optimizer="adam")
    model._ensure_packed()
    outputs = model._forward([X], training=True)
    _, _, output_grads = model._compiled_loss.compute([y], outputs, [None])
    model._backward(output_grads)
    analytic = [v.grad.copy() for v in model.trainable_variables]
    with keras.GradientTape() as tape:
        loss = ops.mean(ops.square(model(X, training=True) - y))
    for a, b in zip(tape.gradient(loss, model.trainable_variables), analytic):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_a_custom_training_loop_converges():
    X, y = _data()
    model = _model()
    optimizer = keras.optimizers.Adam(learning_rate=0.01)
    first = None
    for epoch in range(20):
        for start in range(0, len(X), 32):
            X_batch, y_batch = X[start:start + 32], y[start:start + 32]
            with keras.GradientTape() as tape:
                y_pred = model(X_batch, training=True)
                loss = ops.mean(ops.square(y_batch - y_pred))
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply(gradients, model.trainable_variables)
            first = float(loss) if first is None else first
    assert float(loss) < 0.1 * first


def test_variables_watched_tensors_persistent_and_unconnected():
    w = keras.Variable(np.array([1.0, 2.0], "float32"), name="w")
    unused = keras.Variable(np.zeros(2, "float32"))
    x = np.array([3.0, 4.0], "float32")
    with keras.GradientTape(persistent=True) as tape:
        tape.watch(x)
        z = ops.sum(w * w * x)
    np.testing.assert_allclose(tape.gradient(z, w), 2 * w.numpy() * x)
    grad_w, grad_x, grad_unused = tape.gradient(z, [w, x, unused])
    np.testing.assert_allclose(grad_x, w.numpy() ** 2)
    assert grad_unused is None
    np.testing.assert_array_equal(tape.gradient(z, unused, unconnected_gradients="zero"), [0, 0])


def test_a_non_persistent_tape_gives_gradients_once():
    w = keras.Variable(np.ones(3, "float32"))
    with keras.GradientTape() as tape:
        z = ops.sum(ops.exp(w))
    tape.gradient(z, w)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(z, w)


def test_a_target_computed_outside_the_tape_raises():
    w = keras.Variable(np.ones(3, "float32"))
    z = ops.sum(w)
    with keras.GradientTape() as tape:
        pass
    with pytest.raises(ValueError, match="not computed by operations this tape recorded"):
        tape.gradient(z, w)


def test_a_layer_called_in_inference_mode_under_a_tape_says_so():
    layer = keras.layers.Dense(2)
    x = np.ones((1, 3), "float32")
    with keras.GradientTape() as tape:
        y = ops.sum(layer(x))
    with pytest.raises(RuntimeError, match="training=True"):
        tape.gradient(y, layer.trainable_variables)


def test_apply_gradients_on_standalone_variables_keeps_optimizer_state():
    w = keras.Variable(np.array([1.0, -1.0], "float32"))
    optimizer = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    for _ in range(2):
        optimizer.apply_gradients([(np.array([1.0, 1.0], "float32"), w)])
    # v1 = -0.1 g; v2 = 0.9 v1 - 0.1 g = -0.19 g; w = w0 - 0.29 g
    np.testing.assert_allclose(w.numpy(), [0.71, -1.29], rtol=1e-6)
    with pytest.raises(ValueError, match="No gradients"):
        optimizer.apply_gradients([(None, w)])


def test_variable_api():
    v = keras.Variable(np.zeros((2, 2)), name="v", trainable=True)
    assert v.dtype == np.float64 and v.shape == (2, 2) and v.trainable and v.name == "v"
    v.assign(np.ones((2, 2)))
    v.assign_add(np.full((2, 2), 2.0))
    v.assign_sub(np.ones((2, 2)))
    np.testing.assert_array_equal(v.numpy(), np.full((2, 2), 2.0))
    np.testing.assert_array_equal(np.asarray(v) * 2, v * 2)
    np.testing.assert_array_equal(v[0], [2.0, 2.0])
    assert keras.Variable(1.5).dtype == np.float32
    assert keras.Variable("ones", shape=(3,)).numpy().sum() == 3
    with pytest.raises(ValueError, match="shape"):
        v.assign(np.ones(3))
