"""One framework's run, in a process of its own.

    python benchmarks/workers.py FRAMEWORK DATA.npz JOB.json RESULT.json

FRAMEWORK is one of `axone`, `keras-tf`, `torch`, `sklearn`, `floor`.
DATA.npz holds `x_train`, `y_train`, `x_test`, `y_test` (float32 inputs,
prepared once by the benchmark script, so that every framework sees the same
numbers). JOB.json describes the network and the training (the fields of
`MLPSpec`), plus `mode` and its `options`:

- `fit` (the default): train, time every epoch, score the test set;
- `predict`: time `predict` on the test images, `repeats` times;
- `stream`: train from data that is not in memory (a `numpy.memmap`, a
  generator, a `PyDataset`) and sample the process's memory meanwhile;
- `phases`: axone only, time each part of its training step and of its
  `predict` (see `phases.py`).

The worker writes a JSON result: `{"status": "ok", "epoch_seconds": [...],
"test_metric": ..., "peak_rss_mb": ...}`, `{"status": "not installed"}` when
the framework cannot be imported, or `{"status": "unsupported"}` when it
lacks what the job needs (e.g. `fit` on a generator). `peak_rss_mb` is the
process's peak resident memory (its high-water mark, data included).

Each framework runs in its own fresh process so that thread pools (NumPy's
OpenBLAS, TensorFlow's, PyTorch's) never compete with each other, and so that
no framework inherits another's warm caches. Thread counts are left at each
framework's default (all cores).

The networks are the same everywhere: a multilayer perceptron (flatten ->
Dense relu ... -> Dense softmax for classification, linear for regression),
Glorot-uniform kernels and zero biases, the same optimizer (plain SGD, no
momentum, unless the spec names another), the given batch size, reshuffled
every epoch, the last partial batch included.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import statistics
import sys
import threading
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np


@dataclass
class MLPSpec:
    """The network and its training, shared by every framework.

    Args:
        task: `"classification"` (softmax output, sparse categorical
            crossentropy, accuracy) or `"regression"` (linear output, mean
            squared error).
        input_shape: shape of one sample, e.g. `[28, 28]` (flattened first).
        hidden: units of each relu hidden layer, e.g. `[300, 100]`.
        outputs: units of the output layer (classes, or 1).
        learning_rate: the optimizer's step size.
        batch_size: samples per step.
        epochs: passes over the training set.
        seed: seeds each framework's initialisation and shuffling.
        optimizer: `sgd` (plain, the course's), `adam`, `rmsprop`,
            `adagrad`, `adamw` or `nadam`, each with Keras's defaults but
            the learning rate.
        normalize: start the network with a `Normalization` layer adapted
            to the training inputs (PyTorch: the same fixed standardisation).
    """

    task: str
    input_shape: list
    hidden: list
    outputs: int
    learning_rate: float = 0.01
    batch_size: int = 32
    epochs: int = 2
    seed: int = 0
    optimizer: str = "sgd"
    normalize: bool = False

    @property
    def n_inputs(self) -> int:
        return int(math.prod(self.input_shape))

    @property
    def sizes(self) -> list[int]:
        """Widths of every layer, input first: `[784, 300, 100, 10]`."""
        return [self.n_inputs, *self.hidden, self.outputs]

    @property
    def classification(self) -> bool:
        return self.task == "classification"


def _score(spec: MLPSpec, predictions: np.ndarray, y_test: np.ndarray) -> float:
    """Test accuracy (classification) or test mean squared error (regression)."""
    predictions = np.asarray(predictions)
    if spec.classification:
        return float(np.mean(predictions.argmax(axis=1) == y_test))
    return float(np.mean((predictions.reshape(-1) - y_test.reshape(-1)) ** 2))


def _numpy_info() -> str:
    """NumPy's version and the BLAS it is linked to."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"numpy {np.__version__} ({blas.get('name')} {blas.get('version')})"
    except Exception:  # older NumPy: no dict mode
        return f"numpy {np.__version__}"


# --------------------------------------------------------------------- memory
def peak_rss_mb() -> float | None:
    """The process's peak resident memory so far, in MB (None where unknown)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KB on Linux


def _anonymous_mb() -> float | None:
    """The process's resident anonymous memory now, in MB (Linux)."""
    try:
        match = re.search(r"^RssAnon:\s+(\d+)", Path("/proc/self/status").read_text(), re.M)
    except OSError:
        return None
    return int(match.group(1)) / 1024 if match else None


class AnonymousMemorySampler:
    """Samples the process's anonymous resident memory in a background thread.

    The peak resident memory (`VmHWM`) of a process that reads a memory-mapped
    file counts the file's pages that happen to be resident: they are the
    kernel's page cache, which it drops under pressure, and a file larger
    than RAM never fits. What the process itself allocates is its anonymous
    memory (`RssAnon`); the kernel keeps no peak of it, so this thread reads
    it every `interval` seconds and keeps the largest value.
    """

    def __init__(self, interval: float = 0.005):
        self.interval = interval
        self.peak = _anonymous_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(self.interval):
            now = _anonymous_mb()
            if now is not None and (self.peak is None or now > self.peak):
                self.peak = now

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        now = _anonymous_mb()
        if now is not None and (self.peak is None or now > self.peak):
            self.peak = now
        return False


# ------------------------------------------------------------- the frameworks
def _import_axone():
    """axone under the name the course uses for Keras, and its versions."""
    import importlib.metadata
    import importlib.util

    import axone as keras

    # Named without importing numba: its import alone adds ~140 MB to the process,
    # which the memory columns would count for optimizers that never use it.
    fused = importlib.util.find_spec("numba") is not None and os.environ.get("AXONE_FUSED") != "0"
    update = (f"fused updates (numba {importlib.metadata.version('numba')})" if fused
              else "NumPy updates")
    return keras, f"axone {keras.__version__}, {_numpy_info()}, {update}"


def _import_keras_tf():
    """Keras 3 on the TensorFlow backend, and its versions."""
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(f"Keras runs on {keras.backend.backend()!r}, not TensorFlow.")
    return keras, f"Keras {keras.__version__}, TensorFlow {tf.__version__}"


KERAS_API = {"axone": _import_axone, "keras-tf": _import_keras_tf}


#: MLPSpec.optimizer -> the Keras class name
KERAS_OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop", "adagrad": "Adagrad",
                    "adamw": "AdamW", "nadam": "Nadam"}


