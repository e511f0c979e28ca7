"""The fused (numba) updates give the NumPy updates' weights and state, bit for bit."""

import sys
import warnings

import numpy as np
import pytest

import axone as keras
from axone.optimizers import fused

numba = pytest.importorskip("numba", reason="the fused kernels need numba (pip install 'axone[fast]')")

DEFAULT_MIN_SIZE = fused.MIN_SIZE
#: parameters enough for a kernel at the default threshold
LARGE = np.zeros(DEFAULT_MIN_SIZE, dtype=np.float32)


@pytest.fixture(autouse=True)
def kernels_for_small_models(monkeypatch):
    """The models here are small: let them take the kernels."""
    monkeypatch.setattr(fused, "MIN_SIZE", 0)

#: every optimizer configuration with a fused kernel
FUSED = {
    "adam": lambda: keras.optimizers.Adam(0.01),
    "adamw": lambda: keras.optimizers.AdamW(0.01, weight_decay=0.05),
    "rmsprop": lambda: keras.optimizers.RMSprop(0.01),
    "rmsprop_momentum": lambda: keras.optimizers.RMSprop(0.01, momentum=0.9),
    "adagrad": lambda: keras.optimizers.Adagrad(0.05),
    "nadam": lambda: keras.optimizers.Nadam(0.01),
    "adam_clipnorm": lambda: keras.optimizers.Adam(0.01, clipnorm=0.5),
}
#: configurations that keep the NumPy path, which must still be right
NUMPY_ONLY = {
    "adam_amsgrad": lambda: keras.optimizers.Adam(0.01, amsgrad=True),
    "rmsprop_centered": lambda: keras.optimizers.RMSprop(0.01, centered=True),
}


def _data(dtype="float32"):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((96, 6)).astype(dtype)
    x[:, 0] = 0  # a dead input: its weights' gradients vanish, their moments decay
    y = (x[:, 1] + x[:, 2] > 0).astype("int64") + (x[:, 3] > 1)
    return x, y


def _sequential(frozen: bool):
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(3, activation="softmax")])
    if frozen:
        model.layers[1].trainable = False
    return model


def _shared():
    inputs = keras.Input((6,))
    shared = keras.layers.Dense(6, activation="tanh")
    hidden = shared(shared(inputs))  # one layer, called twice
    outputs = keras.layers.Dense(3, activation="softmax")(keras.layers.Concatenate()([inputs, hidden]))
    return keras.Model(inputs, outputs)


MODELS = {"sequential": lambda: _sequential(False), "frozen": lambda: _sequential(True), "shared": _shared}


def _train(make_optimizer, make_model, fused_on: bool, monkeypatch, dtype="float32"):
    monkeypatch.setenv("AXONE_FUSED", "1" if fused_on else "0")
    keras.utils.set_random_seed(3)
    if dtype != "float32":
        keras.backend.set_floatx(dtype)
    try:
        model = make_model()
        model.compile(optimizer=make_optimizer(), loss="sparse_categorical_crossentropy")
        x, y = _data(dtype)
        model.fit(x, y, batch_size=16, epochs=4, verbose=0)
    finally:
        keras.backend.set_floatx("float32")
    return model


def _assert_same(a, b):
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    for va, vb in zip(a.optimizer.variables, b.optimizer.variables, strict=True):
        np.testing.assert_array_equal(np.asarray(va), np.asarray(vb))


@pytest.fixture
def count_kernel_calls(monkeypatch):
    """{kernel name: calls} of the fused kernels during the test."""
    calls = {}
    original = fused.kernel

    def counting(name, value):
        compiled = original(name, value)
        if compiled is None:
            return None

        def run(*args):
            calls[name] = calls.get(name, 0) + 1
            return compiled(*args)
        return run

    monkeypatch.setattr(fused, "kernel", counting)
    return calls


@pytest.mark.parametrize("model_name", sorted(MODELS))
@pytest.mark.parametrize("name", sorted(FUSED))
def test_fused_training_equals_numpy_training_bit_for_bit(name, model_name, monkeypatch, count_kernel_calls):
    reference = _train(FUSED[name], MODELS[model_name], False, monkeypatch)
    assert count_kernel_calls == {}
    model = _train(FUSED[name], MODELS[model_name], True, monkeypatch)
    assert sum(count_kernel_calls.values()) >= 24  # 6 steps x 4 epochs, each through a kernel
    _assert_same(model, reference)
    if model_name == "frozen":  # the frozen layer kept its initial weights on both paths
        keras.utils.set_random_seed(3)
        untrained = MODELS[model_name]()
        for w, w0 in zip(model.layers[1].get_weights(), untrained.layers[1].get_weights()):
            np.testing.assert_array_equal(w, w0)


