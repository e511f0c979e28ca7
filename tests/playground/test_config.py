import math
import re

import pytest

from axone.playground import config as options
from axone.playground.config import ConfigError, PlaygroundConfig
from axone.playground.data import FEATURES


def test_defaults_are_valid_and_round_trip():
    config = PlaygroundConfig.from_dict(PlaygroundConfig().to_dict())
    assert config == PlaygroundConfig()
    assert config.task == "classification" and not config.perceptron


def test_every_offered_feature_has_a_formula():
    assert set(options.FEATURES) == set(FEATURES)


def test_perceptron_mode_is_heaviside_without_hidden_layers():
    assert PlaygroundConfig.from_dict({"activation": "heaviside", "hidden_layers": []}).perceptron


@pytest.mark.parametrize("payload, words", [
    ({"hidden_layers": [65]}, "between 1 and 64"),
    ({"hidden_layers": [2] * 7}, "At most 6 hidden layers"),
    ({"hidden_layers": [0]}, "between 1 and 64"),
    ({"activation": "softmax"}, "Unknown activation 'softmax'"),
    ({"activation": "heaviside"}, "zero gradient"),
    ({"learning_rate": math.nan}, "learning_rate must be between"),
    ({"learning_rate": "fast"}, "learning_rate must be a number"),
    ({"batch_size": 2.5}, "batch_size must be a whole number"),
    ({"features": []}, "non-empty list"),
    ({"features": ["x1", "x1"]}, "once"),
    ({"features": ["x3"]}, "Unknown feature 'x3'"),
    ({"dataset": "csv"}, "needs a file"),
    ({"dataset": "regression"}, "linear + MSE"),
    ({"output": "linear"}, "classification set"),
    ({"colour": "red"}, "Unknown setting(s): colour"),
])
def test_refused_settings_name_the_problem(payload, words):
    with pytest.raises(ConfigError, match=re.escape(words)):
        PlaygroundConfig.from_dict(payload)


def test_payload_must_be_an_object():
    with pytest.raises(ConfigError, match="JSON object"):
        PlaygroundConfig.from_dict([1, 2])
