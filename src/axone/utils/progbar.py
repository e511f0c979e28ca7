"""`Progbar`: the Keras 3 progress bar.

verbose=1 redraws one line in place:
    ``1719/1719 ━━━━━━━━━━━━━━━━━━━━ 3s 2ms/step - accuracy: 0.8 - loss: 0.6``
(the step count in bold, the done part of the bar in green, the time is the
ETA while running and the elapsed seconds once finished); verbose=2 prints
only the final line of each epoch:
    ``1719/1719 - 3s - 2ms/step - accuracy: 0.8 - loss: 0.6``
"""

from __future__ import annotations

import math
import sys
import time

BOLD, GREEN, WHITE, RESET = "\x1b[1m", "\x1b[32m", "\x1b[37m", "\x1b[0m"


def format_time_per_unit(seconds: float, unit: str = "step") -> str:
    """`2.3e-3` -> `"2ms/step"`; `4e-5` -> `"40us/step"`; `1.5` -> `"2s/step"`."""
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def format_eta(seconds: float) -> str:
    if seconds > 3600:
        return "%d:%02d:%02d" % (seconds // 3600, (seconds % 3600) // 60, seconds % 60)
    if seconds > 60:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def format_value(value: float) -> str:
    return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"


class Progbar:
    """A progress bar over `target` steps.

    Args:
        target: number of steps, or None if unknown.
        width: bar width in characters. Defaults to 20.
        verbose: 1 (live bar), 2 (one line when finished) or 0 (silent).
        interval: minimum seconds between two redraws. Defaults to 0.05.
        unit_name: `"step"` by default.
        stream: where to write. Defaults to `sys.stdout` at each write.
    """

    def __init__(self, target: int | None, width: int = 20, verbose: int = 1,
                 interval: float = 0.05, unit_name: str = "step", stream=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stream = stream
        self._values: dict[str, float] = {}
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None
        self._prev_width = 0
        self._seen = 0

    def _write(self, text: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(text)
        stream.flush()

    def _time_per_step(self, current: int, now: float) -> float:
        # The first step includes one-off costs; once past it, time the rest only.
        if current == 0:
            return 0.0
        if self._time_after_first_step is None or current <= 1:
            self._time_after_first_step = now if current == 1 else self._time_after_first_step
            return (now - self._start) / current
        steps = current - 1
        return (now - self._time_after_first_step) / steps if steps else (now - self._start)

    def update(self, current: int, values=None, finalize: bool | None = None) -> None:
        """Show progress at step `current`; `values` is a list of `(name, value)`."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or []:
            self._values[name] = float(value)
        now = time.time()
        per_step = self._time_per_step(current, now)
        self._seen = current
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._draw_live(current, now, per_step, finalize)
        elif self.verbose == 2 and finalize:
            self._draw_summary(current, now, per_step)
        self._last_update = now

    def _metrics_text(self) -> str:
        return "".join(f" - {k}: {format_value(v)}" for k, v in self._values.items())

    def _draw_live(self, current, now, per_step, finalize):
        if self.target:
            digits = int(math.log10(self.target)) + 1
            count = f"{current:{digits}d}/{self.target}"
            done = int(self.width * current / self.target)
            bar = f"{BOLD}{count}{RESET} "
            if done > 0:
                bar += f"{GREEN}{'━' * done}{RESET}"
            bar += f"{WHITE}{'━' * (self.width - done)}{RESET}"
            visible = len(count) + 1 + self.width
        else:
            bar = f"{current:7d}/Unknown"
            visible = len(bar)
        if self.target and not finalize:
            clock = format_eta(per_step * (self.target - current))
        else:
            clock = f"{now - self._start:.0f}s"
        info = f" {BOLD}{clock}{RESET} {format_time_per_unit(per_step, self.unit_name)}"
        info += self._metrics_text()
        visible += 1 + len(clock) + 1 + len(format_time_per_unit(per_step, self.unit_name)) + len(self._metrics_text())
        message = "\b" * self._prev_width + "\r" + bar + info
        if self._prev_width > visible:
            message += " " * (self._prev_width - visible)
        if finalize:
            message += "\n"
        self._prev_width = visible
        self._write(message)

    def _draw_summary(self, current, now, per_step):
        if not self.target:
            return
        digits = int(math.log10(self.target)) + 1
        line = f"{current:{digits}d}/{self.target} - {now - self._start:.0f}s - "
        line += format_time_per_unit(per_step, self.unit_name) + self._metrics_text() + "\n"
        self._write(line)

    def add(self, n: int, values=None) -> None:
        self.update(self._seen + n, values)
