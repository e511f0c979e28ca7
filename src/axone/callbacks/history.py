"""`History`: the record of every epoch's metrics, returned by `fit`."""

from __future__ import annotations

from axone.callbacks.callback import Callback


class History(Callback):
    """Records `logs` at the end of each epoch; `fit` returns it.

    Attributes:
        history: dict of lists, e.g. `{"loss": [...], "val_loss": [...]}`,
            keys in name order as Keras logs them.
        epoch: the indices of the epochs run.
        params: `{"verbose": ..., "epochs": ..., "steps": ...}` of the `fit` call.
        model: the model that was trained (whose `history` is this object).
    """

    def __init__(self):
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:  # keep model.history on the latest record, as Keras does
            self.model.history = self

    def to_dataframe(self):
        """The history as a pandas DataFrame: one column per metric, one row per epoch.

        The index, named `epoch`, counts from 0 as `history.epoch` does. Needs
        pandas (`pip install "axone[pandas]"`); `pd.DataFrame(history.history)`
        gives the same columns.
        """
        try:
            import pandas as pd
        except ImportError as error:
            raise ImportError(
                'History.to_dataframe needs pandas. Install it with: pip install "axone[pandas]"'
            ) from error
        frame = pd.DataFrame(self.history)
        frame.index.name = "epoch"
        return frame

    # The course calls these on the value `fit` returns; they use the trained model.
    def evaluate(self, *args, **kwargs):
        """Shortcut for `history.model.evaluate(...)`."""
        return self.model.evaluate(*args, **kwargs)

    def predict(self, *args, **kwargs):
        """Shortcut for `history.model.predict(...)`."""
        return self.model.predict(*args, **kwargs)

    def predict_classes(self, *args, **kwargs):
        """Shortcut for `history.model.predict_classes(...)`."""
        return self.model.predict_classes(*args, **kwargs)
