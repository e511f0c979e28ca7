"""Long runs do not grow memory: 1,000 predict calls and 100 fit calls on one model."""

import gc
import tracemalloc

import numpy as np

import axone


def _model():
    axone.utils.set_random_seed(0)
    model = axone.Sequential([axone.layers.Dense(16, activation="relu", input_shape=(8,)),
                              axone.layers.BatchNormalization(), axone.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def _growth(call, repeats: int, warmup: int = 5) -> int:
    """Bytes still allocated after `repeats` calls, beyond what the warm-up calls left."""
    for _ in range(warmup):
        call()
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(repeats):
            call()
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()


def test_a_thousand_predict_calls_do_not_grow_memory():
    model = _model()
    x = np.random.default_rng(0).normal(size=(64, 8)).astype("float32")
    # One call's output is 256 bytes; a leak of one output per call would be 256 kB.
    assert _growth(lambda: model.predict(x, verbose=0), 1000) < 64 * 1024


def test_a_hundred_fit_calls_do_not_grow_memory():
    model = _model()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 8)).astype("float32")
    y = rng.normal(size=(64, 1)).astype("float32")
    # One fit call copies the data (2 kB) and keeps a History; keeping either per call would show.
    assert _growth(lambda: model.fit(x, y, batch_size=16, epochs=1, verbose=0), 100) < 64 * 1024
