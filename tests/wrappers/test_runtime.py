"""The environment of one fit: its seed and, in a worker of a parallel search, its BLAS threads."""

import numpy as np
import pytest

pytest.importorskip("sklearn")
from threadpoolctl import threadpool_info  # noqa: E402

import axone  # noqa: E402
from axone.wrappers import runtime  # noqa: E402
from builders import small_regressor  # noqa: E402


def _blas_threads():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_a_worker_limits_its_blas_threads_during_fit_only(monkeypatch):
    before = _blas_threads()
    if not before:
        pytest.skip("no BLAS thread pool found by threadpoolctl")
    seen = []

    class Record(axone.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(_blas_threads())

    monkeypatch.setenv(runtime.THREADS_VARIABLE, "1")
    X = np.random.default_rng(0).normal(size=(40, 3))
    small_regressor(epochs=1, callbacks=[Record()]).fit(X, X[:, 0])
    assert seen and all(n == 1 for n in seen[0])
    assert _blas_threads() == before


def test_no_limit_outside_a_worker(monkeypatch):
    monkeypatch.delenv(runtime.THREADS_VARIABLE, raising=False)
    assert runtime.thread_share() is None
    monkeypatch.setenv(runtime.THREADS_VARIABLE, "3")
    assert runtime.thread_share() == 3


def test_seed_of_each_call():
    assert runtime.seed_of(None) is None
    assert runtime.seed_of(5) == 5
    assert runtime.seed_of(5, 1) == runtime.seed_of(5, 1) != runtime.seed_of(5, 2)
    assert runtime.seed_of(np.random.RandomState(0)) == np.random.RandomState(0).randint(0, 2**31 - 1)
    with pytest.raises(ValueError, match="Received: random_state=-1"):
        runtime.seed_of(-1)
