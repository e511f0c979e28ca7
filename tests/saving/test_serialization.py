"""get_config / from_config round trips of every serialisable class, through Keras's schema.

The classes are found the way loading finds them (`builtin_classes`), so a class added to
any of axone's modules is covered here automatically; one whose constructor needs arguments
must get an entry in `_ARGUMENTS`.
"""

import json

import numpy as np
import pytest

import axone
from axone.saving import serialization
from axone.saving.serialization import builtin_classes, deserialize_keras_object, serialize_keras_object

KINDS = ["layers", "initializers", "regularizers", "constraints", "losses", "metrics", "optimizers", "schedules"]
# Abstract bases, wrappers of a Python function, and models (covered by test_saving_lib).
_NOT_STANDALONE = {"Layer", "Initializer", "RandomInitializer", "Regularizer", "Constraint", "Loss",
                   "LossFunctionWrapper", "Metric", "MeanMetricWrapper", "Reduce", "Optimizer",
                   "LearningRateSchedule", "Model", "Functional", "Sequential", "InputLayer", "Lambda"}
# Constructor arguments of the classes that need some (non-default values where it shows more).
_ARGUMENTS = {
    "Dense": {"units": 3, "activation": "relu", "kernel_regularizer": "l2", "use_bias": False},
    "Activation": {"activation": "tanh"},
    "Dropout": {"rate": 0.25, "seed": 4},
    "GaussianNoise": {"stddev": 0.1},
    "GaussianDropout": {"rate": 0.2},
    "BatchNormalization": {"momentum": 0.9, "epsilon": 1e-4, "gamma_regularizer": "l2", "beta_constraint": "non_neg"},
    "LayerNormalization": {"beta_regularizer": "l1", "gamma_constraint": "unit_norm"},
    "Concatenate": {"axis": 1},
    "Rescaling": {"scale": 0.5, "offset": 1.0},
    "Reshape": {"target_shape": (2, 3)},
    "Embedding": {"input_dim": 5, "output_dim": 3, "embeddings_initializer": "zeros",
                  "embeddings_regularizer": "l2", "activity_regularizer": "l1", "embeddings_constraint": "max_norm"},
    "Constant": {"value": 0.5},
    "RandomNormal": {"mean": 1.0, "stddev": 0.2, "seed": 3},
    "VarianceScaling": {"scale": 2.0, "mode": "fan_out", "distribution": "uniform", "seed": 1},
    "L1": {"l1": 0.1}, "L2": {"l2": 0.2}, "L1L2": {"l1": 0.1, "l2": 0.3},
    "Huber": {"delta": 2.0},
    "BinaryCrossentropy": {"from_logits": True, "label_smoothing": 0.1},
    "TopKCategoricalAccuracy": {"k": 3},
    "SparseTopKCategoricalAccuracy": {"k": 2},
    "Precision": {"thresholds": 0.3},
    "AUC": {"num_thresholds": 50},
    "Adam": {"learning_rate": 0.01, "amsgrad": True, "clipnorm": 1.0},
    "SGD": {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True},
    "ExponentialDecay": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
    "InverseTimeDecay": {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5},
    "PolynomialDecay": {"initial_learning_rate": 0.1, "decay_steps": 10},
    "PiecewiseConstantDecay": {"boundaries": [10, 20], "values": [0.1, 0.01, 0.001]},
    "CosineDecay": {"initial_learning_rate": 0.1, "decay_steps": 10},
    "CosineDecayRestarts": {"initial_learning_rate": 0.1, "first_decay_steps": 10},
}


def _all_classes():
    for kind in KINDS:
        for name, cls in sorted(builtin_classes(kind).items()):
            if name not in _NOT_STANDALONE:
                yield pytest.param(kind, cls, id=f"{kind}.{name}")


def _instance(cls):
    arguments = _ARGUMENTS.get(cls.__name__)
    if arguments is not None:
        return cls(**arguments)
    try:
        return cls()
    except TypeError as error:
        pytest.fail(f"{cls.__name__} needs constructor arguments: add them to _ARGUMENTS ({error})")


def _json_round_trip(data):
    return json.loads(json.dumps(data))


def _comparable(config):
    """Configs as plain data, so two configs compare by value (arrays as lists)."""
    return _json_round_trip(serialize_keras_object(config))


@pytest.mark.parametrize("kind, cls", list(_all_classes()))
def test_round_trip_of_every_class(kind, cls):
    original = _instance(cls)
    data = _json_round_trip(serialize_keras_object(original))
    assert set(data) >= {"module", "class_name", "config", "registered_name"}
    assert data["module"] == serialization.KERAS_MODULES[kind] and data["registered_name"] is None
    rebuilt = deserialize_keras_object(data, kind=kind)
    assert type(rebuilt) is cls
    assert _comparable(rebuilt.get_config()) == _comparable(original.get_config())


@pytest.mark.parametrize("kind, cls", list(_all_classes()))
def test_get_config_from_config_round_trip(kind, cls):
    original = _instance(cls)
    rebuilt = cls.from_config(original.get_config())
    assert _comparable(rebuilt.get_config()) == _comparable(original.get_config())


def test_every_kind_has_classes():
    for kind in ("layers", "initializers", "regularizers", "losses", "metrics", "optimizers", "schedules"):
        assert len(set(builtin_classes(kind)) - _NOT_STANDALONE) >= 2, kind


@pytest.mark.parametrize("name", sorted(builtin_classes("activations")))
def test_round_trip_of_every_activation(name):
    function = axone.activations.get(name)
    layer = axone.layers.Dense(2, activation=function)
    rebuilt = deserialize_keras_object(_json_round_trip(serialize_keras_object(layer)), kind="layers")
    assert rebuilt.activation.name == function.name
    data = _json_round_trip(serialize_keras_object(function))
    assert deserialize_keras_object(data).name == function.name


def test_parametrised_activation_round_trip():
    function = axone.activations.get({"class_name": "leaky_relu", "config": {"negative_slope": 0.3}})
    layer = deserialize_keras_object(_json_round_trip(serialize_keras_object(axone.layers.Dense(2, activation=function))))
    assert layer.activation.params == {"negative_slope": 0.3}


def test_schedule_inside_an_optimizer_round_trips():
    schedule = axone.optimizers.schedules.CosineDecay(0.1, 100, alpha=0.1)
    optimizer = axone.optimizers.Adam(learning_rate=schedule)
    rebuilt = deserialize_keras_object(_json_round_trip(serialize_keras_object(optimizer)))
    assert isinstance(rebuilt._learning_rate, axone.optimizers.schedules.CosineDecay)
    assert rebuilt._learning_rate(50) == pytest.approx(schedule(50))


def test_numpy_values_round_trip():
    value = np.arange(6, dtype="int16").reshape(2, 3)
    rebuilt = deserialize_keras_object(_json_round_trip(serialize_keras_object(value)))
    assert rebuilt.dtype == np.int16
    np.testing.assert_array_equal(rebuilt, value)


def test_a_lambda_is_not_serialized():
    with pytest.raises(ValueError, match="lambda"):
        serialize_keras_object(lambda x: x)


def test_deep_nesting_is_refused():
    config = "leaf"
    for _ in range(200):
        config = [config]
    with pytest.raises(ValueError, match="nested"):
        deserialize_keras_object(config)
