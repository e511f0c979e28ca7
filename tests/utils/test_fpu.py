"""Flush-to-zero during training: set for axone's loops, the caller's flags back afterwards."""

import os
import signal

import numpy as np
import pytest

import axone
from axone import layers
from axone.optimizers import fused
from axone.utils import fpu

TINY = np.finfo(np.float32).tiny
needs_ftz = pytest.mark.skipif(not fpu.hardware_flush(),
                               reason="no flush-to-zero route on this platform")


def subnormal_result() -> bool:
    """What the user's own NumPy code sees: does half the smallest normal float32 stay non-zero?"""
    return bool(np.any(np.full(4, TINY, dtype=np.float32) * np.float32(0.5)))


def model(optimizer="adam", seed=0):
    axone.utils.set_random_seed(seed)
    net = axone.Sequential([layers.Input(shape=(6,)), layers.Dense(4, activation="relu"),
                            layers.Dense(3, activation="softmax")])
    net.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    return net


def data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, 6)).astype("float32"), rng.integers(0, 3, n)


class Probe(axone.callbacks.Callback):
    """Records whether the loop's arithmetic flushed subnormals."""

    def on_train_batch_end(self, batch, logs=None):
        self.flushed = not subnormal_result()


def test_outside_axone_subnormals_are_kept():
    assert subnormal_result()


@needs_ftz
def test_flush_denormals_sets_then_restores():
    with fpu.flush_denormals() as active:
        assert active and fpu.flushing() and not subnormal_result()
        with fpu.flush_denormals():  # nested: still on, and still on after the inner one
            assert not subnormal_result()
        assert not subnormal_result()
    assert subnormal_result() and not fpu.flushing()


@needs_ftz
def test_fit_flushes_during_training_and_restores_afterwards():
    net, probe = model(), Probe()
    net.fit(*data(), epochs=1, batch_size=8, verbose=0, callbacks=[probe])
    assert probe.flushed
    assert subnormal_result()
    for call in (lambda: net.evaluate(*data(), verbose=0), lambda: net.predict(data()[0], verbose=0),
                 lambda: net.train_on_batch(*data()), lambda: net.test_on_batch(*data()),
                 lambda: net.predict_on_batch(data()[0])):
        call()
        assert subnormal_result()


@needs_ftz
def test_a_caller_that_flushes_already_keeps_its_flags():
    with fpu.flush_denormals():
        model().fit(*data(), epochs=1, verbose=0)
        assert not subnormal_result()
    assert subnormal_result()


@needs_ftz
def test_flags_restored_when_fit_raises():
    class Fails(axone.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        model().fit(*data(), epochs=1, verbose=0, callbacks=[Fails()])
    assert subnormal_result()
    with pytest.raises(ValueError):
        model().fit(data()[0], np.zeros(5), verbose=0)  # wrong number of targets
    assert subnormal_result()


@needs_ftz
def test_flags_restored_when_fit_is_interrupted():
    class PressCtrlC(Probe):
        def on_train_batch_begin(self, batch, logs=None):
            if batch == 1:
                os.kill(os.getpid(), signal.SIGINT)

    probe = PressCtrlC()
    with pytest.raises(KeyboardInterrupt):
        model().fit(*data(), epochs=3, batch_size=8, verbose=0, callbacks=[probe])
    assert probe.flushed
    assert subnormal_result()


def test_without_a_route_nothing_changes(monkeypatch):
    monkeypatch.setattr(fpu, "_route", lambda: None)
    assert not fpu.hardware_flush()
    with fpu.flush_denormals() as active:
        assert not active and not fpu.flushing() and subnormal_result()
    probe = Probe()
    model().fit(*data(), epochs=1, verbose=0, callbacks=[probe])
    assert not probe.flushed and subnormal_result()


def test_the_environment_variable_turns_the_route_off(monkeypatch):
    monkeypatch.setenv("AXONE_FLUSH_DENORMALS", "0")
    assert fpu._load_libm() is None


# ------------------------------------------------- optimizer state on real-like data
def rare_pixel_data(n=1024, features=16, seed=0):
    """Like MNIST's border pixels: features 0-7 are non-zero in one early sample each, then
    always 0, so their weights' gradients vanish and Adam's first moments decay through the
    subnormal range by the end of one epoch (batch 1, no shuffling)."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, features)).astype("float32")
    x[:, :8] = 0
    for j in range(8):
        x[20 * j, j] = 1.0
    return x, (x[:, 8:].sum(axis=1) > 0).astype("float32")


def train_rare(optimizer):
    axone.utils.set_random_seed(0)
    net = axone.Sequential([layers.Input(shape=(16,)), layers.Dense(4, activation="relu"),
                            layers.Dense(1, activation="sigmoid")])
    net.compile(optimizer=optimizer, loss="binary_crossentropy")
    net.fit(*rare_pixel_data(), batch_size=1, epochs=1, shuffle=False, verbose=0)
    return net


def subnormal_count(optimizer) -> int:
    return sum(int(np.count_nonzero((slot != 0) & (np.abs(slot) < TINY)))
               for slot in optimizer.slots.values())


def use_update(monkeypatch, update):
    """Take the optimizers' NumPy update or their fused kernels (axone.optimizers.fused)."""
    if update == "fused" and not fused.available():
        pytest.skip("the fused kernels need numba (pip install 'axone[fast]')")
    monkeypatch.setenv("AXONE_FUSED", "0" if update == "numpy" else "1")
    monkeypatch.setattr(fused, "MIN_SIZE", 0)  # these models are small


@pytest.mark.parametrize("update", ["numpy", "fused"])
def test_the_data_produces_subnormal_moments_when_nothing_flushes(monkeypatch, update):
    use_update(monkeypatch, update)
    monkeypatch.setattr(fpu, "_route", lambda: None)
    optimizer = axone.optimizers.Adam(0.01)
    optimizer.flush_every = 0
    train_rare(optimizer)
    assert subnormal_count(optimizer) > 0


OPTIMIZERS = {name: getattr(axone.optimizers, name) for name in
              ["Adam", "AdamW", "Nadam", "RMSprop", "Adamax"]}  # their moments decay fast enough here
# SGD's pre-scaled momentum step updates the velocity inside BLAS's gemm
OPTIMIZERS["SGD-momentum"] = lambda lr: axone.optimizers.SGD(lr, momentum=0.9)


@pytest.mark.parametrize("name", OPTIMIZERS)
@pytest.mark.parametrize("route", ["hardware", "software"])
@pytest.mark.parametrize("update", ["numpy", "fused"])
def test_moments_hold_no_subnormal_values_after_training(monkeypatch, name, route, update):
    use_update(monkeypatch, update)
    if route == "hardware" and not fpu.hardware_flush():
        pytest.skip("no flush-to-zero route on this platform")
    if route == "software":  # the optimizer's own flush, every flush_every steps (1024 is a multiple)
        monkeypatch.setattr(fpu, "_route", lambda: None)
    optimizer = OPTIMIZERS[name](0.01)
    train_rare(optimizer)
    assert subnormal_count(optimizer) == 0


@needs_ftz
def test_flushing_changes_no_result_beyond_float32_noise(monkeypatch):
    flushed = train_rare(axone.optimizers.Adam(0.01)).get_weights()
    monkeypatch.setattr(fpu, "_route", lambda: None)
    optimizer = axone.optimizers.Adam(0.01)
    optimizer.flush_every = 0
    kept = train_rare(optimizer).get_weights()
    for a, b in zip(flushed, kept):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
