"""One browser tab's network: built from a configuration, trained in a thread, observed.

The training is the call the page's code shows, `model.fit(X_train, y_train,
epochs=..., validation_data=(X_test, y_test))`, run in a worker thread with a
callback that holds each epoch back until the page asks for it (play, or one
step). So after N epochs the weights and losses are those of that script run
with `epochs=N`, whatever the pauses in between.

NumPy's global random state seeds the weights and the shuffling (as in a
script after `keras.utils.set_random_seed`); sessions take turns with it
under `_GLOBAL_RNG`, so several tabs stay each reproducible.
"""

from __future__ import annotations

import math
import os
import tempfile
import threading
import time

import numpy as np

import axone as keras
from axone.playground import data
from axone.playground.codegen import python_code
from axone.playground.config import PlaygroundConfig
from axone.playground.network import build_model, build_perceptron

OUTPUT_RESOLUTION = 40  # the output heat map: 40 x 40 cells
NEURON_RESOLUTION = 12  # each neuron's small heat map
MAX_EPOCHS = 100_000  # the worker's fit runs until the session closes
PLAY_INTERVAL = 0.01  # seconds: while playing, at most 100 epochs a second

#: Held while a session sets NumPy's global random state and draws from it.
_GLOBAL_RNG = threading.Lock()

PERCEPTRON_PATIENCE = 20  # epochs with training errors left before the page explains why

NOT_SEPARABLE = (
    "The perceptron still misclassifies training points after {epochs} epochs of Rosenblatt's "
    "rule. A single threshold unit draws one straight line, and these classes are not linearly "
    "separable (XOR needs two lines), so its error cannot reach zero. Add a hidden layer with a "
    "differentiable activation (tanh, relu) to solve it.")
CONVERGED = "The perceptron converged: one straight line separates the training points."


class SessionClosed(RuntimeError):
    """The session was closed (its tab went away, or it was reset)."""


