"""`axone.utils.plot_model`: layers as boxes and connections as arrows, with matplotlib alone."""

import numpy as np
import pytest

import axone as keras

matplotlib = pytest.importorskip("matplotlib")


def wide_and_deep():
    input_ = keras.layers.Input(shape=(8,))
    hidden1 = keras.layers.Dense(30, activation="relu", name="hidden1")(input_)
    hidden2 = keras.layers.Dense(30, activation="relu", name="hidden2")(hidden1)
    concat = keras.layers.Concatenate(name="concat")([input_, hidden2])
    output = keras.layers.Dense(1, name="output")(concat)
    return keras.Model(inputs=[input_], outputs=[output])


def gids(figure, prefix):
    return {p.get_gid() for p in figure.axes[0].patches if (p.get_gid() or "").startswith(prefix)}


def texts(figure):
    return [t.get_text() for t in figure.axes[0].texts]


def centre(figure, name):
    (patch,) = [p for p in figure.axes[0].patches if p.get_gid() == f"layer:{name}"]
    return patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height() / 2


def test_boxes_and_arrows_follow_the_graph(tmp_path):
    model = wide_and_deep()
    input_name = model.layers[0].name
    figure = keras.utils.plot_model(model, to_file=tmp_path / "model.png", show_shapes=True,
                                    show_layer_names=True, show_layer_activations=True, dpi=60)
    assert gids(figure, "layer:") == {f"layer:{n}" for n in (input_name, "hidden1", "hidden2",
                                                               "concat", "output")}
    assert gids(figure, "edge:") == {f"edge:{input_name}->hidden1", "edge:hidden1->hidden2",
                                     "edge:hidden2->concat", f"edge:{input_name}->concat",
                                     "edge:concat->output"}
    assert "hidden1 (Dense)\nActivation: relu\nInput shape: (None, 8)\nOutput shape: (None, 30)" in texts(figure)
    assert "concat (Concatenate)\nInput shape: [(None, 8), (None, 30)]\nOutput shape: (None, 38)" in texts(figure)
    # Top to bottom: each rank lower than the one before.
    heights = [centre(figure, n)[1] for n in (input_name, "hidden1", "hidden2", "concat", "output")]
    assert heights == sorted(heights, reverse=True)
    # The skip connection runs beside hidden1 and hidden2, not through them.
    (skip,) = [p for p in figure.axes[0].patches if p.get_gid() == f"edge:{input_name}->concat"]
    lane_x = skip.get_path().vertices[:, 0].max()
    (box,) = [p for p in figure.axes[0].patches if p.get_gid() == "layer:hidden1"]
    assert lane_x > box.get_x() + box.get_width()
    assert (tmp_path / "model.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_keras_defaults_and_a_sequential_model(tmp_path):
    model = keras.Sequential([keras.layers.Input((28, 28)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    figure = keras.utils.plot_model(model, to_file=tmp_path / "seq.png", dpi=50)
    assert texts(figure) == ["InputLayer", "Flatten", "Dense"]  # no names, shapes: Keras 3's defaults
    assert len(gids(figure, "edge:")) == 2
    figure = keras.utils.plot_model(model, to_file=tmp_path / "seq2.png", show_dtype=True,
                                    show_trainable=True, dpi=50)
    assert "Dense\nOutput dtype: float32\nTrainable: True" in texts(figure)


@pytest.mark.parametrize("rankdir, axis, sign", [("LR", 0, 1), ("RL", 0, -1), ("BT", 1, 1), ("TB", 1, -1)])
def test_rankdir(tmp_path, rankdir, axis, sign):
    model = wide_and_deep()
    figure = keras.utils.plot_model(model, to_file=tmp_path / "m.png", rankdir=rankdir, dpi=40)
    positions = [centre(figure, n)[axis] for n in ("hidden1", "hidden2", "concat", "output")]
    assert np.all(sign * np.diff(positions) > 0)


def test_svg_and_pdf_by_extension(tmp_path):
    model = wide_and_deep()
    keras.utils.plot_model(model, to_file=tmp_path / "model.svg")
    svg = (tmp_path / "model.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert 'id="layer:hidden2"' in svg and 'id="edge:hidden2-&gt;concat"' in svg
    keras.utils.plot_model(model, to_file=tmp_path / "model.pdf")
    assert (tmp_path / "model.pdf").read_bytes()[:5] == b"%PDF-"


def test_mistakes_are_named(tmp_path):
    model = wide_and_deep()
    with pytest.raises(ValueError, match=r"Received: rankdir='down'"):
        keras.utils.plot_model(model, to_file=tmp_path / "m.png", rankdir="down")
    with pytest.raises(ValueError, match=r"image format from to_file=.*model\.docx"):
        keras.utils.plot_model(model, to_file=tmp_path / "model.docx")
    with pytest.raises(ValueError, match="before it is built"):
        keras.utils.plot_model(keras.Sequential([keras.layers.Dense(2)]), to_file=tmp_path / "m.png")
    assert not list(tmp_path.iterdir())
