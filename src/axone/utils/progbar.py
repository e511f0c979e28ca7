"""`Progbar`: the progress bar Keras 3 prints in `fit`, `evaluate` and `predict`.

verbose=1 redraws one line in place (`\\b`s over the previous line, then
`\\r`), with the step count in bold and the done part of the bar in green:

    1719/1719 ━━━━━━━━━━━━━━━━━━━━ 3s 2ms/step - accuracy: 0.8123 - loss: 0.5437

While running, the bold time is the estimated time left; once finished,
the seconds elapsed. verbose=2 prints one line when finished:

    1719/1719 - 3s - 2ms/step - accuracy: 0.8123 - loss: 0.5437

Everything is written to `sys.stdout` as it is at the time of writing (so
notebooks and pytest's `capsys` see it).
"""

from __future__ import annotations

import math
import os
import sys
import time

import numpy as np

BOLD, GREEN, WHITE, RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def print_msg(message: str, line_break: bool = True) -> None:
    """Write `message` to `sys.stdout` and flush.

    A console that cannot encode the bar's `━` gets `=` instead, and loses
    any other character it cannot show, rather than raising mid-training.
    """
    message = f"{message}\n" if line_break else str(message)
    try:
        sys.stdout.write(message)
    except UnicodeEncodeError:
        encoding = sys.stdout.encoding or "utf-8"
        message = message.replace("━", "=").encode(encoding, errors="ignore").decode(encoding)
        sys.stdout.write(message)
    sys.stdout.flush()


def format_time_per_unit(seconds: float, unit_name: str = "step") -> str:
    """`2.3e-3` -> `"2ms/step"`; `4e-5` -> `"40us/step"`; `1.5` -> `"2s/step"`; `0` -> `"0s/step"`."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1000.0:.0f}ms/{unit_name}"
    return f"{seconds * 1000000.0:.0f}us/{unit_name}"


def format_eta(seconds: float) -> str:
    """`42.7` -> `"42s"`; `75` -> `"1:15"`; `3725` -> `"1:02:05"` (rounded down)."""
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def _dynamic_display() -> bool:
    # Keras's rule: redraw in place on a terminal, in a notebook, on any POSIX
    # system and in PyCharm; otherwise (Windows pipes) start a new line each time.
    return ((hasattr(sys.stdout, "isatty") and sys.stdout.isatty()) or "ipykernel" in sys.modules
            or "posix" in sys.modules or "PYCHARM_HOSTED" in os.environ)


class Progbar:
    """A progress bar over `target` steps.

    Values passed to `update` are averaged over the steps (weighted by the
    steps each covers) before display, except "stateful" ones, shown as
    given. Name the stateful ones in `stateful_metrics`, or instead name the
    averaged ones in `stateless_metrics` (every other one is then stateful:
    `fit` passes running averages, so its logger gives `stateless_metrics=set()`).

    Args:
        target: number of steps, or None if unknown.
        width: bar width in characters. Defaults to 20.
        verbose: 1 (live bar), 2 (one line when finished) or 0 (silent).
        interval: minimum seconds between two redraws. Defaults to 0.05.
        stateful_metrics: names of values shown as given.
        stateless_metrics: names of values averaged; only one of the two.
        unit_name: `"step"` by default.
    """

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1, interval: float = 0.05,
                 stateful_metrics=None, stateless_metrics=None, unit_name: str = "step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Only one of stateful_metrics and stateless_metrics can be given. Received: "
                f"stateful_metrics={stateful_metrics!r}, stateless_metrics={stateless_metrics!r}"
            )
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or ()) if stateless_metrics is None else None
        self.stateless_metrics = set(stateless_metrics) if stateless_metrics is not None else None
        self._dynamic_display = _dynamic_display()
        self._seen_so_far = 0
        self._values: dict[str, list] = {}  # name -> [weighted sum, weight], in first-seen order
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None
        self._prev_total_width = 0

    def _averaged(self, name: str) -> bool:
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def update(self, current: int, values=None, finalize: bool | None = None) -> None:
        """Show progress at step `current`.

        Args:
            current: index of the current step (1 after the first step).
            values: list of `(name, value)` for the last step.
            finalize: whether this is the last update. Defaults to
                `current >= target`.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or []:
            if self._averaged(name) and not finalize:
                weight = max(current - self._seen_so_far, 1)
                if name in self._values:
                    self._values[name][0] += value * weight
                    self._values[name][1] += weight
                else:
                    self._values[name] = [value * weight, weight]
            else:
                self._values[name] = [value, 1]
        self._seen_so_far = current

        now = time.time()
        time_per_unit = self._estimate_step_duration(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._draw_bar(current, now, time_per_unit, finalize)
        elif self.verbose == 2 and finalize and self.target:
            line = "%*d/%d - %.0fs - " % (self._digits(), current, self.target, now - self._start)
            line += format_time_per_unit(time_per_unit, self.unit_name)
            # Keras's one-line form tests `avg > 1e-3` without abs(): negative
            # values are shown in exponent form there.
            print_msg(line + self._values_text(signed=True))
        self._last_update = now

    def add(self, n: int, values=None) -> None:
        """Advance by `n` steps."""
        self.update(self._seen_so_far + n, values)

    def _digits(self) -> int:
        return int(math.log10(self.target)) + 1

    def _values_text(self, signed: bool = False) -> str:
        """`" - loss: 0.5437 - mae: 2.1000e-04"`: 4 decimals, or exponent form when small."""
        text = ""
        for name, (total, weight) in self._values.items():
            if not isinstance(total, float):
                total = np.mean(total)
            average = total / max(1, weight)
            size = average if signed else abs(average)
            text += f" - {name}: " + (f"{average:.4f}" if size > 1e-3 else f"{average:.4e}")
        return text

    def _draw_bar(self, current, now, time_per_unit, finalize) -> None:
        if self.target:
            count = "%*d/%d" % (self._digits(), current, self.target)
            done = int(self.width * (float(current) / self.target))
            bar = f"{BOLD}{count}{RESET} "
            if done > 0:
                bar += f"{GREEN}{'━' * done}{RESET}"
            bar += f"{WHITE}{'━' * (self.width - done)}{RESET}"
        else:
            bar = "%7d/Unknown" % current
        if self.target and not finalize:
            clock = format_eta(time_per_unit * (self.target - current))
        else:
            clock = "%.0fs" % (now - self._start)
        info = f" {BOLD}{clock}{RESET} " + format_time_per_unit(time_per_unit, self.unit_name)
        info += self._values_text()
        # The width the line takes on screen, to blank out the rest of a longer previous line.
        visible = len(bar) + len(info) - _escape_length(bar + info)
        message = "\b" * self._prev_total_width + "\r" if self._dynamic_display else "\n"
        message += bar + info
        if self._prev_total_width > visible:
            message += " " * (self._prev_total_width - visible)
        if finalize:
            message += "\n"
        print_msg(message, line_break=False)
        self._prev_total_width = visible

    def _estimate_step_duration(self, current: int, now: float) -> float:
        """Seconds per step; past the first step, the first one (with its one-off costs) is left out."""
        if not current:
            return 0
        if self._time_after_first_step is not None and current > 1:
            time_per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            time_per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return time_per_unit


def _escape_length(text: str) -> int:
    """Characters of the colour codes this module writes (they take no room on screen)."""
    return sum(text.count(code) * len(code) for code in (BOLD, GREEN, WHITE, RESET))
