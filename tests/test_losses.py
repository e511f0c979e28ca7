import math
import os

import numpy as np
import pytest

import axone
from axone import losses
from axone.activations import sigmoid, softmax
from axone.models.compile_utils import CompiledLoss
from axone.testing import check_loss_gradient, numerical_gradient

E = math.e
LN2 = math.log(2.0)
EPS = 1e-7


def logcosh(x):
    return math.log(math.cosh(x))


# Each case: (loss, y_true, y_pred, per-sample values worked out by hand).
HAND_CASES = {
    "mse": (losses.MeanSquaredError(), [[0, 1], [2, 3]], [[1, 1], [2, 5]], [0.5, 2.0]),
    "mae": (losses.MeanAbsoluteError(), [[0, 1], [2, 3]], [[1, 1], [2, 5]], [0.5, 1.0]),
    "huber": (losses.Huber(), [[0, 1], [2, 3]], [[1, 1], [2, 5]], [0.25, 0.75]),
    "huber_delta2": (losses.Huber(delta=2.0), [[0, 1], [2, 3]], [[1, 1], [2, 5]], [0.25, 1.0]),
    "mape": (losses.MeanAbsolutePercentageError(), [[2, -4], [1, 1]], [[1, -2], [1, 3]],
             [50.0, 100.0]),
    "msle": (losses.MeanSquaredLogarithmicError(), [[E - 1, E**2 - 1], [E - 1, E - 1]],
             [[E**2 - 1, E - 1], [E - 1, E - 1]], [1.0, 0.0]),
    "log_cosh": (losses.LogCosh(), [[0, 0], [0, 0]], [[1, -2], [0, 3]],
                 [(logcosh(1) + logcosh(2)) / 2, logcosh(3) / 2]),
    "cosine": (losses.CosineSimilarity(), [[1, 0], [0, 2]], [[1, 1], [0, -3]],
               [-1 / math.sqrt(2), 1.0]),
    "kld": (losses.KLDivergence(), [[0.5, 0.5], [1, 0]], [[0.25, 0.75], [0.5, 0.5]],
            # y_true is clipped to [eps, 1]: the 0 contributes eps * log(eps / 0.5).
            [0.5 * LN2 + 0.5 * math.log(2 / 3), LN2 + EPS * math.log(EPS / 0.5)]),
    "poisson": (losses.Poisson(), [[1, 2], [0, 0]], [[1, 4], [2, 2]],
                [(1 - math.log(1 + EPS) + 4 - 2 * math.log(4 + EPS)) / 2, 2.0]),
    # 0/1 labels become -1/1.
    "hinge": (losses.Hinge(), [[0, 1], [1, 1]], [[0.5, 0.3], [2, -1]], [1.1, 1.0]),
    "squared_hinge": (losses.SquaredHinge(), [[0, 1], [1, 1]], [[0.5, 0.3], [2, -1]],
                      [1.37, 2.0]),
    "categorical_hinge": (losses.CategoricalHinge(), [[0, 1, 0], [1, 0, 0]],
                          [[0.3, 0.5, 0.9], [2, 0.5, 0.1]], [1.4, 0.0]),
    "bce": (losses.BinaryCrossentropy(), [[1, 0], [0, 0]], [[0.8, 0.4], [0.5, 0.5]],
            [-(math.log(0.8) + math.log(0.6)) / 2, LN2]),
    "bce_logits": (losses.BinaryCrossentropy(from_logits=True), [[1, 0], [1, 1]],
                   [[0, 2], [0, 0]], [(LN2 + math.log(1 + E**2)) / 2, LN2]),
    # Smoothing 0.2 moves the targets to 0.9 and 0.1.
    "bce_smoothing": (losses.BinaryCrossentropy(label_smoothing=0.2), [[1, 0], [1, 1]],
                      [[0.8, 0.4], [0.5, 0.5]],
                      [-(0.9 * math.log(0.8) + 0.1 * math.log(0.2)
                         + 0.1 * math.log(0.4) + 0.9 * math.log(0.6)) / 2, LN2]),
    # Predictions are divided by their sum: [1, 2, 1] is [0.25, 0.5, 0.25].
    "cce": (losses.CategoricalCrossentropy(), [[0, 1, 0], [1, 0, 0]],
            [[0.2, 0.5, 0.3], [1, 2, 1]], [-math.log(0.5), -math.log(0.25)]),
    "cce_logits": (losses.CategoricalCrossentropy(from_logits=True), [[0, 1, 0], [1, 0, 0]],
                   [[0, LN2, 0], [0, 0, 0]], [-math.log(0.5), math.log(3)]),
    # Smoothing 0.3 over 3 classes: targets [0.1, 0.8, 0.1].
    "cce_smoothing": (losses.CategoricalCrossentropy(label_smoothing=0.3), [[0, 1, 0], [0, 1, 0]],
                      [[0.2, 0.5, 0.3], [0.2, 0.5, 0.3]],
                      [-(0.1 * math.log(0.2) + 0.8 * math.log(0.5) + 0.1 * math.log(0.3))] * 2),
    "scce": (losses.SparseCategoricalCrossentropy(), [1, 0], [[0.2, 0.5, 0.3], [1, 2, 1]],
             [-math.log(0.5), -math.log(0.25)]),
    "scce_logits": (losses.SparseCategoricalCrossentropy(from_logits=True), [1, 0],
                    [[0, LN2, 0], [0, 0, 0]], [-math.log(0.5), math.log(3)]),
}


