"""axone.Perceptron: Rosenblatt's rule, equal to scikit-learn's Perceptron to the last bit."""

import pickle
import warnings

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_iris, make_blobs  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import Perceptron as SklearnPerceptron  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import axone  # noqa: E402
from axone import Perceptron  # noqa: E402
from axone.linear_model._rosenblatt import shuffle_in_place  # noqa: E402

IRIS = load_iris()
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def _separable():
    X, y = make_blobs(n_samples=60, centers=[[-3, -3], [3, 3]], cluster_std=1.0, random_state=0)
    return X, y


DATA = {
    "iris_setosa_petals": (IRIS.data[:, (2, 3)], (IRIS.target == 0).astype(int)),  # separable
    "blobs": _separable(),                                                       # separable
    "iris_3_classes": (IRIS.data, IRIS.target),                                  # not separable
    "iris_versicolor": (IRIS.data, IRIS.target == 1),                            # not separable
    "xor": (np.tile(XOR_X, (10, 1)), np.tile(XOR_Y, 10)),                        # not separable
}
SETTINGS = [
    {},
    {"shuffle": False},
    {"random_state": 7},
    {"eta0": 0.1, "fit_intercept": False},
    {"early_stopping": True, "validation_fraction": 0.2},
    {"class_weight": "balanced"},
    {"tol": None, "max_iter": 25},
    {"n_iter_no_change": 2, "tol": 0.5},
]


def _fit_quietly(estimator, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **kwargs)


def _assert_same(ours, theirs, X):
    assert np.array_equal(ours.coef_, theirs.coef_)
    assert np.array_equal(ours.intercept_, theirs.intercept_)
    assert ours.n_iter_ == theirs.n_iter_
    assert np.array_equal(ours.classes_, theirs.classes_)
    assert np.array_equal(ours.predict(X), theirs.predict(X))
    assert np.array_equal(ours.decision_function(X), theirs.decision_function(X))


@pytest.mark.parametrize("data", sorted(DATA))
@pytest.mark.parametrize("settings", SETTINGS, ids=str)
def test_equals_scikit_learn(data, settings):
    X, y = DATA[data]
    ours = _fit_quietly(Perceptron(**settings), X, y)
    theirs = _fit_quietly(SklearnPerceptron(**settings), X, y)
    _assert_same(ours, theirs, X)


@pytest.mark.parametrize("data", ["blobs", "iris_3_classes"])
def test_equals_scikit_learn_with_weights_and_warm_start(data):
    X, y = DATA[data]
    weights = np.random.default_rng(0).uniform(0.2, 2.0, len(y))
    class_weight = {label: 1.0 + i for i, label in enumerate(np.unique(y))}
    ours = _fit_quietly(Perceptron(class_weight=class_weight), X, y, sample_weight=weights)
    theirs = _fit_quietly(SklearnPerceptron(class_weight=class_weight), X, y, sample_weight=weights)
    _assert_same(ours, theirs, X)

    ours, theirs = Perceptron(warm_start=True, max_iter=3, tol=None), SklearnPerceptron(
        warm_start=True, max_iter=3, tol=None)
    for _ in range(2):
        _fit_quietly(ours, X, y)
        _fit_quietly(theirs, X, y)
    _assert_same(ours, theirs, X)


def test_partial_fit_equals_scikit_learn():
    X, y = DATA["iris_3_classes"]
    ours, theirs = Perceptron(), SklearnPerceptron()
    for start in (0, 50, 100, 0):
        chunk = slice(start, start + 75)
        ours.partial_fit(X[chunk], y[chunk], classes=np.unique(y))
        theirs.partial_fit(X[chunk], y[chunk], classes=np.unique(y))
    _assert_same(ours, theirs, X)
    assert ours.n_iter_ == 1


def test_sign_activation_steps_twice_as_far():
    """(y - y_hat) is +-2 with -1/+1 outputs: scikit-learn's result with eta0 doubled."""
    X, y = DATA["iris_3_classes"]
    ours = _fit_quietly(Perceptron(activation="sign", eta0=0.5), X, y)
    theirs = _fit_quietly(SklearnPerceptron(eta0=1.0), X, y)
    _assert_same(ours, theirs, X)


@pytest.mark.parametrize("data", ["iris_setosa_petals", "blobs"])
def test_separable_data_converges_and_fits_perfectly(data):
    X, y = DATA[data]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = Perceptron().fit(X, y)
    assert clf.converged_
    assert clf.score(X, y) == 1.0


