"""`decision_boundary`: the regions a classifier gives to each point of the plane."""

from __future__ import annotations

import numpy as np

from axone.plot._matplotlib import pyplot, save


def predicted_classes(model, points: np.ndarray) -> np.ndarray:
    """Class indices for `points`: the argmax of several outputs, a 0.5 threshold on one
    output in [0, 1] (sigmoid), the sign of one unbounded output (a perceptron's score)."""
    try:
        output = model.predict(points, verbose=0)
    except TypeError:  # scikit-learn style estimators (axone.Perceptron) take no verbose
        output = model.predict(points)
    output = np.asarray(output)
    if output.ndim == 2 and output.shape[1] > 1:
        return output.argmax(axis=1)
    output = output.reshape(len(points))
    if np.issubdtype(output.dtype, np.integer) or np.all(output == np.round(output)):
        return output.astype(int)  # labels already (predict of a classifier)
    if output.min() >= 0 and output.max() <= 1:
        return (output > 0.5).astype(int)
    return (output > 0).astype(int)


def decision_boundary(model, X, y=None, *, resolution: int = 200, margin: float = 0.5,
                      ax=None, title: str | None = None, figsize=(6, 5), to_file=None, dpi=None):
    """Colour the plane by the class `model` predicts, with the points on top.

    For the XOR and perceptron lessons: two input features only.

    Args:
        model: anything with `predict(points)`: an axone model (softmax,
            sigmoid or linear output) or a scikit-learn style classifier.
        X: the points, shape `(n, 2)`.
        y: their labels, shape `(n,)`, for the points' colours. Optional.
        resolution: grid points along each axis. Defaults to 200.
        margin: how far the grid extends beyond the points. Defaults to 0.5.
        ax: draw into this matplotlib axes instead of a new figure.
        title, figsize, to_file, dpi: the figure's title, size, file and resolution.

    Returns:
        The matplotlib `Figure`.
    """
    X = np.asarray(X, dtype="float32")
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"decision_boundary draws two features: X must have shape (n, 2). "
                         f"Received: X.shape={X.shape}")
    if y is not None and len(y) != len(X):
        raise ValueError(f"y must have one label per point. Received: {len(y)} labels for "
                         f"{len(X)} points")
    (x_min, y_min), (x_max, y_max) = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs, ys = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.column_stack([xs.ravel(), ys.ravel()]).astype("float32")
    regions = predicted_classes(model, grid).reshape(xs.shape)
    plt = pyplot()
    if ax is None:
        figure, ax = plt.subplots(figsize=figsize)
    else:
        figure = ax.figure
    n_classes = int(max(regions.max(), np.max(y) if y is not None else 0)) + 1
    levels = np.arange(n_classes + 1) - 0.5
    ax.contourf(xs, ys, regions, levels=levels, cmap="coolwarm", alpha=0.3)
    colours = {} if y is None else {"c": np.asarray(y), "cmap": "coolwarm", "vmin": 0,
                                     "vmax": max(n_classes - 1, 1)}
    ax.scatter(X[:, 0], X[:, 1], edgecolors="k", s=25, **colours)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    save(figure, to_file, dpi)
    return figure
