"""`TensorBoard`: event files read back with tensorboard's own reader (EventAccumulator)."""

import glob
import json
import os

import numpy as np
import pytest

import axone as keras

from .conftest import small_regressor

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
tensor_util = pytest.importorskip("tensorboard.util.tensor_util")


def read(folder):
    """`{tag: [(step, value), ...]}` of every tensor summary in `folder`, and the accumulator."""
    accumulator = event_accumulator.EventAccumulator(str(folder), size_guidance={"tensors": 0})
    accumulator.Reload()
    values = {}
    for tag in accumulator.Tags()["tensors"]:
        values[tag] = [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in accumulator.Tensors(tag)]
    return values, accumulator


def scalars(values, tag):
    return [(step, float(value)) for step, value in values[tag]]


def test_epoch_scalars_for_training_and_validation(tmp_path, regression_data):
    x, y = regression_data
    model = small_regressor(metrics=["mae"])
    history = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0,
                        callbacks=[keras.callbacks.TensorBoard(tmp_path, write_graph=False)])
    train, _ = read(tmp_path / "train")
    validation, _ = read(tmp_path / "validation")
    assert set(train) == {"epoch_loss", "epoch_mae", "epoch_learning_rate"}
    assert scalars(train, "epoch_loss") == [(i, pytest.approx(v, rel=1e-6))
                                            for i, v in enumerate(history.history["loss"])]
    assert scalars(train, "epoch_learning_rate") == [(i, pytest.approx(0.01)) for i in range(3)]
    assert scalars(validation, "epoch_mae") == [(i, pytest.approx(v, rel=1e-6))
                                                for i, v in enumerate(history.history["val_mae"])]
    # After each validation run, at the optimizer's iteration count (Keras's tag).
    assert [s for s, _ in scalars(validation, "evaluation_loss_vs_iterations")] == [1, 2, 3]


@pytest.mark.parametrize("update_freq, steps", [("batch", [1, 2, 3, 4, 5, 6]), (4, [4])])
def test_batch_scalars_with_update_freq(tmp_path, regression_data, update_freq, steps):
    x, y = regression_data
    batch_losses = []
    small_regressor().fit(x, y, batch_size=16, epochs=2, verbose=0, callbacks=[  # 3 batches per epoch
        keras.callbacks.TensorBoard(tmp_path, update_freq=update_freq, write_graph=False),
        keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: batch_losses.append(logs["loss"]))])
    train, _ = read(tmp_path / "train")
    assert scalars(train, "batch_loss") == [(s, pytest.approx(batch_losses[s - 1], rel=1e-6)) for s in steps]


def test_weight_histograms(tmp_path, regression_data):
    x, y = regression_data
    model = small_regressor()
    model.fit(x, y, epochs=3, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(tmp_path, histogram_freq=2, write_graph=False)])
    train, _ = read(tmp_path / "train")
    kernel = model.layers[0].kernel
    tag = f"{kernel.path}/histogram"
    assert {t for t in train if t.endswith("/histogram")} == {
        f"{w.path}/histogram" for layer in model.layers for w in layer.weights}
    assert [step for step, _ in train[tag]] == [0, 2]
    buckets = train[tag][-1][1]  # (left edge, right edge, count) per bucket
    assert buckets[:, 2].sum() == kernel.size
    assert buckets[0, 0] == pytest.approx(kernel.numpy().min()) and buckets[-1, 1] == pytest.approx(kernel.numpy().max())


def test_the_graph_as_text_and_as_the_keras_conceptual_graph(tmp_path, regression_data):
    x, y = regression_data
    model = small_regressor()
    model.fit(x, y, epochs=1, verbose=0, callbacks=[keras.callbacks.TensorBoard(tmp_path)])
    train, accumulator = read(tmp_path / "train")
    summary = train["model_summary"][0][1].item().decode()
    assert "Trainable params: 21" in summary and "Dense" in summary
    config = json.loads(train["keras"][0][1].item().decode())
    assert config["class_name"] == "Sequential"
    assert accumulator.SummaryMetadata("keras").plugin_data.plugin_name == "graph_keras_model"


def test_profile_batch_is_accepted_and_ignored_with_a_notice(tmp_path):
    with pytest.warns(UserWarning, match="profile_batch=2 is ignored"):
        keras.callbacks.TensorBoard(tmp_path, profile_batch=2)


def test_unsupported_options_are_refused(tmp_path):
    with pytest.raises(ValueError, match="`write_images` is not supported.*Received: write_images=True"):
        keras.callbacks.TensorBoard(tmp_path, write_images=True)
    with pytest.raises(ValueError, match="Received: update_freq='often'"):
        keras.callbacks.TensorBoard(tmp_path, update_freq="often")


def test_a_clear_error_names_the_extra_when_tensorboard_is_missing(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_tensorboard(name, *args, **kwargs):
        if name.startswith("tensorboard"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tensorboard)
    with pytest.raises(ImportError, match=r'pip install "axone\[tensorboard\]"'):
        keras.callbacks.TensorBoard("logs")


def test_evaluate_alone_writes_and_closes_its_file(tmp_path, regression_data):
    x, y = regression_data
    model = small_regressor()
    loss = model.evaluate(x, y, verbose=0, callbacks=[keras.callbacks.TensorBoard(tmp_path)])
    validation, _ = read(tmp_path / "validation")
    assert scalars(validation, "evaluation_loss_vs_iterations") == [(0, pytest.approx(loss, rel=1e-6))]
    assert len(glob.glob(os.path.join(tmp_path, "validation", "events.out.tfevents.*"))) == 1
