"""Stateful metrics with Keras 3's names, formulas and defaults.

A metric accumulates over batches: `update_state(y_true, y_pred,
sample_weight)`, then `result()`; `reset_state()` starts over (training
does so at each epoch). `get` resolves what `compile(metrics=[...])`
accepts, and names each metric as Keras 3 logs it: a string keeps its own
name (`"mae"` logs `mae`), an instance its `name`, a function its
`__name__`. The string `"accuracy"` (or `"acc"`) becomes binary,
categorical or sparse categorical accuracy from the shapes of the targets
and predictions, as in Keras 3.
"""

from __future__ import annotations

from axone.metrics.accuracy import (Accuracy, BinaryAccuracy, CategoricalAccuracy,
                                    SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy,
                                    TopKCategoricalAccuracy, accuracy, binary_accuracy,
                                    categorical_accuracy, sparse_categorical_accuracy,
                                    sparse_top_k_categorical_accuracy, top_k_categorical_accuracy)
from axone.metrics.confusion import (AUC, FalseNegatives, FalsePositives, Precision, Recall,
                                     TrueNegatives, TruePositives)
from axone.metrics.loss_metrics import (BinaryCrossentropy, CategoricalCrossentropy,
                                        CategoricalHinge, Hinge, KLDivergence, Poisson,
                                        SparseCategoricalCrossentropy, SquaredHinge)
from axone.metrics.metric import Metric, MetricVariable
from axone.metrics.reduction import Mean, MeanMetricWrapper, Sum
from axone.metrics.regression import (CosineSimilarity, LogCoshError, MeanAbsoluteError,
                                      MeanAbsolutePercentageError, MeanSquaredError,
                                      MeanSquaredLogarithmicError, RootMeanSquaredError)
from axone.losses import (binary_crossentropy, categorical_crossentropy, categorical_hinge, hinge,
                          kl_divergence, log_cosh, mean_absolute_error,
                          mean_absolute_percentage_error, mean_squared_error,
                          mean_squared_logarithmic_error, poisson,
                          sparse_categorical_crossentropy, squared_hinge)
from axone.utils.identifiers import lookup
from axone.utils.naming import to_snake_case

_CLASSES = [
    Mean, Sum, MeanMetricWrapper,
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError,
    AUC, FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives,
    Hinge, SquaredHinge, CategoricalHinge,
    KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
    TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
]
# Keras 3 resolves class names, their snake-case forms and a few short names.
_REGISTRY = {cls.__name__: cls for cls in _CLASSES}
_REGISTRY.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
_REGISTRY.update({
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
})


def _is_binary_or_sparse(y_true_shape, y_pred_shape) -> tuple[bool, bool]:
    """Keras 3's test: one output unit is binary; labels of lower rank (or width 1) are sparse."""
    is_binary = y_pred_shape[-1] == 1
    is_sparse = len(y_true_shape) < len(y_pred_shape) or (
        y_true_shape[-1] == 1 and y_pred_shape[-1] != 1)
    return is_binary, is_sparse


def _resolve_accuracy(name: str, loss, y_true_shape, y_pred_shape) -> Metric:
    """The accuracy `"accuracy"` stands for, named `name`."""
    from axone import losses

    if y_pred_shape is not None and y_true_shape is not None:
        is_binary, is_sparse = _is_binary_or_sparse(tuple(y_true_shape), tuple(y_pred_shape))
    elif isinstance(loss, (losses.BinaryCrossentropy, losses.SparseCategoricalCrossentropy,
                           losses.CategoricalCrossentropy)):
        # Without data shapes, the loss tells (as in Keras 2).
        is_binary = isinstance(loss, losses.BinaryCrossentropy)
        is_sparse = isinstance(loss, losses.SparseCategoricalCrossentropy)
    else:
        return Accuracy(name=name)
    if is_binary:
        return BinaryAccuracy(name=name)
    if is_sparse:
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


def get(identifier, loss=None, y_true_shape=None, y_pred_shape=None) -> Metric:
    """Resolve a metric identifier as `compile(metrics=[...])` does.

    Args:
        identifier: a name (`"mae"`, `"MeanAbsoluteError"`, `"accuracy"`), a
            `Metric` class or instance, a `{"class_name", "config"}` dict, or
            a function `fn(y_true, y_pred)` of per-sample values.
        loss: the output's loss; decides `"accuracy"` when no shapes are given.
        y_true_shape, y_pred_shape: shapes of the targets and predictions
            (batch axis first), which decide what `"accuracy"` means.

    Returns:
        A `Metric` named as Keras 3 logs it.

    Raises:
        ValueError: for an unknown name, suggesting the closest known ones.
    """
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, str):
        if identifier.lower() in ("accuracy", "acc"):
            return _resolve_accuracy(identifier, loss, y_true_shape, y_pred_shape)
        return lookup(identifier, _REGISTRY, "metric")(name=identifier)
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier()
    if callable(identifier):
        name = getattr(identifier, "name", None) or to_snake_case(
            getattr(identifier, "__name__", type(identifier).__name__).strip("<>"))
        return MeanMetricWrapper(identifier, name=name)
    raise ValueError(f"Could not interpret metric identifier: {identifier!r}")


def serialize(metric: Metric) -> dict:
    """Keras's `{"module", "class_name", "config", "registered_name"}` for a metric."""
    from axone.saving.serialization import serialize_keras_object
    return serialize_keras_object(metric)


def deserialize(config: dict) -> Metric:
    """The metric described by a `serialize` dict."""
    if "class_name" not in config:
        raise ValueError(f"A metric config needs a 'class_name'. Received: {config!r}")
    from axone.saving.serialization import deserialize_keras_object
    return deserialize_keras_object({"config": {}, **config}, kind="metrics")


__all__ = [
    "Metric", "MetricVariable", "get", "serialize", "deserialize",
    *sorted(cls.__name__ for cls in _CLASSES),
    "accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
    "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "log_cosh", "kl_divergence", "poisson", "hinge",
    "squared_hinge", "categorical_hinge",
]
