"""Utilities: seeding, `clear_session`, one-hot encoding, the progress bar, datasets read batch by batch."""

from __future__ import annotations

import numpy as np

from axone.backend import clear_session
from axone.utils.dataset import PyDataset, Sequence
from axone.utils.model_visualization import plot_model
from axone.utils.progbar import Progbar
from axone.utils.random import set_random_seed


def to_categorical(x, num_classes: int | None = None) -> np.ndarray:
    """One-hot encode integer labels: `[0, 2]` -> `[[1, 0, 0], [0, 0, 1]]` (float32).

    Args:
        x: integer class labels, shape `(n,)` (or `(n, 1)`).
        num_classes: number of classes; defaults to `max(x) + 1`.
    """
    labels = np.asarray(x)
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if labels.size and not np.array_equal(labels, np.rint(labels)):
        raise ValueError("to_categorical expects integer class labels.")
    labels = labels.astype(np.int64)
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"Labels must be in [0, {num_classes}); received values from {labels.min()} to {labels.max()}."
        )
    result = np.zeros(labels.shape + (num_classes,), dtype="float32")
    np.put_along_axis(result, labels[..., None], 1.0, axis=-1)
    return result


__all__ = ["clear_session", "set_random_seed", "to_categorical", "Progbar", "PyDataset", "Sequence",
           "plot_model"]
