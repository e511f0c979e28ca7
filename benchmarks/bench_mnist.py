"""Benchmark: the course's MNIST classifier in axone and its peers.

    python benchmarks/bench_mnist.py [--epochs 2] [--frameworks axone,keras-tf,torch,sklearn,floor]

The network, as the course writes it for Keras:

    model = keras.models.Sequential([
        keras.layers.Flatten(input_shape=[28, 28]),
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
                  metrics=["accuracy"])

trained with SGD (learning rate 0.01), batch 32, on the course's split of
MNIST: pixels divided by 255, the first 5,000 training images held out,
the other 55,000 trained on; accuracy is measured on the 10,000 test images.
MNIST is read from `$AXONE_DATASETS/mnist` when set, else generated.

Each framework (axone, axone with one BLAS thread, Keras 3 on TensorFlow, a
PyTorch loop, scikit-learn's MLPClassifier, and the BLAS floor: the step's
matrix products alone) trains in a fresh process of its own; the table gives
the seconds of the first epoch, the median of the later ones, the test
accuracy, axone's epoch time divided by each peer's, and each process's peak
memory. Frameworks that cannot be imported are listed as "not installed".

The targets: an epoch at most 1.3x the floor, 0.2x Keras on TensorFlow,
0.5x the PyTorch loop and 0.5x scikit-learn; a peak memory under 1/3 of
Keras's; a test accuracy no more than 1 point below any peer's.
"""

from __future__ import annotations

import sys

import numpy as np

import datasets
from harness import parse_args, run_benchmark
from workers import MLPSpec

VALIDATION_SIZE = 5_000  # the course holds out the first 5,000 training images
#: axone's epoch time over each one's must be at most this
TIME_TARGETS = {"floor": 1.3, "keras-tf": 0.2, "torch": 0.5, "sklearn": 0.5}
#: and its peak memory over Keras's
MEMORY_TARGETS = {"keras-tf": 1 / 3}


def prepare(seed: int):
    """The course's preprocessing: scale to [0, 1], drop the validation images."""
    ((x_train, y_train), (x_test, y_test)), source = datasets.mnist(seed=seed)
    data = {
        "x_train": (x_train[VALIDATION_SIZE:] / np.float32(255.0)).astype(np.float32),
        "y_train": y_train[VALIDATION_SIZE:].astype(np.int64),
        "x_test": (x_test / np.float32(255.0)).astype(np.float32),
        "y_test": y_test.astype(np.int64),
    }
    return data, source


def mnist_spec(epochs: int, seed: int = 0, batch_size: int = 32) -> MLPSpec:
    """The course's classifier and its training."""
    return MLPSpec(task="classification", input_shape=[28, 28], hidden=[300, 100], outputs=10,
                   learning_rate=0.01, batch_size=batch_size, epochs=epochs, seed=seed)


def prepare_subset(args):
    """`prepare`, then `--subset N`: the first N training samples only."""
    data, source = prepare(args.seed)
    if args.subset:
        data["x_train"], data["y_train"] = data["x_train"][:args.subset], data["y_train"][:args.subset]
    return data, source


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_epochs=3)
    spec = mnist_spec(args.epochs, args.seed)
    data, source = prepare_subset(args)
    title = (f"MNIST MLP 784-300-100-10 (relu, softmax), SGD lr {spec.learning_rate}, "
             f"batch {spec.batch_size}, {spec.epochs} epoch(s)")
    return run_benchmark(title, spec, data, source, args, TIME_TARGETS, MEMORY_TARGETS)


if __name__ == "__main__":
    sys.exit(main())
