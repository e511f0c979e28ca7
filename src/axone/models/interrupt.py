"""Deferring Ctrl-C inside `fit` so that it stops between two steps, never inside one."""

from __future__ import annotations

import signal
import threading


class DeferredInterrupt:
    """Context manager: a first Ctrl-C only sets `requested`; a second one raises at once.

    The training loop checks `requested` after each finished step, so the
    weights, optimizer state and History are never left half-updated. Outside
    the main thread (where signal handlers cannot be installed) it does
    nothing and Ctrl-C raises as usual.
    """

    def __init__(self):
        self.requested = False
        self._previous = None
        self._installed = False

    def _handler(self, signum, frame):
        if self.requested:  # pressed twice: the user wants out now
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> "DeferredInterrupt":
        if threading.current_thread() is threading.main_thread():
            try:
                self._previous = signal.signal(signal.SIGINT, self._handler)
                self._installed = True
            except (ValueError, OSError):  # e.g. embedded interpreters
                self._installed = False
        return self

    def __exit__(self, *exc) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False
