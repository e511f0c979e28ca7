import threading

import numpy as np
import pytest

from axone.playground import session as session_module
from axone.playground.codegen import python_code
from axone.playground.config import PlaygroundConfig
from axone.playground.session import PlaygroundSession, SessionClosed


def run_shown_code(config: PlaygroundConfig, epochs: int, folder, monkeypatch) -> dict:
    """Run the script the page shows, in `folder` (where it finds data.csv)."""
    if config.csv is not None:
        (folder / "data.csv").write_text(config.csv)
    monkeypatch.chdir(folder)
    namespace: dict = {}
    exec(compile(python_code(config, epochs=epochs), "<playground code>", "exec"), namespace)
    return namespace


def csv_config(xor_csv, **settings) -> PlaygroundConfig:
    return PlaygroundConfig.from_dict({"dataset": "csv", "csv": xor_csv, "hidden_layers": [4],
                                       "activation": "tanh", "optimizer": "adam", **settings})


@pytest.mark.parametrize("settings", [
    {},
    {"optimizer": "momentum", "regularization": "l2", "regularization_rate": 0.01,
     "features": ["x1", "x2", "x1*x2"], "batch_size": 7},
])
def test_training_equals_the_script_shown_beside_it(xor_csv, tmp_path, monkeypatch, settings):
    config = csv_config(xor_csv, **settings)
    session = PlaygroundSession(config)
    try:
        session.step(2)
        session.play()  # pauses anywhere in between change nothing
        session.wait_for_epoch(5)
        session.pause()
        target = session.epoch + 1
        session.step(1)
        assert session.epoch == target
        state = session.snapshot()
    finally:
        session.close()
    script = run_shown_code(config, state["epoch"], tmp_path, monkeypatch)
    assert state["loss"] == script["history"].history["loss"]
    assert state["val_loss"] == script["history"].history["val_loss"]
    for streamed, kernel in zip(state["weights"], script["model"].get_weights()[::2]):
        np.testing.assert_allclose(streamed, kernel, atol=1e-4)
    from axone.playground.data import features
    expected = script["model"].predict(features(session._grid, config.features), verbose=0).ravel()
    np.testing.assert_allclose(state["output"], expected, atol=1e-4)


def test_same_seed_same_run_even_with_another_session_between(xor_csv):
    config = csv_config(xor_csv)
    first = PlaygroundSession(config)
    other = PlaygroundSession(csv_config(xor_csv, seed=5))
    second = PlaygroundSession(config)
    try:
        for session in (first, other, second):
            session.step(3)
        assert first.history == second.history
        assert first.history != other.history
    finally:
        for session in (first, other, second):
            session.close()


def test_snapshot_describes_every_neuron(xor_csv):
    session = PlaygroundSession(csv_config(xor_csv, hidden_layers=[3, 2], features=["x1", "x2", "x1^2"]))
    try:
        state = session.snapshot()
    finally:
        session.close()
    assert session.layer_sizes() == [3, 3, 2, 1]
    assert [len(layer) for layer in state["neurons"]] == [3, 3, 2, 1]
    res = session_module.NEURON_RESOLUTION
    assert all(len(m) == res * res for layer in state["neurons"] for m in layer)
    assert [np.shape(w) for w in state["weights"]] == [(3, 3), (3, 2), (2, 1)]
    assert len(state["output"]) == session_module.OUTPUT_RESOLUTION ** 2
    assert state["epoch"] == 0 and state["loss"] == [] and not state["playing"]
    assert "keras.layers.Dense(3, activation='tanh')" in state["code"]


def test_close_stops_the_worker_and_refuses_more(xor_csv):
    session = PlaygroundSession(csv_config(xor_csv))
    session.play()
    session.wait_for_epoch(2)
    session.close()
    assert not session._thread.is_alive()
    assert not session.playing
    with pytest.raises(SessionClosed):
        session.play()


def test_a_failing_fit_is_reported_not_lost(xor_csv, monkeypatch):
    session = PlaygroundSession(csv_config(xor_csv))

    def broken(*args, **kwargs):
        raise ValueError("bad data")

    monkeypatch.setattr(session.model, "fit", broken)
    with pytest.raises(RuntimeError, match="ValueError: bad data"):
        session.step(1)
    assert session.snapshot()["message"] == "ValueError: bad data"
    session.close()
    assert session_module._GLOBAL_RNG.acquire(timeout=1)  # the random-state lock was given back
    session_module._GLOBAL_RNG.release()


def test_no_thread_is_left_behind(xor_csv):
    before = threading.active_count()
    for _ in range(3):
        session = PlaygroundSession(csv_config(xor_csv))
        session.step(1)
        session.close()
    assert threading.active_count() == before


def test_perceptron_mode_keeps_failing_on_xor_and_says_why(xor_csv):
    session = PlaygroundSession(PlaygroundConfig.from_dict(
        {"dataset": "csv", "csv": xor_csv, "hidden_layers": [], "activation": "heaviside"}))
    try:
        session.step(session_module.PERCEPTRON_PATIENCE)
        state = session.snapshot()
    finally:
        session.close()
    assert min(state["loss"]) > 0.2  # the error rate on XOR stays far from zero
    assert "not linearly separable" in state["message"]
    assert session.layer_sizes() == [2, 1] and np.shape(state["weights"][0]) == (2, 1)
    assert "keras.Perceptron" in state["code"]


def test_perceptron_mode_converges_on_separable_points():
    rows = [(x1, x2, int(x1 + x2 > 0)) for x1 in np.linspace(-1, 1, 9) for x2 in np.linspace(-1, 1, 9)
            if abs(x1 + x2) > 0.2]
    text = "\n".join(f"{a},{b},{c}" for a, b, c in rows)
    session = PlaygroundSession(PlaygroundConfig.from_dict(
        {"dataset": "csv", "csv": text, "hidden_layers": [], "activation": "heaviside", "train_ratio": 0.9}))
    try:
        session.step(30)
    finally:
        session.close()
    assert session.history["loss"][-1] == 0.0
    assert session.message() == session_module.CONVERGED


def test_perceptron_script_matches_the_session(xor_csv, tmp_path, monkeypatch):
    config = PlaygroundConfig.from_dict({"dataset": "csv", "csv": xor_csv, "hidden_layers": [],
                                         "activation": "heaviside"})
    session = PlaygroundSession(config)
    try:
        session.step(4)
        state = session.snapshot()
    finally:
        session.close()
    script = run_shown_code(config, 4, tmp_path, monkeypatch)
    np.testing.assert_allclose(np.ravel(state["weights"][0]), np.ravel(script["model"].coef_), atol=1e-4)


@pytest.mark.parametrize("settings", [
    {"dataset": "xor", "noise": 0.1},
    {"dataset": "spirals", "features": ["x1", "x2", "sin(x1)", "sin(x2)"], "hidden_layers": [8, 8]},
    {"dataset": "blobs", "noise": 0.2, "optimizer": "adam"},
    {"dataset": "regression", "output": "linear", "optimizer": "adam", "hidden_layers": [6]},
])
def test_built_in_sets_train_as_their_script(tmp_path, monkeypatch, settings):
    config = PlaygroundConfig.from_dict({"n_samples": 120, **settings})
    session = PlaygroundSession(config)
    try:
        session.step(3)
        state = session.snapshot()
    finally:
        session.close()
    script = run_shown_code(config, 3, tmp_path, monkeypatch)
    assert state["loss"] == script["history"].history["loss"]
    assert len(session.X_train) + len(session.X_test) == 120
    assert session.setup()["task"] == config.task
