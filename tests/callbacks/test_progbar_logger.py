"""What `fit`, `evaluate` and `predict` print: Keras 3's lines, time fields aside."""

import re

import numpy as np
import pytest

import axone as keras
from axone.callbacks import ProgbarLogger

BAR_DONE = r"\x1b\[32m━{20}\x1b\[0m\x1b\[37m\x1b\[0m"  # a full bar: 20 green, 0 white
SECONDS = r"\x1b\[1m\d+s\x1b\[0m"  # bold seconds elapsed
PER_STEP = r"\d+(?:s|ms|us)/step"
VALUE = r"\d+\.\d{4}"


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((100, 8)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32")


@pytest.fixture
def model():
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(5, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return model


def visible(text: str) -> str:
    return re.sub(r"\x1b\[\d+m", "", text)


def check_redraws(chunk: str) -> str:
    """Check a live bar's redraws each back over the whole previous line; return the last one."""
    assert chunk.startswith("\r")
    draws = chunk.split("\r")[1:]
    for previous in draws[:-1]:
        line = previous.rstrip("\b")
        assert len(previous) - len(line) == len(visible(line))
    return draws[-1]


def test_fit_verbose_1_prints_epoch_lines_and_one_bar_per_epoch(model, data, capsys):
    model.fit(*data, epochs=2, validation_split=0.2)
    lines = capsys.readouterr().out.split("\n")
    # The validation pass prints nothing of its own: its values end each epoch's line.
    assert len(lines) == 5 and lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and lines[4] == ""
    for chunk in (lines[1], lines[3]):
        assert re.fullmatch(
            rf"\x1b\[1m3/3\x1b\[0m {BAR_DONE} {SECONDS} {PER_STEP} - accuracy: {VALUE} - loss: {VALUE}"
            rf" - val_accuracy: {VALUE} - val_loss: {VALUE} *", check_redraws(chunk))


def test_fit_single_epoch_has_no_epoch_line(model, data, capsys):
    model.fit(*data, epochs=1, batch_size=25)
    out = capsys.readouterr().out
    assert out.endswith("\n") and out.count("\n") == 1
    assert re.fullmatch(rf"\x1b\[1m4/4\x1b\[0m {BAR_DONE} {SECONDS} {PER_STEP}"
                        rf" - accuracy: {VALUE} - loss: {VALUE} *\n", check_redraws(out))


def test_fit_verbose_2_prints_one_line_per_epoch(model, data, capsys):
    model.fit(*data, epochs=2, verbose=2, validation_data=data)
    lines = capsys.readouterr().out.split("\n")
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and lines[4] == "" and len(lines) == 5
    for line in (lines[1], lines[3]):
        assert re.fullmatch(rf"4/4 - \d+s - {PER_STEP} - accuracy: {VALUE} - loss: {VALUE}"
                            rf" - val_accuracy: {VALUE} - val_loss: {VALUE}", line)


def test_verbose_0_prints_nothing(model, data, capsys):
    model.fit(*data, epochs=2, verbose=0, validation_split=0.2)
    model.evaluate(*data, verbose=0)
    model.predict(data[0], verbose=0)
    assert capsys.readouterr().out == ""


def test_evaluate_prints_a_bar_with_metrics(model, data, capsys):
    result = model.evaluate(*data)
    out = capsys.readouterr().out
    assert re.fullmatch(rf"\x1b\[1m4/4\x1b\[0m {BAR_DONE} {SECONDS} {PER_STEP}"
                        rf" - accuracy: {VALUE} - loss: {VALUE} *\n", check_redraws(out))
    shown = dict(re.findall(r"(\w+): (\d\.\d{4})", out.split("\r")[-1]))
    assert shown == {"accuracy": f"{result[1]:.4f}", "loss": f"{result[0]:.4f}"}


def test_predict_prints_a_bar_without_metrics(model, data, capsys):
    model.predict(data[0], verbose=1)
    out = capsys.readouterr().out
    assert re.fullmatch(rf"\x1b\[1m4/4\x1b\[0m {BAR_DONE} {SECONDS} {PER_STEP} *\n", check_redraws(out))


def test_evaluate_verbose_2_prints_one_line(model, data, capsys):
    model.evaluate(*data, verbose=2)
    assert re.fullmatch(rf"4/4 - \d+s - {PER_STEP} - accuracy: {VALUE} - loss: {VALUE}\n",
                        capsys.readouterr().out)


def test_own_logger_follows_the_verbose_argument(model, data, capsys):
    model.fit(*data, epochs=2, verbose=0, callbacks=[ProgbarLogger()])
    assert capsys.readouterr().out == ""
    model.fit(*data, epochs=2, verbose=2, callbacks=[ProgbarLogger()])
    assert capsys.readouterr().out.count("\n") == 4
