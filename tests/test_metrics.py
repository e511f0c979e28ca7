import math
import os

import numpy as np
import pytest

import axone
from axone import losses, metrics
from axone.models.compile_utils import CompiledMetrics
from axone.utils.naming import reset_names


# --------------------------------------------------------- Mean and Sum
def test_mean_weighted_accumulation_and_reset():
    m = metrics.Mean()
    assert m.result() == 0.0  # nothing seen yet: 0, not nan
    m.update_state([1, 3, 5, 7])
    assert m.result() == 4.0
    m.update_state([10], sample_weight=[2])
    assert m.result() == pytest.approx((16 + 20) / 6)
    m.reset_state()
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert m.result() == 2.0


def test_mean_counts_each_sample_once():
    # Rows are averaged first; a weight per row weighs the row's mean.
    m = metrics.Mean()
    m.update_state([[1, 3], [5, 7]], sample_weight=[1, 0])
    assert m.result() == 2.0
    m.update_state([[0.0, 0.0]])
    assert m.result() == 1.0


def test_sum_metric():
    s = metrics.Sum()
    s.update_state([1, 3, 5, 7])
    s.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert s.result() == 20.0


def test_calling_a_metric_updates_its_state_as_in_keras():
    m = metrics.Mean()
    assert m([2.0]) == 2.0
    assert m([4.0]) == 3.0


def test_mean_metric_wrapper_of_a_function():
    def absolute_difference(y_true, y_pred, scale=1.0):
        return scale * np.abs(np.asarray(y_true) - np.asarray(y_pred))

    m = metrics.MeanMetricWrapper(absolute_difference, name="diff", scale=2.0)
    m.update_state([0.0, 1.0], [1.0, 1.0])
    assert (m.name, m.result()) == ("diff", 1.0)


# --------------------------------------------------------------- accuracy
def test_accuracy_exact_match():
    m = metrics.Accuracy()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    assert m.result() == 0.75
    m.reset_state()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]], sample_weight=[1, 1, 0, 0])
    assert m.result() == 0.5


def test_binary_accuracy_threshold_and_shapes():
    m = metrics.BinaryAccuracy()
    # 0.5 is not above the threshold 0.5: predicted 0.
    m.update_state([[1], [1], [0], [0]], [[0.98], [0.5], [0.0], [0.6]])
    assert m.result() == 0.5
    m = metrics.BinaryAccuracy(threshold=0.7)
    m.update_state([1, 1, 0, 0], [[0.98], [1.0], [0.0], [0.6]])  # (n,) against (n, 1)
    assert m.result() == 1.0
    # Targets are compared exactly: a soft target 0.9 matches neither 0 nor 1.
    assert metrics.binary_accuracy(np.array([[0.9]]), np.array([[0.95]]))[0, 0] == 0.0


def test_categorical_and_sparse_categorical_accuracy():
    y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]
    m = metrics.CategoricalAccuracy()
    m.update_state([[0, 0, 1], [0, 1, 0]], y_pred)
    assert m.result() == 0.5
    m.reset_state()
    m.update_state([[0, 0, 1], [0, 1, 0]], y_pred, sample_weight=[0.7, 0.3])
    assert m.result() == pytest.approx(0.3)
    s = metrics.SparseCategoricalAccuracy()
    s.update_state([[2], [1]], y_pred)
    assert s.result() == 0.5
    s.reset_state()
    s.update_state([2, 1], y_pred, sample_weight=[0.7, 0.3])
    assert s.result() == pytest.approx(0.3)


def test_top_k_accuracies():
    y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]
    m = metrics.TopKCategoricalAccuracy(k=1)
    m.update_state([[0, 0, 1], [0, 1, 0]], y_pred)
    assert m.result() == 0.5
    m = metrics.TopKCategoricalAccuracy(k=2)
    m.update_state([[0, 0, 1], [0, 1, 0]], y_pred, sample_weight=[0.7, 0.3])
    assert m.result() == pytest.approx(1.0)
    s = metrics.SparseTopKCategoricalAccuracy(k=1)
    s.update_state([2, 1], y_pred)
    assert s.result() == 0.5
    # With k at least the number of classes, every label is in the top k.
    assert metrics.SparseTopKCategoricalAccuracy()([0, 2], y_pred) == 1.0


def test_accumulation_counts_samples_not_batches():
    m = metrics.BinaryAccuracy()
    m.update_state([1, 1, 0, 0], [[0.9], [0.8], [0.1], [0.7]])  # 3 of 4
    m.update_state([1, 0], [[0.2], [0.9]])  # 0 of 2
    assert m.result() == pytest.approx(3 / 6)  # not the mean of the batch means, 0.375
    m.reset_state()
    assert m.result() == 0.0


