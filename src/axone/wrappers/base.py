"""`BaseWrapper`: an axone model as a scikit-learn estimator (what both wrappers share).

`__init__` only stores its arguments. `fit` builds the model (calling the
build function with its routed arguments, compiling it unless the function
did), encodes the targets, trains, and records `model_` and `history_`.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted, validate_data

from axone import backend, optimizers
from axone.models import Model
from axone.wrappers import routing
from axone.wrappers.persistence import SavedModel, copy_model
from axone.wrappers.runtime import fit_scope, seed_of


class BaseWrapper(BaseEstimator):
    """The shared machinery of `KerasClassifier` and `KerasRegressor` (see them for the arguments)."""

    def __init__(self, model=None, *, warm_start=False, random_state=None, optimizer="rmsprop", loss=None,
                 metrics=None, batch_size=None, verbose=1, callbacks=None, validation_split=0.0,
                 shuffle=True, epochs=1, **kwargs):
        self.model = model
        self.warm_start = warm_start
        self.random_state = random_state
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
        self.batch_size = batch_size
        self.verbose = verbose
        self.callbacks = callbacks
        self.validation_split = validation_split
        self.shuffle = shuffle
        self.epochs = epochs
        for key, value in kwargs.items():
            setattr(self, key, value)

    # ------------------------------------------------------------- parameters
    def _extra_params(self) -> dict:
        """Parameters given by a name `__init__` does not define (routed ones included)."""
        names = set(self._get_param_names())
        return {key: value for key, value in vars(self).items()
                if key not in names and not key.startswith("_") and not key.endswith("_")}

    def get_params(self, deep=True) -> dict:
        params = super().get_params(deep=deep)
        params.update(self._extra_params())
        return params

    def set_params(self, **params):
        """Set parameters: those of `__init__`, routed ones (`model__n_hidden`), or build-function ones."""
        names = set(self._get_param_names())
        for key in params:
            if "__" in key and key not in names and not routing.is_routed(key):
                raise ValueError(
                    f"Invalid parameter {key!r} for {type(self).__name__}: a prefixed parameter "
                    f"starts with one of {', '.join(p + '__' for p in routing.PREFIXES)}.")
        for key, value in params.items():
            setattr(self, key, value)
        return self

    def _check_params(self) -> None:
        epochs = self.epochs
        if not isinstance(epochs, numbers.Integral) or isinstance(epochs, bool) or epochs < 0:
            raise ValueError(f"epochs must be an integer >= 0. Received: epochs={epochs!r}")
        if not isinstance(self.validation_split, numbers.Real) or not 0 <= self.validation_split < 1:
            raise ValueError("validation_split must be a number in [0, 1). "
                             f"Received: validation_split={self.validation_split!r}")

    # ---------------------------------------------------------------- fitting
    def fit(self, X, y, sample_weight=None, **kwargs):
        """Build (unless `warm_start` and fitted), then train `epochs` epochs; return self.

        Args:
            X: (n_samples, n_features) numbers, or a DataFrame.
            y: the targets (see the subclass).
            sample_weight: (n_samples,) weights of the samples' losses.
            **kwargs: passed to `Model.fit` (over `fit__` parameters).
        """
        restart = not (self.warm_start and self._fitted())
        self._fit(X, y, sample_weight, kwargs, self.epochs, restart)
        return self

    def partial_fit(self, X, y, sample_weight=None, **kwargs):
        """Train one epoch more (building the model on the first call); return self."""
        self._fit(X, y, sample_weight, kwargs, 1, restart=not self._fitted())
        return self

    def _fitted(self) -> bool:
        return hasattr(self, "model_")

    def _fit(self, X, y, sample_weight, fit_kwargs, epochs, restart, classes=None):
        self._check_params()
        X, y = self._validate_data(X, y, reset=restart)
        if restart:
            self._calls = 0
        seed = seed_of(self.random_state, self._calls)
        with fit_scope(seed):
            if restart:
                self._setup_targets(y, classes)
                self.X_dtype_ = X.dtype
                self.X_shape_ = X.shape
                self.model_ = self._build_model()
                self.history_ = {}
                self._epochs_done = 0
            weights = self._sample_weight(y, sample_weight)
            self._train(X, self._encode(y), weights, epochs, fit_kwargs)
        self._calls += 1

    def _validate_data(self, X, y, reset: bool):
        raise NotImplementedError

    def _setup_targets(self, y, classes) -> None:
        raise NotImplementedError

    def _encode(self, y):
        raise NotImplementedError

    def _sample_weight(self, y, sample_weight):
        from axone.utils.validation import check_sample_weight
        return None if sample_weight is None else check_sample_weight(sample_weight, len(y))

    def _default_loss(self, n_units: int):
        raise NotImplementedError

    @property
    def n_units_(self) -> int:
        """The number of output units of `model_`."""
        return int(self.model_.outputs[0].shape[-1])

    def _meta(self) -> dict:
        keys = ("n_features_in_", "feature_names_in_", "X_dtype_", "X_shape_", "y_dtype_", "target_type_",
                "n_outputs_", "n_classes_", "classes_")
        return {key: getattr(self, key) for key in keys if hasattr(self, key)}

    def _compile_kwargs(self) -> dict:
        params = self.get_params(deep=False)
        kwargs = {
            "optimizer": optimizers.get(routing.instantiate(
                self.optimizer, routing.routed(params, "optimizer"), "optimizer", resolve=optimizers.get)),
            "loss": None if self.loss is None else routing.instantiate(
                self.loss, routing.routed(params, "loss"), "loss"),
            "metrics": None if self.metrics is None else [
                routing.instantiate(m, routing.routed(params, "metrics"), "metrics") for m in self.metrics],
        }
        kwargs.update(routing.routed(params, "compile"))
        return kwargs

    def _build_model(self) -> Model:
        owner = type(self).__name__
        params = self.get_params(deep=False)
        extra = {k: v for k, v in self._extra_params().items() if not routing.is_routed(k)}
        compile_kwargs = self._compile_kwargs()
        if self.model is None:
            raise ValueError(f"{owner} needs model=...: a function returning an axone model (compiled "
                             f"or not), or a model. E.g. {owner}(build_model).")
        if isinstance(self.model, Model):
            if extra or routing.routed(params, "model"):
                raise ValueError(f"{owner} was given {sorted(extra) + sorted(routing.routed(params, 'model'))} "
                                 "for a build function, but model= is a model, not a function.")
            model = copy_model(self.model)  # each fit starts from the model as given
        elif callable(self.model):
            special = {"meta": self._meta(), "compile_kwargs": compile_kwargs, "params": params}
            model = self.model(**routing.build_arguments(self.model, params, extra, special, owner))
            if not isinstance(model, Model):
                raise TypeError(f"{getattr(self.model, '__name__', self.model)}() must return an axone model "
                                f"(Sequential or Model). Received: {type(model).__name__}.")
        else:
            raise TypeError(f"model must be a function building an axone model, or a model. "
                            f"Received: model={self.model!r}")
        if not getattr(model, "built", True):
            model.build((None,) + tuple(self.X_shape_[1:]))
        if len(model.outputs) != 1:
            raise ValueError(f"{owner} needs a model with one output; this one has {len(model.outputs)}.")
        if not model.compiled:
            if compile_kwargs["loss"] is None:
                compile_kwargs["loss"] = self._default_loss(int(model.outputs[0].shape[-1]))
            model.compile(**compile_kwargs)
        return model

    def _callbacks(self) -> list | None:
        if self.callbacks is None:
            return None
        kwargs = routing.routed(self.get_params(deep=False), "callbacks")
        specs = self.callbacks if isinstance(self.callbacks, (list, tuple)) else [self.callbacks]
        return [routing.instantiate(spec, kwargs if isinstance(spec, type) else {}, "callbacks") for spec in specs]

    def _train(self, X, y, sample_weight, epochs: int, fit_kwargs: dict) -> None:
        arguments = {"batch_size": self.batch_size, "verbose": self.verbose, "callbacks": self._callbacks(),
                     "validation_split": self.validation_split, "shuffle": self.shuffle}
        arguments.update(routing.routed(self.get_params(deep=False), "fit"))
        arguments.update(fit_kwargs)
        if sample_weight is not None:
            arguments["sample_weight"] = sample_weight
        if "epochs" in arguments:  # fit__epochs, or fit(..., epochs=n), stands for the epochs of this call
            epochs = arguments.pop("epochs")
        history = self.model_.fit(np.asarray(X, dtype=backend.floatx()), y, epochs=self._epochs_done + epochs,
                                  initial_epoch=self._epochs_done, **arguments)
        for key, values in history.history.items():
            self.history_.setdefault(key, []).extend(values)
        self._epochs_done += len(history.epoch)

    # ------------------------------------------------------------- predicting
    def _predict_raw(self, X) -> np.ndarray:
        check_is_fitted(self, "model_")
        X = validate_data(self, X, reset=False, dtype="numeric")
        arguments = {"batch_size": self.batch_size, "verbose": 0}
        arguments.update(routing.routed(self.get_params(deep=False), "predict"))
        return self.model_.predict(np.asarray(X, dtype=backend.floatx()), **arguments)

    # ---------------------------------------------------------------- pickling
    def __getstate__(self):
        state = super().__getstate__()
        state = dict(state)
        for key in ("model", "model_"):
            if isinstance(state.get(key), Model):
                state[key] = SavedModel(state[key])
        return state

    def __setstate__(self, state):
        state = dict(state)
        for key in ("model", "model_"):
            if isinstance(state.get(key), SavedModel):
                state[key] = state[key].load()
        super().__setstate__(state)