@pytest.mark.parametrize("case", HAND_CASES, ids=list(HAND_CASES))
def test_per_sample_values_match_hand_computation(case):
    loss, y_true, y_pred, expected = HAND_CASES[case]
    values = loss.call(np.array(y_true, float), np.array(y_pred, float))
    np.testing.assert_allclose(values, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("case", HAND_CASES, ids=list(HAND_CASES))
def test_every_reduction_with_and_without_sample_weight(case):
    loss, y_true, y_pred, (v0, v1) = HAND_CASES[case]
    y_true, y_pred = np.array(y_true, float), np.array(y_pred, float)
    w = np.array([2.0, 1.0])
    expected = {
        # reduction: (without weights, with weights [2, 1])
        "sum_over_batch_size": ((v0 + v1) / 2, (2 * v0 + v1) / 2),
        "mean": ((v0 + v1) / 2, (2 * v0 + v1) / 2),
        "sum": (v0 + v1, 2 * v0 + v1),
        "mean_with_sample_weight": ((v0 + v1) / 2, (2 * v0 + v1) / 3),
        "none": ([v0, v1], [2 * v0, v1]),
    }
    for reduction, (plain, weighted) in expected.items():
        reducer = type(loss).from_config({**loss.get_config(), "reduction": reduction})
        reducer.dtype = "float64"
        np.testing.assert_allclose(reducer(y_true, y_pred), plain, rtol=1e-6, atol=1e-9,
                                   err_msg=reduction)
        np.testing.assert_allclose(reducer(y_true, y_pred, sample_weight=w), weighted,
                                   rtol=1e-6, atol=1e-9, err_msg=reduction)


def test_default_reduction_and_float32_result():
    value = losses.MeanSquaredError()([[0.0, 1.0], [2.0, 3.0]], [[1.0, 1.0], [2.0, 5.0]])
    assert losses.MeanSquaredError().reduction == "sum_over_batch_size"
    assert value.dtype == np.float32
    assert value == pytest.approx(1.25)


def test_zero_sample_weights_give_zero_not_nan():
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    assert loss([[1.0]], [[3.0]], sample_weight=[0.0]) == 0.0


def test_labels_of_shape_n_against_predictions_n_by_1_do_not_broadcast():
    y_true = np.array([0.0, 1.0, 2.0])
    y_pred = np.array([[0.0], [1.0], [3.0]])
    loss = losses.MeanSquaredError(reduction="none")
    # One value per sample, not a (3, 3) table of every pair.
    np.testing.assert_allclose(loss(y_true, y_pred), [0.0, 0.0, 1.0])
    assert losses.MeanSquaredError()(y_true, y_pred) == pytest.approx(1 / 3)
    assert losses.BinaryCrossentropy(reduction="none")([1, 0], [[0.5], [0.5]]).shape == (2,)
    assert losses.MeanSquaredError().gradient(y_true, y_pred).shape == (3, 1)


def test_sequence_targets_against_outputs_with_a_trailing_unit_axis():
    # (n, t) targets against (n, t, 1) outputs: the unit axis is squeezed and
    # the mean runs over the time steps, one value per sample (as Keras).
    y_true = np.array([[0.0, 1.0], [2.0, 3.0]])
    y_pred = np.array([[[1.0], [1.0]], [[2.0], [5.0]]])
    np.testing.assert_allclose(losses.MeanSquaredError(reduction="none")(y_true, y_pred),
                               [0.5, 2.0])
    assert losses.MeanSquaredError().gradient(y_true, y_pred).shape == (2, 2, 1)


def test_sample_weight_of_shape_n_by_1_and_one_dimensional_predictions():
    y_true, y_pred = np.array([0.0, 1.0, 2.0]), np.array([[0.5], [1.5], [1.0]])
    weights = np.array([1.0, 2.0, 0.0])
    assert losses.MeanSquaredError()(y_true, y_pred, weights[:, None]) == pytest.approx(0.25)
    # 1-D predictions give one value for the batch (the mean over its last axis);
    # the weights then scale that value, as in Keras: 0.5 * mean(w).
    assert losses.MeanSquaredError()(y_true, y_pred[:, 0], weights) == pytest.approx(0.5)


def test_mean_with_sample_weight_on_sequence_values():
    y_true = np.zeros((2, 2, 1))
    y_pred = np.array([[[1.0], [2.0]], [[3.0], [4.0]]])
    weights = np.array([[1.0, 0.0], [1.0, 1.0]])
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    assert loss(y_true, y_pred, weights) == pytest.approx((1 + 9 + 16) / 3)


def test_binary_crossentropy_clips_probabilities_as_keras_in_float32():
    value = losses.BinaryCrossentropy(reduction="none")([[1.0, 0.0]], [[0.0, 1.0]])
    low, high = np.float32(EPS), np.float32(1 - EPS)
    expected = (-np.log(low) - np.log(np.float32(1) - high)) / 2
    np.testing.assert_allclose(value, [expected], rtol=1e-6)
    assert value[0] == pytest.approx(16.0302, abs=1e-4)


# ------------------------------------------------------------- gradients
_rng = np.random.default_rng(0)
_probs = softmax(_rng.standard_normal((4, 3)).astype(np.float64))
_onehot = np.eye(3)[[0, 2, 1, 2]]
_labels = np.array([0, 2, 1, 2])
_binary = (_rng.random((4, 3)) > 0.5).astype(float)
_normal = _rng.standard_normal((4, 3))
_positive = _rng.random((4, 3)) * 3 + 0.1

GRADIENT_CASES = {
    "mse": (losses.MeanSquaredError(), _normal, _rng.standard_normal((4, 3))),
    "mae": (losses.MeanAbsoluteError(), _normal, _rng.standard_normal((4, 3))),
    "huber": (losses.Huber(delta=0.5), _normal, _rng.standard_normal((4, 3))),
    "mape": (losses.MeanAbsolutePercentageError(), _normal, _rng.standard_normal((4, 3))),
    "msle": (losses.MeanSquaredLogarithmicError(), _positive, _rng.random((4, 3)) * 3 + 0.1),
    # Predictions below epsilon are raised to it: no gradient there.
    "msle_clipped": (losses.MeanSquaredLogarithmicError(), _positive, [[-0.5, 0.2, 1.0]] * 4),
    "log_cosh": (losses.LogCosh(), _normal, 5 * _rng.standard_normal((4, 3))),
    "cosine": (losses.CosineSimilarity(), _normal, _rng.standard_normal((4, 3))),
    "kld": (losses.KLDivergence(), _probs, softmax(_rng.standard_normal((4, 3)))),
    "kld_clipped": (losses.KLDivergence(), _probs, [[-0.1, 0.5, 1.2]] * 4),
    "poisson": (losses.Poisson(), np.rint(_positive), _positive),
    "hinge": (losses.Hinge(), _binary, _normal),
    "squared_hinge": (losses.SquaredHinge(), 2 * _binary - 1, _normal),
    "categorical_hinge": (losses.CategoricalHinge(), _onehot, _normal),
    "bce": (losses.BinaryCrossentropy(), _binary, _rng.random((4, 3)) * 0.98 + 0.01),
    "bce_smoothing": (losses.BinaryCrossentropy(label_smoothing=0.1), _binary,
                      _rng.random((4, 3)) * 0.98 + 0.01),
    # Outside [eps, 1 - eps] the clipped probability is constant: zero gradient.
    "bce_clipped": (losses.BinaryCrossentropy(label_smoothing=0.2), _binary,
                    [[-0.2, 0.3, 1.3], [0.6, 1.5, -1.0], [0.5, 0.5, 0.5], [2.0, 0.1, 0.9]]),
    "bce_logits": (losses.BinaryCrossentropy(from_logits=True), _binary, 3 * _normal),
    "bce_logits_smoothing": (losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.3),
                             _binary, 3 * _normal),
    "cce": (losses.CategoricalCrossentropy(), _onehot, _probs),
    "cce_unnormalised": (losses.CategoricalCrossentropy(), _onehot, _positive),
    "cce_smoothing": (losses.CategoricalCrossentropy(label_smoothing=0.2), _onehot, _positive),
    # A negative score is clipped (after division by the row sum), and a
    # row sum below the largest score pushes that one above 1 - eps.
    "cce_clipped": (losses.CategoricalCrossentropy(label_smoothing=0.3), _onehot,
                    [[0.2, 0.5, -0.01], [1.0, -0.001, -0.002], [0.3, 0.3, 0.4], [-0.01, 0.5, 0.5]]),
    "cce_logits": (losses.CategoricalCrossentropy(from_logits=True), _onehot, 3 * _normal),
    "cce_logits_smoothing": (losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2),
                             _onehot, 3 * _normal),
    "scce": (losses.SparseCategoricalCrossentropy(), _labels, _probs),
    "scce_clipped": (losses.SparseCategoricalCrossentropy(), _labels,
                     [[1.0, -0.001, -0.002], [0.5, 0.5, -0.01], [0.2, 0.5, 0.3], [0.2, 0.5, 0.3]]),
    "scce_logits": (losses.SparseCategoricalCrossentropy(from_logits=True), _labels, 3 * _normal),
    "scce_labels_n_by_1": (losses.SparseCategoricalCrossentropy(), _labels[:, None], _probs),
    "mse_column": (losses.MeanSquaredError(), _normal[:, 0], _normal[:, :1] + 0.3),
    "cce_axis0": (losses.CategoricalCrossentropy(axis=0), _onehot.T, _positive.T.copy()),
    "scce_axis0": (losses.SparseCategoricalCrossentropy(axis=0), _labels, _probs.T.copy()),
}


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=list(GRADIENT_CASES))
def test_gradient_matches_finite_differences(case):
    loss, y_true, y_pred = GRADIENT_CASES[case]
    check_loss_gradient(loss, np.asarray(y_true, dtype=np.float64), y_pred)


