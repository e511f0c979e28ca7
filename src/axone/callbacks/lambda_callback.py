"""`LambdaCallback`: a callback made of plain functions."""

from __future__ import annotations

from axone.callbacks.callback import Callback


class LambdaCallback(Callback):
    """A callback whose hooks are the functions given.

    Args:
        on_epoch_begin, on_epoch_end: called as `f(epoch, logs)`.
        on_train_begin, on_train_end: called as `f(logs)`.
        on_train_batch_begin, on_train_batch_end: called as `f(batch, logs)`.
        **kwargs: any other hook by name (`on_test_end=...`, `on_batch_end=...`).

    Example:
        >>> LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        hooks = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end,
                 "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end, **kwargs}
        for name, function in hooks.items():
            if not (name.startswith("on_") and callable(getattr(Callback, name, None))):
                raise TypeError(f"LambdaCallback got an unknown hook: {name}.")
            if function is not None:
                if not callable(function):
                    raise TypeError(f"LambdaCallback's {name} must be callable. Received: {function!r}")
                setattr(self, name, function)
