"""`EarlyStopping`: stop training when a monitored value stops improving."""

from __future__ import annotations

import warnings

from axone.callbacks.monitor_callback import MonitorCallback
from axone.utils.progbar import print_msg


class EarlyStopping(MonitorCallback):
    """Stop `fit` once `monitor` has not improved for `patience` epochs.

    Args:
        monitor: the value to watch. Defaults to `"val_loss"`.
        min_delta: smaller changes do not count as improvements. Defaults to 0.
        patience: epochs without improvement before stopping. Defaults to 0.
        verbose: 1 prints a line when stopping and when restoring. Defaults to 0.
        mode: `"auto"`, `"min"` or `"max"`. Defaults to `"auto"`.
        baseline: training stops unless the value beats it within `patience`
            epochs. Defaults to None.
        restore_best_weights: at the end of training, set the weights of the
            best epoch back. Defaults to False.
        start_from_epoch: epochs of warm-up not monitored. Defaults to 0.

    The instance can be reused: each `fit` starts its count afresh.

    With `restore_best_weights=True` the best weights are restored at the
    end of every `fit`, also when the epochs run out before the patience
    does (as current Keras 3 does; Keras 2 and early Keras 3 restored only
    after an early stop, leaving the last epoch's weights otherwise). This
    is deliberate: the best epoch is what the option asks for.
    """

    def __init__(self, monitor: str = "val_loss", min_delta=0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline=None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0):
        super().__init__(monitor, mode, min_delta=min_delta)
        if not isinstance(patience, int) or patience < 0:
            raise ValueError(f"patience must be a non-negative integer. Received: patience={patience!r}")
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:  # the metrics exist only once fit has built them
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # The count restarts only when the value also beats the baseline.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs)}", stacklevel=2)
        return value
