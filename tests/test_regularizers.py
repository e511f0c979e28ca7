"""`axone.regularizers`: Keras 3's formulas, their analytic gradients (finite differences in
float64), names and configs."""

import numpy as np
import pytest

from axone import regularizers
from axone.testing import numerical_gradient

W = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])


def test_l1_l2_formulas():
    assert regularizers.l1(0.1)(W) == pytest.approx(0.1 * 6.0)
    assert regularizers.L2(0.2)(W) == pytest.approx(0.2 * (0.25 + 1 + 4 + 2.25 + 0.0625 + 0.5625))
    assert regularizers.l1_l2(l1=0.1, l2=0.2)(W) == pytest.approx(0.6 + 0.2 * 8.125)
    assert regularizers.L1L2()(W) == 0.0  # Keras's defaults: l1=0, l2=0
    assert regularizers.L1().l1 == 0.01 and regularizers.L2().l2 == 0.01


def test_orthogonal_regularizer_formula():
    rows = W / np.linalg.norm(W, axis=1, keepdims=True)
    expected = 0.1 * 0.5 * 2 * abs(rows[0] @ rows[1]) / 1  # one pair of rows
    assert regularizers.OrthogonalRegularizer(0.1)(W) == pytest.approx(expected)
    columns = W / np.linalg.norm(W, axis=0, keepdims=True)
    products = np.abs(columns.T @ columns)
    expected = 0.1 * 0.5 * (products.sum() - np.trace(products)) / 3  # three pairs of columns
    assert regularizers.orthogonal_regularizer(0.1, mode="columns")(W) == pytest.approx(expected)
    assert regularizers.OrthogonalRegularizer()(np.eye(3)) == 0.0  # already orthogonal


@pytest.mark.parametrize("regularizer", [regularizers.L1(0.3), regularizers.L2(0.3),
                                         regularizers.L1L2(0.1, 0.2),
                                         regularizers.OrthogonalRegularizer(0.5),
                                         regularizers.OrthogonalRegularizer(0.5, mode="columns")],
                         ids=["l1", "l2", "l1_l2", "orthogonal-rows", "orthogonal-columns"])
def test_gradients_match_finite_differences(regularizer):
    w = np.random.default_rng(0).standard_normal((4, 3))
    numeric = numerical_gradient(lambda: regularizer(w), w)
    np.testing.assert_allclose(regularizer.gradient(w), numeric, rtol=1e-5, atol=1e-7)


def test_names_and_configs():
    assert isinstance(regularizers.get("orthogonal_regularizer"), regularizers.OrthogonalRegularizer)
    assert isinstance(regularizers.get("l1_l2"), regularizers.L1L2)
    original = regularizers.OrthogonalRegularizer(0.2, mode="columns")
    assert original.get_config() == {"factor": 0.2, "mode": "columns"}
    again = regularizers.get(regularizers.serialize(original))
    assert type(again) is regularizers.OrthogonalRegularizer and again.get_config() == original.get_config()


def test_bad_arguments():
    with pytest.raises(ValueError, match="Received: mode=diagonal"):
        regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match="rank 2. Received: inputs.shape=\\(3,\\)"):
        regularizers.OrthogonalRegularizer()(np.ones(3))
    with pytest.raises(ValueError, match="Received: l2=-1.0"):
        regularizers.L2(-1)