def test_clipped_probabilities_pass_no_gradient():
    grad = losses.BinaryCrossentropy().gradient([[1.0, 0.0]], [[1.5, -0.5]])
    np.testing.assert_array_equal(grad, [[0.0, 0.0]])
    # The label's probability is clipped: the whole row has zero gradient.
    grad = losses.SparseCategoricalCrossentropy().gradient([2], [[0.5, 0.5, -0.01]])
    np.testing.assert_array_equal(grad, [[0.0, 0.0, 0.0]])


def _fused_check(loss, activation, y_true, logits):
    """The fused gradient is that of the same loss taken from the logits."""
    logits = np.array(logits, dtype=np.float64)
    analytic = loss.logits_gradient(y_true, activation(logits))
    from_logits = type(loss).from_config({**loss.get_config(), "from_logits": True})
    numeric = numerical_gradient(lambda: float(np.sum(from_logits.call(y_true, logits))), logits)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


_logits = 2 * _rng.standard_normal((4, 3))
# Saturated logits: probabilities beyond the clip bounds, where the loss is flat.
_saturated = np.array([[0.0, 30.0, -30.0], [25.0, 0.0, 1.0], [-20.0, 20.0, 0.5], [1.0, 2.0, 3.0]])

FUSED_CASES = {
    "bce_sigmoid": (losses.BinaryCrossentropy(), sigmoid, _binary, _logits),
    "bce_smoothing_sigmoid": (losses.BinaryCrossentropy(label_smoothing=0.2), sigmoid, _binary,
                              _logits),
    "bce_saturated": (losses.BinaryCrossentropy(label_smoothing=0.1), sigmoid, _binary,
                      _saturated),
    "cce_softmax": (losses.CategoricalCrossentropy(), softmax, _onehot, _logits),
    "cce_smoothing_softmax": (losses.CategoricalCrossentropy(label_smoothing=0.2), softmax,
                              _onehot, _logits),
    "cce_saturated": (losses.CategoricalCrossentropy(label_smoothing=0.1), softmax, _onehot,
                      _saturated),
    "cce_soft_targets": (losses.CategoricalCrossentropy(), softmax, _probs * 1.5, _logits),
    "scce_softmax": (losses.SparseCategoricalCrossentropy(), softmax, _labels, _logits),
    "scce_saturated": (losses.SparseCategoricalCrossentropy(), softmax, _labels, _saturated),
    "bce_column": (losses.BinaryCrossentropy(), sigmoid, _binary[:, 0], _logits[:, :1]),
}


