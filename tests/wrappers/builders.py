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
