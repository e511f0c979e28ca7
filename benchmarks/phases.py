"""Where an axone training step spends its time: a phase timer.

`profile_fit` trains the benchmark's model for one warm-up epoch, then times
one more epoch with a stopwatch around each part of the step. It wraps, from
outside and for that run only, the functions the training loop calls: the
batch gather, each layer's `forward` and `backward`, each activation's
`forward` and `backward`, the loss, the optimizer update and the loss/metric
bookkeeping. Nothing in the library is edited; the wrappers are removed
afterwards.

Times are exclusive: while a layer's `forward` calls its activation, the
clock runs for the activation, not the layer. What no wrapper covers (the
loop itself, callbacks, the model's graph walk) is "loop and the rest".

With plain SGD, the weight-gradient product and the SGD step are one call
(`axone.blas.matmul_add`, `kernel += x.T @ delta`, made by each Dense
layer's `apply_sgd_step` after the backward pass): it is wrapped and timed
where it runs, and the rest of `apply_sgd_step` (the bias step) counts as
the layer's backward. A Dense layer's remaining time is its other matrix products
plus its bias addition (or bias step) and a few Python calls; `profile_fit`
then times those matrix products alone, with the same shapes and the same
calls (`x @ W` allocating its result, `g @ W.T` for the input gradient; and
`matmul(x.T, g, out=...)` for the weight gradient when an optimizer other
than plain SGD leaves it in the layer), and splits each layer's time into
"matrix products" and "the rest" by difference. That split is an estimate: run to run, the products alone vary
by a few percent, and the rest absorbs what the products cost more inside
the step than back to back (see `time_products`).

`profile_predict` does the same for `model.predict` on the test images.
"""

from __future__ import annotations

import time
from collections import defaultdict

import numpy as np

#: phases in the order a step runs them, and how the tables name them
FIT_PHASES = [
    ("gather", "gather the shuffled batch (np.take)"),
    ("forward_products", "forward: matrix products"),
    ("forward_dense_rest", "forward: rest of Dense (bias add, calls)"),
    ("forward_activation", "forward: activations (relu, softmax)"),
    ("other_layers", "Flatten and other layers"),
    ("loss", "loss and its gradient"),
    ("backward_activation", "backward: activation derivatives"),
    ("backward_products", "backward: input-gradient products"),
    ("weight_step", "backward: kernel += x.T @ delta (SGD)"),
    ("backward_dense_rest", "backward: rest of Dense (bias step)"),
    ("update", "optimizer update"),
    ("bookkeeping", "loss and metric averages"),
    ("rest", "loop, callbacks and the rest"),
]
PREDICT_PHASES = [
    ("forward_products", "forward: matrix products"),
    ("forward_dense_rest", "forward: rest of Dense (bias add, calls)"),
    ("forward_activation", "forward: activations (relu, softmax)"),
    ("other_layers", "Flatten and other layers"),
    ("rest", "batching, copying the outputs, the rest"),
]


class PhaseTimer:
    """Exclusive wall-clock time per named phase, with nesting.

    `enter(phase)` pauses the phase that was running and starts `phase`;
    `exit()` stops it and resumes the one below. Wrapped functions call
    both (see `wrap`); the phase at the bottom of the stack is `"rest"`.
    """

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._stack: list[str] = []
        self._since = 0.0
        self._undo: list[tuple[object, str, object]] = []
        self._wrapped: set[tuple[int, str]] = set()

    def start(self) -> None:
        self._stack = ["rest"]
        self._since = time.perf_counter()

    def stop(self) -> None:
        now = time.perf_counter()
        self.seconds[self._stack[-1]] += now - self._since
        self._stack = []

    def enter(self, phase: str) -> None:
        now = time.perf_counter()
        if self._stack:
            self.seconds[self._stack[-1]] += now - self._since
            self._stack.append(phase)
            self.calls[phase] += 1
        self._since = now

    def exit(self) -> None:
        now = time.perf_counter()
        if self._stack:
            self.seconds[self._stack.pop()] += now - self._since
        self._since = now

    def wrap(self, owner, name: str, phase: str) -> None:
        """Replace `owner.name` (a method of an object, or of a class) by a timed call."""
        if (id(owner), name) in self._wrapped:  # an activation shared by several layers
            return
        original = getattr(owner, name)
        enter, exit_ = self.enter, self.exit

        def timed(*args, **kwargs):
            enter(phase)
            try:
                return original(*args, **kwargs)
            finally:
                exit_()

        self._undo.append((owner, name, owner.__dict__.get(name, _MISSING)))
        self._wrapped.add((id(owner), name))
        setattr(owner, name, timed)

    def unwrap(self) -> None:
        """Put every wrapped function back."""
        for owner, name, previous in reversed(self._undo):
            if previous is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, previous)
        self._undo.clear()
        self._wrapped.clear()


