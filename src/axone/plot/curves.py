"""`learning_curves`: loss and metrics per epoch, training beside validation."""

from __future__ import annotations

from axone.plot._matplotlib import pyplot, save


def history_dict(history) -> dict[str, list[float]]:
    """`history.history` of a `History`, or a plain dict of lists, checked."""
    records = getattr(history, "history", history)
    if not isinstance(records, dict):
        raise TypeError(
            "learning_curves expects a History (the value fit returns) or a dict of lists "
            f"such as history.history. Received: {type(history).__name__}"
        )
    if not records or not any(len(values) for values in records.values()):
        raise ValueError("The history is empty: no epoch was recorded. Train with fit() first.")
    return {key: [float(v) for v in values] for key, values in records.items()}


def _groups(records: dict, metrics) -> list[str]:
    """The metric names to draw (`loss` first), each with its `val_` twin if present."""
    names = [key for key in records if not key.startswith("val_")]
    names += [key[4:] for key in records if key.startswith("val_") and key[4:] not in records]
    names.sort(key=lambda name: name != "loss")  # stable: loss first, then the logged order
    if metrics is None:
        return names
    wanted = [metrics] if isinstance(metrics, str) else list(metrics)
    unknown = [name for name in wanted if name not in names]
    if unknown:
        raise ValueError(f"No such metric in the history: {unknown}. Available: {names}")
    return wanted


def learning_curves(history, metrics=None, *, shift_training: bool = True, overlay: bool = False,
                    ylim=None, figsize=None, title: str | None = None, to_file=None, dpi=None):
    """Draw the learning curves of a training run (the course's figure N°10).

    Each metric gets its own axes (or one shared axes with `overlay=True`,
    as `pd.DataFrame(history.history).plot()` draws them), with the training
    curve as a solid line and the validation curve dashed (overlaid, each
    metric in its own colour). Epochs are numbered from 1.

    A training value is the mean over the epoch's batches, so it describes
    the model half an epoch before the validation value measured at the
    epoch's end: with `shift_training=True` (the default) the training
    curve is drawn half an epoch to the left (at 0.5, 1.5, ...) so that the
    two curves compare at the same moment.

    Args:
        history: the `History` returned by `fit`, or a dict like `history.history`.
        metrics: a name or list of names (`"loss"`, `"accuracy"`, ...). Defaults
            to every metric logged, loss first.
        shift_training: draw training values half an epoch early. Defaults to True.
        overlay: every curve on one axes instead of one axes per metric.
        ylim: `(bottom, top)` for every axes, e.g. `(0, 1)` as in the course.
        figsize: the figure size in inches. Defaults to 6 x 4 per axes.
        title: the figure's title.
        to_file: also save the figure there (PNG, SVG, PDF... by extension).
        dpi: resolution when saving.

    Returns:
        The matplotlib `Figure`.
    """
    records = history_dict(history)
    names = _groups(records, metrics)
    plt = pyplot()
    n_axes = 1 if overlay else len(names)
    figure, axes = plt.subplots(1, n_axes, figsize=figsize or (6 * n_axes, 4), squeeze=False)
    axes = list(axes[0])
    shift = 0.5 if shift_training else 0.0
    for index, name in enumerate(names):
        ax = axes[0 if overlay else index]
        # One colour per metric when overlaid (training solid, validation dashed);
        # on separate axes, training and validation take the first two colours.
        train_color, val_color = (f"C{index}", f"C{index}") if overlay else ("C0", "C1")
        marker = "." if len(records.get(name, records.get(f"val_{name}", []))) <= 30 else None
        if name in records:
            values = records[name]
            ax.plot([epoch + 1 - shift for epoch in range(len(values))], values, color=train_color,
                    marker=marker, label=f"training {name}" if overlay else "training")
        if f"val_{name}" in records:
            values = records[f"val_{name}"]
            ax.plot(range(1, len(values) + 1), values, color=val_color, linestyle="--",
                    marker=marker, label=f"validation {name}" if overlay else "validation")
        if not overlay:
            ax.set_title(name)
            ax.set_ylabel(name)
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.grid(True)
        ax.legend()
        if ylim is not None:
            ax.set_ylim(*ylim)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    save(figure, to_file, dpi)
    return figure
