"""One framework's training run, in a process of its own.

    python benchmarks/workers.py FRAMEWORK DATA.npz SPEC.json RESULT.json

FRAMEWORK is one of `axone`, `keras-tf`, `torch`, `sklearn`, `floor`.
DATA.npz holds `x_train`, `y_train`, `x_test`, `y_test` (float32 inputs,
prepared once by the benchmark script, so that every framework sees the same
numbers). SPEC.json describes the network and the training (see `MLPSpec`).
The worker trains, times every epoch, scores the test set, and writes a JSON
result: `{"status": "ok", "epoch_seconds": [...], "test_metric": ...}`, or
`{"status": "not installed"}` when the framework cannot be imported.

Each framework runs in its own fresh process so that thread pools (NumPy's
OpenBLAS, TensorFlow's, PyTorch's) never compete with each other, and so that
no framework inherits another's warm caches. Thread counts are left at each
framework's default (all cores).

The networks are the same everywhere: a multilayer perceptron (flatten ->
Dense relu ... -> Dense softmax for classification, linear for regression),
Glorot-uniform kernels and zero biases, plain SGD (no momentum), the given
batch size, reshuffled every epoch, the last partial batch included.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import sys
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
        learning_rate: SGD step size.
        batch_size: samples per step.
        epochs: passes over the training set.
        seed: seeds each framework's initialisation and shuffling.
    """

    task: str
    input_shape: list
    hidden: list
    outputs: int
    learning_rate: float = 0.01
    batch_size: int = 32
    epochs: int = 2
    seed: int = 0

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


# ------------------------------------------------------------------ Keras API
def _keras_model(keras, spec: MLPSpec):
    """The course's model, written once for Keras and for `import axone as keras`."""
    layers = [keras.Input(shape=tuple(spec.input_shape))]
    if len(spec.input_shape) > 1:
        layers.append(keras.layers.Flatten())
    layers += [keras.layers.Dense(units, activation="relu") for units in spec.hidden]
    layers.append(keras.layers.Dense(spec.outputs,
                                     activation="softmax" if spec.classification else None))
    model = keras.Sequential(layers)
    if spec.classification:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=spec.learning_rate),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    else:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=spec.learning_rate),
                      loss="mse")
    return model


def _fit_keras_api(keras, spec: MLPSpec, data) -> dict:
    """`model.fit` with a callback timing each epoch (shared by Keras and axone)."""

    class EpochTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.seconds, self.losses = [], []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.start)
            self.losses.append(float((logs or {}).get("loss", float("nan"))))

    keras.utils.set_random_seed(spec.seed)
    model = _keras_model(keras, spec)
    timer = EpochTimer()
    model.fit(data["x_train"], data["y_train"], batch_size=spec.batch_size, epochs=spec.epochs,
              shuffle=True, verbose=0, callbacks=[timer])
    predictions = model.predict(data["x_test"], batch_size=1024, verbose=0)
    return {"epoch_seconds": timer.seconds, "train_loss": timer.losses,
            "test_metric": _score(spec, predictions, data["y_test"])}


def run_axone(spec: MLPSpec, data) -> dict:
    """axone, through its Keras API (`import axone as keras`)."""
    import axone as keras

    result = _fit_keras_api(keras, spec, data)
    result["version"] = f"axone {keras.__version__}, {_numpy_info()}"
    result["module"] = str(Path(keras.__file__).parent)
    return result


def run_keras_tf(spec: MLPSpec, data) -> dict:
    """Keras 3 on the TensorFlow backend, `model.fit` as the course writes it."""
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(f"Keras runs on {keras.backend.backend()!r}, not TensorFlow.")
    result = _fit_keras_api(keras, spec, data)
    result["version"] = f"Keras {keras.__version__}, TensorFlow {tf.__version__}"
    return result


# -------------------------------------------------------------------- PyTorch
def run_torch(spec: MLPSpec, data) -> dict:
    """A plain PyTorch training loop: the idiomatic one a course would write.

    `torch.nn.Sequential` of `Linear`/`ReLU`, re-initialised like Keras
    (Glorot uniform, zero bias); the softmax output is fused into
    `CrossEntropyLoss` (log-softmax + NLL), which is the PyTorch idiom and the
    same mathematics. Each step: gather a shuffled batch, forward, loss,
    backward, `SGD.step()`, and accumulate the loss and accuracy (as
    Keras's `fit` does with `metrics=["accuracy"]`). Threads: PyTorch's
    default.
    """
    import torch
    from torch import nn

    torch.manual_seed(spec.seed)
    modules: list = [nn.Flatten()] if len(spec.input_shape) > 1 else []
    sizes = spec.sizes
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
        modules += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    modules.append(nn.Linear(sizes[-2], sizes[-1]))
    model = nn.Sequential(*modules)
    for module in model:
        if isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)
    optimizer = torch.optim.SGD(model.parameters(), lr=spec.learning_rate)
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


# --------------------------------------------------------------- scikit-learn
def run_sklearn(spec: MLPSpec, data) -> dict:
    """scikit-learn's MLP with plain SGD, one `fit` call (`max_iter=1`) per epoch.

    `warm_start=True` makes each `fit` continue from the previous weights.
    Its initialisation is its own (Glorot-uniform-like); for regression its
    squared-error loss carries a factor 1/2, so its effective step is half
    of Keras's.
    """
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor

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


# ------------------------------------------------------------------ the floor
def run_floor(spec: MLPSpec, data) -> dict:
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
    sizes = spec.sizes
    rng = np.random.default_rng(spec.seed)
    weights = [(rng.standard_normal((a, b)) * 0.05).astype(np.float32)
               for a, b in zip(sizes[:-1], sizes[1:])]
    weight_grads = [np.empty_like(w) for w in weights]
    x_train = data["x_train"].reshape(len(data["x_train"]), -1)
    n = len(x_train)
    buffers: dict[int, tuple] = {}

    def buffers_for(batch: int):
        if batch not in buffers:
            acts = [np.empty((batch, s), dtype=np.float32) for s in sizes[1:]]
            deltas = [rng.standard_normal((batch, s)).astype(np.float32) for s in sizes[1:]]
            buffers[batch] = (acts, deltas)
        return buffers[batch]

    seconds = []
    for _ in range(spec.epochs):
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
        seconds.append(time.perf_counter() - start)
    products = 3 * len(weights) - 1
    return {"epoch_seconds": seconds, "test_metric": None,
            "version": f"{_numpy_info()}, {products} products per step"}


#: each framework's runner, and the top-level modules it needs
RUNNERS = {
    "axone": (run_axone, ["axone"]),
    "keras-tf": (run_keras_tf, ["tensorflow", "keras"]),
    "torch": (run_torch, ["torch"]),
    "sklearn": (run_sklearn, ["sklearn"]),
    "floor": (run_floor, []),
}


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[0] not in RUNNERS:
        print(__doc__, file=sys.stderr)
        return 2
    name, data_path, spec_path, result_path = argv
    spec = MLPSpec(**json.loads(Path(spec_path).read_text()))
    with np.load(data_path) as archive:
        data = {key: archive[key] for key in archive.files}
    runner, modules = RUNNERS[name]
    missing = [module for module in modules if importlib.util.find_spec(module) is None]
    if missing:  # only a missing framework is "not installed"; other errors propagate
        result = {"status": "not installed", "detail": f"no module {', '.join(missing)}"}
    else:
        result = runner(spec, data)
        result["status"] = "ok"
    result["python"] = sys.executable
    result["spec"] = asdict(spec)
    Path(result_path).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
