"""`LearningRateScheduler`: set the learning rate at the start of each epoch."""

from __future__ import annotations

import numbers

from axone.callbacks.callback import Callback
from axone.utils.progbar import print_msg


class LearningRateScheduler(Callback):
    """Sets `optimizer.learning_rate = schedule(epoch, lr)` before each epoch.

    Args:
        schedule: function of the epoch index (from 0) and the current
            learning rate (a float), returning the new rate (a float).
            A function of the epoch alone (Keras 2) works too.
        verbose: 1 prints each new rate. Defaults to 0.

    The rate is also logged as `logs["learning_rate"]` at each epoch's end
    (so it appears in `History`).
    """

    def __init__(self, schedule, verbose: int = 0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:  # the Keras 2 form, schedule(epoch)
            learning_rate = self.schedule(epoch)
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
            raise ValueError(
                f"The output of the `schedule` function should be a float. Got: {learning_rate!r}")
        optimizer.learning_rate = float(learning_rate)
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                      f"{float(learning_rate)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)
