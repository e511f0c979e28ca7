"""Loss functions with Keras 3's names, formulas and reductions.

Each loss is a plain function `fn(y_true, y_pred) -> per-sample values`
(`axone.losses.mean_squared_error`) and a class that reduces them
(`axone.losses.MeanSquaredError()`, reduction `"sum_over_batch_size"` by
default). `get` resolves what `compile(loss=...)` accepts: a name
(`"mse"`, `"mean_squared_error"`, `"MeanSquaredError"`), a function, a
class, a config dict or an instance.

Every class also gives `gradient(y_true, y_pred)`, the derivative of its
per-sample values with respect to `y_pred`, which training uses.
"""

from __future__ import annotations

from axone.losses.crossentropy import (BinaryCrossentropy, CategoricalCrossentropy,
                                       SparseCategoricalCrossentropy, binary_crossentropy,
                                       categorical_crossentropy, check_sparse_labels,
                                       sparse_categorical_crossentropy)
from axone.losses.hinge import (CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge,
                                squared_hinge)
from axone.losses.loss import Loss, LossFunctionWrapper, reduce_weighted_values
from axone.losses.probabilistic import KLDivergence, Poisson, kl_divergence, poisson
from axone.losses.regression import (CosineSimilarity, Huber, LogCosh, MeanAbsoluteError,
                                     MeanAbsolutePercentageError, MeanSquaredError,
                                     MeanSquaredLogarithmicError, cosine_similarity, huber,
                                     log_cosh, mean_absolute_error,
                                     mean_absolute_percentage_error, mean_squared_error,
                                     mean_squared_logarithmic_error)
from axone.utils.identifiers import lookup

# Keras 2 short names, kept as module attributes.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence

#: Each loss function and the class that reduces it.
_FUNCTION_CLASSES = {
    mean_squared_error: MeanSquaredError,
    mean_absolute_error: MeanAbsoluteError,
    mean_absolute_percentage_error: MeanAbsolutePercentageError,
    mean_squared_logarithmic_error: MeanSquaredLogarithmicError,
    huber: Huber,
    log_cosh: LogCosh,
    cosine_similarity: CosineSimilarity,
    binary_crossentropy: BinaryCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
    kl_divergence: KLDivergence,
    poisson: Poisson,
    hinge: Hinge,
    squared_hinge: SquaredHinge,
    categorical_hinge: CategoricalHinge,
}
_CLASSES = {cls.__name__: cls for cls in _FUNCTION_CLASSES.values()}
# The names Keras 3 resolves to functions: compile() names the loss after them.
_FUNCTION_NAMES = {fn.__name__: cls for fn, cls in _FUNCTION_CLASSES.items()}
_FUNCTION_NAMES.update({
    alias: _FUNCTION_CLASSES[fn] for alias, fn in {
        "bce": binary_crossentropy, "BCE": binary_crossentropy,
        "kld": kl_divergence, "KLD": kl_divergence,
        "mae": mean_absolute_error, "MAE": mean_absolute_error,
        "mse": mean_squared_error, "MSE": mean_squared_error,
        "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
        "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
    }.items()
})


def get(identifier) -> Loss | None:
    """Resolve a loss identifier to a `Loss` instance.

    Args:
        identifier: a name (`"mse"`: the loss is named `"mse"`; a class name
            like `"MeanSquaredError"` gives the class's default name), a
            loss function, a `Loss` class or instance, a
            `{"class_name": ..., "config": ...}` dict, a custom function
            (wrapped in `LossFunctionWrapper`), or None.

    Raises:
        ValueError: for an unknown name, suggesting the closest known ones.
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        cls = lookup(identifier, {**_FUNCTION_NAMES, **_CLASSES}, "loss")
        return cls(name=identifier) if identifier in _FUNCTION_NAMES else cls()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if identifier in _FUNCTION_CLASSES:
        return _FUNCTION_CLASSES[identifier](name=identifier.__name__)
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise ValueError(f"Could not interpret loss identifier: {identifier!r}")


def serialize(loss: Loss) -> dict:
    """Keras's `{"module", "class_name", "config", "registered_name"}` for a loss."""
    from axone.saving.serialization import serialize_keras_object
    return serialize_keras_object(loss)


def deserialize(config: dict) -> Loss:
    """The loss described by a `serialize` dict."""
    if "class_name" not in config:
        raise ValueError(f"A loss config needs a 'class_name'. Received: {config!r}")
    from axone.saving.serialization import deserialize_keras_object
    return deserialize_keras_object({"config": {}, **config}, kind="losses")


__all__ = [
    "Loss", "LossFunctionWrapper", "get", "serialize", "deserialize", "reduce_weighted_values",
    "check_sparse_labels", *sorted(_CLASSES), *sorted(fn.__name__ for fn in _FUNCTION_CLASSES),
    "mse", "MSE", "mae", "MAE", "mape", "MAPE", "msle", "MSLE", "kld", "KLD",
]
