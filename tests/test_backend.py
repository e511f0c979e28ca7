import threading

import numpy as np
import pytest

import axone
from axone import backend, layers


def test_clear_session_restarts_automatic_names():
    [layers.Dense(2) for _ in range(3)]
    axone.Sequential([axone.Input(shape=(3,)), layers.Dense(1)])
    backend.clear_session()
    assert layers.Dense(2).name == "dense"
    assert layers.Dense(2).name == "dense_1"
    assert axone.Sequential().name == "sequential"
    inputs = axone.Input(shape=(3,))
    assert inputs.node.layer.name == "input_layer"
    assert axone.Model(inputs, layers.Dense(1)(inputs)).name == "functional"


def test_clear_session_keeps_existing_layers_and_settings():
    layer = layers.Dense(2, name="kept")
    backend.set_floatx("float64")
    axone.utils.clear_session(free_memory=False)  # Keras's alias
    assert layer.name == "kept"
    assert backend.floatx() == "float64"



def test_seed_scope_draws_what_a_global_seed_would_without_touching_it():
    np.random.seed(7)
    expected = [backend.random_generator().integers(1000) for _ in range(3)]
    np.random.seed(99)
    state = np.random.get_state()
    with backend.seed_scope(7):
        drawn = [backend.random_generator().integers(1000) for _ in range(3)]
    assert drawn == expected
    after = np.random.get_state()
    assert np.array_equal(after[1], state[1]) and after[2] == state[2]


def test_seed_scope_nests_and_stays_in_its_thread():
    with backend.seed_scope(1):
        outer = backend.random_generator().integers(1 << 30)
        with backend.seed_scope(1):
            assert backend.random_generator().integers(1 << 30) == outer
        seen = []
        np.random.seed(1)
        thread = threading.Thread(target=lambda: seen.append(backend.random_generator().integers(1 << 30)))
        thread.start()
        thread.join()
    assert seen == [outer]  # the other thread drew from the global state, seeded alike


def test_seed_scope_rejects_bad_seeds():
    for seed in (-1, 2**32, 1.5, True):
        with pytest.raises(ValueError, match="Received: seed="):
            with backend.seed_scope(seed):
                pass
