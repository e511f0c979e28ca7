"""`activation_functions`: the functions and their derivatives (the course's figure N°8)."""

from __future__ import annotations

import numpy as np

from axone.plot._matplotlib import pyplot, save

# Row-wise functions: a curve of one variable does not describe them.
_NOT_ELEMENTWISE = ("softmax", "log_softmax")


def curves(name, x: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """`(f(x), f'(x))` from axone's own activation `name`; `f'` is None where it does not
    exist (plain functions), zero for step functions (their derivative, except at the jump)."""
    from axone import activations
    function = activations.get(name)
    label = getattr(function, "name", name)
    if label in _NOT_ELEMENTWISE:
        raise ValueError(f"{label} works on whole rows, not element by element: it has no "
                         f"curve of one variable to draw. Received: names containing {label!r}")
    y = np.asarray(function(x.copy()), dtype=float)
    if not getattr(function, "differentiable", False):
        is_step = hasattr(function, "differentiable")  # an ActivationFunction with no derivative
        return y, np.zeros_like(y) if is_step else None
    z = x.astype(float)
    derivative = function.backward(np.ones_like(z), z.copy(), y.copy())
    return y, np.asarray(derivative, dtype=float)


def activation_functions(names=("heaviside", "sigmoid", "tanh", "relu"), *, x_range=(-5.0, 5.0),
                         n_points: int = 401, figsize=(11, 4), to_file=None, dpi=None):
    """Draw activation functions beside their derivatives (the course's figure N°8).

    The values come from axone's activations themselves: `f(x)` from the
    function, `f'(x)` from the backward pass that training uses (`backward`
    with a gradient of ones), so the picture shows what backpropagation sees.
    A step function (`heaviside`, `sign`) has a zero derivative wherever it
    has one, drawn as zero: no gradient flows through it.

    Args:
        names: activation names (or `ActivationFunction`s). Defaults to the
            course's step, sigmoid, tanh and ReLU.
        x_range: `(low, high)` of the x axis. Defaults to `(-5, 5)`.
        n_points: samples along x. Defaults to 401.
        figsize: the figure size in inches.
        to_file: also save the figure there (format by extension).
        dpi: resolution when saving.

    Returns:
        The matplotlib `Figure`, with two axes: the functions, then the derivatives.
    """
    if isinstance(names, str):
        names = [names]
    low, high = x_range
    if not high > low or n_points < 2:
        raise ValueError(f"x_range must be (low, high) with low < high and n_points >= 2. "
                         f"Received: x_range={x_range!r}, n_points={n_points}")
    x = np.linspace(low, high, n_points)
    computed = [(getattr(name, "name", name), *curves(name, x)) for name in names]
    plt = pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=figsize)
    for index, (label, y, derivative) in enumerate(computed):
        style = {"color": f"C{index}", "linewidth": 2, "label": str(label)}
        left.plot(x, y, **style)
        if derivative is not None:
            right.plot(x, derivative, **style)
    for ax, title in ((left, "Activation functions"), (right, "Derivatives")):
        ax.set_title(title)
        ax.set_xlabel("x")
        ax.axhline(0, color="k", linewidth=0.5)
        ax.axvline(0, color="k", linewidth=0.5)
        ax.grid(True)
        ax.legend()
    figure.tight_layout()
    save(figure, to_file, dpi)
    return figure
