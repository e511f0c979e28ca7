"""`EarlyStopping`: Keras 3's patience, min_delta, mode, baseline, start_from_epoch and
restore_best_weights, reusable across fits."""

import numpy as np
import pytest

import axone as keras
from axone.callbacks import EarlyStopping

from .conftest import Scripted, small_regressor


def run(values, epochs=None, key="score", **kwargs):
    x = np.ones((4, 3), dtype="float32")
    model = small_regressor()
    stopper = EarlyStopping(monitor=key, **kwargs)
    history = model.fit(x, x[:, :1], epochs=epochs or len(values), verbose=0,
                        callbacks=[Scripted(values, key), stopper])
    return model, stopper, history


def epoch_of(model):
    """The epoch whose weights the model holds (see Scripted)."""
    return int(model.get_weights()[0].flat[0])


def test_stops_after_patience_epochs_without_improvement():
    _, stopper, history = run([5, 4, 4.5, 4.2, 4.1, 3], mode="min", patience=2)
    assert history.epoch == [0, 1, 2, 3] and stopper.stopped_epoch == 3
    assert stopper.best == 4 and stopper.best_epoch == 1


def test_patience_zero_stops_at_the_first_epoch_without_improvement():
    _, stopper, history = run([3, 2, 2, 1], mode="min")
    assert history.epoch == [0, 1, 2]  # 2 is no improvement on 2


def test_min_delta_requires_a_real_improvement():
    _, _, history = run([3, 2.95, 2.9, 2.85], mode="min", min_delta=0.1)
    assert history.epoch == [0, 1]


def test_mode_max_and_auto_from_the_metric_name():
    _, _, history = run([0.5, 0.6, 0.55, 0.7], mode="max")
    assert history.epoch == [0, 1, 2]
    _, _, history = run([0.5, 0.6, 0.55, 0.7], key="val_loss")  # loss: auto is min
    assert history.epoch == [0, 1]


def test_auto_mode_reads_keras_metric_directions(regression_data):
    x, y = regression_data
    model = small_regressor(metrics=["mae"])
    stopper = EarlyStopping(monitor="val_mae")
    model.fit(x, y, epochs=1, validation_data=(x, y), verbose=0, callbacks=[stopper])
    assert stopper.monitor_op(1, 2)  # mae goes down
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    stopper = EarlyStopping(monitor="accuracy")
    model.fit(x, (y[:, 0] > 0).astype("int32"), epochs=1, verbose=0, callbacks=[stopper])
    assert stopper.monitor_op(2, 1)  # accuracy goes up


def test_auto_mode_refuses_a_value_of_unknown_direction():
    with pytest.raises(ValueError, match="monitor=score.*Pass `mode='max'`"):
        run([1, 2])


def test_baseline_must_be_beaten_within_patience():
    # As in Keras: an improvement that does not beat the baseline does not restart the count.
    _, stopper, history = run([5, 4, 4.5, 4.2, 3], mode="min", baseline=3.2, patience=2)
    assert history.epoch == [0, 1, 2] and stopper.best == 4
    _, _, history = run([5, 4, 4.5, 4.2, 3], mode="min", patience=2)
    assert history.epoch == [0, 1, 2, 3]
    _, _, history = run([5, 3, 3.1, 3.1, 3.1], mode="min", baseline=3.2, patience=3)
    assert history.epoch == [0, 1, 2, 3, 4]


def test_start_from_epoch_skips_the_warm_up():
    _, _, history = run([1, 2, 3, 2, 3, 4], mode="min", start_from_epoch=2)
    assert history.epoch == [0, 1, 2, 3, 4]  # 3 then 2 (better), then 3: stop


def test_restore_best_weights_after_an_early_stop():
    model, stopper, history = run([5, 3, 4, 4.5, 1], mode="min", patience=2,
                                  restore_best_weights=True)
    assert history.epoch == [0, 1, 2, 3]
    assert epoch_of(model) == 1 and stopper.best_epoch == 1


def test_restore_best_weights_also_when_the_epochs_run_out():
    # Deliberate (current Keras 3 does it too; Keras 2 did not): the best epoch is restored
    # even when training ends before patience is exhausted.
    model, stopper, history = run([5, 3, 4], mode="min", patience=5, restore_best_weights=True)
    assert history.epoch == [0, 1, 2] and stopper.stopped_epoch == 0
    assert epoch_of(model) == 1
    model, _, _ = run([5, 3, 4], mode="min", patience=5)
    assert epoch_of(model) == 2  # without the option, the last epoch's weights stay


def test_reusable_across_fits():
    x = np.ones((4, 3), dtype="float32")
    model = small_regressor()
    stopper = EarlyStopping(monitor="score", mode="min", patience=1, restore_best_weights=True)
    first = model.fit(x, x[:, :1], epochs=5, verbose=0,
                      callbacks=[Scripted([1, 2, 3, 4, 5]), stopper])
    assert first.epoch == [0, 1] and epoch_of(model) == 0
    # A second fit starts afresh: best, wait and the kept weights from the first are gone.
    second = model.fit(x, x[:, :1], epochs=5, verbose=0,
                       callbacks=[Scripted([9, 8, 7, 8, 9]), stopper])
    assert second.epoch == [0, 1, 2, 3] and stopper.best == 7 and epoch_of(model) == 2


def test_stops_a_real_training_on_val_loss(regression_data, capsys):
    x, y = regression_data
    model = small_regressor(optimizer=keras.optimizers.SGD(learning_rate=5.0))  # diverges
    stopper = EarlyStopping(patience=1, restore_best_weights=True, verbose=1)
    history = model.fit(x, y, epochs=30, validation_split=0.25, verbose=0, callbacks=[stopper])
    assert len(history.epoch) < 30
    best = int(np.nanargmin(history.history["val_loss"]))
    assert stopper.best_epoch == best
    out = capsys.readouterr().out
    assert f"Epoch {stopper.stopped_epoch + 1}: early stopping" in out
    assert f"Restoring model weights from the end of the best epoch: {best + 1}." in out


def test_warns_when_the_monitored_value_is_missing():
    with pytest.warns(UserWarning, match="`val_loss` which is not available"):
        x = np.ones((4, 3), dtype="float32")
        small_regressor().fit(x, x[:, :1], epochs=1, verbose=0, callbacks=[EarlyStopping()])
