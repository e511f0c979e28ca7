import threading

import numpy as np
import pytest

from axone import backend


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
