"""Callbacks: hooks into `fit`, `evaluate` and `predict`."""

from axone.callbacks.callback import Callback, CallbackList
from axone.callbacks.history import History
from axone.callbacks.progbar_logger import ProgbarLogger

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
