"""The wrappers in scikit-learn's model selection: searches (in parallel too), pipelines, ensembles."""

import time

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import load_iris, make_regression  # noqa: E402
from sklearn.ensemble import VotingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from axone.wrappers import KerasRegressor  # noqa: E402
from builders import course_build_model, small_classifier  # noqa: E402

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_REG, Y_REG = make_regression(n_samples=120, n_features=8, noise=5.0, random_state=0)
Y_REG = Y_REG / Y_REG.std()
GRID = {"model__n_hidden": [1, 2], "model__n_neurons": [8, 16], "model__lr": [1e-3, 1e-2]}


def course_search(n_jobs):
    reg = KerasRegressor(course_build_model, epochs=3, verbose=0, random_state=0)
    return GridSearchCV(reg, GRID, cv=2, n_jobs=n_jobs).fit(StandardScaler().fit_transform(X_REG), Y_REG)


def test_grid_search_in_two_processes_equals_one():
    serial = course_search(1)
    parallel = course_search(2)
    assert serial.best_params_ == parallel.best_params_
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        assert np.array_equal(serial.cv_results_[key], parallel.cv_results_[key])
    assert np.array_equal(serial.predict(X_REG[:5]), parallel.predict(X_REG[:5]))


def test_randomized_search_on_all_cores():
    search = RandomizedSearchCV(small_classifier(), {"model__hidden": [4, 8, 16], "epochs": [5, 10]},
                                n_iter=3, cv=2, n_jobs=-1, random_state=0)
    search.fit(StandardScaler().fit_transform(X_IRIS), Y_IRIS)
    assert len(search.cv_results_["params"]) == 3 and search.best_score_ > 0.6


def test_pipeline_with_a_scaler_and_cross_val_score():
    pipeline = make_pipeline(StandardScaler(), small_classifier())
    scores = cross_val_score(pipeline, X_IRIS, Y_IRIS, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.8
    search = GridSearchCV(pipeline, {"kerasclassifier__model__hidden": [4, 16]}, cv=2).fit(X_IRIS, Y_IRIS)
    assert search.best_params_["kerasclassifier__model__hidden"] in (4, 16)


def test_voting_classifier_with_probabilities():
    X = StandardScaler().fit_transform(X_IRIS)
    vote = VotingClassifier([("net", small_classifier()), ("logistic", LogisticRegression())], voting="soft")
    assert vote.fit(X, Y_IRIS).score(X, Y_IRIS) > 0.9