# ------------------------------------------------------------- regression
def test_regression_metrics_hand_values():
    y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]
    assert metrics.MeanSquaredError()(y_true, y_pred) == 0.25
    assert metrics.MeanAbsoluteError()(y_true, y_pred) == 0.25
    assert metrics.RootMeanSquaredError()(y_true, y_pred) == 0.5
    m = metrics.RootMeanSquaredError()
    m.update_state(y_true, y_pred, sample_weight=[1, 0])
    assert m.result() == pytest.approx(math.sqrt(0.5))
    m.update_state([[2.0, 2.0]], [[0.0, 0.0]])
    assert m.result() == pytest.approx(math.sqrt(4.5 / 2))
    mae = metrics.MeanAbsoluteError()
    mae.update_state([[1.0], [2.0]], [[2.0], [5.0]], sample_weight=[3, 1])
    assert mae.result() == pytest.approx((3 * 1 + 1 * 3) / 4)


def test_loss_metrics_average_the_loss_function():
    y_true, y_pred = [[1.0, 0.0]], [[0.8, 0.4]]
    m = metrics.BinaryCrossentropy()
    assert m(y_true, y_pred) == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2, rel=1e-6)
    s = metrics.SparseCategoricalCrossentropy(from_logits=True)
    assert s([1], [[0.0, math.log(2), 0.0]]) == pytest.approx(-math.log(0.5))


# -------------------------------------------------------------- confusion
def test_precision_and_recall_hand_values():
    y_true, y_pred = [0, 1, 1, 1], [1, 0, 1, 1]
    assert metrics.Precision()(y_true, y_pred) == pytest.approx(2 / 3)
    assert metrics.Recall()(y_true, y_pred) == pytest.approx(2 / 3)
    p = metrics.Precision()
    p.update_state(y_true, y_pred, sample_weight=[0, 0, 1, 0])
    assert p.result() == 1.0
    r = metrics.Recall()
    r.update_state(y_true, y_pred, sample_weight=[1, 3, 1, 0])
    assert r.result() == pytest.approx(1 / 4)


def test_precision_thresholds_top_k_and_class_id():
    p = metrics.Precision(thresholds=[0.3, 0.7])
    p.update_state([0, 1, 1, 0], [0.5, 0.8, 0.4, 0.2])
    np.testing.assert_allclose(p.result(), [2 / 3, 1.0])
    # Top 2 of each row are positive: [x, 0.9, 0.8] and [0.6, 0.3, x].
    p = metrics.Precision(top_k=2)
    p.update_state([[0, 1, 1], [0, 0, 1]], [[0.1, 0.9, 0.8], [0.6, 0.3, 0.1]])
    assert p.result() == pytest.approx(2 / 4)
    # Ties: the first of equal scores is kept (Keras's documented example gives 0).
    assert metrics.Precision(top_k=2)([0, 0, 1, 1], [1, 1, 1, 1]) == 0.0
    r = metrics.Recall(class_id=2)
    r.update_state([[0, 1, 1], [0, 0, 1]], [[0.1, 0.9, 0.8], [0.6, 0.3, 0.1]])
    assert r.result() == 0.5


def test_confusion_counts():
    y_true, y_pred = [0, 1, 1, 0, 1], [0.7, 0.2, 0.9, 0.1, 0.5]
    weights = [1, 2, 3, 4, 5]
    assert metrics.TruePositives()(y_true, y_pred, weights) == 3.0
    assert metrics.FalsePositives()(y_true, y_pred, weights) == 1.0
    assert metrics.TrueNegatives()(y_true, y_pred, weights) == 4.0
    assert metrics.FalseNegatives()(y_true, y_pred, weights) == 7.0  # 0.2 and 0.5 (not > 0.5)


def _exact_roc_auc(y_true, scores, weights=None):
    """Probability that a positive scores above a negative (ties count one half)."""
    y_true, scores = np.asarray(y_true, bool), np.asarray(scores)
    w = np.ones(len(scores)) if weights is None else np.asarray(weights, float)
    pos, neg = scores[y_true], scores[~y_true]
    wp, wn = w[y_true], w[~y_true]
    above = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    return float(np.sum(above * wp[:, None] * wn[None, :]) / (wp.sum() * wn.sum()))


