"""Metrics from confusion-matrix counts: true/false positives/negatives, precision, recall, AUC.

A prediction is positive at a threshold when it is strictly above it; a
target is positive when it is non-zero. The counts are weighted by
`sample_weight` and accumulated over batches.
"""

from __future__ import annotations

import numpy as np

from axone import backend
from axone.losses.loss import squeeze_or_expand_to_same_rank
from axone.metrics.metric import Metric

NEG_INF = -1e10


def parse_thresholds(thresholds, default: float) -> list[float]:
    """`thresholds` (a float or a list of floats in [0, 1]) as a list, or `[default]`."""
    if thresholds is None:
        return [default]
    values = list(np.ravel(thresholds))
    bad = [t for t in values if t is None or not 0 <= t <= 1]
    if bad:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
    return [float(t) for t in values]


def evenly_distributed(thresholds) -> bool:
    """True for at least 3 thresholds `i / (n - 1)` (up to epsilon), as Keras tests it."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=backend.epsilon()))


def _filter_top_k(y_pred, k: int):
    """Keep the `k` largest scores of each row; set the others to NEG_INF."""
    k = min(int(k), y_pred.shape[-1])
    # A stable sort keeps the first of tied scores, as torch's top_k does.
    top = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(y_pred.shape, dtype=bool)
    np.put_along_axis(keep, top, True, axis=-1)
    return np.where(keep, y_pred, NEG_INF).astype(y_pred.dtype)


def _prepare(y_true, y_pred, sample_weight, dtype, top_k=None, class_id=None):
    """Boolean labels, predictions and weights of one shape (weights may be None)."""
    y_pred = np.asarray(y_pred, dtype=dtype)
    y_true = np.asarray(y_true, dtype=dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    weights = None
    if sample_weight is not None:
        # A weight per sample (or per value) applies to every label of that sample.
        weights = np.expand_dims(np.asarray(sample_weight, dtype=dtype), -1)
        _, weights = squeeze_or_expand_to_same_rank(y_true, weights, expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes). Received: y_pred.shape={y_pred.shape}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    if y_true.shape != y_pred.shape:
        raise ValueError(
            "y_true and y_pred must have the same shape. Received: "
            f"y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        )
    if weights is not None:
        weights = np.broadcast_to(weights, y_pred.shape)
    return y_true != 0, y_pred, weights


def _positives_below(y_pred, thresholds, evenly: bool):
    """For each prediction, how many of the (sorted) thresholds lie strictly below it.

    With evenly spaced thresholds this is Keras's bucket arithmetic on
    predictions clipped to [0, 1]; the endpoints `-eps` and `1 + eps` (AUC)
    always count 0 as above the first one.
    """
    n = len(thresholds)
    if evenly:
        p = np.clip(y_pred, 0.0, 1.0)
        below = np.ceil(p * p.dtype.type(n - 1)).astype(np.int64)
        if thresholds[0] < 0.0 or thresholds[-1] > 1.0:
            below = np.maximum(below, 1)
        return below
    return np.searchsorted(np.asarray(thresholds, dtype=y_pred.dtype), y_pred, side="left")


def confusion_counts(y_true, y_pred, thresholds, sample_weight=None, dtype="float32",
                     top_k=None, class_id=None, multi_label=False, label_weights=None,
                     evenly: bool | None = None) -> dict:
    """Weighted `tp`, `fp`, `tn`, `fn` at each threshold: arrays `(T,)`, or `(T, L)` for multi_label.

    `evenly` says whether the thresholds are evenly spaced (then predictions
    are bucketed as Keras does); by default it is tested.
    """
    labels, y_pred, weights = _prepare(y_true, y_pred, sample_weight, dtype, top_k, class_id)
    weights = np.ones(y_pred.shape) if weights is None else weights.astype(np.float64)
    if label_weights is not None and not multi_label:
        weights = weights * np.broadcast_to(np.asarray(label_weights, np.float64), y_pred.shape)
    thresholds = list(thresholds)
    n_thresholds = len(thresholds)
    order = np.argsort(thresholds, kind="stable")
    sorted_thresholds = [thresholds[i] for i in order]
    if evenly is None:
        evenly = evenly_distributed(thresholds)
    evenly = evenly and list(order) == list(range(n_thresholds))
    if multi_label:
        labels, y_pred, weights = (a.reshape(-1, a.shape[-1]) for a in (labels, y_pred, weights))
        n_labels = y_pred.shape[-1]
    else:
        labels, y_pred, weights = (a.reshape(-1, 1) for a in (labels, y_pred, weights))
        n_labels = 1
    below = _positives_below(y_pred, sorted_thresholds, evenly)
    # Histogram of the weights by (count of thresholds below, label column);
    # a prediction is positive at sorted threshold i when i < count.
    index = (below * n_labels + np.arange(n_labels)).ravel()
    size = (n_thresholds + 1) * n_labels

    def above(mask):
        hist = np.bincount(index, np.where(mask, weights, 0.0).ravel(), size)
        tail = np.cumsum(hist.reshape(n_thresholds + 1, n_labels)[::-1], axis=0)[::-1]
        counts = np.empty_like(tail[1:])
        counts[order] = tail[1:]  # back to the caller's threshold order
        return counts

    tp, fp = above(labels), above(~labels)
    counts = {
        "tp": tp, "fp": fp,
        "fn": np.where(labels, weights, 0.0).sum(axis=0) - tp,
        "tn": np.where(~labels, weights, 0.0).sum(axis=0) - fp,
    }
    if not multi_label:
        counts = {key: value[:, 0] for key, value in counts.items()}
    return counts


def _divide_no_nan(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return np.divide(a, b, out=np.zeros(np.broadcast(a, b).shape), where=b != 0)


def _scalar_or_array(values: np.ndarray, n_thresholds: int):
    return float(values[0]) if n_thresholds == 1 else values


class _ThresholdCounts(Metric):
    """Shared state of the metrics built on counts at a list of thresholds."""

    _keys: tuple[str, ...] = ()

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None,
                 default_threshold: float = 0.5):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = parse_thresholds(thresholds, default_threshold)
        self.reset_state()

    def reset_state(self):
        self._counts = {key: np.zeros(len(self.thresholds)) for key in self._keys}

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(y_true, y_pred, self.thresholds, sample_weight, self.dtype,
                                  self.top_k, self.class_id)
        for key in self._keys:
            self._counts[key] += counts[key]


class _ConfusionCount(_ThresholdCounts):
    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds, name=name, dtype=dtype)

    def result(self):
        return _scalar_or_array(self._counts[self._keys[0]], len(self.thresholds))

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """Weighted count of positive targets predicted above `thresholds` (default 0.5)."""

    _keys = ("tp",)


class FalsePositives(_ConfusionCount):
    """Weighted count of negative targets predicted above `thresholds` (default 0.5)."""

    _keys = ("fp",)


class TrueNegatives(_ConfusionCount):
    """Weighted count of negative targets predicted at or below `thresholds` (default 0.5)."""

    _keys = ("tn",)


class FalseNegatives(_ConfusionCount):
    """Weighted count of positive targets predicted at or below `thresholds` (default 0.5)."""

    _keys = ("fn",)


class Precision(_ThresholdCounts):
    """`tp / (tp + fp)`: the share of positive predictions that are right.

    Args:
        thresholds: a float or list of floats in [0, 1]; one result per
            threshold. Defaults to 0.5 (or, with `top_k`, to taking the
            top-k predictions as positive).
        top_k: count only the `k` highest predictions of each sample as positive.
        class_id: compute the metric for this class (last axis index) only.
        name: defaults to `"precision"` (made unique). dtype: see `Metric`.
    """

    _keys = ("tp", "fp")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds, top_k, class_id, name, dtype,
                         default_threshold=0.5 if top_k is None else NEG_INF)

    def result(self):
        tp, fp = self._counts["tp"], self._counts["fp"]
        return _scalar_or_array(_divide_no_nan(tp, tp + fp), len(self.thresholds))

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Recall(Precision):
    """`tp / (tp + fn)`: the share of positive targets that are found.

    Args: as `Precision`; the name defaults to `"recall"`.
    """

    _keys = ("tp", "fn")

    def result(self):
        tp, fn = self._counts["tp"], self._counts["fn"]
        return _scalar_or_array(_divide_no_nan(tp, tp + fn), len(self.thresholds))


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "minoring", "majoring")


class AUC(Metric):
    """Area under the ROC (default) or precision-recall curve, from counts at thresholds.

    Predictions are counted at `num_thresholds` evenly spaced thresholds in
    [0, 1] (plus `-eps` and `1 + eps`), and the area is a Riemann sum over
    them, so the result approximates the exact AUC to about `1 / num_thresholds`.

    Args:
        num_thresholds: number of thresholds, > 1. Defaults to 200.
        curve: `"ROC"` (default), `"PR"` or `"PRGAIN"`.
        summation_method: `"interpolation"` (default: trapezoids for ROC,
            Davis & Goadrich's interpolation for PR), `"minoring"` (lower
            bound) or `"majoring"` (upper bound).
        name: defaults to `"auc"` (made unique). dtype: see `Metric`.
        thresholds: explicit thresholds in [0, 1], instead of `num_thresholds`.
        multi_label: compute one AUC per label (last axis) and average them,
            instead of pooling every value as one binary problem.
        num_labels: number of labels, when `multi_label` (else taken from the data).
        label_weights: weights of the labels, in the average (multi_label) or
            in the pooled counts.
        from_logits: apply a sigmoid to the predictions first. Defaults to False.
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC",
                 summation_method: str = "interpolation", name=None, dtype=None,
                 thresholds=None, multi_label: bool = False, num_labels=None,
                 label_weights=None, from_logits: bool = False):
        if str(curve).lower() not in _CURVES:
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are '
                             '["PR", "ROC", "PRGAIN"]')
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(f'Invalid AUC summation method value: "{summation_method}". '
                             f"Expected values are {list(_SUMMATIONS)}")
        super().__init__(name=name, dtype=dtype)
        self.curve = _CURVES[str(curve).lower()]
        self.summation_method = str(summation_method).lower()
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(parse_thresholds(thresholds, 0.5))
            self.num_thresholds = len(inner) + 2
            self._evenly = evenly_distributed([0.0] + inner + [1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError("Argument `num_thresholds` must be an integer > 1. "
                                 f"Received: num_thresholds={num_thresholds}")
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        # Endpoints just outside [0, 1] so that predictions of exactly 0 or 1 count.
        eps = backend.epsilon()
        self._thresholds = np.array([0.0 - eps] + inner + [1.0 + eps])
        if multi_label is False and num_labels:
            raise ValueError("`num_labels` is needed only when `multi_label` is True.")
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, float)
        self._from_logits = bool(from_logits)
        self._num_labels = num_labels
        self.reset_state()

    @property
    def thresholds(self) -> list[float]:
        """The thresholds, endpoints included."""
        return list(self._thresholds)

    def reset_state(self):
        shape = (self.num_thresholds,)
        if self.multi_label:
            shape += (self._num_labels or 0,)
        self._counts = {key: np.zeros(shape) for key in ("tp", "fp", "tn", "fn")}

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred, dtype=self.dtype)
        if self.multi_label:
            if y_pred.ndim != 2:
                raise ValueError("`y_pred` must have rank 2 when `multi_label=True`. Found "
                                 f"rank {y_pred.ndim}. Full shape received for `y_pred`: "
                                 f"{y_pred.shape}")
            if not self._num_labels:
                self._num_labels = y_pred.shape[1]
                self.reset_state()
        if self._from_logits:
            y_pred = 1.0 / (1.0 + np.exp(-y_pred))
        counts = confusion_counts(
            y_true, y_pred, self._thresholds, sample_weight, self.dtype,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights, evenly=self._evenly)
        for key in self._counts:
            self._counts[key] += counts[key]

    def _average(self, per_label):
        """The AUC of each label (summed over thresholds), averaged over labels."""
        if not self.multi_label:
            return float(np.sum(per_label))
        by_label = np.sum(per_label, axis=0)
        if self.label_weights is None:
            return float(np.mean(by_label))
        return float(_divide_no_nan(np.sum(by_label * self.label_weights),
                                    np.sum(self.label_weights)))

    def _interpolate_pr_auc(self):
        # Davis & Goadrich (2006): tp and the predicted positives p vary
        # linearly between thresholds, precision tp / p does not; the area of
        # each interval has a closed form in log(p_a / p_b).
        tp, fp, fn = self._counts["tp"], self._counts["fp"], self._counts["fn"]
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = _divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, _divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
        area = _divide_no_nan(slope * (dtp + intercept * np.log(ratio)),
                              np.maximum(tp[1:] + fn[1:], 0))
        return self._average(area)

    def _curve_points(self):
        """The x and y coordinates of the curve at each threshold."""
        tp, fp, tn, fn = (self._counts[k] for k in ("tp", "fp", "tn", "fn"))
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            return _divide_no_nan(fp, fp + tn), recall
        if self.curve == "PR":
            return recall, _divide_no_nan(tp, tp + fp)
        # PR gain (Flach & Kull 2015), with Keras's guards for no true positives.
        scale = _divide_no_nan(tp + fn, tn + fp)
        recall_gain = 1.0 - scale * _divide_no_nan(fn, tp)
        precision_gain = 1.0 - scale * _divide_no_nan(fp, tp)
        recall_gain = np.maximum(np.where(tp == 0, 0.0, recall_gain), 0.0)
        precision_gain = np.where(tp == 0, 1.0, precision_gain)
        return recall_gain, precision_gain

    def result(self) -> float:
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        x, y = self._curve_points()
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return self._average((x[:-1] - x[1:]) * heights)

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds, "curve": self.curve,
            "summation_method": self.summation_method, "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
