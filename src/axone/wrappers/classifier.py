"""`KerasClassifier`: an axone classifier as a scikit-learn estimator."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from axone.wrappers.base import BaseWrapper
from axone.wrappers.targets import ClassifierTargets


class KerasClassifier(ClassifierMixin, BaseWrapper):
    """A classifier built by a function (or given as a model), for scikit-learn.

        def build(meta, n_hidden=1):
            model = axone.Sequential([axone.Input((meta["n_features_in_"],))])
            for _ in range(n_hidden):
                model.add(axone.layers.Dense(30, activation="relu"))
            model.add(axone.layers.Dense(meta["n_classes_"], activation="softmax"))
            return model  # compiled by the wrapper (sparse categorical crossentropy)

        clf = KerasClassifier(build, epochs=20, optimizer="adam", random_state=0)
        GridSearchCV(clf, {"model__n_hidden": [1, 2]}, cv=3).fit(X, y)

    Args:
        model: a function returning an axone model, compiled or not (its
            arguments are filled from `model__name` parameters, from the
            parameters given by name to the wrapper, and `meta`,
            `compile_kwargs`, `params` if it declares them), or a model
            (each fit starts from a copy of it).
        warm_start: `fit` goes on from the fitted model instead of
            rebuilding it. Defaults to False.
        random_state: an int makes each fit bit-identical (weights, shuffles,
            dropout), without touching NumPy's global random state. Defaults
            to None.
        optimizer: name, class (built with `optimizer__` parameters) or
            instance (copied for each fit). Defaults to `"rmsprop"`.
        loss: for a model the wrapper compiles; None picks binary
            crossentropy for one output unit or multilabel targets, else
            sparse categorical crossentropy. A categorical loss
            (`categorical_crossentropy`) gets one-hot targets.
        metrics: list for `compile`. Defaults to None.
        batch_size: for `fit` and `predict`. Defaults to None (32).
        verbose: for `fit` (`predict` is silent unless `predict__verbose`).
            Defaults to 1.
        callbacks: list of callbacks or classes (built with `callbacks__`
            parameters). Defaults to None.
        validation_split, shuffle, epochs: for `fit`. Default to 0.0,
            True and 1.
        class_weight: None, `"balanced"` or `{label: weight}`, multiplying
            each sample's loss. Defaults to None.
        **kwargs: parameters of the build function, and routed parameters
            (`model__`, `fit__`, `predict__`, `compile__`, `optimizer__`,
            `loss__`, `metrics__`, `callbacks__`).

    Attributes (after fit): `model_`, `history_` (dict of lists, appended by
    warm starts and `partial_fit`), `classes_`, `n_classes_`, `target_type_`
    ("binary", "multiclass" or "multilabel-indicator"), `n_outputs_`,
    `n_features_in_`, `feature_names_in_` (given a DataFrame), `X_dtype_`,
    `y_dtype_`, `X_shape_`; the same names are in the build function's `meta`.
    """

    def __init__(self, model=None, *, warm_start=False, random_state=None, optimizer="rmsprop", loss=None,
                 metrics=None, batch_size=None, verbose=1, callbacks=None, validation_split=0.0,
                 shuffle=True, epochs=1, class_weight=None, **kwargs):
        super().__init__(model, warm_start=warm_start, random_state=random_state, optimizer=optimizer,
                         loss=loss, metrics=metrics, batch_size=batch_size, verbose=verbose,
                         callbacks=callbacks, validation_split=validation_split, shuffle=shuffle,
                         epochs=epochs, **kwargs)
        self.class_weight = class_weight

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.non_deterministic = self.random_state is None
        return tags

    def partial_fit(self, X, y, classes=None, sample_weight=None, **kwargs):
        """Train one epoch more; the first call may need `classes` (all the labels) if a batch lacks some."""
        self._fit(X, y, sample_weight, kwargs, 1, restart=not self._fitted(), classes=classes)
        return self

    def _validate_data(self, X, y, reset: bool):
        X, y = validate_data(self, X, y, reset=reset, dtype="numeric", multi_output=True)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def _setup_targets(self, y, classes) -> None:
        targets = ClassifierTargets(y, classes)
        if targets.n_classes_ < 2:
            raise ValueError(f"The data has only one class ({targets.classes_[0]!r}): a classifier needs "
                             "at least 2 classes to learn from.")
        self.target_encoder_ = targets
        self.target_type_ = targets.target_type_
        self.classes_ = targets.classes_
        self.n_classes_ = targets.n_classes_
        self.n_outputs_ = targets.n_outputs_
        self.y_dtype_ = targets.y_dtype_

    def _default_loss(self, n_units: int):
        if self.target_type_ == "multilabel-indicator" or n_units == 1:
            return "binary_crossentropy"
        return "sparse_categorical_crossentropy"

    def _encode(self, y):
        loss = self.model_._compile_args.get("loss") if self.model_._compile_args else None
        return self.target_encoder_.encode(y, loss, self.n_units_)

    def _sample_weight(self, y, sample_weight):
        weights = super()._sample_weight(y, sample_weight)
        if self.class_weight is None:
            return weights
        if self.target_type_ == "multilabel-indicator":
            raise ValueError("class_weight is not supported for multilabel targets; pass sample_weight.")
        per_class = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        per_sample = per_class[np.searchsorted(self.classes_, y)]
        return per_sample if weights is None else weights * per_sample

    def predict_proba(self, X) -> np.ndarray:
        """(n_samples, n_classes) class probabilities ((n_samples, n_labels) for multilabel targets)."""
        check_is_fitted(self, "model_")
        return self.target_encoder_.probabilities(self._predict_raw(X))

    def predict(self, X) -> np.ndarray:
        """The most likely label of each sample (for multilabel targets: each label over 0.5)."""
        probabilities = self.predict_proba(X)
        return self.target_encoder_.decode(probabilities)