def test_auc_hand_computed():
    # Thresholds -eps, 0.5, 1 + eps: ROC points (1, 1), (0, 0.5), (0, 0); trapezoids give 0.75.
    m = metrics.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert m.result() == pytest.approx(0.75)
    assert m.result() == pytest.approx(_exact_roc_auc([0, 0, 1, 1], [0, 0.5, 0.3, 0.9]))


def test_auc_defaults_approximate_the_exact_auc():
    m = metrics.AUC()
    assert (m.num_thresholds, m.curve, m.summation_method) == (200, "ROC", "interpolation")
    rng = np.random.default_rng(0)
    y_true = rng.random(500) > 0.6
    scores = np.clip(0.25 * y_true + rng.random(500) * 0.75, 0, 1)
    weights = rng.random(500)
    m.update_state(y_true[:300], scores[:300], weights[:300])
    m.update_state(y_true[300:], scores[300:], weights[300:])
    # 200 thresholds: pairs that fall in one bucket (about 1/200 of them) count one half.
    assert m.result() == pytest.approx(_exact_roc_auc(y_true, scores, weights), abs=5e-3)


def test_auc_sklearn_agreement():
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(1)
    y_true = rng.random(300) > 0.5
    scores = np.clip(0.3 * y_true + rng.random(300) * 0.7, 0, 1)
    assert metrics.AUC()(y_true, scores) == pytest.approx(
        sklearn_metrics.roc_auc_score(y_true, scores), abs=5e-3)


def test_auc_integer_weights_equal_repeated_samples():
    y_true, scores = [0, 1, 1, 0, 1], [0.2, 0.6, 0.4, 0.5, 0.9]
    weighted = metrics.AUC(curve="PR")(y_true, scores, sample_weight=[1, 2, 1, 3, 1])
    repeated = metrics.AUC(curve="PR")([0, 1, 1, 1, 0, 0, 0, 1],
                                       [0.2, 0.6, 0.6, 0.4, 0.5, 0.5, 0.5, 0.9])
    assert weighted == pytest.approx(repeated)


def test_auc_pr_bounds_and_multi_label():
    rng = np.random.default_rng(2)
    y_true = (rng.random((100, 3)) > 0.5).astype(float)
    scores = np.clip(0.3 * y_true + rng.random((100, 3)) * 0.7, 0, 1)
    low = metrics.AUC(curve="PR", summation_method="minoring")(y_true, scores)
    mid = metrics.AUC(curve="PR")(y_true, scores)
    high = metrics.AUC(curve="PR", summation_method="majoring")(y_true, scores)
    assert low <= mid <= high
    per_label = [metrics.AUC()(y_true[:, i], scores[:, i]) for i in range(3)]
    assert metrics.AUC(multi_label=True)(y_true, scores) == pytest.approx(np.mean(per_label))
    logits = np.log(scores + 1e-3) - np.log1p(1e-3 - scores)
    assert metrics.AUC(from_logits=True)(y_true, logits) == pytest.approx(
        metrics.AUC()(y_true, 1 / (1 + np.exp(-logits))))


def test_auc_rejects_bad_arguments():
    with pytest.raises(ValueError, match="num_thresholds=1"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match='curve value: "XY"'):
        metrics.AUC(curve="XY")
    with pytest.raises(ValueError, match=r"Threshold values must be in \[0, 1\]"):
        metrics.Precision(thresholds=[0.5, 1.5])


# -------------------------------------------------- names and resolution
def test_default_names_are_made_unique_like_keras():
    reset_names()
    assert [metrics.Precision().name, metrics.Precision().name] == ["precision", "precision_1"]
    assert metrics.AUC().name == "auc"
    assert metrics.Precision(name="p").name == "p"
    assert metrics.RootMeanSquaredError().name == "root_mean_squared_error"


@pytest.mark.parametrize("y_true_shape, y_pred_shape, loss, expected", [
    ((8, 1), (None, 1), losses.BinaryCrossentropy(), metrics.BinaryAccuracy),
    ((8,), (None, 1), losses.BinaryCrossentropy(), metrics.BinaryAccuracy),
    ((8,), (None, 3), losses.SparseCategoricalCrossentropy(), metrics.SparseCategoricalAccuracy),
    ((8, 1), (None, 3), losses.SparseCategoricalCrossentropy(),
     metrics.SparseCategoricalAccuracy),
    ((8, 3), (None, 3), losses.CategoricalCrossentropy(), metrics.CategoricalAccuracy),
    # Keras 3 decides from the shapes alone: multi-label sigmoid outputs get
    # categorical accuracy, even with binary crossentropy.
    ((8, 3), (None, 3), losses.BinaryCrossentropy(), metrics.CategoricalAccuracy),
    ((8, 1), (None, 1), losses.MeanSquaredError(), metrics.BinaryAccuracy),
])
def test_accuracy_resolution(y_true_shape, y_pred_shape, loss, expected):
    for name in ("accuracy", "acc"):
        metric = metrics.get(name, loss, y_true_shape, y_pred_shape)
        assert type(metric) is expected and metric.name == name


