"""`KerasRegressor`: an axone regressor as a scikit-learn estimator."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.utils.validation import validate_data

from axone import backend
from axone.wrappers.base import BaseWrapper


class KerasRegressor(RegressorMixin, BaseWrapper):
    """A regressor built by a function (or given as a model), for scikit-learn.

    The course's section 5, with only the import changed:

        keras_reg = KerasRegressor(build_model)
        GridSearchCV(keras_reg, {"model__n_hidden": [1, 2, 3], "model__n_neurons": [50, 100],
                                 "model__lr": [1e-3, 1e-2]}, cv=2).fit(X_train, y_train)

    The arguments are `KerasClassifier`'s, without `class_weight`; `loss`
    None compiles with `"mse"`. `y` is (n_samples,) or (n_samples, n_outputs)
    numbers; `predict` returns float64 of the same shape; `score` is R².

    Attributes (after fit): `model_`, `history_`, `target_type_`
    ("continuous" or "continuous-multioutput"), `n_outputs_`,
    `n_features_in_`, `feature_names_in_`, `X_dtype_`, `y_dtype_`, `X_shape_`.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.non_deterministic = self.random_state is None
        return tags

    def _validate_data(self, X, y, reset: bool):
        return validate_data(self, X, y, reset=reset, dtype="numeric", multi_output=True, y_numeric=True)

    def _setup_targets(self, y, classes) -> None:
        self.y_dtype_ = y.dtype
        self.n_outputs_ = 1 if y.ndim == 1 else y.shape[1]
        self.target_type_ = "continuous" if y.ndim == 1 else "continuous-multioutput"
        self._y_ndim = y.ndim

    def _default_loss(self, n_units: int):
        return "mse"

    def _encode(self, y):
        if self.n_units_ != self.n_outputs_:
            raise ValueError(f"The model has {self.n_units_} output units but y has {self.n_outputs_} "
                             "column(s): build the output layer from meta['n_outputs_'].")
        y = np.asarray(y, dtype=backend.floatx())
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def predict(self, X) -> np.ndarray:
        """(n_samples,) predictions, or (n_samples, n_outputs) for a 2-D `y`; float64."""
        outputs = np.asarray(self._predict_raw(X), dtype=np.float64)
        return outputs.ravel() if self._y_ndim == 1 else outputs
