"""`axone.constraints`: Keras 3's projections, names and configs."""

import numpy as np
import pytest

from axone import backend, constraints

W = np.array([[3.0, 0.1, -1.0], [4.0, 0.2, 0.0]])  # column norms 5, ~0.224, 1


def test_max_norm_bounds_each_column():
    out = constraints.max_norm(2.0)(W)
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), [2.0, np.linalg.norm(W[:, 1]), 1.0], rtol=1e-6)
    np.testing.assert_allclose(out[:, 0], W[:, 0] * 2 / (5 + backend.epsilon()))
    rows = constraints.MaxNorm(max_value=1.0, axis=1)(W)
    assert np.linalg.norm(rows, axis=1).max() <= 1.0 + 1e-6


def test_min_max_norm_with_rate():
    out = constraints.MinMaxNorm(min_value=0.5, max_value=2.0)(W)
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), [2.0, 0.5, 1.0], rtol=1e-5)
    half = constraints.min_max_norm(0.5, 2.0, rate=0.5)(W)
    np.testing.assert_allclose(np.linalg.norm(half, axis=0)[0], 0.5 * 2 + 0.5 * 5, rtol=1e-6)


def test_non_neg_and_unit_norm():
    np.testing.assert_array_equal(constraints.non_neg()(W), np.maximum(W, 0))
    np.testing.assert_allclose(np.linalg.norm(constraints.UnitNorm()(W), axis=0), 1.0, rtol=1e-5)


def test_names_and_configs():
    assert isinstance(constraints.get("max_norm"), constraints.MaxNorm)
    assert isinstance(constraints.get("NonNeg"), constraints.NonNeg)
    original = constraints.MinMaxNorm(0.1, 3.0, rate=0.5, axis=1)
    again = constraints.get(constraints.serialize(original))
    assert type(again) is constraints.MinMaxNorm and again.get_config() == original.get_config()
    with pytest.raises(ValueError, match="Unknown constraint: 'maxnorm2'"):
        constraints.get("maxnorm2")