def test_accuracy_resolution_without_shapes():
    assert type(metrics.get("accuracy", losses.SparseCategoricalCrossentropy())) \
        is metrics.SparseCategoricalAccuracy
    assert type(metrics.get("accuracy")) is metrics.Accuracy


def test_get_names_metrics_as_keras_logs_them():
    assert (type(metrics.get("mae")), metrics.get("mae").name) == (metrics.MeanAbsoluteError,
                                                                  "mae")
    assert metrics.get("RootMeanSquaredError").name == "RootMeanSquaredError"
    assert metrics.get(metrics.RootMeanSquaredError).name == "root_mean_squared_error"
    assert metrics.get(losses.mean_absolute_error).name == "mean_absolute_error"
    with pytest.raises(ValueError, match="Unknown metric: 'mea'.*Did you mean"):
        metrics.get("mea")


def test_config_round_trip():
    for original in [metrics.AUC(num_thresholds=50, curve="PR", name="pr"),
                     metrics.Precision(thresholds=[0.2, 0.8], class_id=1),
                     metrics.BinaryAccuracy(threshold=0.3), metrics.TopKCategoricalAccuracy(k=2)]:
        restored = metrics.deserialize(metrics.serialize(original))
        assert type(restored) is type(original)
        assert restored.get_config() == original.get_config()


def test_custom_metric_with_keras_style_variables():
    class PositiveCount(metrics.Metric):
        def __init__(self, name="positive_count", **kwargs):
            super().__init__(name=name, **kwargs)
            self.count = self.add_variable(shape=(), initializer="zeros", name="count")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.count.assign(self.count + np.sum(np.asarray(y_pred) > 0))

        def result(self):
            return float(self.count)

    m = PositiveCount()
    m.update_state(None, [1, -1, 2])
    m.update_state(None, [3])
    assert m.result() == 3.0
    m.reset_state()
    assert m.result() == 0.0


# ------------------------------------------------------- during training
def _fit_logs(loss, y, units, activation, metric_list, sample_weight=None):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((24, 4)).astype("float32")
    model = axone.Sequential([axone.Input((4,)), axone.layers.Dense(units, activation=activation)])
    model.compile("sgd", loss, metrics=metric_list)
    history = model.fit(x, y, epochs=1, batch_size=8, verbose=0, sample_weight=sample_weight)
    return model, {k: v[0] for k, v in history.history.items()}


@pytest.mark.parametrize("loss, y, units, activation, expected", [
    ("binary_crossentropy", np.arange(24) % 2, 1, "sigmoid", metrics.BinaryAccuracy),
    ("sparse_categorical_crossentropy", np.arange(24) % 3, 3, "softmax",
     metrics.SparseCategoricalAccuracy),
    ("categorical_crossentropy", np.eye(3)[np.arange(24) % 3], 3, "softmax",
     metrics.CategoricalAccuracy),
])
def test_compile_resolves_accuracy_per_loss_and_logs_it_as_accuracy(loss, y, units, activation,
                                                                    expected):
    model, logs = _fit_logs(loss, y, units, activation, ["accuracy"])
    assert sorted(logs) == ["accuracy", "loss"]
    assert type(model.metrics[-1]) is expected


def test_logged_metric_names_follow_keras():
    y = np.random.default_rng(1).standard_normal((24, 2)).astype("float32")
    _, logs = _fit_logs("mse", y, 2, None, [
        "mae", "mean_absolute_error", metrics.RootMeanSquaredError(), "mse",
        losses.mean_absolute_error, metrics.MeanAbsoluteError(name="abs_err"), "mae"])
    assert sorted(logs) == ["abs_err", "loss", "mae", "mae_1", "mean_absolute_error",
                            "mean_absolute_error_1", "mse", "root_mean_squared_error"]
    assert logs["mae"] == logs["mae_1"] == logs["abs_err"]


