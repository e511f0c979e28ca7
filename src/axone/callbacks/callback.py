"""`Callback`: hooks called by `fit`, `evaluate` and `predict`, and `CallbackList`."""

from __future__ import annotations


class Callback:
    """Base class. Override the hooks you need; `self.model` is set by `fit`.

    Hooks receive `logs`, a dict of the current metric values (`loss`,
    `accuracy`, `val_loss`, ...). Reset per-run state in `on_train_begin`,
    so that one instance can serve several `fit` calls.
    """

    def __init__(self):
        self.model = None
        self.params: dict = {}

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)

    def on_batch_begin(self, batch, logs=None):
        """Keras 2 name of `on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """Keras 2 name of `on_train_batch_end`."""
    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_test_batch_begin(self, batch, logs=None): ...
    def on_test_batch_end(self, batch, logs=None): ...
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...
    def on_predict_batch_begin(self, batch, logs=None): ...
    def on_predict_batch_end(self, batch, logs=None): ...


_HOOKS = [name for name in vars(Callback) if name.startswith("on_")]
_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


def _overrides(callback: Callback, hook: str) -> bool:
    def own(name):
        return getattr(type(callback), name) is not getattr(Callback, name)
    return own(hook) or (hook in _ALIASES and own(_ALIASES[hook]))


class CallbackList:
    """Calls each hook on every callback that overrides it, in order.

    Batch hooks are the hot path: the list of callbacks implementing each
    hook is computed once, so a hook nobody overrides costs one empty loop.
    """

    def __init__(self, callbacks=None, model=None, params=None):
        self.callbacks = list(callbacks or [])
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    f"callbacks must be axone.callbacks.Callback instances. Received: {callback!r}"
                )
            if model is not None:
                callback.set_model(model)
            if params is not None:
                callback.set_params(params)
        self._by_hook = {hook: [getattr(c, hook) for c in self.callbacks if _overrides(c, hook)]
                         for hook in _HOOKS}
        for hook, methods in self._by_hook.items():
            setattr(self, hook, _dispatcher(methods))

    def wants(self, hook: str) -> bool:
        """True if any callback implements `hook` (lets the loop skip building logs)."""
        return bool(self._by_hook[hook])


def _dispatcher(methods: list):
    """One function calling `methods` in order (a no-op when there are none)."""
    if not methods:
        return lambda *args, **kwargs: None

    def call(*args, **kwargs):
        for method in methods:
            method(*args, **kwargs)

    return call
