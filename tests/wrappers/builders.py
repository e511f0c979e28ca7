"""Build functions for the wrapper tests: tiny models, from what `meta` says of the data."""

import axone


def classifier_model(meta, hidden=16):
    """One hidden layer; softmax for several classes, sigmoid units for two or for multilabel targets."""
    target = meta["target_type_"]
    if target == "multiclass":
        units, activation = meta["n_classes_"], "softmax"
    else:
        units, activation = (meta["n_outputs_"] if target == "multilabel-indicator" else 1), "sigmoid"
    return axone.Sequential([
        axone.Input((meta["n_features_in_"],)),
        axone.layers.Dense(hidden, activation="relu"),
        axone.layers.Dense(units, activation=activation),
    ])


def regressor_model(meta, hidden=16):
    return axone.Sequential([
        axone.Input((meta["n_features_in_"],)),
        axone.layers.Dense(hidden, activation="relu"),
        axone.layers.Dense(meta["n_outputs_"]),
    ])


def course_build_model(n_hidden, n_neurons, lr, input_shape=[8]):
    """The course's section 5 function (compiles itself)."""
    model = axone.models.Sequential()
    model.add(axone.layers.InputLayer(input_shape=input_shape))
    for _ in range(n_hidden):
        model.add(axone.layers.Dense(n_neurons, activation="relu"))
    model.add(axone.layers.Dense(1))
    model.compile(loss="mse", optimizer=axone.optimizers.SGD(learning_rate=lr))
    return model


def small_classifier(**params):
    """A classifier quick enough for the conformance suite and the searches."""
    from axone.wrappers import KerasClassifier
    defaults = dict(optimizer=axone.optimizers.Adam(learning_rate=0.02), epochs=20, verbose=0, random_state=0)
    return KerasClassifier(classifier_model, **{**defaults, **params})


def small_regressor(**params):
    from axone.wrappers import KerasRegressor
    defaults = dict(optimizer=axone.optimizers.Adam(learning_rate=0.02), epochs=20, verbose=0, random_state=0)
    return KerasRegressor(regressor_model, **{**defaults, **params})


def course_search(n_jobs, seed=0):
    """The course's section 5 search, small: 8 candidates x cv=2, 3 epochs each, on 120 samples."""
    import numpy as np
    from sklearn.datasets import make_regression
    from sklearn.model_selection import GridSearchCV
    from sklearn.preprocessing import StandardScaler
    from axone.wrappers import KerasRegressor

    X, y = make_regression(n_samples=120, n_features=8, noise=5.0, random_state=0)
    X = StandardScaler().fit_transform(X).astype(np.float32)
    grid = {"model__n_hidden": [1, 2], "model__n_neurons": [8, 16], "model__lr": [1e-3, 1e-2]}
    reg = KerasRegressor(course_build_model, epochs=3, verbose=0, random_state=seed)
    return GridSearchCV(reg, grid, cv=2, n_jobs=n_jobs).fit(X, y / y.std()), X


def assert_same_search(first, second):
    """Two searches found the same best candidate with the very same scores."""
    import numpy as np
    assert first.best_params_ == second.best_params_
    assert first.cv_results_["params"] == second.cv_results_["params"]
    for key in ("mean_test_score", "std_test_score", "split0_test_score", "split1_test_score", "rank_test_score"):
        assert np.array_equal(first.cv_results_[key], second.cv_results_[key]), key
