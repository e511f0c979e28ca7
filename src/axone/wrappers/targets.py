"""Targets between scikit-learn's form (labels of any type) and the model's (numbers).

Classifier targets:
  * "binary" and "multiclass": labels of any type (ints, strings, booleans,
    ...) become their index in `classes_` (sorted, as `np.unique` sorts),
    or its one-hot row for a categorical loss (`categorical_crossentropy`,
    `categorical_hinge`, ...), or a (n, 1) column of 0/1 for a model with
    one output unit (a sigmoid: binary crossentropy);
  * "multilabel-indicator": a (n, k) 0/1 matrix, one sigmoid unit per label.
Regressor targets: floats, (n,) or (n, k).
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.multiclass import type_of_target

from axone import backend

_CLASSIFIER_TARGETS = ("binary", "multiclass", "multilabel-indicator")


def _loss_name(loss) -> str:
    if loss is None:
        return ""
    if isinstance(loss, str):
        return loss.lower()
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__
    return "".join(c if c.islower() else "_" + c.lower() for c in str(name)).lstrip("_")


def is_categorical_loss(loss) -> bool:
    """True for a loss that takes one-hot targets (not the `sparse_` ones)."""
    name = _loss_name(loss)
    return "categorical" in name and "sparse" not in name


class ClassifierTargets:
    """Encoding of classification targets for one fit.

    Attributes:
        target_type_: "binary", "multiclass" or "multilabel-indicator".
        classes_: the labels (for multilabel targets: the column indices).
        n_classes_: their count.
        n_outputs_: 1, or the number of labels of a multilabel target.
        y_dtype_: the dtype `y` had.
    """

    def __init__(self, y: np.ndarray, classes=None):
        target_type = type_of_target(y)
        if classes is not None and target_type == "binary" and len(np.unique(classes)) > 2:
            target_type = "multiclass"  # a first partial_fit batch may show only some classes
        if target_type not in _CLASSIFIER_TARGETS:
            raise ValueError(f"Unknown label type: {target_type!r}. The classifier takes class labels "
                             f"({', '.join(_CLASSIFIER_TARGETS)}); for continuous targets use KerasRegressor.")
        self.target_type_ = target_type
        self.y_dtype_ = y.dtype
        if target_type == "multilabel-indicator":
            self.classes_ = np.arange(y.shape[1])
            self.n_outputs_ = y.shape[1]
        else:
            self.classes_ = np.unique(y if classes is None else np.asarray(classes))
            self.n_outputs_ = 1
        self.n_classes_ = len(self.classes_)

    def encode(self, y: np.ndarray, loss, n_units: int) -> np.ndarray:
        """`y` as the model trains on it, for a model with `n_units` output units."""
        if self.target_type_ == "multilabel-indicator":
            return np.asarray(y, dtype=backend.floatx())
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(f"y holds labels {unknown.tolist()} that are not in classes_ "
                             f"{self.classes_.tolist()}.")
        index = np.searchsorted(self.classes_, y)
        if n_units == 1:
            return index.reshape(-1, 1).astype(backend.floatx())
        if n_units != self.n_classes_:
            raise ValueError(f"The model has {n_units} output units but the data has {self.n_classes_} "
                             "classes: build the output layer from meta['n_classes_'] (one unit per "
                             "class with softmax, or 1 sigmoid unit for two classes).")
        if is_categorical_loss(loss):
            return np.eye(self.n_classes_, dtype=backend.floatx())[index]
        return index

    def probabilities(self, outputs: np.ndarray) -> np.ndarray:
        """(n, n_classes) probabilities from the model's outputs ((n, k) for multilabel)."""
        outputs = np.asarray(outputs, dtype=np.float64)
        if self.target_type_ != "multilabel-indicator" and outputs.shape[1] == 1:
            positive = outputs[:, 0]
            return np.column_stack([1.0 - positive, positive])
        return outputs

    def decode(self, probabilities: np.ndarray) -> np.ndarray:
        """The labels of the most likely classes (multilabel: each label over 0.5)."""
        if self.target_type_ == "multilabel-indicator":
            return (probabilities > 0.5).astype(self.y_dtype_)
        return self.classes_[np.argmax(probabilities, axis=1)]
