"""`Progbar` writes the bytes Keras 3's progress bar writes, for the same clock."""

import io
import sys

import pytest

from axone.utils import progbar
from axone.utils.progbar import Progbar, format_eta, format_time_per_unit

B, G, W, R = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"  # bold, green, white, reset


class Clock:
    """Stands in for `time`: each reading is `step` seconds after the previous one."""

    def __init__(self, step):
        self.now, self.step = 100.0, step

    def time(self):
        self.now += self.step
        return self.now


@pytest.fixture
def clock(monkeypatch):
    def install(step):
        monkeypatch.setattr(progbar, "time", Clock(step))
    monkeypatch.setattr(progbar, "_dynamic_display", lambda: True)
    return install


def test_live_bar_redraws_in_place(clock, capsys):
    clock(0.25)
    bar = Progbar(3)
    bar.update(1, [("loss", 0.9)])
    bar.update(2, [("loss", 0.5)])
    bar.update(3, [("loss", 0.1)])
    # Each redraw backs over the previous line's 53 visible characters, then
    # returns to the line start; values are averaged over the steps so far,
    # and the last update shows the value it is given.
    assert capsys.readouterr().out == (
        "\r" + B + "1/3" + R + " " + G + "━" * 6 + R + W + "━" * 14 + R
        + " " + B + "0s" + R + " 250ms/step - loss: 0.9000"
        + "\b" * 53 + "\r" + B + "2/3" + R + " " + G + "━" * 13 + R + W + "━" * 7 + R
        + " " + B + "0s" + R + " 250ms/step - loss: 0.7000"
        + "\b" * 53 + "\r" + B + "3/3" + R + " " + G + "━" * 20 + R + W + R
        + " " + B + "1s" + R + " 250ms/step - loss: 0.1000\n"
    )


def test_redraws_wait_for_the_interval_and_stateful_values_are_shown_as_given(clock, capsys):
    clock(0.01)
    bar = Progbar(10, stateful_metrics=["acc"])
    for step in range(1, 11):
        bar.update(step, [("acc", step / 10), ("loss", 1.0 / step)])
    assert capsys.readouterr().out == (
        "\r" + B + " 1/10" + R + " " + G + "━" * 2 + R + W + "━" * 18 + R
        + " " + B + "0s" + R + " 10ms/step - acc: 0.1000 - loss: 1.0000"
        + "\b" * 68 + "\r" + B + " 6/10" + R + " " + G + "━" * 12 + R + W + "━" * 8 + R
        + " " + B + "0s" + R + " 10ms/step - acc: 0.6000 - loss: 0.4083"
        + "\b" * 68 + "\r" + B + "10/10" + R + " " + G + "━" * 20 + R + W + R
        + " " + B + "0s" + R + " 10ms/step - acc: 1.0000 - loss: 0.1000\n"
    )


def test_shorter_line_blanks_the_rest_of_the_previous_one(clock, capsys):
    clock(1.0)
    bar = Progbar(2)
    bar.update(1, [("loss", 123.25)])
    bar.update(2, [("loss", 1.0)])
    # The final line is two characters shorter: two spaces cover the old ones.
    assert capsys.readouterr().out == (
        "\r" + B + "1/2" + R + " " + G + "━" * 10 + R + W + "━" * 10 + R
        + " " + B + "1s" + R + " 1s/step - loss: 123.2500"
        + "\b" * 52 + "\r" + B + "2/2" + R + " " + G + "━" * 20 + R + W + R
        + " " + B + "2s" + R + " 1s/step - loss: 1.0000  \n"
    )


def test_one_line_form(clock, capsys):
    clock(0.25)
    bar = Progbar(3, verbose=2)
    bar.update(1, [("loss", -0.5)])
    bar.update(3, [("loss", -0.5), ("acc", 0.75)])
    # Keras's one-line form shows negative values in exponent form.
    assert capsys.readouterr().out == "3/3 - 0s - 125ms/step - loss: -5.0000e-01 - acc: 0.7500\n"


def test_silent_and_unknown_target(clock, capsys):
    clock(0.5)
    Progbar(3, verbose=0).update(3, [("loss", 1.0)])
    assert capsys.readouterr().out == ""
    bar = Progbar(None)
    bar.update(1)
    bar.add(1)
    # Without a target: the count, the seconds elapsed (0.5 rounds to 0), no bar, no newline.
    assert capsys.readouterr().out == (
        "\r      1/Unknown " + B + "0s" + R + " 500ms/step"
        + "\b" * 29 + "\r      2/Unknown " + B + "1s" + R + " 500ms/step")


def test_without_dynamic_display_each_update_starts_a_new_line(monkeypatch, capsys):
    monkeypatch.setattr(progbar, "time", Clock(1.0))
    monkeypatch.setattr(progbar, "_dynamic_display", lambda: False)
    bar = Progbar(2)
    bar.update(1)
    bar.update(2)
    out = capsys.readouterr().out
    assert "\r" not in out and "\b" not in out
    assert out.count("\n") == 3 and out.startswith("\n" + B + "1/2")


def test_console_that_cannot_encode_the_bar_gets_equals_signs(monkeypatch):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr(sys, "stdout", stream)
    Progbar(2).update(2)
    stream.flush()
    assert "=" * 20 in raw.getvalue().decode("ascii")


def test_only_one_of_stateful_and_stateless_metrics():
    with pytest.raises(ValueError, match="Only one of"):
        Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])


@pytest.mark.parametrize("seconds, text", [
    (0, "0s/step"), (1.5, "2s/step"), (0.0023, "2ms/step"), (0.9994, "999ms/step"), (4e-5, "40us/step"),
])
def test_time_per_step_format(seconds, text):
    assert format_time_per_unit(seconds) == text


@pytest.mark.parametrize("seconds, text", [(42.7, "42s"), (75, "1:15"), (3725, "1:02:05")])
def test_eta_format(seconds, text):
    assert format_eta(seconds) == text
