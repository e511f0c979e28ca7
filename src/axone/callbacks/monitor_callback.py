"""`MonitorCallback`: the "did the monitored value improve?" logic shared by
EarlyStopping, ModelCheckpoint and ReduceLROnPlateau (Keras 3's rules)."""

from __future__ import annotations

import operator
import warnings

from axone.callbacks.callback import Callback

# Keras 3's metric directions (its metrics' `_direction`), by class name.
_UP = {"Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
       "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "AUC", "Precision", "Recall",
       "PrecisionAtRecall", "RecallAtPrecision", "SensitivityAtSpecificity",
       "SpecificityAtSensitivity", "CosineSimilarity", "R2Score", "F1Score", "FBetaScore",
       "PearsonCorrelation", "ConcordanceCorrelation", "IoU", "MeanIoU", "BinaryIoU", "OneHotIoU",
       "OneHotMeanIoU"}
_DOWN = {"BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
         "CategoricalHinge", "Hinge", "SquaredHinge", "LogCoshError", "MeanAbsoluteError",
         "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError",
         "RootMeanSquaredError", "KLDivergence", "Poisson"}


class MonitorCallback(Callback):
    """Base class of callbacks that watch one logged value.

    Args:
        monitor: the key in `logs`. Defaults to `"val_loss"`.
        mode: `"min"`, `"max"` or `"auto"` (from the name: losses go down,
            Keras's "up" metrics such as accuracy go up; otherwise a
            ValueError asks for a mode). Defaults to `"auto"`.
        baseline: first reference value; None takes the first value seen.
        min_delta: an improvement must beat the reference by more than this.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.",
                          stacklevel=3)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            name = self.monitor.removeprefix("val_")
            if name == "loss" or name.endswith("_loss"):
                self.monitor_op = operator.lt
            for metric in getattr(self.model, "metrics", None) or []:
                if metric.name == name:
                    kind = type(metric).__name__
                    if kind in _UP:
                        self.monitor_op = operator.gt
                    elif kind in _DOWN:
                        self.monitor_op = operator.lt
            if self.monitor_op is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but axone "
                    "isn't able to automatically determine whether that metric should be "
                    "maximized or minimized. Pass `mode='max'` in order to monitor based on the "
                    "highest metric value, or pass `mode='min'` in order to use the lowest value."
                )
        if self.monitor_op is operator.lt:
            self.min_delta = -abs(self.min_delta)

    def _is_improvement(self, monitor_value, reference_value) -> bool:
        if reference_value is None:
            return True
        return bool(self.monitor_op(monitor_value - self.min_delta, reference_value))