def _keras_model(keras, spec: MLPSpec, x_train=None):
    """The course's model, written once for Keras and for `import axone as keras`.

    With `spec.normalize`, a `Normalization` layer adapted to `x_train` comes first.
    """
    layers = [keras.Input(shape=tuple(spec.input_shape))]
    if spec.normalize:
        normalization = keras.layers.Normalization()
        normalization.adapt(x_train)
        layers.append(normalization)
    if len(spec.input_shape) > 1:
        layers.append(keras.layers.Flatten())
    layers += [keras.layers.Dense(units, activation="relu") for units in spec.hidden]
    layers.append(keras.layers.Dense(spec.outputs,
                                     activation="softmax" if spec.classification else None))
    model = keras.Sequential(layers)
    optimizer = getattr(keras.optimizers, KERAS_OPTIMIZERS[spec.optimizer])(
        learning_rate=spec.learning_rate)
    if spec.classification:
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    else:
        model.compile(optimizer=optimizer, loss="mse")
    return model


def _epoch_timer(keras):
    """A Keras callback that reads the clock at the start and end of each epoch."""

    class EpochTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.seconds, self.losses = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.start)
            self.losses.append(float((logs or {}).get("loss", float("nan"))))

    return EpochTimer()


def _torch_model(spec: MLPSpec, x_train=None):
    """`nn.Sequential` of `Linear`/`ReLU`, initialised like Keras (Glorot uniform, zero bias).

    The output layer has no softmax: for training it is fused into
    `CrossEntropyLoss` (log-softmax + NLL), the PyTorch idiom for the same
    mathematics; `predict_torch` applies it. With `spec.normalize`, the first
    module standardises the inputs with `x_train`'s mean and standard deviation.
    """
    import torch
    from torch import nn

    torch.manual_seed(spec.seed)
    modules: list = [nn.Flatten()] if len(spec.input_shape) > 1 else []
    if spec.normalize:
        modules.insert(0, _torch_standardize(x_train))
    sizes = spec.sizes
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
        modules += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    modules.append(nn.Linear(sizes[-2], sizes[-1]))
    model = nn.Sequential(*modules)
    for module in model:
        if isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)
    return model


