"""The wrappers in scikit-learn's model selection: searches (in parallel too), pipelines, ensembles."""

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.ensemble import VotingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from builders import assert_same_search, course_search, small_classifier  # noqa: E402

X_IRIS, Y_IRIS = load_iris(return_X_y=True)


def test_grid_search_in_two_processes_equals_one():
    serial, X = course_search(1)
    parallel, _ = course_search(2)
    assert_same_search(serial, parallel)
    assert np.array_equal(serial.predict(X), parallel.predict(X))
    other, _ = course_search(1, seed=1)
    assert not np.array_equal(serial.cv_results_["mean_test_score"], other.cv_results_["mean_test_score"])


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
