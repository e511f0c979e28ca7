"""`ReduceLROnPlateau`: factor, patience, cooldown, min_lr and min_delta as in Keras 3."""

import numpy as np
import pytest

import axone as keras
from axone.callbacks import ReduceLROnPlateau

from .conftest import Scripted, small_regressor


def rates(values, **kwargs):
    x = np.ones((4, 3), dtype="float32")
    model = small_regressor(optimizer=keras.optimizers.SGD(learning_rate=1.0))
    history = model.fit(x, x[:, :1], epochs=len(values), verbose=0,
                        callbacks=[Scripted(values), ReduceLROnPlateau(monitor="score", mode="min", **kwargs)])
    # learning_rate is logged before the reduction of the same epoch
    return history.history["learning_rate"], float(model.optimizer.learning_rate)


def test_reduces_after_patience_epochs_without_improvement():
    logged, final = rates([5, 4, 4, 4, 4, 4], factor=0.5, patience=2)
    assert logged == pytest.approx([1, 1, 1, 1, 0.5, 0.5])  # reduced at the ends of epochs 3 and 5
    assert final == pytest.approx(0.25)


def test_cooldown_and_min_lr():
    logged, final = rates([5, 5, 5, 5, 5, 5, 5], factor=0.1, patience=1, cooldown=2, min_lr=0.005)
    # reduced at the end of epoch 1; the cooldown counts down at epochs 2 and 3, where the
    # count restarts; reduced at 3 (to 0.01) and at 5 (0.001, raised to min_lr)
    assert logged == pytest.approx([1, 1, 0.1, 0.1, 0.01, 0.01, 0.005])
    assert final == pytest.approx(0.005)


def test_min_delta():
    logged, _ = rates([5, 4.99995, 4.9999, 4.9998], factor=0.5, patience=2, min_delta=1e-3)
    assert logged == pytest.approx([1, 1, 1, 0.5])


def test_factor_must_be_below_one():
    with pytest.raises(ValueError, match="factor >= 1.0. Received factor=2"):
        ReduceLROnPlateau(factor=2)


def test_rejects_unknown_arguments():
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        ReduceLROnPlateau(patiense=3)


def test_on_a_real_training(regression_data):
    x, y = regression_data
    model = small_regressor(optimizer=keras.optimizers.SGD(learning_rate=0.05))
    callback = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0)
    model.fit(x, y, epochs=3, verbose=0, callbacks=[callback])
    # with min_delta=10 no epoch after the first counts as an improvement
    assert model.optimizer.learning_rate == pytest.approx(0.05 * 0.25)
