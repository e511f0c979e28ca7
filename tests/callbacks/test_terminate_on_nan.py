"""`TerminateOnNaN`: training stops after the batch whose loss is not finite."""

import numpy as np
import pytest

import axone as keras
from axone.callbacks import TerminateOnNaN

pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")


def diverging():
    x = np.full((64, 2), 1e30, dtype="float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model, x


def test_stops_at_the_first_non_finite_loss(capsys):
    model, x = diverging()
    batches = []
    with pytest.warns(RuntimeWarning, match="The loss became"):
        history = model.fit(x, x[:, :1], batch_size=8, epochs=3, verbose=0, callbacks=[
            TerminateOnNaN(), keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, l: batches.append(b))])
    assert batches == [0] and history.epoch == [0]
    assert not np.isfinite(history.history["loss"][0])
    assert "Batch 0: Invalid loss, terminating training" in capsys.readouterr().out


def test_raise_error():
    model, x = diverging()
    with pytest.warns(RuntimeWarning), pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 0"):
        model.fit(x, x[:, :1], batch_size=8, epochs=3, verbose=0, callbacks=[TerminateOnNaN(raise_error=True)])