@pytest.mark.parametrize("case", FUSED_CASES, ids=list(FUSED_CASES))
def test_fused_logits_gradient_is_the_gradient_of_the_loss_from_logits(case):
    loss, activation, y_true, logits = FUSED_CASES[case]
    _fused_check(loss, activation, y_true, logits)


def test_fused_gradient_still_teaches_a_saturated_wrong_prediction():
    # p(label) = softmax(-30) ~ 1e-26 is clipped in the loss value, yet the
    # gradient pushes the label's logit up (Keras on TensorFlow does the same).
    p = softmax(np.array([[0.0, 30.0, -30.0]]))
    grad = losses.SparseCategoricalCrossentropy().logits_gradient([2], p)
    assert grad[0, 2] == pytest.approx(-1.0) and grad[0, 1] == pytest.approx(1.0)


FAST_PATH_CASES = {
    "mse": (losses.MeanSquaredError(), None, lambda r: r.standard_normal((6, 2))),
    "scce_fused": (losses.SparseCategoricalCrossentropy(), softmax,
                   lambda r: r.integers(0, 3, 6)),
    "cce_fused": (losses.CategoricalCrossentropy(), softmax,
                  lambda r: np.eye(3)[r.integers(0, 3, 6)]),
    "bce_fused": (losses.BinaryCrossentropy(), sigmoid, lambda r: r.integers(0, 2, (6, 3)).astype(float)),
}