def _torch_standardize(x_train):
    """A module computing `(x - mean) / std` with the training set's statistics (like Keras's
    adapted `Normalization`: the population variance, a floor of 1e-7 on the divisor)."""
    import torch
    from torch import nn

    mean = torch.from_numpy(x_train.mean(axis=0).astype(np.float32))
    std = torch.from_numpy(np.maximum(x_train.std(axis=0), 1e-7).astype(np.float32))

    class Standardize(nn.Module):
        def forward(self, x):
            return (x - mean) / std

    return Standardize()


def _torch_optimizer(spec: MLPSpec, parameters):
    """`torch.optim`'s version of the spec's optimizer, with Keras's default hyperparameters."""
    import torch

    lr = spec.learning_rate
    makers = {
        "sgd": lambda: torch.optim.SGD(parameters, lr=lr),
        "adam": lambda: torch.optim.Adam(parameters, lr=lr, eps=1e-7),
        "rmsprop": lambda: torch.optim.RMSprop(parameters, lr=lr, alpha=0.9, eps=1e-7),
        "adagrad": lambda: torch.optim.Adagrad(parameters, lr=lr, initial_accumulator_value=0.1,
                                               eps=1e-7),
        "adamw": lambda: torch.optim.AdamW(parameters, lr=lr, eps=1e-7, weight_decay=0.004),
        "nadam": lambda: torch.optim.NAdam(parameters, lr=lr, eps=1e-7),
    }
    return makers[spec.optimizer]()


def _random_weights(spec: MLPSpec, rng) -> list[np.ndarray]:
    sizes = spec.sizes
    return [(rng.standard_normal((a, b)) * 0.05).astype(np.float32)
            for a, b in zip(sizes[:-1], sizes[1:])]


# ------------------------------------------------------------------ mode: fit
def fit_keras_api(name: str, spec: MLPSpec, data, options) -> dict:
    """`model.fit` as the course writes it, with a callback timing each epoch (axone, Keras)."""
    keras, version = KERAS_API[name]()
    keras.utils.set_random_seed(spec.seed)
    model = _keras_model(keras, spec, data["x_train"])
    timer = _epoch_timer(keras)
    model.fit(data["x_train"], data["y_train"], batch_size=spec.batch_size, epochs=spec.epochs,
              shuffle=True, verbose=0, callbacks=[timer])
    predictions = model.predict(data["x_test"], batch_size=1024, verbose=0)
    return {"epoch_seconds": timer.seconds, "train_loss": timer.losses,
            "test_metric": _score(spec, predictions, data["y_test"]), "version": version}


