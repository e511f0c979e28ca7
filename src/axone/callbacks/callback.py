"""`Callback`: hooks called by `fit`, `evaluate` and `predict`, and `CallbackList`."""

from __future__ import annotations


class Callback:
    """Base class. Override the hooks you need; `self.model` is set by `fit`.

    Hooks receive `logs`, a dict of the current metric values. In the batch
    hooks of `fit`, `logs["loss"]` (and every metric) is the running mean
    over the epoch so far, as in Keras 3; `on_epoch_end` also gets the
    `val_*` values. Reset per-run state in `on_train_begin`, so that one
    instance can serve several `fit` calls.

    The order of the calls in `fit`: `on_train_begin`; per epoch
    `on_epoch_begin`, then per batch `on_train_batch_begin` /
    `on_train_batch_end`, then the validation run (`on_test_begin`,
    `on_test_batch_begin` / `on_test_batch_end`, `on_test_end`), then
    `on_epoch_end`; finally `on_train_end`. Setting
    `self.model.stop_training = True` in any hook ends training after the
    batch in progress (or at the end of the epoch, from a validation or
    epoch hook).

    Attributes:
        model: the model being trained, evaluated or used to predict.
        params: `{"verbose": ..., "epochs": ..., "steps": ...}` of the call.
    """

    def __init__(self):
        self.model = None
        self.params: dict = {}

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None):
        """Called once at the start of `fit`."""

    def on_train_end(self, logs=None):
        """Called once at the end of `fit` (also after an interruption); `logs` of the last epoch."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of each epoch (`epoch` counts from 0)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of each epoch, with its training and `val_*` values."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called before each training step (`batch` counts from 0 in each epoch)."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called after each training step, with the epoch's running means."""
        self.on_batch_end(batch, logs)

    def on_batch_begin(self, batch, logs=None):
        """Keras 2 name of `on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """Keras 2 name of `on_train_batch_end`."""

    def on_test_begin(self, logs=None):
        """Called at the start of `evaluate` and of each validation run in `fit`."""

    def on_test_end(self, logs=None):
        """Called at the end of `evaluate` and of each validation run."""

    def on_test_batch_begin(self, batch, logs=None):
        """Called before each evaluation batch."""

    def on_test_batch_end(self, batch, logs=None):
        """Called after each evaluation batch, with the running means."""

    def on_predict_begin(self, logs=None):
        """Called at the start of `predict`."""

    def on_predict_end(self, logs=None):
        """Called at the end of `predict`."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called before each prediction batch."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called after each prediction batch."""


_HOOKS = [name for name in vars(Callback) if name.startswith("on_")]
_INDEXED = {name for name in _HOOKS if "batch" in name or "epoch" in name}
_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _overrides(callback: Callback, hook: str) -> bool:
    """True if `callback` has its own `hook` (in its class or, like LambdaCallback, on itself)."""
    def own(name):
        return name in vars(callback) or getattr(type(callback), name) is not getattr(Callback, name)
    return own(hook) or (hook in _ALIASES and own(_ALIASES[hook]))


class CallbackList(Callback):
    """Calls each hook on every callback that overrides it, in order.

    Args:
        callbacks: list of `Callback`s.
        add_history: append a `History` if there is none. Defaults to False.
        add_progbar: append a `ProgbarLogger` if there is none. Defaults to False.
        model: the model given to every callback's `set_model`.
        **params: given to every callback's `set_params` (`verbose`, `epochs`, `steps`).

    Batch hooks are the hot path: the list of callbacks implementing each
    hook is computed once, so a hook nobody overrides costs one empty call.
    """

    def __init__(self, callbacks=None, add_history: bool = False, add_progbar: bool = False,
                 model=None, **params):
        super().__init__()
        self.callbacks = list(callbacks or [])
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    f"callbacks must be axone.callbacks.Callback instances. Received: {callback!r}"
                )
        from axone.callbacks.history import History
        from axone.callbacks.progbar_logger import ProgbarLogger
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            self.callbacks.append(History())
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        self.set_model(model)
        self.set_params(params)
        self._by_hook = {hook: [getattr(c, hook) for c in self.callbacks if _overrides(c, hook)]
                         for hook in _HOOKS}
        for hook, methods in self._by_hook.items():
            setattr(self, hook, _dispatcher(methods, indexed=hook in _INDEXED))

    def set_model(self, model) -> None:
        if model is None:
            return
        self.model = model
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params: dict) -> None:
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def wants(self, hook: str) -> bool:
        """True if any callback implements `hook` (lets the loop skip building logs)."""
        return bool(self._by_hook[hook])


def _dispatcher(methods: list, indexed: bool):
    """One function calling `methods` in order (a no-op when there are none).

    As Keras's CallbackList does, every hook gets its `logs` (None when the
    loop has none), so a hook written `lambda logs: ...` is always satisfied.
    """
    if not methods:
        return lambda *args, **kwargs: None
    if indexed:
        def call(index, logs=None):
            for method in methods:
                method(index, logs)
    else:
        def call(logs=None):
            for method in methods:
                method(logs)
    return call