@pytest.mark.parametrize("case", FAST_PATH_CASES, ids=list(FAST_PATH_CASES))
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum"])
def test_training_shortcut_equals_the_generic_composition(case, weighted, reduction):
    """`value_and_gradient`'s shortcut gives what call/reduce/gradient give."""
    axone.backend.set_floatx("float64")  # prepared targets are floatx; compare in float64
    base, activation, make_targets = FAST_PATH_CASES[case]
    loss = type(base).from_config({**base.get_config(), "reduction": reduction})
    r = np.random.default_rng(3)
    y_true = make_targets(r)
    logits = r.standard_normal((6, 3 if activation is not None else 2))
    y_pred = activation(logits) if activation is not None else logits
    weights = r.uniform(0.5, 2.0, 6) if weighted else None
    prepared = loss.prepare_targets(y_true, (None,) + y_pred.shape[1:])
    fused = activation is not None
    value, grad = loss.value_and_gradient(prepared, y_pred, weights, fused=fused, scale=0.5)
    generic_value, generic_grad = losses.Loss.value_and_gradient(loss, y_true, y_pred, weights,
                                                                 fused=fused, scale=0.5)
    assert value == pytest.approx(generic_value, rel=1e-12)
    np.testing.assert_allclose(grad, generic_grad, rtol=1e-12, atol=1e-15)


