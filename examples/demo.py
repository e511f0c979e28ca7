"""A small end-to-end run of the course's networks with `import axone as keras`.

1. The MNIST classifier (Sequential API): Flatten -> Dense 300 relu ->
   Dense 100 relu -> Dense 10 softmax, SGD, sparse categorical crossentropy.
2. The California housing regressor (Sequential API): Dense 500 relu -> Dense 1, mse.
3. The wide-and-deep regressor (functional API): the input concatenated with
   two hidden layers of 30 units, then one output unit.

The data is read from `$AXONE_DATASETS` when it is set (the MNIST IDX files
and the California housing CSV), else generated with the same shapes. The
run takes a few seconds.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

import axone as keras

N_TRAIN_IMAGES = 10_000  # a part of MNIST, to keep the demo short


def datasets_dir() -> Path | None:
    path = os.environ.get("AXONE_DATASETS")
    return Path(path) if path and Path(path).is_dir() else None


def read_idx(path: Path) -> np.ndarray:
    """An MNIST IDX file (gzip): header `00 00 08 ndim`, big-endian sizes, uint8 values."""
    raw = gzip.open(path, "rb").read()
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if raw[:3] != b"\x00\x00\x08" or len(raw) != 4 + 4 * ndim + int(np.prod(shape)):
        raise ValueError(f"{path} is not a uint8 IDX file of shape {shape}")
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_mnist():
    """`(x_train, y_train), (x_test, y_test)`, like `keras.datasets.mnist.load_data()`."""
    root = datasets_dir()
    if root is not None and (root / "mnist").is_dir():
        folder = root / "mnist"
        print(f"MNIST from {folder}")
        return ((read_idx(folder / "train-images-idx3-ubyte.gz"),
                 read_idx(folder / "train-labels-idx1-ubyte.gz")),
                (read_idx(folder / "t10k-images-idx3-ubyte.gz"),
                 read_idx(folder / "t10k-labels-idx1-ubyte.gz")))
    print("MNIST-shaped generated data (set AXONE_DATASETS for the real one)")
    rng = np.random.default_rng(0)
    templates = rng.random((10, 28, 28)) < 0.3  # one random stroke pattern per digit

    def draw(n):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        flips = rng.random((n, 28, 28)) < 0.45  # heavy noise: not every image is readable
        return np.where(templates[labels] ^ flips, 255, 0).astype(np.uint8), labels

    return draw(N_TRAIN_IMAGES), draw(2_000)


def load_housing():
    """`(X, y)`: the 8 California housing features and the value in $100,000."""
    root = datasets_dir()
    csv = root / "california_housing" / "cal_housing.csv" if root else None
    if csv is not None and csv.is_file():
        print(f"California housing from {csv}")
        raw = np.loadtxt(csv, delimiter=",", skiprows=1)
        lon, lat, age, rooms, bedrooms, population, households, income, value = raw.T
        X = np.column_stack([income, age, rooms / households, bedrooms / households,
                             population, population / households, lat, lon])
        return X, value / 100_000.0
    print("housing-shaped generated data (set AXONE_DATASETS for the real one)")
    rng = np.random.default_rng(1)
    X = rng.normal(size=(8_000, 8))
    y = 2.0 + 0.8 * X[:, 0] - 0.4 * X[:, 6] * X[:, 7] + 0.3 * np.tanh(X[:, 1]) \
        + rng.normal(0, 0.3, 8_000)
    return X, y


def split_and_scale(X, y, seed=0):
    """75% / 25% split at random, features standardized with the training statistics."""
    order = np.random.default_rng(seed).permutation(len(X))
    test, train = order[: len(X) // 4], order[len(X) // 4:]
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    return (X[train] - mean) / std, (X[test] - mean) / std, y[train], y[test]


def mnist_classifier():
    (X_train_full, y_train_full), (X_test, y_test) = load_mnist()
    X_train_full, y_train_full = X_train_full[:N_TRAIN_IMAGES], y_train_full[:N_TRAIN_IMAGES]
    X_train, X_test = X_train_full / 255.0, X_test / 255.0

    model = keras.models.Sequential([
        keras.layers.Flatten(input_shape=[28, 28]),
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.summary()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    model.fit(X_train, y_train_full, epochs=5, validation_split=0.1)
    loss, accuracy = model.evaluate(X_test, y_test, verbose=0)
    print(f"MNIST test accuracy: {accuracy:.4f} (loss {loss:.4f})")


def housing_regressor(X_train, X_test, y_train, y_test):
    reg_model = keras.models.Sequential()
    reg_model.add(keras.layers.Input(shape=(8,)))
    reg_model.add(keras.layers.Dense(500, activation="relu"))
    reg_model.add(keras.layers.Dense(1))
    reg_model.summary()
    reg_model.compile(loss="mean_squared_error", optimizer="sgd")
    reg_model.fit(X_train, y_train, epochs=5, validation_split=0.1)
    print(f"housing test MSE: {reg_model.evaluate(X_test, y_test, verbose=0):.4f}")


def wide_and_deep(X_train, X_test, y_train, y_test):
    input_ = keras.layers.Input(shape=X_train.shape[1:])
    hidden1 = keras.layers.Dense(30, activation="relu")(input_)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    concat = keras.layers.Concatenate()([input_, hidden2])
    output = keras.layers.Dense(1)(concat)
    model = keras.Model(inputs=[input_], outputs=[output])
    model.summary()
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
    model.fit(X_train, y_train, epochs=5, validation_split=0.1)
    print(f"wide-and-deep test MSE: {model.evaluate(X_test, y_test, verbose=0):.4f}")
    print("predictions for 3 test houses:", model.predict(X_test[:3], verbose=0).ravel().round(2),
          "true:", np.round(y_test[:3], 2))


def main():
    keras.utils.set_random_seed(42)
    print("=== 1. MNIST classifier (Sequential API) ===")
    mnist_classifier()
    print("\n=== 2. California housing regressor (Sequential API) ===")
    housing = split_and_scale(*load_housing())
    housing_regressor(*housing)
    print("\n=== 3. Wide-and-deep regressor (functional API) ===")
    wide_and_deep(*housing)


if __name__ == "__main__":
    main()
