"""Pictures of training and of networks, drawn with matplotlib (the `plot` extra).

    history = model.fit(X, y, validation_split=0.1, epochs=20)
    axone.plot.learning_curves(history, to_file="curves.png")

matplotlib is imported when a function draws, never by `import axone`;
without it each function raises an ImportError naming `axone[plot]`.
Every function returns the matplotlib `Figure` it drew.
"""

from axone.plot.curves import learning_curves

__all__ = ["learning_curves"]