def test_fused_gradient_equals_loss_gradient_through_activation_backward():
    loss = losses.CategoricalCrossentropy()
    z = _logits.copy()
    p = softmax(z)
    chained = softmax.backward(loss.gradient(_onehot, p), z, p)
    np.testing.assert_allclose(loss.logits_gradient(_onehot, p), chained, atol=1e-12)


# ------------------------------------------------ the training objective
REDUCED_CASES = {
    "sum_over_batch_size": (losses.MeanSquaredError(), None),
    "weighted": (losses.MeanSquaredError(), np.array([0.5, 2.0, 0.0, 1.0])),
    "sum_weighted": (losses.Huber(reduction="sum"), np.array([0.5, 2.0, 0.0, 1.0])),
    "mean_with_sample_weight": (losses.MeanAbsoluteError(reduction="mean_with_sample_weight"),
                                np.array([0.5, 2.0, 0.0, 1.0])),
    "bce_weighted": (losses.BinaryCrossentropy(label_smoothing=0.1), np.array([1.0, 3.0, 1, 2])),
}


@pytest.mark.parametrize("case", REDUCED_CASES, ids=list(REDUCED_CASES))
@pytest.mark.parametrize("shapes", ["2d", "targets_n_outputs_n1", "one_dimensional",
                                    "sequence"])
def test_training_gradient_is_the_gradient_of_the_reduced_loss(case, shapes):
    loss, weights = REDUCED_CASES[case]
    rng = np.random.default_rng(3)
    y_true = (rng.random((4, 3)) > 0.5).astype(float)
    output = rng.random((4, 3)) * 0.8 + 0.1
    if shapes == "targets_n_outputs_n1":
        y_true, output = y_true[:, 0], output[:, :1].copy()
    elif shapes == "one_dimensional":
        y_true, output = y_true[:, 0], output[:, 0].copy()
    elif shapes == "sequence":  # (n, t, c): per-sample weights spread over the time steps
        y_true = np.stack([y_true, 1 - y_true], axis=1)
        output = np.stack([output, output[::-1]], axis=1)
    compiled = CompiledLoss(loss, None, ["out"])
    total, _, grads = compiled.compute([y_true], [output], [weights])
    numeric = numerical_gradient(
        lambda: compiled.compute([y_true], [output], [weights], with_grads=False)[0], output)
    assert total == pytest.approx(float(loss(y_true, output, weights)), rel=1e-6)
    np.testing.assert_allclose(grads[0], numeric, rtol=1e-5, atol=1e-8)


def test_compile_refuses_a_loss_without_reduction():
    with pytest.raises(ValueError, match="reduction='none'.*single number"):
        CompiledLoss(losses.MeanSquaredError(reduction="none"), None, ["out"])


