"""`BackupAndRestore`: resume an interrupted `fit` where it stopped, in the same state."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile

import numpy as np

from axone.callbacks.callback import Callback
from axone.utils.file_utils import atomic_path
from axone.utils.training_state import restore_training_state, training_state

_FORMAT = "axone-training-state-1"


class BackupAndRestore(Callback):
    """Backs up the training state so that a `fit` run again after an interruption resumes.

    At the end of each epoch (or every `save_freq` batches) it writes, in
    one file `backup_dir/latest.state.npz` replaced atomically: every weight
    of the model (BatchNormalization statistics included), the optimizer's
    whole state (iteration count, learning rate, slots such as momenta), the
    state of the shuffling generator of `fit` and of every layer's random
    generator (Dropout masks), and the epoch to resume from. A new `fit`
    with this callback (same model, data and arguments) loads it in
    `on_train_begin` and starts at that epoch: with epoch-level backups the
    final weights are those of an uninterrupted run. When a `fit` completes,
    the backup is deleted (with `delete_checkpoint=True`).

    Args:
        backup_dir: folder for the backup, used by nothing else.
        save_freq: `"epoch"` or a number of batches. A mid-epoch backup
            resumes at the start of that epoch, with the weights of that
            batch (as in Keras). Defaults to `"epoch"`.
        double_checkpoint: also keep the previous backup, used if the latest
            cannot be read. Defaults to False.
        delete_checkpoint: delete the backup when training completes.
            Defaults to True.

    An interruption is an exception raised out of `fit` (Ctrl-C included:
    `fit` then keeps the backup); a stop requested with
    `model.stop_training` completes the run.
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint: bool = False,
                 delete_checkpoint: bool = True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)
                                     or save_freq < 1):
            raise ValueError("Invalid value for argument `save_freq`. "
                             f"Received: save_freq={save_freq!r}. Expected either 'epoch' or a positive integer.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._state_path = os.path.join(self.backup_dir, "latest.state.npz")
        self._previous_path = self._state_path + ".bkp"
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0

    # ------------------------------------------------------------ hooks
    def on_train_begin(self, logs=None):
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        if os.path.exists(self._state_path):
            try:
                self._load(self._state_path)
            except (OSError, ValueError, KeyError, zipfile.BadZipFile):
                if not os.path.exists(self._previous_path):
                    raise
                self._load(self._previous_path)
        elif os.path.exists(self._previous_path):
            self._load(self._previous_path)

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save()

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        added = batch + 1 if batch <= self._last_batch_seen else batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._save(batch)

    def on_train_end(self, logs=None):
        if getattr(self.model, "_fit_interrupted", False):
            return  # keep the backup: the next fit resumes from it
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)

    # ------------------------------------------------------------ state
    def _save(self, batch: int = 0) -> None:
        os.makedirs(self.backup_dir, exist_ok=True)
        arrays, metadata = training_state(self.model)
        metadata.update(format=_FORMAT, epoch=self._current_epoch, batch=batch)
        arrays["metadata"] = np.frombuffer(json.dumps(metadata).encode("utf-8"), dtype=np.uint8)
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        if self.double_checkpoint and os.path.exists(self._state_path):
            shutil.copyfile(self._state_path, self._previous_path)
        with atomic_path(self._state_path) as temporary:
            with open(temporary, "wb") as file:
                file.write(buffer.getvalue())

    def _load(self, path: str) -> None:
        with np.load(path, allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
        metadata = json.loads(arrays.pop("metadata").tobytes().decode("utf-8"))
        if metadata.get("format") != _FORMAT:
            raise ValueError(f"{path} is not a BackupAndRestore backup (format {metadata.get('format')!r}).")
        restore_training_state(self.model, arrays, metadata, path)
        self._current_epoch = int(metadata["epoch"])
        self.model._initial_epoch = self._current_epoch
