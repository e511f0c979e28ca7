"""Early stopping on the validation loss, restoring the best weights, for `axone train`.

A small callback of the command's own until `axone.callbacks.EarlyStopping`
exists; `early_stopping()` returns whichever is available.
"""

from __future__ import annotations

import math

from axone.callbacks import Callback


class _BestValLoss(Callback):
    """Stops after `patience` epochs without a lower `val_loss`; keeps the best weights."""

    def __init__(self, patience: int):
        super().__init__()
        self.patience = patience

    def on_train_begin(self, logs=None):
        self.best, self.best_epoch, self.wait, self.best_weights = math.inf, 0, 0, None

    def on_epoch_end(self, epoch, logs=None):
        loss = (logs or {}).get("val_loss")
        if loss is None:
            return
        if loss < self.best:
            self.best, self.best_epoch, self.wait = loss, epoch, 0
            self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait > self.patience:
                self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.best_weights is not None:
            self.model.set_weights(self.best_weights)


def early_stopping(patience: int) -> Callback:
    """A callback stopping on `val_loss` with `patience`, exposing `best_epoch` (0-based)."""
    return _BestValLoss(patience)