def fit_torch(name: str, spec: MLPSpec, data, options) -> dict:
    """A plain PyTorch training loop: the idiomatic one a course would write.

    Each step: gather a shuffled batch, forward, loss, backward,
    `optimizer.step()` (`torch.optim.SGD`, or `Adam`... as the spec says),
    and accumulate the loss and accuracy (as Keras's `fit`
    does with `metrics=["accuracy"]`). Threads: PyTorch's default.
    """
    import torch
    from torch import nn

    model = _torch_model(spec, data["x_train"])
    optimizer = _torch_optimizer(spec, model.parameters())
    if spec.classification:
        loss_fn = nn.CrossEntropyLoss()
        y_train = torch.from_numpy(data["y_train"].astype(np.int64))
    else:
        loss_fn = nn.MSELoss()
        y_train = torch.from_numpy(data["y_train"].astype(np.float32).reshape(-1, 1))
    x_train = torch.from_numpy(data["x_train"])
    n = len(x_train)
    seconds, losses = [], []
    model.train()
    for _ in range(spec.epochs):
        start = time.perf_counter()
        order = torch.randperm(n)
        total_loss, correct = 0.0, 0
        for begin in range(0, n, spec.batch_size):
            index = order[begin:begin + spec.batch_size]
            xb, yb = x_train[index], y_train[index]
            optimizer.zero_grad()
            output = model(xb)
            loss = loss_fn(output, yb)
            loss.backward()
            optimizer.step()
            total_loss += loss.item() * len(index)
            if spec.classification:
                correct += int((output.argmax(dim=1) == yb).sum())
        seconds.append(time.perf_counter() - start)
        losses.append(total_loss / n)
    model.eval()
    with torch.no_grad():
        predictions = model(torch.from_numpy(data["x_test"])).numpy()
    return {"epoch_seconds": seconds, "train_loss": losses,
            "test_metric": _score(spec, predictions, data["y_test"]),
            "version": f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads"}


def fit_sklearn(name: str, spec: MLPSpec, data, options) -> dict:
    """scikit-learn's MLP with plain SGD, one `fit` call (`max_iter=1`) per epoch.

    `warm_start=True` makes each `fit` continue from the previous weights.
    Its initialisation is its own (Glorot-uniform-like); for regression its
    squared-error loss carries a factor 1/2, so its effective step is half
    of Keras's.
    """
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    if spec.optimizer != "sgd" or spec.normalize:
        return {"status": "unsupported", "detail": "only plain SGD on prepared inputs"}
    estimator = MLPClassifier if spec.classification else MLPRegressor
    model = estimator(hidden_layer_sizes=tuple(spec.hidden), solver="sgd",
                      learning_rate_init=spec.learning_rate, batch_size=spec.batch_size,
                      momentum=0.0, nesterovs_momentum=False, alpha=0.0, max_iter=1,
                      shuffle=True, warm_start=True, random_state=spec.seed)
    x_train = data["x_train"].reshape(len(data["x_train"]), -1)
    x_test = data["x_test"].reshape(len(data["x_test"]), -1)
    seconds, losses = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(spec.epochs):
            start = time.perf_counter()
            model.fit(x_train, data["y_train"])
            seconds.append(time.perf_counter() - start)
            losses.append(float(model.loss_))
    if spec.classification:
        predictions = model.predict_proba(x_test)
    else:
        predictions = model.predict(x_test)
    return {"epoch_seconds": seconds, "train_loss": losses,
            "test_metric": _score(spec, predictions, data["y_test"]),
            "version": f"scikit-learn {sklearn.__version__}, {_numpy_info()}"}


def fit_floor(name: str, spec: MLPSpec, data, options) -> dict:
    """The BLAS floor: only the matrix products of each training step.

    For every batch of every epoch (same sizes, reshuffled each epoch), the
    products a dense network's step cannot avoid, with NumPy's `matmul` into
    preallocated float32 buffers:

    - forward, one per layer: `h[i+1] = h[i] @ W[i]`;
    - backward, one per layer: `dW[i] = h[i].T @ d[i]`, and one per layer
      but the first: `d[i-1] = d[i] @ W[i].T` (no gradient for the input).

    No bias, activation, loss, update or shuffle: any real step costs more.
    The batches are gathered before the clock starts.
    """
    x_train = data["x_train"].reshape(len(data["x_train"]), -1)
    epoch = _floor_epochs(spec, np.random.default_rng(spec.seed))
    seconds = [epoch(x_train) for _ in range(spec.epochs)]
    products = 3 * len(spec.sizes) - 4
    return {"epoch_seconds": seconds, "test_metric": None,
            "version": f"{_numpy_info()}, {products} products per step"}


def _floor_epochs(spec: MLPSpec, rng):
    """A function timing one floor epoch (see `fit_floor`) over the rows of an array."""
    sizes = spec.sizes
    weights = _random_weights(spec, rng)
    weight_grads = [np.empty_like(w) for w in weights]
    buffers: dict[int, tuple] = {}

    def buffers_for(batch: int):
        if batch not in buffers:
            acts = [np.empty((batch, s), dtype=np.float32) for s in sizes[1:]]
            deltas = [rng.standard_normal((batch, s)).astype(np.float32) for s in sizes[1:]]
            buffers[batch] = (acts, deltas)
        return buffers[batch]

    def epoch(x_train) -> float:
        n = len(x_train)
        shuffled = np.take(x_train, rng.permutation(n), axis=0)
        start = time.perf_counter()
        for begin in range(0, n, spec.batch_size):
            x = shuffled[begin:begin + spec.batch_size]
            acts, deltas = buffers_for(len(x))
            inputs = [x, *acts[:-1]]
            for w, h_in, h_out in zip(weights, inputs, acts):
                np.matmul(h_in, w, out=h_out)
            for i in reversed(range(len(weights))):
                np.matmul(inputs[i].T, deltas[i], out=weight_grads[i])
                if i > 0:
                    np.matmul(deltas[i], weights[i].T, out=deltas[i - 1])
        return time.perf_counter() - start

    return epoch


# ------------------------------------------------------------ mode: scale
def _interleaved(small_epoch, large_epoch, rounds: int) -> dict:
    """Alternate one large epoch with `factor` small ones, `rounds` times.

    Both sizes run in the same process minutes (not hours) apart, so a
    machine whose speed drifts slows both alike; each round gives one ratio.
    """
    small_seconds, large_seconds = [], []
    for _ in range(rounds):
        small_seconds.append(statistics.median(small_epoch()))
        large_seconds.append(large_epoch())
    return {"epoch_seconds": large_seconds, "small_epoch_seconds": small_seconds,
            "ratios": [large / small for large, small in zip(large_seconds, small_seconds)]}


def scale_keras_api(name: str, spec: MLPSpec, data, options) -> dict:
    """`model.fit` on the first 1/factor of the samples and on all of them, interleaved."""
    keras, version = KERAS_API[name]()
    keras.utils.set_random_seed(spec.seed)
    factor = options["factor"]
    x, y = data["x_train"], data["y_train"]
    small = len(x) // factor
    x_small, y_small = x[:small].copy(), y[:small].copy()
    model = _keras_model(keras, spec)
    timer = _epoch_timer(keras)

    def fit(x_part, y_part, epochs):
        model.fit(x_part, y_part, batch_size=spec.batch_size, epochs=epochs, shuffle=True,
                  verbose=0, callbacks=[timer])
        return timer.seconds

    fit(x_small, y_small, 1)  # warm-up: buffers for both batch shapes
    result = _interleaved(lambda: fit(x_small, y_small, factor), lambda: fit(x, y, 1)[0],
                          spec.epochs)
    return {**result, "test_metric": None, "version": version}


def scale_floor(name: str, spec: MLPSpec, data, options) -> dict:
    """The BLAS floor (see `fit_floor`) on 1/factor of the samples and on all, interleaved."""
    factor = options["factor"]
    x_train = data["x_train"].reshape(len(data["x_train"]), -1)
    rng = np.random.default_rng(spec.seed)
    epoch = _floor_epochs(spec, rng)
    x_small = x_train[:len(x_train) // factor].copy()
    result = _interleaved(lambda: [epoch(x_small) for _ in range(factor)],
                          lambda: epoch(x_train), spec.epochs)
    return {**result, "test_metric": None, "version": _numpy_info()}


# -------------------------------------------------------------- mode: predict
def _time_repeats(function, repeats: int) -> list[float]:
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return seconds


def predict_keras_api(name: str, spec: MLPSpec, data, options) -> dict:
    """`model.predict(x_test)` with Keras's default batch size (32), `repeats` times.

    The model is built and compiled but not trained: the work of a forward
    pass does not depend on the weights' values. The first call (where
    TensorFlow traces its predict function) is reported apart.
    """
    keras, version = KERAS_API[name]()
    keras.utils.set_random_seed(spec.seed)
    model = _keras_model(keras, spec)
    x_test = data["x_test"]
    seconds = _time_repeats(lambda: model.predict(x_test, batch_size=spec.batch_size, verbose=0),
                            options.get("repeats", 5))
    return {"epoch_seconds": seconds, "version": version}


def predict_torch(name: str, spec: MLPSpec, data, options) -> dict:
    """Inference as a PyTorch user writes it: `eval()`, `no_grad()`, batches of 32, softmax."""
    import torch

    model = _torch_model(spec)
    model.eval()
    x_test = torch.from_numpy(data["x_test"])

    def predict():
        with torch.no_grad():
            outputs = [model(batch) for batch in torch.split(x_test, spec.batch_size)]
            result = torch.cat(outputs)
            if spec.classification:
                result = torch.softmax(result, dim=1)
            return result.numpy()

    seconds = _time_repeats(predict, options.get("repeats", 5))
    return {"epoch_seconds": seconds,
            "version": f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads"}


def predict_floor(name: str, spec: MLPSpec, data, options) -> dict:
    """The forward products alone: `h[i+1] = h[i] @ W[i]` per batch, into preallocated buffers."""
    rng = np.random.default_rng(spec.seed)
    weights = _random_weights(spec, rng)
    x_test = data["x_test"].reshape(len(data["x_test"]), -1)
    buffers: dict[int, list] = {}

    def predict():
        for begin in range(0, len(x_test), spec.batch_size):
            x = x_test[begin:begin + spec.batch_size]
            acts = buffers.get(len(x))
            if acts is None:
                acts = buffers[len(x)] = [np.empty((len(x), w.shape[1]), dtype=np.float32)
                                          for w in weights]
            for w, h_in, h_out in zip(weights, [x, *acts[:-1]], acts):
                np.matmul(h_in, w, out=h_out)

    seconds = _time_repeats(predict, options.get("repeats", 5))
    return {"epoch_seconds": seconds,
            "version": f"{_numpy_info()}, {len(weights)} products per batch"}


# --------------------------------------------------------------- mode: stream
def _stream_inputs(keras, spec: MLPSpec, options):
    """The training data in the form `options["source"]` names, and `fit`'s extra arguments.

    - `array`: the whole file read into memory (the reference: memory grows
      with the data);
    - `memmap`: `numpy.memmap` of the file, given to `fit` as an array;
    - `generator`: a Python generator reading consecutive batches from the
      memory-mapped file, with `steps_per_epoch`;
    - `pydataset`: a `keras.utils.PyDataset` doing the same by batch index.

    The labels are small (8 bytes a sample) and stay in memory.
    """
    source = options["source"]
    x = np.load(options["x_file"], mmap_mode=None if source == "array" else "r")
    y = np.load(options["y_file"])
    n, batch = len(x), spec.batch_size
    steps = math.ceil(n / batch)
    if source in ("array", "memmap"):
        return (x, y), {"batch_size": batch}
    if source == "generator":
        def batches():
            while True:  # Keras generators loop forever; steps_per_epoch ends each epoch
                for begin in range(0, n, batch):
                    yield np.array(x[begin:begin + batch]), y[begin:begin + batch]

        return (batches(),), {"steps_per_epoch": steps}
    if source == "pydataset":
        base = getattr(keras.utils, "PyDataset", None)
        if base is None:
            raise _Unsupported("keras.utils.PyDataset does not exist")

        class Batches(base):
            def __len__(self):
                return steps

            def __getitem__(self, index):
                part = slice(index * batch, (index + 1) * batch)
                return np.array(x[part]), y[part]

        return (Batches(),), {}
    raise ValueError(f"unknown source {source!r}")


class _Unsupported(Exception):
    """The framework lacks what the job needs."""


def stream_keras_api(name: str, spec: MLPSpec, data, options) -> dict:
    """`fit` on data that is not in memory; sample the memory it takes meanwhile.

    Reports the epoch times, the peak resident memory (`peak_rss_mb`, which
    counts the file's resident pages), the anonymous memory before `fit`
    (`base_anon_mb`: interpreter, framework, model) and its peak during
    `fit` (`peak_anon_mb`).
    """
    keras, version = KERAS_API[name]()
    keras.utils.set_random_seed(spec.seed)
    model = _keras_model(keras, spec)
    timer = _epoch_timer(keras)
    base = _anonymous_mb()
    try:
        with AnonymousMemorySampler() as memory:
            inputs, kwargs = _stream_inputs(keras, spec, options)
            model.fit(*inputs, epochs=spec.epochs, verbose=0, callbacks=[timer], **kwargs)
    except (_Unsupported, TypeError, ValueError, NotImplementedError, AttributeError) as error:
        # What this framework does not accept is a row of the table, not a failure.
        message = str(error).strip().splitlines()
        return {"status": "unsupported", "version": version,
                "detail": f"{type(error).__name__}: {message[0] if message else ''}"[:160]}
    return {"epoch_seconds": timer.seconds, "version": version, "base_anon_mb": base,
            "peak_anon_mb": memory.peak, "file_mb": os.path.getsize(options["x_file"]) / 2**20}


# --------------------------------------------------------------- mode: phases
def phases_axone(name: str, spec: MLPSpec, data, options) -> dict:
    """Time each phase of axone's training step and of its `predict` (see `phases.py`)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import phases

    keras, version = _import_axone()
    keras.utils.set_random_seed(spec.seed)
    model = _keras_model(keras, spec)
    fit = phases.profile_fit(keras, model, data["x_train"], data["y_train"], spec.batch_size)
    predict = phases.profile_predict(model, data["x_test"], spec.batch_size)
    return {"fit": fit, "predict": predict, "version": version,
            "epoch_seconds": [fit["epoch_seconds"]]}


#: mode -> framework -> runner(name, spec, data, options)
RUNNERS = {
    "fit": {"axone": fit_keras_api, "keras-tf": fit_keras_api, "torch": fit_torch,
            "sklearn": fit_sklearn, "floor": fit_floor},
    "predict": {"axone": predict_keras_api, "keras-tf": predict_keras_api,
                "torch": predict_torch, "floor": predict_floor},
    "stream": {"axone": stream_keras_api, "keras-tf": stream_keras_api},
    "phases": {"axone": phases_axone},
    "scale": {"axone": scale_keras_api, "floor": scale_floor},
}
#: the top-level modules each framework needs
MODULES = {"axone": ["axone"], "keras-tf": ["tensorflow", "keras"], "torch": ["torch"],
           "sklearn": ["sklearn"], "floor": []}


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] not in MODULES:
        print(__doc__, file=sys.stderr)
        return 2
    name, data_path, job_path, result_path = argv
    job = json.loads(Path(job_path).read_text())
    mode, options = job.pop("mode", "fit"), job.pop("options", {})
    spec = MLPSpec(**job)
    runner = RUNNERS[mode].get(name)
    missing = [module for module in MODULES[name] if importlib.util.find_spec(module) is None]
    if runner is None:
        result = {"status": "unsupported", "detail": f"no {mode} run for {name}"}
    elif missing:  # only a missing framework is "not installed"; other errors propagate
        result = {"status": "not installed", "detail": f"no module {', '.join(missing)}"}
    else:
        data = {}
        if data_path != "-":
            with np.load(data_path) as archive:
                data = {key: archive[key] for key in archive.files}
            # A job on the first N samples only (the scaling benchmark): a copy,
            # so that the rest of the data is not kept in memory.
            for part in ("train", "test"):
                n = options.get(f"{part}_samples")
                if n:
                    for key in (f"x_{part}", f"y_{part}"):
                        data[key] = data[key][:n].copy()
        result = runner(name, spec, data, options)
        result.setdefault("status", "ok")
    result["peak_rss_mb"] = peak_rss_mb()
    result["python"] = sys.executable
    result["spec"] = asdict(spec)
    result["mode"] = mode
    Path(result_path).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
