"""The lazy import of matplotlib shared by every plot function."""

from __future__ import annotations


def pyplot():
    """`matplotlib.pyplot`, or an ImportError naming the `plot` extra.

    Imported only when a plot is drawn, so `import axone` never needs
    matplotlib. With no display, matplotlib falls back to its Agg backend.
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "Plotting needs matplotlib, which is not installed. "
            'Install it with: pip install "axone[plot]"'
        ) from error
    return plt


def save(figure, to_file, dpi=None) -> None:
    """Write `figure` to `to_file` when it is given; the format comes from the extension."""
    if to_file is not None:
        figure.savefig(to_file, dpi=dpi, bbox_inches="tight")
