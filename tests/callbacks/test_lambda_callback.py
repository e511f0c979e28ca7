"""`LambdaCallback`: hooks made of plain functions, any hook by keyword."""

import numpy as np
import pytest

import axone as keras


def test_lambda_callback_calls_its_functions():
    x = np.ones((6, 2), dtype="float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    seen = []
    callback = keras.callbacks.LambdaCallback(
        on_train_begin=lambda logs: seen.append("begin"),
        on_epoch_end=lambda epoch, logs: seen.append(("epoch", epoch, sorted(logs))),
        on_batch_end=lambda batch, logs: seen.append(("batch", batch)),
        on_train_end=lambda logs: seen.append("end"))
    model.fit(x, x[:, :1], batch_size=3, epochs=2, verbose=0, callbacks=[callback])
    assert seen == ["begin", ("batch", 0), ("batch", 1), ("epoch", 0, ["loss"]),
                    ("batch", 0), ("batch", 1), ("epoch", 1, ["loss"]), "end"]


def test_lambda_callback_rejects_unknown_hooks():
    with pytest.raises(TypeError, match="unknown hook: on_epoch_finish"):
        keras.callbacks.LambdaCallback(on_epoch_finish=print)
    with pytest.raises(TypeError, match="on_epoch_end must be callable"):
        keras.callbacks.LambdaCallback(on_epoch_end=3)
