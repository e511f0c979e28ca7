"""Linear models in scikit-learn's estimator style (needs `axone[sklearn]`).

    from axone import Perceptron
    clf = Perceptron().fit(X, y)   # Rosenblatt's rule, one threshold neuron per class
"""

from axone.utils.optional import import_optional

import_optional("sklearn", "sklearn", "axone.linear_model")

from axone.linear_model.perceptron import Perceptron  # noqa: E402

__all__ = ["Perceptron"]
