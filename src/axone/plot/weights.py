"""`weights`: one histogram of weights per layer."""

from __future__ import annotations

import numpy as np

from axone.plot._matplotlib import pyplot, save


def weights(model, *, bins: int = 30, figsize=None, to_file=None, dpi=None):
    """Histograms of each layer's weights (kernel and bias drawn separately).

    Args:
        model: a built axone model.
        bins: histogram bins. Defaults to 30.
        figsize: defaults to 4 x 3 inches per layer.
        to_file, dpi: save the figure there, at that resolution.

    Returns:
        The matplotlib `Figure`: one axes per layer that has weights, titled by its name.
    """
    layers = [layer for layer in model.layers if layer.weights]
    if not layers:
        raise ValueError(f"Model {model.name!r} has no weights to draw. Build it first "
                         "(give it an Input or call it on data).")
    plt = pyplot()
    figure, axes = plt.subplots(1, len(layers), figsize=figsize or (4 * len(layers), 3),
                                squeeze=False)
    for ax, layer in zip(axes[0], layers):
        for index, variable in enumerate(layer.weights):
            values = np.asarray(variable.numpy() if hasattr(variable, "numpy") else variable).ravel()
            label = getattr(variable, "name", f"weight {index}").split("/")[-1]
            ax.hist(values, bins=bins, alpha=0.6, color=f"C{index}", label=f"{label} ({values.size})")
        ax.set_title(layer.name)
        ax.set_xlabel("value")
        ax.legend(fontsize="small")
    axes[0][0].set_ylabel("count")
    figure.tight_layout()
    save(figure, to_file, dpi)
    return figure