_MISSING = object()


def _wrap_layers(timer: PhaseTimer, model, backward: bool) -> list:
    """Wrap every layer's forward (and backward); return the Dense layers."""
    dense = []
    for layer in model.layers:
        activation = getattr(layer, "activation", None)
        is_dense = hasattr(layer, "kernel") and getattr(layer, "kernel", None) is not None
        if is_dense:
            dense.append(layer)
        timer.wrap(layer, "forward", "forward_dense" if is_dense else "other_layers")
        if backward:
            timer.wrap(layer, "backward", "backward_dense" if is_dense else "other_layers")
            if is_dense:  # plain SGD: the layer's own step, after the backward pass
                timer.wrap(layer, "apply_sgd_step", "backward_dense")
        if activation is not None and hasattr(activation, "forward"):
            timer.wrap(activation, "forward", "forward_activation")
            if backward and hasattr(activation, "backward"):
                timer.wrap(activation, "backward", "backward_activation")
    return dense


def _batch_sizes(n: int, batch_size: int) -> list[int]:
    sizes = [batch_size] * (n // batch_size)
    if n % batch_size:
        sizes.append(n % batch_size)
    return sizes


def time_products(dense, n: int, batch_size: int, backward: bool, seed: int = 0,
                  passes: int = 3, weight_products: bool = True) -> tuple[float, float]:
    """Seconds of the Dense layers' matrix products alone, for one pass over `n` samples.

    The same calls as `Dense.forward` and `Dense.backward` (`x @ W`, which
    allocates its result; `matmul(x.T, g, out=dW)`; `g @ W.T` for every
    layer but the first), on random data of the same shapes, in the same
    process and with the same BLAS threads; the median of `passes` passes.
    `weight_products=False` leaves out the weight-gradient products (timed
    in place when the layers apply the SGD step themselves).

    Products run back to back here, with the BLAS threads awake; inside the
    step, where elementwise work separates them, each may also pay for
    waking those threads up. That cost stays in the layers' "rest".

    Returns:
        `(forward seconds, backward seconds)`.
    """
    runs = sorted((_time_products_once(dense, n, batch_size, backward, seed, weight_products)
                   for _ in range(passes)), key=sum)
    return runs[len(runs) // 2]


def _time_products_once(dense, n: int, batch_size: int, backward: bool, seed: int,
                        weight_products: bool):
    rng = np.random.default_rng(seed)
    weights = [layer.kernel.value for layer in dense]
    grads = [np.empty_like(w) for w in weights]
    forward = backward_s = 0.0
    cache: dict[int, tuple] = {}
    for size in _batch_sizes(n, batch_size):
        if size not in cache:
            xs = [rng.random((size, w.shape[0]), dtype=np.float32) for w in weights]
            gs = [rng.random((size, w.shape[1]), dtype=np.float32) for w in weights]
            cache[size] = (xs, gs)
        xs, gs = cache[size]
        start = time.perf_counter()
        for x, w in zip(xs, weights):
            x @ w
        middle = time.perf_counter()
        if backward:
            for i in reversed(range(len(weights))):
                if weight_products:
                    np.matmul(xs[i].T, gs[i], out=grads[i])
                if i > 0:
                    gs[i] @ weights[i].T
        end = time.perf_counter()
        forward += middle - start
        backward_s += end - middle
    return forward, backward_s


def _split_dense(seconds: dict, products: tuple[float, float]) -> dict[str, float]:
    """Split the Dense layers' own time into their products and the rest."""
    out = dict(seconds)
    for direction, alone in zip(("forward", "backward"), products):
        total = out.pop(f"{direction}_dense", 0.0)
        if direction == "backward" and total == 0.0:
            continue
        out[f"{direction}_products"] = min(alone, total)
        out[f"{direction}_dense_rest"] = max(total - alone, 0.0)
    return out


def profile_fit(keras, model, x, y, batch_size: int) -> dict:
    """Time each phase of one training epoch of a compiled axone model.

    The model first trains one epoch untimed (warm-up: buffers, caches), then
    one epoch plainly timed (the reference), then one epoch under the phase
    timer.

    Returns:
        `{"epoch_seconds": untimed epoch, "timed_epoch_seconds": epoch
        under the timer, "cpu_seconds": the process's CPU time during the
        timed epoch, "phases": {phase: seconds}}`.
    """
    from axone.models import data_adapters

    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)  # warm-up
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    plain = time.perf_counter() - start

    timer = PhaseTimer()
    dense = _wrap_layers(timer, model, backward=True)
    timer.wrap(data_adapters._BatchGather, "get", "gather")
    timer.wrap(model, "_track", "bookkeeping")
    from axone.layers import core

    timer.wrap(core, "matmul_add", "weight_step")
    optimizer = model.optimizer
    timer.wrap(optimizer, "apply", "update")
    timer.wrap(optimizer, "apply_prescaled", "update")
    timed = {}

    class EpochClock(keras.callbacks.Callback):
        """Start the timer when the epoch starts: `fit`'s setup is not part of it."""

        def on_epoch_begin(self, epoch, logs=None):
            # The loss object exists once fit has prepared the targets.
            timer.wrap(model._compiled_loss, "compute", "loss")
            timed["cpu"] = time.process_time()
            timed["start"] = time.perf_counter()
            timer.start()

        def on_epoch_end(self, epoch, logs=None):
            timer.stop()
            timed["seconds"] = time.perf_counter() - timed["start"]
            timed["cpu"] = time.process_time() - timed["cpu"]

    try:
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, callbacks=[EpochClock()])
    finally:
        timer.unwrap()
    in_place = timer.calls.get("weight_step", 0) > 0
    products = time_products(dense, len(x), batch_size, backward=True, weight_products=not in_place)
    return {"epoch_seconds": plain, "timed_epoch_seconds": timed["seconds"],
            "cpu_seconds": timed["cpu"], "phases": _split_dense(timer.seconds, products),
            "steps": timer.calls.get("gather", 0)}


def profile_predict(model, x, batch_size: int) -> dict:
    """Time each phase of `model.predict(x)` (after one untimed call)."""
    model.predict(x, batch_size=batch_size, verbose=0)
    start = time.perf_counter()
    model.predict(x, batch_size=batch_size, verbose=0)
    plain = time.perf_counter() - start

    timer = PhaseTimer()
    dense = _wrap_layers(timer, model, backward=False)
    try:
        cpu = time.process_time()
        start = time.perf_counter()
        timer.start()
        model.predict(x, batch_size=batch_size, verbose=0)
        timer.stop()
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
    finally:
        timer.unwrap()
    products = time_products(dense, len(x), batch_size, backward=False)
    return {"epoch_seconds": plain, "timed_epoch_seconds": seconds, "cpu_seconds": cpu,
            "phases": _split_dense(timer.seconds, products)}