@pytest.mark.parametrize("name", ["adam", "rmsprop_momentum", "nadam"])
def test_fused_float64_training_equals_numpy(name, monkeypatch, count_kernel_calls):
    reference = _train(FUSED[name], MODELS["sequential"], False, monkeypatch, dtype="float64")
    model = _train(FUSED[name], MODELS["sequential"], True, monkeypatch, dtype="float64")
    assert count_kernel_calls
    assert model.get_weights()[0].dtype == np.float64
    _assert_same(model, reference)


@pytest.mark.parametrize("name", sorted(NUMPY_ONLY))
def test_variants_without_a_kernel_take_the_numpy_path(name, monkeypatch, count_kernel_calls):
    model = _train(NUMPY_ONLY[name], MODELS["sequential"], True, monkeypatch)
    assert count_kernel_calls == {}
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_small_models_keep_the_numpy_update(monkeypatch, count_kernel_calls):
    """Below MIN_SIZE parameters numba's start-up would cost more than the kernel saves."""
    monkeypatch.setattr(fused, "MIN_SIZE", DEFAULT_MIN_SIZE)
    assert 0 < _sequential(False).count_params() < fused.MIN_SIZE
    _train(FUSED["adam"], MODELS["sequential"], True, monkeypatch)
    assert count_kernel_calls == {}
    assert fused.kernel("adam", np.zeros(fused.MIN_SIZE - 1, np.float32)) is None
    assert fused.kernel("adam", LARGE) is not None


def test_the_kernel_step_is_the_formula():
    """One Adam step by hand, through the compiled kernel."""
    g = np.array([0.5, -2.0, 0.0], np.float32)
    m = np.array([0.1, 0.0, 0.2], np.float32)
    v = np.array([0.04, 0.0, 0.01], np.float32)
    w = np.array([1.0, 1.0, 1.0], np.float32)
    f = np.float32
    fused.kernel("adam", w)(g, m, v, w, f(0.9), f(0.1), f(0.999), f(0.001), f(1e-7), f(0.01))
    m_expected = 0.9 * np.array([0.1, 0.0, 0.2]) + 0.1 * np.array([0.5, -2.0, 0.0])
    v_expected = 0.999 * np.array([0.04, 0.0, 0.01]) + 0.001 * np.array([0.25, 4.0, 0.0])
    np.testing.assert_allclose(m, m_expected, rtol=1e-6)
    np.testing.assert_allclose(v, v_expected, rtol=1e-6)
    np.testing.assert_allclose(w, 1 - 0.01 * m_expected / (np.sqrt(v_expected) + 1e-7), rtol=1e-6)


def test_axone_fused_0_turns_the_kernels_off(monkeypatch):
    monkeypatch.setenv("AXONE_FUSED", "0")
    assert fused.kernel("adam", LARGE) is None and not fused.available()
    monkeypatch.delenv("AXONE_FUSED")
    assert fused.available()


def test_without_numba_the_numpy_path_is_used(monkeypatch):
    fused._compiled.cache_clear()
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba raises ImportError
    try:
        assert fused.kernel("adam", LARGE) is None
    finally:
        fused._compiled.cache_clear()


def test_a_numba_that_does_not_import_warns_and_falls_back(monkeypatch, tmp_path):
    broken = tmp_path / "numba"
    broken.mkdir()
    (broken / "__init__.py").write_text('raise ImportError("Numba needs NumPy 1.0 or less")\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "numba")
    fused._compiled.cache_clear()
    try:
        with pytest.warns(RuntimeWarning, match="numba is installed but does not import.*NumPy 1.0"):
            assert fused.kernel("adam", LARGE) is None
    finally:
        fused._compiled.cache_clear()


def test_a_kernel_that_does_not_compile_warns_and_falls_back(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no code generator")

    fused._compiled.cache_clear()
    monkeypatch.setattr(numba, "njit", broken)
    try:
        with pytest.warns(RuntimeWarning, match="fused adam kernel did not compile.*NumPy update"):
            assert fused.kernel("adam", LARGE) is None
    finally:
        fused._compiled.cache_clear()


def test_arrays_fit_only_contiguous_vectors_of_one_float_dtype():
    a = np.zeros(8, np.float32)
    assert fused.arrays_fit(a, a[2:6])
    assert not fused.arrays_fit(a, a[::2])
    assert not fused.arrays_fit(a, np.zeros(8, np.float64))
    assert not fused.arrays_fit(np.zeros((2, 4), np.float32))
    assert not fused.arrays_fit(np.zeros(8, np.float16))


def test_no_warning_when_the_kernels_compile():
    fused._compiled.cache_clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fused.kernel("nadam", LARGE) is not None
