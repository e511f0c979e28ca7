"""What both wrappers share: seeding, warm starts, history, pickling, cloning."""

import pickle

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402

from axone.wrappers import KerasRegressor  # noqa: E402
from builders import course_build_model, small_classifier, small_regressor  # noqa: E402

X, Y = load_iris(return_X_y=True)
X = (X - X.mean(0)) / X.std(0)


def test_random_state_makes_a_fit_bit_identical_and_leaves_numpy_alone():
    np.random.seed(123)
    state = np.random.get_state()
    first = small_classifier(random_state=5).fit(X, Y)
    after = np.random.get_state()
    assert after[0] == state[0] and np.array_equal(after[1], state[1]) and after[2] == state[2]
    second = small_classifier(random_state=5).fit(X, Y)
    assert np.array_equal(first.predict_proba(X), second.predict_proba(X))
    assert first.history_ == second.history_
    other = small_classifier(random_state=6).fit(X, Y)
    assert not np.array_equal(first.predict_proba(X), other.predict_proba(X))


def test_without_random_state_fits_follow_numpys_global_seed():
    np.random.seed(0)
    first = small_classifier(random_state=None).fit(X, Y).predict_proba(X)
    np.random.seed(0)
    assert np.array_equal(first, small_classifier(random_state=None).fit(X, Y).predict_proba(X))


def test_fit_restarts_unless_warm_start():
    clf = small_classifier(epochs=3).fit(X, Y)
    model = clf.model_
    clf.fit(X, Y)
    assert clf.model_ is not model and len(clf.history_["loss"]) == 3

    warm = small_classifier(epochs=3, warm_start=True).fit(X, Y)
    model = warm.model_
    warm.fit(X, Y)
    assert warm.model_ is model and len(warm.history_["loss"]) == 6
    warm.partial_fit(X, Y)
    assert len(warm.history_["loss"]) == 7
    # Each call of a warm start has its own seed, reproducibly.
    again = small_classifier(epochs=3, warm_start=True).fit(X, Y).fit(X, Y).partial_fit(X, Y)
    assert again.history_ == warm.history_


@pytest.mark.parametrize("make", [small_classifier, small_regressor])
def test_pickle_round_trip_before_and_after_fit(make):
    estimator = make()
    y = Y if make is small_classifier else X[:, 0] * 2.0
    restored = pickle.loads(pickle.dumps(estimator))
    assert restored.get_params().keys() == estimator.get_params().keys()
    estimator.fit(X, y)
    restored.fit(X, y)
    assert np.array_equal(restored.predict(X), estimator.predict(X))

    data = pickle.dumps(estimator)
    assert b"SavedModel" in data  # the model travels as its .keras bytes
    loaded = pickle.loads(data)
    assert np.array_equal(loaded.predict(X), estimator.predict(X))
    assert loaded.history_ == estimator.history_
    # The optimizer's state came along: one more epoch gives the same weights in both.
    loaded.partial_fit(X, y)
    estimator.partial_fit(X, y)
    assert np.array_equal(loaded.predict(X), estimator.predict(X))


def test_clone_keeps_build_function_parameters():
    reg = KerasRegressor(course_build_model, n_hidden=1, n_neurons=5, model__lr=0.01, verbose=0)
    copy = clone(reg)
    assert copy.get_params() == reg.get_params()
    assert copy.n_hidden == 1 and copy.get_params()["model__lr"] == 0.01
    copy.set_params(model__n_neurons=7)
    assert copy.get_params()["model__n_neurons"] == 7 and reg.get_params().get("model__n_neurons") is None
