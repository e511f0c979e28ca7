"""`ModelCheckpoint`: Keras 3's file names, best-only rules and save frequency, and atomic
writes (a crash in the middle of a save leaves the previous checkpoint whole)."""

import os

import numpy as np
import pytest

import axone as keras
from axone.callbacks import ModelCheckpoint

from .conftest import Scripted, small_regressor


def record_saves(model, calls):
    """Make the model's save methods write its weights with NumPy (the callback's logic is
    what is tested here; the file format belongs to model.save / model.save_weights)."""
    def write(kind):
        def save(path, overwrite=True):
            calls.append((kind, path))
            with open(path, "wb") as file:
                np.save(file, model.get_weights()[0])
        return save
    model.save_weights = write("weights")
    model.save = write("model")


def read(path):
    with open(path, "rb") as file:
        return np.load(file)


def fit(model, values, callback, epochs=None, **kwargs):
    x = np.ones((8, 3), dtype="float32")
    return model.fit(x, x[:, :1], epochs=epochs or len(values), verbose=0,
                     callbacks=[Scripted(values, "val_loss"), callback], **kwargs)


def test_file_names_are_formatted_from_the_epoch_and_the_logs(tmp_path):
    model, calls = small_regressor(), []
    record_saves(model, calls)
    fit(model, [0.5, 0.25, 0.125], ModelCheckpoint(tmp_path / "w-{epoch:02d}-{val_loss:.2f}.weights.h5",
                                                 save_weights_only=True))
    assert sorted(os.listdir(tmp_path)) == ["w-01-0.50.weights.h5", "w-02-0.25.weights.h5",
                                           "w-03-0.12.weights.h5"]
    assert [c[0] for c in calls] == ["weights"] * 3
    # Each file holds the weights of its epoch (Scripted sets them to the epoch index).
    assert read(tmp_path / "w-02-0.25.weights.h5").flat[0] == 1


def test_the_whole_model_by_default(tmp_path):
    model, calls = small_regressor(), []
    record_saves(model, calls)
    fit(model, [1.0], ModelCheckpoint(str(tmp_path / "model.keras")))
    assert [c[0] for c in calls] == ["model"] and os.listdir(tmp_path) == ["model.keras"]


def test_save_best_only_with_mode_and_initial_value_threshold(tmp_path, capsys):
    model, calls = small_regressor(), []
    record_saves(model, calls)
    path = tmp_path / "best.weights.h5"
    callback = ModelCheckpoint(path, save_best_only=True, save_weights_only=True, verbose=1)
    fit(model, [3, 2, 2.5, 1, 4], callback)
    assert len(calls) == 3 and read(path).flat[0] == 3 and callback.best == 1
    out = capsys.readouterr().out
    assert "Epoch 3: val_loss did not improve from 2.00000" in out
    assert f"Epoch 4: val_loss improved from 2.00000 to 1.00000, saving model to {path}" in out

    model, calls = small_regressor(), []
    record_saves(model, calls)
    fit(model, [3, 2, 2.5, 1, 4], ModelCheckpoint(path, monitor="val_loss", mode="max",
                                                 save_best_only=True, save_weights_only=True,
                                                 initial_value_threshold=3.5))
    assert len(calls) == 1 and read(path).flat[0] == 4  # only 4 beats 3.5


def test_save_freq_in_batches(tmp_path):
    model, calls = small_regressor(), []
    record_saves(model, calls)
    fit(model, [1, 1], ModelCheckpoint(tmp_path / "{epoch}-{batch}.weights.h5", save_weights_only=True,
                                       save_freq=3), batch_size=2)  # 4 batches per epoch
    # saves after batches 3 and 6 of 8: epoch 1 batch 3, epoch 2 batch 2 (batches from 1)
    assert len(calls) == 2
    assert sorted(os.listdir(tmp_path)) == ["1-3.weights.h5", "2-2.weights.h5"]


def test_a_crash_in_the_middle_of_a_save_leaves_the_previous_checkpoint_whole(tmp_path):
    model, calls = small_regressor(), []
    record_saves(model, calls)
    path = tmp_path / "ckpt.weights.h5"
    callback = ModelCheckpoint(path, save_weights_only=True)
    fit(model, [1.0], callback)
    before = path.read_bytes()

    def crash(target, overwrite=True):
        with open(target, "wb") as file:
            file.write(b"half a checkpo")  # the write dies here
        raise OSError("No space left on device")

    model.save_weights = crash
    with pytest.raises(OSError, match="No space left"):
        fit(model, [0.5, 0.25], callback)
    assert path.read_bytes() == before  # the previous checkpoint, whole
    assert os.listdir(tmp_path) == ["ckpt.weights.h5"]  # no temporary file left behind


def test_a_save_that_writes_nothing_is_an_error(tmp_path):
    model = small_regressor()
    model.save_weights = lambda path, overwrite=True: os.remove(path)
    with pytest.raises(FileNotFoundError, match="Nothing was written"):
        fit(model, [1.0], ModelCheckpoint(tmp_path / "w.weights.h5", save_weights_only=True))
    assert os.listdir(tmp_path) == []


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="must end in `.weights.h5`.*Received: filepath=w.h5"):
        ModelCheckpoint("w.h5", save_weights_only=True)
    with pytest.raises(ValueError, match="must end in `.keras`.*Received: filepath=m.weights.h5"):
        ModelCheckpoint("m.weights.h5")
    with pytest.raises(ValueError, match="Unrecognized save_freq: 'batch'"):
        ModelCheckpoint("m.keras", save_freq="batch")
    model = small_regressor()
    record_saves(model, [])
    with pytest.raises(KeyError, match="Failed to format this callback filepath.*Reason: .*accuracy"):
        fit(model, [1.0], ModelCheckpoint(str(tmp_path / "{accuracy}.keras")))


def test_checkpoints_load_back_with_batch_normalization_statistics(tmp_path, regression_data):
    x, y = regression_data
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.BatchNormalization(),
                              keras.layers.Dropout(0.5), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    path = tmp_path / "best.weights.h5"
    model.fit(x, y, epochs=2, verbose=0, callbacks=[ModelCheckpoint(path, monitor="loss",
                                                                     save_weights_only=True)])
    saved = model.get_weights()
    moving_mean = model.layers[1].moving_mean.numpy()
    assert not np.allclose(moving_mean, 0)  # the statistics moved during training
    model.set_weights([np.zeros_like(w) for w in saved])
    model.load_weights(path)
    for a, b in zip(model.get_weights(), saved):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(model.layers[1].moving_mean.numpy(), moving_mean)


def test_best_whole_model_checkpoint_loads_back(tmp_path, regression_data):
    x, y = regression_data
    model = small_regressor(metrics=["mae"])
    path = tmp_path / "best-{epoch:02d}.keras"
    model.fit(x, y, epochs=3, validation_split=0.25, verbose=0,
              callbacks=[ModelCheckpoint(path, save_best_only=True), Scripted([3.0, 1.0, 2.0], "val_loss")]
              [::-1])  # Scripted first: the checkpoint sees its val_loss
    assert sorted(os.listdir(tmp_path)) == ["best-01.keras", "best-02.keras"]
    loaded = keras.models.load_model(tmp_path / "best-02.keras")
    for got, want in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(got, np.full_like(want, 1))  # the weights of epoch 2
    assert loaded.optimizer.iterations == 2 * 1  # 30 samples, one batch per epoch