class PlaygroundSession:
    """Data, model and training state of one tab.

    Args:
        config: a validated `PlaygroundConfig`.

    Controls: `play()`, `pause()`, `step(epochs=1, wait=True)`, `close()`;
    `snapshot()` returns the JSON-ready state the page draws.
    """

    def __init__(self, config: PlaygroundConfig):
        self.config = config
        points, targets = data.make_points(config)
        data.check_targets(targets, config)
        self.points, self.targets = points, targets
        X = data.features(points, config.features)
        self.X_train, self.X_test, self.y_train, self.y_test = data.split(X, targets, config.train_ratio,
                                                                          config.seed)
        self.points_train, self.points_test, _, _ = data.split(points, targets, config.train_ratio, config.seed)
        self.bounds = data.region(points)
        self._grid = data.grid(self.bounds, OUTPUT_RESOLUTION)
        self._small_grid = data.grid(self.bounds, NEURON_RESOLUTION)

        self.epoch = 0
        self.history = {"loss": [], "val_loss": []}
        self.error: str | None = None
        self.version = 0  # bumped after every epoch, so streams send only what changed
        self._closed = False
        self._epochs_allowed = 0  # epochs the worker may still run before it waits
        self._changed = threading.Condition()
        self._model_lock = threading.Lock()  # an epoch and a snapshot never overlap
        self._thread: threading.Thread | None = None
        self._last_epoch = 0.0

        with _GLOBAL_RNG:
            keras.utils.set_random_seed(config.seed)
            if config.perceptron:
                self.model = build_perceptron(config)
            else:
                self.model = build_model(config, self.X_train.shape[1])
            self._rng_state = np.random.get_state()

    # ------------------------------------------------------------------ controls
    @property
    def playing(self) -> bool:
        return self._epochs_allowed > 0 and not self._closed

    def play(self) -> None:
        self._allow(math.inf)

    def pause(self) -> None:
        with self._changed:
            self._epochs_allowed = 0
            self._changed.notify_all()

    def step(self, epochs: int = 1, wait: bool = True, timeout: float = 60.0) -> None:
        """Train `epochs` more epochs; with `wait`, return once they are done."""
        target = self.epoch + epochs
        self._allow(epochs)
        if wait:
            self.wait_for_epoch(target, timeout)

    def wait_for_epoch(self, epoch: int, timeout: float = 60.0) -> None:
        with self._changed:
            done = self._changed.wait_for(lambda: self.epoch >= epoch or self._closed or self.error, timeout)
        if self.error:
            raise RuntimeError(self.error)
        if not done:
            raise TimeoutError(f"epoch {epoch} not reached within {timeout} s (at epoch {self.epoch}).")

    def close(self) -> None:
        """Stop training for good; the worker thread ends at its next epoch boundary."""
        with self._changed:
            self._closed = True
            self._epochs_allowed = 0
            self._changed.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)

    def _allow(self, epochs) -> None:
        if self._closed:
            raise SessionClosed("This session is closed; create a new one.")
        with self._changed:
            self._epochs_allowed = epochs
            self._changed.notify_all()
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="axone-playground", daemon=True)
            self._thread.start()

    # ------------------------------------------------------------------ worker
    def _work(self) -> None:
        try:
            if self.config.perceptron:
                self._train_perceptron()
            else:
                self._train_network()
        except Exception as error:  # shown on the page, never lost in a thread
            with self._changed:
                self.error = f"{type(error).__name__}: {error}"
                self._changed.notify_all()

    def _gate(self) -> bool:
        """Wait until an epoch may run; False once the session is closed. Takes the model lock.

        While playing, epochs start at most every `PLAY_INTERVAL` seconds, so
        the page can follow and a tab never keeps a core busy on its own.
        """
        with self._changed:
            self._changed.wait_for(lambda: self._epochs_allowed > 0 or self._closed)
            if self._epochs_allowed == math.inf:
                self._changed.wait_for(lambda: self._closed, self._last_epoch + PLAY_INTERVAL - time.monotonic())
            if self._closed:
                return False
        self._model_lock.acquire()
        return True

    def _finish_epoch(self, loss: float, val_loss: float) -> None:
        self._model_lock.release()
        with self._changed:
            self.epoch += 1
            self.history["loss"].append(float(loss))
            self.history["val_loss"].append(float(val_loss))
            self._epochs_allowed -= 1
            self._last_epoch = time.monotonic()
            self.version += 1
            self._changed.notify_all()

    def _train_network(self) -> None:
        session = self
        rng_held = [True]

        class Gate(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                rng_held[0] = False
                _GLOBAL_RNG.release()  # fit has drawn its shuffling generator

            def on_epoch_begin(self, epoch, logs=None):
                if not session._gate():
                    self.model.stop_training = True
                    session._model_lock.acquire()  # released by the epoch's end, which still comes

            def on_epoch_end(self, epoch, logs=None):
                if session._closed:
                    session._model_lock.release()
                    self.model.stop_training = True
                    return
                session._finish_epoch(logs["loss"], logs["val_loss"])

        _GLOBAL_RNG.acquire()
        np.random.set_state(self._rng_state)
        try:
            self.model.fit(self.X_train, self.y_train, epochs=MAX_EPOCHS, batch_size=self.config.batch_size,
                           validation_data=(self.X_test, self.y_test), verbose=0, callbacks=[Gate()])
        finally:
            if rng_held[0]:  # fit failed before on_train_begin
                _GLOBAL_RNG.release()

    def _train_perceptron(self) -> None:
        while self._gate():
            try:
                self.model.partial_fit(self.X_train, self.y_train, classes=[0.0, 1.0])
                train_error = 1.0 - self.model.score(self.X_train, self.y_train)
                test_error = 1.0 - self.model.score(self.X_test, self.y_test)
            except BaseException:
                self._model_lock.release()
                raise
            self._finish_epoch(train_error, test_error)

    # ------------------------------------------------------------------ state
    def message(self) -> str | None:
        if self.error:
            return self.error
        if not self.config.perceptron or not self.history["loss"]:
            return None
        if self.history["loss"][-1] == 0.0:
            return CONVERGED
        if self.epoch >= PERCEPTRON_PATIENCE:
            return NOT_SEPARABLE.format(epochs=self.epoch)
        return None

    def setup(self) -> dict:
        """What does not change while training: the points, the region, the code."""
        return {
            "config": self.config.to_dict(),
            "bounds": self.bounds,
            "output_resolution": OUTPUT_RESOLUTION,
            "neuron_resolution": NEURON_RESOLUTION,
            "train": {"points": _rounded(self.points_train), "targets": _rounded(self.y_train)},
            "test": {"points": _rounded(self.points_test), "targets": _rounded(self.y_test)},
            "task": self.config.task,
            "perceptron": self.config.perceptron,
            "layer_sizes": self.layer_sizes(),
        }

    def layer_sizes(self) -> list[int]:
        """Neurons per column of the drawing: inputs, hidden layers, the output."""
        return [len(self.config.features), *([] if self.config.perceptron else self.config.hidden_layers), 1]

    def snapshot(self) -> dict:
        """The state the page draws now (JSON-ready)."""
        with self._model_lock:
            weights, biases = self._weights()
            maps = self._neuron_maps(weights, biases)
            output = self._predict(self._grid)
        return {
            "epoch": self.epoch,
            "loss": self.history["loss"],
            "val_loss": self.history["val_loss"],
            "output": _rounded(output),
            "neurons": [[_rounded(m) for m in layer] for layer in maps],
            "weights": [_rounded(w) for w in weights],
            "biases": [_rounded(b) for b in biases],
            "playing": self.playing,
            "message": self.message(),
            "code": python_code(self.config, epochs=max(self.epoch, 1)),
        }

    def keras_file(self) -> bytes:
        """The network as the bytes of a `.keras` file (written to a scratch folder, then read)."""
        with tempfile.TemporaryDirectory() as folder, self._model_lock:
            path = os.path.join(folder, "playground.keras")
            self.model.save(path)
            with open(path, "rb") as file:
                return file.read()

    def _weights(self):
        if self.config.perceptron:
            coef = getattr(self.model, "coef_", None)
            if coef is None:  # not trained yet: Rosenblatt starts from zero weights
                return [np.zeros((len(self.config.features), 1), "float32")], [np.zeros(1, "float32")]
            return [np.asarray(coef, "float32").reshape(1, -1).T], [np.asarray(self.model.intercept_, "float32")]
        pairs = [layer.get_weights() for layer in self.model.layers if layer.get_weights()]
        return [kernel for kernel, _ in pairs], [bias for _, bias in pairs]

    def _predict(self, points: np.ndarray) -> np.ndarray:
        X = data.features(points, self.config.features)
        if self.config.perceptron:
            if getattr(self.model, "coef_", None) is None:
                return np.zeros(len(X), "float32")
            return np.asarray(self.model.predict(X), "float32")
        return self.model.predict(X, verbose=0).ravel()

    def _neuron_maps(self, weights, biases) -> list[list[np.ndarray]]:
        """Every neuron's output over the small grid: the inputs first, then each layer."""
        h = data.features(self._small_grid, self.config.features)
        maps = [[h[:, j] for j in range(h.shape[1])]]
        activations = ["heaviside"] if self.config.perceptron else (
            [self.config.activation] * len(self.config.hidden_layers) + [self.config.output])
        for kernel, bias, name in zip(weights, biases, activations):
            h = np.asarray(keras.activations.get(name)(h @ kernel + bias))
            maps.append([h[:, j] for j in range(h.shape[1])])
        return maps


def _rounded(values) -> list:
    """Floats rounded to 4 decimals, as nested lists (smaller JSON, same picture)."""
    return np.round(np.asarray(values, dtype="float64"), 4).tolist()