def test_evaluate_reports_the_loss_of_the_predictions():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20, 4)).astype("float32")
    y = rng.integers(0, 3, 20)
    weights = rng.random(20)
    model = axone.Sequential([axone.Input((4,)), axone.layers.Dense(3, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    expected = losses.SparseCategoricalCrossentropy()(y, model.predict(x, verbose=0), weights)
    value = model.evaluate(x, y, sample_weight=weights, batch_size=20, verbose=0)
    assert value == pytest.approx(float(expected), rel=1e-5)


# ------------------------------------------------------- names and errors
def test_names_aliases_and_classes_resolve_as_in_keras():
    assert losses.mse is losses.mean_squared_error and losses.MAE is losses.mean_absolute_error
    for name, cls in [("mse", losses.MeanSquaredError), ("MSE", losses.MeanSquaredError),
                      ("mean_squared_error", losses.MeanSquaredError),
                      ("MeanSquaredError", losses.MeanSquaredError),
                      ("mae", losses.MeanAbsoluteError), ("huber", losses.Huber),
                      ("Huber", losses.Huber), ("bce", losses.BinaryCrossentropy),
                      ("kld", losses.KLDivergence), ("log_cosh", losses.LogCosh),
                      ("sparse_categorical_crossentropy", losses.SparseCategoricalCrossentropy)]:
        assert type(losses.get(name)) is cls, name
    # A function's name (or alias) names the loss; a class name gives the default name.
    assert losses.get("mse").name == "mse"
    assert losses.get("MeanSquaredError").name == "mean_squared_error"
    assert losses.get(losses.huber).name == "huber"
    assert losses.Huber().name == "huber_loss"
    assert type(losses.get(losses.mse)) is losses.MeanSquaredError
    assert type(losses.get(losses.Poisson)) is losses.Poisson
    instance = losses.Hinge()
    assert losses.get(instance) is instance


def test_config_round_trip_keeps_every_argument():
    loss = losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1,
                                     reduction="sum", name="bce")
    assert loss.get_config() == {"name": "bce", "reduction": "sum", "from_logits": True,
                                 "label_smoothing": 0.1, "axis": -1}
    for original in [loss, losses.Huber(delta=0.3), losses.CategoricalCrossentropy(axis=0),
                     losses.SparseCategoricalCrossentropy(from_logits=True)]:
        restored = losses.deserialize(losses.serialize(original))
        assert type(restored) is type(original)
        assert restored.get_config() == original.get_config()


def test_unknown_name_suggests_the_closest():
    with pytest.raises(ValueError, match=r"Unknown loss: 'mean_squared_eror'.*Did you mean "
                                         r"'mean_squared_error'"):
        losses.get("mean_squared_eror")


def test_invalid_reduction_shows_the_received_value():
    with pytest.raises(ValueError, match="reduction='avg'"):
        losses.MeanSquaredError(reduction="avg")


def test_sparse_label_out_of_range():
    y_pred = np.full((2, 10), 0.1)
    with pytest.raises(ValueError, match=r"Received a label value of 10 which is outside the "
                                         r"valid range of \[0, 10\)"):
        losses.SparseCategoricalCrossentropy()([3, 10], y_pred)
    with pytest.raises(ValueError, match="label value of -1"):
        losses.sparse_categorical_crossentropy([-1, 3], y_pred)


def test_sparse_rejects_fractional_labels():
    with pytest.raises(ValueError, match="integer class labels.*1.5"):
        losses.sparse_categorical_crossentropy([1.5, 0], np.full((2, 3), 1 / 3))


def test_check_targets_catches_one_hot_and_integer_confusion():
    with pytest.raises(ValueError, match="look like integer class labels.*sparse_categorical"):
        losses.CategoricalCrossentropy().check_targets(np.array([0, 2, 1]), (None, 3))
    with pytest.raises(ValueError, match="look one-hot encoded.*'categorical_crossentropy'"):
        losses.SparseCategoricalCrossentropy().check_targets(np.eye(3), (None, 3))
    with pytest.raises(ValueError, match="label value of 7.*\\[0, 3\\)"):
        losses.SparseCategoricalCrossentropy().check_targets(np.array([0, 7]), (None, 3))
    losses.SparseCategoricalCrossentropy().check_targets(np.array([[0], [2]]), (None, 3))
    losses.CategoricalCrossentropy().check_targets(np.eye(3), (None, 3))


def test_check_targets_reports_shape_mismatch():
    with pytest.raises(ValueError, match=r"targets of shape \(4, 2\).*output shape \(None, 3\)"):
        losses.MeanSquaredError().check_targets(np.zeros((4, 2)), (None, 3))
    losses.MeanSquaredError().check_targets(np.zeros(4), (None, 1))


def test_binary_crossentropy_rejects_targets_outside_zero_one():
    with pytest.raises(ValueError, match="targets in \\[0, 1\\].*value of 3"):
        losses.BinaryCrossentropy().check_targets(np.array([[0.0], [3.0]]), (None, 1))


def test_crossentropy_shape_mismatch_message():
    with pytest.raises(ValueError, match=r"y_true.shape=\(2,\), y_pred.shape=\(2, 3\)"):
        losses.categorical_crossentropy(np.array([0.0, 1.0]), np.full((2, 3), 1 / 3))


def test_wrapped_function_without_gradient_is_differentiated_through_its_ops():
    loss = losses.get(lambda y_true, y_pred: (y_true - y_pred) ** 2)
    assert loss(np.array([[1.0]]), np.array([[3.0]])) == pytest.approx(4.0)
    np.testing.assert_allclose(loss.gradient(np.array([[1.0]]), np.array([[3.0]])), [[4.0]])
    untraceable = losses.get(lambda y_true, y_pred: np.asarray(y_pred).clip(0) - y_true)
    with pytest.raises(TypeError, match="cannot be traced.*axone.ops"):
        untraceable.gradient(np.array([[1.0]]), np.array([[3.0]]))
    wrapped = losses.LossFunctionWrapper(lambda t, p: np.mean((p - t) ** 4, axis=-1),
                                         gradient_fn=lambda t, p: 4 * (p - t) ** 3 / p.shape[-1])
    check_loss_gradient(wrapped, _normal, _rng.standard_normal((4, 3)))


# ----------------------------------------------------- against Keras 3
def _keras_cases():
    rng = np.random.default_rng(7)
    n = 5
    onehot = np.eye(4)[rng.integers(0, 4, n)]
    probs = softmax(rng.standard_normal((n, 4)))
    return [
        ("MeanSquaredError", {}, rng.standard_normal((n, 3)), rng.standard_normal((n, 3))),
        ("MeanAbsoluteError", {}, rng.standard_normal(n), rng.standard_normal((n, 1))),
        ("Huber", {"delta": 0.7}, rng.standard_normal((n, 3)), rng.standard_normal((n, 3))),
        ("LogCosh", {}, rng.standard_normal((n, 3)), 10 * rng.standard_normal((n, 3))),
        ("BinaryCrossentropy", {"label_smoothing": 0.2}, (rng.random((n, 1)) > 0.5) * 1.0,
         np.r_[rng.random((n - 1, 1)), [[1.0]]]),
        ("BinaryCrossentropy", {"from_logits": True}, (rng.random(n) > 0.5) * 1.0,
         30 * rng.standard_normal((n, 1))),
        ("CategoricalCrossentropy", {"label_smoothing": 0.1}, onehot,
         np.r_[probs[:-1], [[0.0, 1.0, 0.0, 0.0]]]),
        ("CategoricalCrossentropy", {"from_logits": True}, onehot, 20 * probs),
        ("SparseCategoricalCrossentropy", {}, onehot.argmax(-1), probs),
        ("SparseCategoricalCrossentropy", {"from_logits": True}, onehot.argmax(-1)[:, None],
         20 * probs),
    ]


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight",
                                       None])
def test_values_match_keras(reduction):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    weights = np.linspace(0.1, 2.0, 5)
    for name, kwargs, y_true, y_pred in _keras_cases():
        for sample_weight in (None, weights):
            ours = getattr(losses, name)(reduction=reduction, **kwargs)(y_true, y_pred,
                                                                        sample_weight)
            theirs = getattr(keras.losses, name)(reduction=reduction, **kwargs)(
                y_true, y_pred, sample_weight=sample_weight)
            np.testing.assert_allclose(ours, np.asarray(theirs), rtol=2e-6, atol=1e-6,
                                       err_msg=f"{name} {kwargs}")
