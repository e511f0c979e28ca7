"""Pictures of training and of networks, drawn with matplotlib (the `plot` extra).

    history = model.fit(X, y, validation_split=0.1, epochs=20)
    axone.plot.learning_curves(history, to_file="curves.png")   # figure N°10
    axone.plot.activation_functions(["sigmoid", "tanh", "relu"])  # figure N°8
    axone.plot.decision_boundary(model, X, y)                    # 2-D class regions
    axone.plot.weights(model)                                    # histograms per layer

`axone.utils.plot_model` draws the network itself.

matplotlib is imported when a function draws, never by `import axone`;
without it each function raises an ImportError naming `axone[plot]`.
Every function returns the matplotlib `Figure` it drew.
"""

from axone.plot.activations import activation_functions
from axone.plot.boundary import decision_boundary
from axone.plot.curves import learning_curves
from axone.plot.weights import weights

__all__ = ["activation_functions", "decision_boundary", "learning_curves", "weights"]
