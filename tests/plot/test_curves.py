"""`axone.plot.learning_curves`: the course's figure N°10, from a History or a dict."""

import numpy as np
import pytest

import axone as keras
from axone.plot import learning_curves

RECORDS = {"accuracy": [0.5, 0.7, 0.8], "loss": [1.0, 0.6, 0.4],
           "val_accuracy": [0.6, 0.75, 0.78], "val_loss": [0.8, 0.5, 0.45]}


def lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_one_axes_per_metric_loss_first_training_shifted_half_an_epoch(tmp_path):
    figure = learning_curves(RECORDS, to_file=tmp_path / "curves.png")
    assert [ax.get_title() for ax in figure.axes] == ["loss", "accuracy"]
    loss = lines_by_label(figure.axes[0])
    np.testing.assert_allclose(loss["training"].get_xdata(), [0.5, 1.5, 2.5])
    np.testing.assert_allclose(loss["training"].get_ydata(), RECORDS["loss"])
    np.testing.assert_allclose(loss["validation"].get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(loss["validation"].get_ydata(), RECORDS["val_loss"])
    assert loss["validation"].get_linestyle() == "--"
    assert loss["training"].get_linestyle() == "-"
    assert figure.axes[0].get_xlabel() == "epoch"
    assert (tmp_path / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unshifted_and_overlaid_like_the_course(tmp_path):
    figure = learning_curves(RECORDS, shift_training=False, overlay=True, ylim=(0, 1))
    (ax,) = figure.axes
    lines = lines_by_label(ax)
    assert set(lines) == {"training loss", "validation loss", "training accuracy",
                          "validation accuracy"}
    np.testing.assert_allclose(lines["training accuracy"].get_xdata(), [1, 2, 3])
    assert lines["training loss"].get_color() == lines["validation loss"].get_color()
    assert lines["training loss"].get_color() != lines["training accuracy"].get_color()
    assert ax.get_ylim() == (0, 1)


def test_from_a_real_history_and_a_metric_subset():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype("float32")
    model = keras.Sequential([keras.layers.Input((3,)), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd", metrics=["mae"])
    history = model.fit(x, x.sum(axis=1), epochs=4, validation_split=0.25, verbose=0)
    figure = learning_curves(history, metrics="mae")
    assert [ax.get_title() for ax in figure.axes] == ["mae"]
    np.testing.assert_allclose(lines_by_label(figure.axes[0])["validation"].get_ydata(),
                               history.history["val_mae"])


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"No such metric in the history: \['auc'\]"):
        learning_curves(RECORDS, metrics=["auc"])
    with pytest.raises(ValueError, match="empty"):
        learning_curves({})
    with pytest.raises(TypeError, match="Received: list"):
        learning_curves([1, 2])


def test_history_to_dataframe_keeps_the_pandas_plot_working():
    pd = pytest.importorskip("pandas")
    history = keras.callbacks.History()
    history.history = {key: list(values) for key, values in RECORDS.items()}
    frame = history.to_dataframe()
    assert list(frame.columns) == list(RECORDS)
    assert frame.index.name == "epoch" and list(frame.index) == [0, 1, 2]
    pd.testing.assert_frame_equal(frame, pd.DataFrame(RECORDS).rename_axis("epoch"))
    ax = pd.DataFrame(history.history).plot(figsize=(8, 5))
    assert len(ax.get_lines()) == 4


def test_without_matplotlib_the_error_names_the_extra(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # import fails as if absent
    with pytest.raises(ImportError, match=r'pip install "axone\[plot\]"'):
        learning_curves(RECORDS)
