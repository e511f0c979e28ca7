"""`LearningRateScheduler`: the rate of each epoch from schedule(epoch, lr), logged."""

import numpy as np
import pytest

import axone as keras
from axone.callbacks import LearningRateScheduler

from .conftest import small_regressor


def test_sets_the_rate_before_each_epoch_and_logs_it(regression_data, capsys):
    x, y = regression_data
    model = small_regressor(optimizer=keras.optimizers.SGD(learning_rate=0.01))
    seen = []
    history = model.fit(x, y, epochs=4, verbose=0, callbacks=[
        LearningRateScheduler(lambda epoch, lr: lr if epoch < 2 else lr * 0.5, verbose=1),
        keras.callbacks.LambdaCallback(
            on_epoch_begin=lambda e, logs: seen.append(float(model.optimizer.learning_rate)))])
    assert seen == pytest.approx([0.01, 0.01, 0.005, 0.0025])
    assert history.history["learning_rate"] == pytest.approx(seen)
    assert "Epoch 3: LearningRateScheduler setting learning rate to 0.005." in capsys.readouterr().out


def test_keras2_schedule_of_the_epoch_alone(regression_data):
    x, y = regression_data
    model = small_regressor()
    model.fit(x, y, epochs=3, verbose=0, callbacks=[LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))])
    assert model.optimizer.learning_rate == pytest.approx(0.1 / 3)


def test_the_schedule_must_return_a_float(regression_data):
    x, y = regression_data
    with pytest.raises(ValueError, match="should be a float. Got: 'fast'"):
        small_regressor().fit(x, y, epochs=1, verbose=0,
                              callbacks=[LearningRateScheduler(lambda epoch, lr: "fast")])


def test_numpy_results_are_accepted(regression_data):
    x, y = regression_data
    model = small_regressor()
    model.fit(x, y, epochs=2, verbose=0,
              callbacks=[LearningRateScheduler(lambda epoch, lr: lr * np.exp(-0.1))])
    assert model.optimizer.learning_rate == pytest.approx(0.01 * np.exp(-0.2), rel=1e-6)
