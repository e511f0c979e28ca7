"""The network a configuration describes, built with axone's public API.

`build_model` is what the playground trains; `codegen.python_code` prints
the same construction as a script (a test runs that script and checks both
agree number for number).
"""

from __future__ import annotations

import axone as keras
from axone.playground.config import PlaygroundConfig


def make_optimizer(config: PlaygroundConfig):
    if config.optimizer == "sgd":
        return keras.optimizers.SGD(learning_rate=config.learning_rate)
    if config.optimizer == "momentum":
        return keras.optimizers.SGD(learning_rate=config.learning_rate, momentum=0.9)
    return keras.optimizers.Adam(learning_rate=config.learning_rate)


def make_regularizer(config: PlaygroundConfig):
    """A new regularizer object for one layer, or None."""
    if config.regularization == "l1":
        return keras.regularizers.L1(config.regularization_rate)
    if config.regularization == "l2":
        return keras.regularizers.L2(config.regularization_rate)
    return None


def loss_name(config: PlaygroundConfig) -> str:
    return "binary_crossentropy" if config.task == "classification" else "mse"


def build_model(config: PlaygroundConfig, n_inputs: int):
    """A compiled `Sequential`: the hidden layers of `config`, then one output unit."""
    layers = [keras.Input(shape=(n_inputs,))]
    for units in config.hidden_layers:
        layers.append(keras.layers.Dense(units, activation=config.activation,
                                         kernel_regularizer=make_regularizer(config)))
    layers.append(keras.layers.Dense(1, activation=config.output,
                                     kernel_regularizer=make_regularizer(config)))
    model = keras.Sequential(layers)
    model.compile(loss=loss_name(config), optimizer=make_optimizer(config))
    return model


def build_perceptron(config: PlaygroundConfig):
    """Rosenblatt's perceptron (threshold unit, 0/1 outputs) for perceptron mode."""
    return keras.Perceptron(activation="heaviside", eta0=config.learning_rate, shuffle=True,
                            random_state=config.seed)
