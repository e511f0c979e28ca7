"""`ReduceLROnPlateau`: lower the learning rate when a monitored value stalls."""

from __future__ import annotations

import warnings

import numpy as np

from axone.callbacks.monitor_callback import MonitorCallback
from axone.utils.progbar import print_msg


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by `factor` after `patience` epochs without improvement.

    Args:
        monitor: the value to watch. Defaults to `"val_loss"`.
        factor: `new_lr = lr * factor`, below 1. Defaults to 0.1.
        patience: epochs without improvement before reducing. Defaults to 10.
        verbose: 1 prints each reduction. Defaults to 0.
        mode: `"auto"`, `"min"` or `"max"`. Defaults to `"auto"`.
        min_delta: smaller changes do not count as improvements. Defaults to 1e-4.
        cooldown: epochs to wait after a reduction before counting again.
            Defaults to 0.
        min_lr: the rate never goes below this. Defaults to 0.

    The current rate is logged as `logs["learning_rate"]` at each epoch's end.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta=1e-4, cooldown: int = 0,
                 min_lr: float = 0.0, **kwargs):
        super().__init__(monitor, mode, min_delta=min_delta)
        if "epsilon" in kwargs:  # Keras 2 name of min_delta
            self.min_delta = abs(kwargs.pop("epsilon"))
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau got unexpected keyword argument(s): {sorted(kwargs)}")
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}.", stacklevel=2)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(optimizer.learning_rate)
                if old_lr > np.float32(self.min_lr):
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    optimizer.learning_rate = new_lr
                    if self.verbose > 0:
                        print_msg(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0