def test_xor_does_not_converge_and_says_why():
    with pytest.warns(ConvergenceWarning, match="not linearly separable.*hidden layer"):
        clf = Perceptron().fit(*DATA["xor"])
    assert not clf.converged_
    assert clf.score(*DATA["xor"]) < 1.0
    with pytest.warns(ConvergenceWarning, match="max_iter=10 was reached"):
        Perceptron(tol=None, max_iter=10).fit(*DATA["xor"])


def test_multiclass_warning_names_the_class_that_is_not_separable():
    with pytest.warns(ConvergenceWarning, match="for class 'versicolor' against the rest"):
        Perceptron().fit(IRIS.data, IRIS.target_names[IRIS.target])


def test_shapes_and_label_types():
    X, y = DATA["iris_3_classes"]
    clf = _fit_quietly(Perceptron(), X, IRIS.target_names[y])
    assert clf.coef_.shape == (3, 4) and clf.intercept_.shape == (3,)
    assert set(clf.predict(X)) <= set(IRIS.target_names)
    assert clf.decision_function(X).shape == (150, 3)

    X, y = DATA["iris_setosa_petals"]
    clf = Perceptron().fit(X, y.astype(bool))
    assert clf.coef_.shape == (1, 2) and clf.intercept_.shape == (1,)
    assert clf.predict(X).dtype == bool
    assert clf.decision_function(X).shape == (150,)


def test_course_activation_rule_by_hand():
    """Two samples, no shuffle: the steps w <- w + eta0 (y - y_hat) x worked out by hand."""
    X = np.array([[1.0, 2.0], [-1.0, -1.0]])
    y = np.array([1, 0])
    clf = Perceptron(shuffle=False, max_iter=1, tol=None, eta0=0.5).fit(X, y)
    # sample 1: p = 0, on the boundary, an error: w = 0.5 * (1, 2), b = 0.5
    # sample 2: p = -0.5 - 1 + 0.5 = -1 < 0: right side (class 0), no step
    assert clf.coef_.tolist() == [[0.5, 1.0]] and clf.intercept_.tolist() == [0.5]


def test_shuffle_is_scikit_learns():
    from sklearn.utils._seq_dataset import ArrayDataset64

    X = np.zeros((7, 1))
    dataset = ArrayDataset64(X, np.zeros(7), np.ones(7), seed=1)
    order = np.arange(7)
    for _ in range(3):  # applied again to the previous order, as each epoch does
        dataset._shuffle_py(12345)
        shuffle_in_place(order, 12345)
    expected = [int(dataset._next_py()[3]) for _ in range(7)]
    assert order.tolist() == expected


def test_bad_parameters_are_named():
    X, y = DATA["blobs"]
    for params, name in [({"activation": "relu"}, "activation"), ({"eta0": 0}, "eta0"),
                         ({"max_iter": 0}, "max_iter"), ({"validation_fraction": 1.5}, "validation_fraction"),
                         ({"class_weight": "auto"}, "class_weight"), ({"tol": -1}, "tol")]:
        with pytest.raises(ValueError, match=f"Received: {name}="):
            Perceptron(**params).fit(X, y)
    with pytest.raises(ValueError, match="classes must be passed"):
        Perceptron().partial_fit(X, y)
    with pytest.raises(ValueError, match="greater than one"):
        Perceptron().fit(X, np.zeros(len(X)))
    clf = Perceptron(warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="warm_start=True"):
        _fit_quietly(clf, *DATA["iris_3_classes"])


def test_pickle_and_clone():
    X, y = DATA["iris_3_classes"]
    clf = _fit_quietly(Perceptron(random_state=3), X, y)
    restored = pickle.loads(pickle.dumps(clf))
    assert np.array_equal(restored.predict(X), clf.predict(X))
    assert clone(clf).get_params() == clf.get_params()


def test_exported_lazily():
    assert axone.Perceptron is Perceptron


@parametrize_with_checks([Perceptron()], expected_failed_checks=lambda est: {
    "check_sample_weight_equivalence_on_dense_data": (
        "the rule corrects one sample at a time: a sample seen twice may need no second step "
        "once the first put it on its side, while weight 2 doubles the step (scikit-learn's "
        "own Perceptron fails this check too)"),
})
def test_scikit_learn_conformance(estimator, check):
    check(estimator)