def test_metrics_are_not_weighted_by_sample_weight():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((24, 4)).astype("float32")
    y = np.arange(24) % 2
    model = axone.Sequential([axone.Input((4,)), axone.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    predictions = model.predict(x, verbose=0)
    plain = metrics.BinaryAccuracy()(y, predictions)
    # Weight only the right predictions: weighted, the accuracy would be 1.
    weights = ((predictions[:, 0] > 0.5) == y).astype(float)
    assert plain < 1.0 and metrics.BinaryAccuracy()(y, predictions, weights) == 1.0
    logs = model.evaluate(x, y, sample_weight=weights, batch_size=24, verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx(plain)
    expected_loss = losses.BinaryCrossentropy()(y, predictions, weights)
    assert logs["loss"] == pytest.approx(float(expected_loss), rel=1e-5)  # the loss is weighted


def test_compiled_metrics_weighting_and_names():
    y = np.array([1.0, 0.0, 1.0, 0.0])
    out = np.array([[0.9], [0.8], [0.2], [0.1]])  # right, wrong, wrong, right
    weights = np.array([1.0, 0.0, 0.0, 1.0])
    compiled = CompiledMetrics(["accuracy", "mae"], ["out"], weighted_metrics=["accuracy"])
    compiled.build([losses.BinaryCrossentropy()], [y], [(None, 1)])
    compiled.update([y], [out], [weights])
    results = compiled.results()
    assert sorted(results) == ["accuracy", "mae", "weighted_accuracy"]
    assert results["accuracy"] == 0.5  # sample weights ignored
    assert results["weighted_accuracy"] == 1.0


def test_compiled_metrics_with_several_outputs():
    names = ["a", "b"]
    shapes = [(None, 1), (None, 2)]
    ys = [np.array([1.0, 0.0]), np.zeros((2, 2))]
    outs = [np.array([[0.9], [0.2]]), np.array([[1.0, 1.0], [0.0, 2.0]])]
    for spec, expected in [
        (["accuracy", "mae"], ["a_accuracy", "b_mae"]),  # one entry per output
        ({"b": ["mae", "mse"]}, ["b_mae", "b_mse"]),
        ([None, ["mae"]], ["b_mae"]),
    ]:
        compiled = CompiledMetrics(spec, names)
        compiled.build([None, None], ys, shapes)
        compiled.update(ys, outs, [None, None])
        assert sorted(compiled.results()) == expected
    assert compiled.results()["b_mae"] == pytest.approx(1.0)


def test_a_user_metric_keeps_its_name_when_renamed_for_an_output():
    auc = metrics.AUC(name="auc")
    compiled = CompiledMetrics([[auc], None], ["a", "b"])
    compiled.build([None, None], [np.zeros(2), np.zeros(2)], [(None, 1), (None, 1)])
    assert compiled.flat[0].name == "a_auc" and auc.name == "auc"


# ------------------------------------------------------- against Keras 3
def test_values_match_keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(5)
    y_true = (rng.random((64, 3)) > 0.5).astype("float32")
    scores = np.clip(0.3 * y_true + rng.random((64, 3)) * 0.7, 0, 1).astype("float32")
    weights = rng.random(64).astype("float32")
    labels = rng.integers(0, 3, 64)
    pairs = [
        ("AUC", {}), ("AUC", {"curve": "PR"}), ("AUC", {"curve": "PRGAIN"}),
        ("AUC", {"multi_label": True, "summation_method": "minoring"}),
        ("AUC", {"num_thresholds": 7, "summation_method": "majoring"}),
        ("Precision", {"thresholds": [0.3, 0.5]}), ("Recall", {"class_id": 1}),
        ("Precision", {"top_k": 2}), ("BinaryAccuracy", {}), ("CategoricalAccuracy", {}),
        ("RootMeanSquaredError", {}), ("MeanAbsoluteError", {}),
    ]
    for name, kwargs in pairs:
        for sample_weight in (None, weights):
            ours = getattr(metrics, name)(**kwargs)
            theirs = getattr(keras.metrics, name)(**kwargs)
            for part in (slice(0, 40), slice(40, 64)):
                w = None if sample_weight is None else sample_weight[part]
                ours.update_state(y_true[part], scores[part], w)
                theirs.update_state(y_true[part], scores[part], sample_weight=w)
            np.testing.assert_allclose(ours.result(), np.asarray(theirs.result()), rtol=1e-5,
                                       atol=1e-6, err_msg=f"{name} {kwargs}")
    ours = metrics.SparseCategoricalAccuracy()(labels, scores, weights)
    theirs = keras.metrics.SparseCategoricalAccuracy()(labels, scores, sample_weight=weights)
    assert ours == pytest.approx(float(theirs), rel=1e-6)
