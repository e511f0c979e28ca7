"""`Perceptron`: Rosenblatt's threshold neurons as a scikit-learn classifier.

The course's section 2: one neuron `y_hat = step(w . x + b)` per class
(one-vs-rest, the course's figure N°5; one neuron for two classes), trained
sample by sample with `w <- w + eta0 (y - y_hat) x`. The training loop is in
`_rosenblatt.py`; this module adds the estimator conventions (labels of any
type, class and sample weights, warm start, early stopping, validation).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedShuffleSplit
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from axone.linear_model._rosenblatt import train_neuron
from axone.utils.validation import check_sample_weight

_ACTIVATIONS = ("heaviside", "sign")
# scikit-learn draws its seeds below the largest 32-bit signed int; so do we, to draw the same ones.
_MAX_INT = np.iinfo(np.int32).max


class Perceptron(ClassifierMixin, BaseEstimator):
    """Rosenblatt's perceptron: threshold units trained with the perceptron rule.

    Each output neuron computes `p = w . x + b` and fires `step(p)`; an error
    moves it by `eta0 * (y - y_hat) * x` (and `b` by `eta0 * (y - y_hat)`).
    Two classes use one neuron (for `classes_[1]`); more use one neuron per
    class, each trained against the rest; `predict` takes the class whose
    neuron has the largest `p`.

    With `activation="heaviside"` the results (`coef_`, `intercept_`,
    `n_iter_`, predictions) equal scikit-learn's `Perceptron` with the same
    `eta0`, `max_iter`, `tol`, `shuffle`, `random_state`, `fit_intercept`,
    `early_stopping`, `validation_fraction`, `n_iter_no_change`,
    `class_weight` and `warm_start`, on float64 data: the loop makes the same
    operations in the same order, shuffles with the same generator, and counts
    a sample exactly on the boundary (`p = 0`) as an error for either class.
    With `activation="sign"` the error `y - y_hat` is +-2, so the results
    equal scikit-learn's with `eta0` doubled.

    Args:
        activation: `"heaviside"` (outputs 0/1) or `"sign"` (outputs -1/+1).
            Defaults to `"heaviside"`.
        eta0: learning rate, > 0. Defaults to 1.0.
        max_iter: the most epochs (passes over the data). Defaults to 1000.
        tol: training stops after `n_iter_no_change` epochs whose mean
            perceptron loss `max(0, -y p)` did not fall by `tol` (with early
            stopping: whose validation accuracy did not rise by `tol`); None
            runs `max_iter` epochs. Defaults to 1e-3.
        shuffle: reshuffle the samples each epoch. Defaults to True.
        random_state: seed (or `numpy.random.RandomState`) of the shuffling and
            of the validation split. Defaults to 0, as in scikit-learn.
        fit_intercept: learn `b`; False keeps it at 0. Defaults to True.
        early_stopping: hold out `validation_fraction` of the samples
            (stratified) and stop on their accuracy. Defaults to False.
        validation_fraction: in (0, 1). Defaults to 0.1.
        n_iter_no_change: epochs without improvement before stopping.
            Defaults to 5.
        class_weight: None, `"balanced"` (`n_samples / (n_classes * count)`)
            or a dict `{label: weight}`, multiplying the step of that class's
            samples. Defaults to None.
        warm_start: `fit` starts from the previous solution. Defaults to False.

    Attributes:
        classes_: (n_classes,) the labels, of the type `y` had.
        coef_: (1, n_features) for two classes, else (n_classes, n_features).
        intercept_: (1,) or (n_classes,).
        n_iter_: epochs run (the most over the neurons).
        converged_: True if every training sample ends on its side of the
            boundary (of every neuron). When not, `fit` warns with a
            `ConvergenceWarning`.
        n_features_in_, feature_names_in_ (given a DataFrame).
    """

    def __init__(self, *, activation="heaviside", eta0=1.0, max_iter=1000, tol=1e-3, shuffle=True,
                 random_state=0, fit_intercept=True, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=5, class_weight=None, warm_start=False):
        self.activation = activation
        self.eta0 = eta0
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.random_state = random_state
        self.fit_intercept = fit_intercept
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start

    # ------------------------------------------------------------------ public
    def fit(self, X, y, sample_weight=None):
        """Train on `X` (n_samples, n_features) and labels `y` (n_samples,); return self.

        `sample_weight` (n_samples,) multiplies each sample's step.
        """
        self._check_params()
        start = self._solution() if self.warm_start else None
        for name in ("classes_", "coef_", "intercept_"):
            self.__dict__.pop(name, None)
        X, y = validate_data(self, X, y, dtype=np.float64, order="C", reset=True)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        self._train(X, y, sample_weight, self.max_iter, start, warn=True)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over `X`, `y`; the first call needs `classes` (all the labels)."""
        self._check_params()
        first = not hasattr(self, "classes_")
        if first and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit: "
                             "all the labels the data can have, e.g. classes=np.unique(y).")
        if self.class_weight == "balanced":
            raise ValueError("class_weight='balanced' needs the whole data set, so partial_fit "
                             "cannot use it: pass a dict {label: weight} computed once, e.g. "
                             "with sklearn.utils.class_weight.compute_class_weight.")
        X, y = validate_data(self, X, y, dtype=np.float64, order="C", reset=first)
        check_classification_targets(y)
        if first:
            self.classes_ = np.unique(classes)
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(f"classes={classes!r} differs from the classes of the first "
                             f"partial_fit call, {self.classes_!r}.")
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(f"y holds labels {unknown!r} that are not in classes {self.classes_!r}.")
        self._train(X, y, sample_weight, 1, None if first else self._solution(), warn=False)
        return self

    def decision_function(self, X) -> np.ndarray:
        """`p = X @ coef_.T + intercept_`: (n_samples,) for two classes, else (n_samples, n_classes)."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        scores = X @ self.coef_.T + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X) -> np.ndarray:
        """The label of each sample: `classes_[1]` where `p > 0` (two classes), else the largest `p`."""
        scores = self.decision_function(X)
        index = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[index]

    # ---------------------------------------------------------------- training
    def _train(self, X, y, sample_weight, max_iter, start, warn):
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError(f"The number of classes has to be greater than one; got {n_classes} "
                             f"class ({self.classes_[0]!r}): a perceptron separates classes.")
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        class_weights = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        n_neurons = 1 if n_classes == 2 else n_classes
        coef = np.zeros((n_neurons, X.shape[1]))
        intercept = np.zeros(n_neurons)
        if start is not None:
            if start[0].shape != coef.shape:
                raise ValueError(
                    f"warm_start=True, but the previous fit has coef_ of shape {start[0].shape} and "
                    f"this data needs {coef.shape} ({n_classes} classes, {X.shape[1]} features). "
                    "Fit a new Perceptron, or set warm_start=False.")
            coef[:], intercept[:] = start
        step = float(self.eta0) * (2.0 if self.activation == "sign" else 1.0)
        # The seeds and the validation split are drawn in scikit-learn's order (its
        # dataset's own seed included, unused here) so that the shuffles are the same.
        if n_neurons == 1:
            targets = [np.where(y == self.classes_[1], 1.0, -1.0)]
            weights = [(class_weights[1], class_weights[0])]
            rng = check_random_state(self.random_state)
            rng.randint(1, _MAX_INT)
            masks = [self._validation_mask(targets[0], sample_weight)]
            seeds = [rng.randint(_MAX_INT)]
        else:
            targets = [np.where(y == label, 1.0, -1.0) for label in self.classes_]
            weights = [(w, 1.0) for w in class_weights]
            masks = [self._validation_mask(y, sample_weight)] * n_neurons
            seeds = []
            for class_seed in check_random_state(self.random_state).randint(_MAX_INT, size=n_classes):
                rng = check_random_state(class_seed)
                rng.randint(1, _MAX_INT)
                seeds.append(rng.randint(_MAX_INT))
        n_iter = 0
        for k in range(n_neurons):
            score = self._validation_scorer(X, targets[k], sample_weight, masks[k])
            n_iter = max(n_iter, train_neuron(
                X, targets[k], sample_weight, coef[k], intercept[k:k + 1], step=step,
                fit_intercept=bool(self.fit_intercept), max_iter=max_iter, tol=self.tol,
                n_iter_no_change=int(self.n_iter_no_change), shuffle=bool(self.shuffle),
                seed=int(seeds[k]), pos_weight=float(weights[k][0]), neg_weight=float(weights[k][1]),
                validation_mask=masks[k], validation_score=score))
        self.coef_, self.intercept_, self.n_iter_ = coef, intercept, n_iter
        wrong = self._training_errors(X, targets, sample_weight, masks)
        self.converged_ = not any(wrong)
        if warn and not self.converged_:
            self._warn_not_converged(wrong, int((~masks[0] & (sample_weight > 0)).sum()))

    def _validation_mask(self, y, sample_weight):
        mask = np.zeros(len(y), dtype=bool)
        if not self.early_stopping:
            return mask
        split = StratifiedShuffleSplit(test_size=self.validation_fraction, random_state=self.random_state)
        train, held_out = next(split.split(np.zeros((len(y), 1)), y))
        if len(train) == 0 or len(held_out) == 0 or not np.any(sample_weight[held_out] > 0):
            raise ValueError(
                f"early_stopping could not hold out validation_fraction={self.validation_fraction} "
                f"of {len(y)} samples with a non-zero weight on both sides ({len(train)} training, "
                f"{len(held_out)} validation samples). Use more samples, another validation_fraction "
                "or random_state, or early_stopping=False.")
        mask[held_out] = True
        return mask

    @staticmethod
    def _validation_scorer(X, y, sample_weight, mask):
        """`(coef, intercept) -> weighted accuracy` on the held-out samples, or None."""
        if not mask.any():
            return None
        X_val, y_val, w_val = X[mask], y[mask], sample_weight[mask]

        def score(coef, intercept):
            predicted = np.where(X_val @ coef.reshape(-1, 1) + intercept > 0, 1.0, -1.0).ravel()
            return float(np.average(predicted == y_val, weights=w_val))
        return score

    def _training_errors(self, X, targets, sample_weight, masks) -> list[int]:
        """Per neuron: the training samples with a non-zero weight not strictly on their side."""
        margins = X @ self.coef_.T + self.intercept_
        return [int(np.sum((targets[k] * margins[:, k] <= 0) & ~masks[k] & (sample_weight > 0)))
                for k in range(len(targets))]

    def _warn_not_converged(self, wrong: list[int], n_train: int) -> None:
        if len(wrong) == 1:
            which = f"{wrong[0]} of {n_train} training samples are"
        else:
            which = ", ".join(f"{n} for class {getattr(label, 'item', lambda: label)()!r} against the rest"
                              for label, n in zip(self.classes_, wrong) if n)
            which = f"training samples ({which}, out of {n_train}) are"
        stop = (f"max_iter={self.max_iter} was reached" if self.n_iter_ >= self.max_iter
                else f"the loss stopped improving by tol={self.tol}")
        warnings.warn(
            f"The perceptron did not converge: after {self.n_iter_} epoch(s) ({stop}), {which} "
            "still on the wrong side of the decision boundary. The likely reason is that the "
            "classes are not linearly separable (as in XOR): no single layer of threshold units "
            "can separate them, whatever the epochs. A hidden layer can: train a multilayer "
            "perceptron instead, e.g. axone.Sequential([axone.layers.Dense(8, activation='relu'), "
            "axone.layers.Dense(n_classes, activation='softmax')]).",
            ConvergenceWarning, stacklevel=4)

    # ------------------------------------------------------------------ checks
    def _solution(self):
        if getattr(self, "coef_", None) is None:
            return None
        return self.coef_.copy(), self.intercept_.copy()

    def _check_params(self) -> None:
        def fail(name, expected):
            raise ValueError(f"{name} must be {expected}. Received: {name}={getattr(self, name)!r}")

        def is_int(value):
            return isinstance(value, numbers.Integral) and not isinstance(value, bool)

        if self.activation not in _ACTIVATIONS:
            fail("activation", f"one of {_ACTIVATIONS}")
        if not isinstance(self.eta0, numbers.Real) or not self.eta0 > 0:
            fail("eta0", "a number > 0")
        if not is_int(self.max_iter) or self.max_iter < 1:
            fail("max_iter", "an integer >= 1")
        if self.tol is not None and (not isinstance(self.tol, numbers.Real) or not self.tol >= 0):
            fail("tol", "None or a number >= 0")
        if not is_int(self.n_iter_no_change) or self.n_iter_no_change < 1:
            fail("n_iter_no_change", "an integer >= 1")
        if not isinstance(self.validation_fraction, numbers.Real) or not 0 < self.validation_fraction < 1:
            fail("validation_fraction", "a number strictly between 0 and 1")
        if not (self.class_weight is None or self.class_weight == "balanced"
                or isinstance(self.class_weight, dict)):
            fail("class_weight", "None, 'balanced' or a dict {label: weight}")
        for name in ("shuffle", "fit_intercept", "early_stopping", "warm_start"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                fail(name, "True or False")
