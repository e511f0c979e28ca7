"""`BackupAndRestore`: a fit interrupted and run again resumes at the right epoch, with the
optimizer's state and the random generators', and ends with the weights of an uninterrupted run."""

import os

import numpy as np
import pytest

import axone as keras
from axone.callbacks import BackupAndRestore, Callback

EPOCHS = 6


def data():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((48, 4)).astype("float32")
    return x, (x @ rng.standard_normal((4, 1))).astype("float32")


def build(optimizer):
    """Dropout and BatchNormalization too: their masks and statistics must resume exactly."""
    keras.utils.set_random_seed(7)
    layers = keras.layers
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu", name="hidden"),
                              layers.BatchNormalization(name="norm"), layers.Dropout(0.3, name="drop"),
                              layers.Dense(1, name="out")])
    model.compile(optimizer=optimizer, loss="mse")
    return model


class Crash(Callback):
    """Raises in the middle of epoch `epoch` (after one batch of it)."""

    def __init__(self, epoch, error=RuntimeError):
        super().__init__()
        self.epoch, self.error = epoch, error

    def on_train_batch_end(self, batch, logs=None):
        if self._epoch == self.epoch and batch == 1:
            raise self.error("interrupted")

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch


def uninterrupted(optimizer):
    x, y = data()
    model = build(optimizer)
    model.fit(x, y, batch_size=8, epochs=EPOCHS, verbose=0)
    return model.get_weights(), model.optimizer.iterations


OPTIMIZERS = [lambda: keras.optimizers.SGD(0.05, momentum=0.9), lambda: keras.optimizers.Adam(0.01)]


@pytest.mark.parametrize("make_optimizer", OPTIMIZERS, ids=["sgd-momentum", "adam"])
def test_resume_gives_the_weights_of_an_uninterrupted_run(tmp_path, make_optimizer):
    expected, iterations = uninterrupted(make_optimizer())
    x, y = data()
    model = build(make_optimizer())
    backup = BackupAndRestore(tmp_path / "backup")
    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(x, y, batch_size=8, epochs=EPOCHS, verbose=0, callbacks=[backup, Crash(3)])
    assert os.listdir(tmp_path / "backup") == ["latest.state.npz"]
    np.random.seed(12345)  # another global random state: the backup brings back the generators
    history = model.fit(x, y, batch_size=8, epochs=EPOCHS, verbose=0, callbacks=[backup])
    assert history.epoch == [3, 4, 5]  # resumed at the epoch that was interrupted
    assert model.optimizer.iterations == iterations
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_array_equal(got, want)
    assert not os.path.exists(tmp_path / "backup")  # a completed run deletes its backup


def test_resume_in_a_new_model_as_after_a_crash_of_the_process(tmp_path):
    expected, _ = uninterrupted(keras.optimizers.RMSprop(0.01))
    x, y = data()
    backup = BackupAndRestore(tmp_path / "backup")
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C: fit runs on_train_end, the backup stays
        build(keras.optimizers.RMSprop(0.01)).fit(x, y, batch_size=8, epochs=EPOCHS, verbose=0,
                                                  callbacks=[backup, Crash(4, KeyboardInterrupt)])
    assert os.path.exists(tmp_path / "backup" / "latest.state.npz")
    fresh = build(keras.optimizers.RMSprop(0.01))  # same layer names, new objects and state
    history = fresh.fit(x, y, batch_size=8, epochs=EPOCHS, verbose=0,
                        callbacks=[BackupAndRestore(tmp_path / "backup")])
    assert history.epoch == [4, 5]
    for got, want in zip(fresh.get_weights(), expected):
        np.testing.assert_array_equal(got, want)


def test_learning_rate_changed_by_a_callback_is_restored(tmp_path):
    x, y = data()
    model = build(keras.optimizers.SGD(0.05))
    halve = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr / 2 if epoch == 1 else lr)
    with pytest.raises(RuntimeError):
        model.fit(x, y, batch_size=8, epochs=EPOCHS, verbose=0,
                  callbacks=[halve, BackupAndRestore(tmp_path), Crash(2)])
    fresh = build(keras.optimizers.SGD(0.05))
    seen = []
    fresh.fit(x, y, batch_size=8, epochs=3, verbose=0, callbacks=[
        BackupAndRestore(tmp_path),
        keras.callbacks.LambdaCallback(on_epoch_begin=lambda e, l: seen.append(float(fresh.optimizer.learning_rate)))])
    assert seen == [0.025]


def test_double_checkpoint_falls_back_on_the_previous_backup(tmp_path):
    x, y = data()
    model = build(keras.optimizers.SGD(0.05))
    backup = BackupAndRestore(tmp_path, double_checkpoint=True, delete_checkpoint=False)
    with pytest.raises(RuntimeError):
        model.fit(x, y, batch_size=8, epochs=EPOCHS, verbose=0, callbacks=[backup, Crash(3)])
    assert sorted(os.listdir(tmp_path)) == ["latest.state.npz", "latest.state.npz.bkp"]
    (tmp_path / "latest.state.npz").write_bytes(b"garbage")  # the latest backup is unreadable
    history = build(keras.optimizers.SGD(0.05)).fit(x, y, batch_size=8, epochs=EPOCHS, verbose=0,
                                                     callbacks=[backup])
    assert history.epoch == [2, 3, 4, 5]  # from the previous backup, written after epoch 2's end
    assert os.path.exists(tmp_path / "latest.state.npz")  # delete_checkpoint=False keeps it


def test_a_backup_for_another_model_is_refused(tmp_path):
    x, y = data()
    with pytest.raises(RuntimeError):
        build("sgd").fit(x, y, batch_size=8, epochs=3, verbose=0,
                         callbacks=[BackupAndRestore(tmp_path), Crash(1)])
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    other.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="weights of other shapes"):
        other.fit(x, y, epochs=1, verbose=0, callbacks=[BackupAndRestore(tmp_path)])
    adam = build("adam")
    with pytest.raises(ValueError, match="saved with a SGD optimizer; this model uses Adam"):
        adam.fit(x, y, epochs=1, verbose=0, callbacks=[BackupAndRestore(tmp_path)])


def test_bad_arguments():
    with pytest.raises(ValueError, match="Empty `backup_dir`"):
        BackupAndRestore("")
    with pytest.raises(ValueError, match="Received: save_freq='often'"):
        BackupAndRestore("b", save_freq="often")
