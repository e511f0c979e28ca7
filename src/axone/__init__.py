"""axone: neural networks with the Keras API, computed on NumPy.

    import axone as keras
    model = keras.models.Sequential([
        keras.layers.Flatten(input_shape=[28, 28]),
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
"""

from axone import (activations, backend, callbacks, initializers, layers, losses, metrics,
                   models, optimizers, plot, regularizers, saving, utils)
from axone.layers import Input
from axone.models import Model, Sequential
from axone import ops
from axone.gradient_tape import GradientTape
from axone.variables import Variable
from axone import random
from axone import datasets
from axone import constraints, tuning

__version__ = "0.1.0"


def __getattr__(name):
    # Estimators built on scikit-learn load it on first use, so `import axone` needs only NumPy.
    if name == "Perceptron":
        from axone.linear_model import Perceptron
        return Perceptron
    if name in ("linear_model", "wrappers"):
        import importlib
        return importlib.import_module(f"axone.{name}")
    raise AttributeError(f"module 'axone' has no attribute {name!r}")

__all__ = [
    "Input", "Model", "Sequential", "activations", "backend", "callbacks", "initializers",
    "layers", "losses", "metrics", "models", "optimizers", "plot", "regularizers", "saving", "utils",
    "random", "GradientTape", "Variable", "ops",
]
__all__ += ["datasets"]
__all__ += ["constraints", "tuning"]
