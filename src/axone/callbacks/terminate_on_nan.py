"""`TerminateOnNaN`: stop training as soon as the loss is NaN or infinite."""

from __future__ import annotations

import math

from axone.callbacks.callback import Callback
from axone.utils.progbar import print_msg


class TerminateOnNaN(Callback):
    """Stops `fit` after the batch whose running loss is NaN or infinite.

    Args:
        raise_error: raise a RuntimeError at once instead of the graceful
            `model.stop_training = True` (which still runs every callback's
            `on_train_end`). Defaults to False.
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. "
                                   f"Loss value: {loss}. Terminating training immediately.")
            print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
