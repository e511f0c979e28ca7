"""Finite-difference gradient checks, for axone's tests and for your own layers.

    from axone.testing import check_layer_gradients
    check_layer_gradients(MyLayer(...), input_shape=(4, 3))

The check runs in float64: it compares the analytic `backward` of a layer
(or the `gradient` of a loss, or the `backward` of an activation) with
central differences of its `forward`, on the scalar `sum(forward(x) * r)`
for a fixed random `r`.
"""

from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of `f()` with respect to each entry of `array` (modified in place, then restored)."""
    grad = np.zeros(array.shape, dtype=np.float64)
    # Index the array itself (not a reshaped copy), so that perturbations of a
    # non-contiguous array reach the function.
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + eps
        plus = f()
        array[index] = original - eps
        minus = f()
        array[index] = original
        grad[index] = (plus - minus) / (2 * eps)
    return grad


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


def check_layer_gradients(layer, input_shape=None, inputs=None, seed: int = 0,
                          rtol: float = 1e-5, atol: float = 1e-7, training: bool = True,
                          before_forward: Callable[[], None] | None = None) -> None:
    """Assert that `layer.backward` matches finite differences, for inputs and weights.

    Args:
        layer: a layer created with `dtype="float64"`.
        input_shape: shape of a random input (or list of shapes for merge layers).
        inputs: explicit input array(s), instead of `input_shape`.
        seed: seed of the random inputs and projection.
        rtol, atol: tolerances of `numpy.testing.assert_allclose`.
        training: the `training` flag of the forward pass.
        before_forward: called before every forward pass (e.g. to re-seed a
            Dropout layer so that each pass draws the same mask).
    """
    rng = np.random.default_rng(seed)
    if inputs is None:
        shapes = input_shape if isinstance(input_shape, list) else [input_shape]
        inputs = [rng.standard_normal(shape) for shape in shapes]
        if not isinstance(input_shape, list):
            inputs = inputs[0]
    xs = [np.asarray(x, dtype=np.float64) for x in _as_list(inputs)]
    as_list = isinstance(inputs, (list, tuple))
    if not layer.built:
        layer._maybe_build([x.shape for x in xs] if as_list else xs[0].shape)

    def run():
        if before_forward is not None:
            before_forward()
        return layer.forward(xs if as_list else xs[0], training=training)

    projection = rng.standard_normal(np.shape(run()))

    def scalar() -> float:
        return float(np.sum(run() * projection))

    run()
    layer.input_grad_needed = True
    analytic_inputs = _as_list(layer.backward(projection.copy()))
    analytic_weights = [v.grad.copy() for v in layer._weights if v.grad is not None]
    for x, analytic in zip(xs, analytic_inputs):
        np.testing.assert_allclose(analytic, numerical_gradient(scalar, x), rtol=rtol, atol=atol,
                                   err_msg=f"{layer.name}: input gradient")
    for variable, analytic in zip([v for v in layer._weights if v.grad is not None], analytic_weights):
        np.testing.assert_allclose(analytic, numerical_gradient(scalar, variable.value), rtol=rtol,
                                   atol=atol, err_msg=f"{layer.name}: gradient of {variable.name}")


def check_activation_gradient(activation, x: np.ndarray, seed: int = 0,
                              rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Assert that `activation.backward` matches finite differences at `x` (float64)."""
    x = np.array(x, dtype=np.float64)
    rng = np.random.default_rng(seed)
    projection = rng.standard_normal(x.shape)
    y = activation.forward(x.copy())
    analytic = activation.backward(projection, x.copy(), y)
    numeric = numerical_gradient(lambda: float(np.sum(activation.forward(x.copy()) * projection)), x)
    np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol,
                               err_msg=f"gradient of activation {activation.name}")
    if not activation.uses_input:  # layers then pass only the output: check that path too
        np.testing.assert_allclose(activation.backward(projection, None, y), numeric, rtol=rtol,
                                   atol=atol, err_msg=f"gradient of activation {activation.name} from y")


def check_loss_gradient(loss, y_true, y_pred, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Assert that `loss.gradient` matches finite differences of `sum(loss.call(...))`."""
    y_pred = np.array(y_pred, dtype=np.float64)
    analytic = loss.gradient(y_true, y_pred)
    numeric = numerical_gradient(lambda: float(np.sum(loss.call(y_true, y_pred))), y_pred)
    np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol,
                               err_msg=f"gradient of loss {loss.name}")
