"""Against Keras itself, where Keras already has its files cached (`make compare`); never downloads."""

from pathlib import Path

import numpy as np
import pytest

from axone.datasets import california_housing


def keras_cached(name):
    path = Path.home() / ".keras" / "datasets" / name
    if not path.is_file():
        pytest.skip(f"Keras has no cached {path}")
    return path


def test_california_housing_load_data_matches_keras():
    pytest.importorskip("keras")
    from keras.datasets import california_housing as theirs
    path = keras_cached("california_housing.npz")
    for version in ("large", "small"):
        expected = theirs.load_data(version=version, path=str(path))
        ours = california_housing.load_data(version=version)
        for e, o in zip(expected, ours):
            for a, b in zip(e, o):
                assert a.shape == b.shape and np.array_equal(a.astype(np.float32), b)
