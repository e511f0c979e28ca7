"""`ProgbarLogger`: prints training progress (verbose=1 bar, verbose=2 one line per epoch)."""

from __future__ import annotations

from axone.callbacks.callback import Callback
from axone.utils.progbar import Progbar


class ProgbarLogger(Callback):
    """Prints `Epoch i/n` and a Keras-style progress bar or summary line."""

    def __init__(self):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target = None
        self.progbar = None
        self.seen = 0

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _reset(self):
        self.seen = 0
        self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step")

    def on_train_begin(self, logs=None):
        self._train_mode = True

    def on_epoch_begin(self, epoch, logs=None):
        self._reset()
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def on_train_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        self.progbar.update(self.seen, list((logs or {}).items()), finalize=True)

    def on_test_begin(self, logs=None):
        if not getattr(self, "_train_mode", False):
            self._reset()

    def on_test_batch_end(self, batch, logs=None):
        if not getattr(self, "_train_mode", False):
            self.seen = batch + 1
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def on_test_end(self, logs=None):
        if not getattr(self, "_train_mode", False):
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=True)

    def on_predict_begin(self, logs=None):
        self._reset()

    def on_predict_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        self.progbar.update(self.seen, None, finalize=False)

    def on_predict_end(self, logs=None):
        self.progbar.update(self.seen, None, finalize=True)

    def on_train_end(self, logs=None):
        self._train_mode = False
