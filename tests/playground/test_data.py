import numpy as np
import pytest

from axone.playground import data
from axone.playground.config import ConfigError, PlaygroundConfig


def test_csv_reads_two_features_and_a_target(xor_csv):
    X, y = data.read_csv(xor_csv)
    assert X.shape == (200, 2) and y.shape == (200,) and X.dtype == np.float32
    assert set(np.unique(y)) == {0.0, 1.0}


def test_csv_without_header_is_read_whole():
    X, y = data.read_csv("1,2,0\n3,4,1\n")
    np.testing.assert_array_equal(X, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(y, [0, 1])


@pytest.mark.parametrize("text, words", [
    ("a,b,c,d\n1,2,3,4\n", "needs exactly 3.*Received 3 feature column"),
    ("a,b\n1,2\n", "needs exactly 3"),
    ("a,b,c\n1,2,0\n3,nan,1\n", "NaN or infinite.*row 2, column 2"),
    ("a,b,c\n1,2,0\n3,x,1\n", "row 2 holds a value that is not a number"),
    ("a,b,c\n1,2,0\n3,4\n", "row 2 has 2 cells"),
    ("a,b,c\n", "no data rows"),
])
def test_bad_csv_is_refused_with_the_reason(text, words):
    with pytest.raises(ConfigError, match=words):
        data.read_csv(text)


def test_sigmoid_output_needs_binary_targets():
    config = PlaygroundConfig.from_dict({"dataset": "csv", "csv": "1,2,3\n"})
    with pytest.raises(ConfigError, match="targets 0 or 1"):
        data.check_targets(np.array([0.0, 3.0]), config)


def test_features_follow_their_formulas():
    X = np.array([[0.5, -2.0]], dtype="float32")
    names = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    np.testing.assert_allclose(data.features(X, names)[0],
                               [0.5, -2.0, 0.25, 4.0, -1.0, np.sin(0.5), np.sin(-2.0)], rtol=1e-6)


def test_split_is_seeded_and_complete():
    X = np.arange(20, dtype="float32").reshape(10, 2)
    y = np.arange(10, dtype="float32")
    a = data.split(X, y, 0.7, seed=3)
    b = data.split(X, y, 0.7, seed=3)
    for left, right in zip(a, b):
        np.testing.assert_array_equal(left, right)
    assert len(a[0]) == 7 and len(a[1]) == 3
    assert sorted(np.concatenate([a[2], a[3]]).tolist()) == list(range(10))


def test_grid_covers_the_region_top_row_first():
    points = data.grid((-1, 1, -2, 2), 3)
    assert points.shape == (9, 2)
    np.testing.assert_array_equal(points[0], [-1, 2])
    np.testing.assert_array_equal(points[-1], [1, -2])
