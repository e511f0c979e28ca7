"""Benchmark: the course's California housing regression in axone and its peers.

    python benchmarks/bench_housing.py [--epochs 5] [--frameworks axone,keras-tf,torch,sklearn,floor]

The network, as the course writes it for Keras:

    reg_model = keras.models.Sequential()
    reg_model.add(keras.layers.Input(shape=(8,)))
    reg_model.add(keras.layers.Dense(500, activation="relu"))
    reg_model.add(keras.layers.Dense(1))
    reg_model.compile(loss="mean_squared_error", optimizer="sgd")

trained with SGD (learning rate 0.01), batch 32, on the 8 features of
California housing (MedInc, HouseAge, AveRooms, AveBedrms, Population,
AveOccup, Latitude, Longitude; target in units of $100,000), split 75% /
25% at random as `train_test_split` does by default, standardized with the
training set's mean and standard deviation. The test score is the test
set's mean squared error. The data is read from
`$AXONE_DATASETS/california_housing/cal_housing.csv` when set, else
generated.

Each framework trains in a fresh process of its own; the table has the same
columns as `bench_mnist.py`'s. The target: an epoch at least 4x faster than
Keras 3 on TensorFlow (axone/keras-tf <= 0.25).
"""

from __future__ import annotations

import sys

import numpy as np

import datasets
from harness import parse_args, run_benchmark
from workers import MLPSpec

TEST_FRACTION = 0.25  # train_test_split's default
#: axone's epoch time over Keras's must be at most this ("at least 4x faster")
TIME_TARGETS = {"keras-tf": 0.25}


def prepare(seed: int, standardize: bool = True):
    """Shuffle, split 75/25, standardize the features with the training statistics
    (or leave them raw, for a network that starts with a `Normalization` layer)."""
    (X, y), source = datasets.housing(seed=seed)
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = int(np.ceil(TEST_FRACTION * len(X)))
    test, train = order[:n_test], order[n_test:]
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    if not standardize:
        mean, std = 0.0, 1.0
    data = {
        "x_train": ((X[train] - mean) / std).astype(np.float32),
        "y_train": y[train].astype(np.float32),
        "x_test": ((X[test] - mean) / std).astype(np.float32),
        "y_test": y[test].astype(np.float32),
    }
    return data, source


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_epochs=5)
    spec = MLPSpec(task="regression", input_shape=[8], hidden=[500], outputs=1,
                   learning_rate=0.01, batch_size=32, epochs=args.epochs, seed=args.seed)
    data, source = prepare(args.seed)
    if args.subset:
        data["x_train"], data["y_train"] = data["x_train"][:args.subset], data["y_train"][:args.subset]
    title = (f"California housing MLP 8-500-1 (relu, linear), mse, SGD lr {spec.learning_rate}, "
             f"batch {spec.batch_size}, {spec.epochs} epoch(s)")
    return run_benchmark(title, spec, data, source, args, TIME_TARGETS)


if __name__ == "__main__":
    sys.exit(main())
