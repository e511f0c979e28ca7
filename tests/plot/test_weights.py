"""`axone.plot.weights`: one histogram axes per layer with weights."""

import numpy as np
import pytest

import axone
from axone.plot import weights


def test_one_axes_per_layer_counting_every_weight(tmp_path):
    model = axone.Sequential([axone.layers.Input((4,)), axone.layers.Dense(8, activation="relu"),
                              axone.layers.Dropout(0.5), axone.layers.Dense(2)])
    figure = weights(model, bins=10, to_file=tmp_path / "weights.png")
    assert [ax.get_title() for ax in figure.axes] == [model.layers[0].name, model.layers[2].name]
    first = figure.axes[0]
    counts = [sum(patch.get_height() for patch in container) for container in first.containers]
    assert counts == [4 * 8, 8]  # kernel and bias
    assert [t.get_text() for t in first.get_legend().get_texts()] == ["kernel (32)", "bias (8)"]
    kernel = model.layers[0].get_weights()[0]
    edges = [patch.get_x() for patch in first.containers[0]]
    assert edges[0] == pytest.approx(kernel.min(), rel=1e-6)
    assert (tmp_path / "weights.png").read_bytes()[:4] == b"\x89PNG"


def test_a_model_without_weights():
    model = axone.Sequential([axone.layers.Input((4,)), axone.layers.Flatten()])
    with pytest.raises(ValueError, match="has no weights to draw"):
        weights(model)
