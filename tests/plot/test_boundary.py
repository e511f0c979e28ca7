"""`axone.plot.decision_boundary`: the class regions of a 2-D classifier."""

import numpy as np
import pytest

import axone
from axone.plot import decision_boundary
from axone.plot.boundary import predicted_classes


def xor_model():
    """An XOR network with hand-set weights: class 1 where exactly one coordinate is positive."""
    model = axone.Sequential([axone.layers.Input((2,)), axone.layers.Dense(2, activation="relu"),
                              axone.layers.Dense(1, activation="sigmoid")])
    model.layers[0].set_weights([np.array([[1.0, -1.0], [-1.0, 1.0]], "float32"), np.zeros(2, "float32")])
    model.layers[1].set_weights([np.array([[10.0], [10.0]], "float32"), np.array([-5.0], "float32")])
    return model


def test_regions_follow_the_model_and_points_are_drawn(tmp_path):
    X = np.array([[-1, -1], [1, 1], [-1, 1], [1, -1]], "float32")
    y = np.array([0, 0, 1, 1])
    figure = decision_boundary(xor_model(), X, y, resolution=50, to_file=tmp_path / "xor.png")
    (ax,) = figure.axes
    contour = [c for c in ax.collections if hasattr(c, "levels")]
    assert len(contour) == 1
    points = [c for c in ax.collections if c not in contour]
    np.testing.assert_array_equal(points[0].get_offsets(), X)
    np.testing.assert_array_equal(points[0].get_array(), y)
    assert (tmp_path / "xor.png").read_bytes()[:4] == b"\x89PNG"
    # The regions: class 1 exactly where x1 and x2 differ by more than 0.5.
    grid = np.array([[-1, 1], [1, -1], [1, 1], [-1, -1], [0, 0]], "float32")
    assert predicted_classes(xor_model(), grid).tolist() == [1, 1, 0, 0, 0]


def test_softmax_outputs_and_a_classifier_predicting_labels():
    softmax = axone.Sequential([axone.layers.Input((2,)), axone.layers.Dense(3, activation="softmax")])
    softmax.layers[0].set_weights([np.array([[1, 0, -1], [0, 0, 0]], "float32"), np.zeros(3, "float32")])
    assert predicted_classes(softmax, np.array([[5, 0], [-5, 0]], "float32")).tolist() == [0, 2]

    class Labels:
        def predict(self, points):
            return (points[:, 0] > 0).astype(int)

    figure = decision_boundary(Labels(), np.array([[-1, 0], [1, 0]]), resolution=10)
    assert len(figure.axes) == 1


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match=r"Received: X.shape=\(4, 3\)"):
        decision_boundary(xor_model(), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="3 labels for 4 points"):
        decision_boundary(xor_model(), np.zeros((4, 2)), [0, 1, 0])
