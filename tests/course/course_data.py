"""Data for the course blocks: real copies under $AXONE_DATASETS when present, else generated.

The generated sets have the shapes, types and value ranges of the real ones
and a learnable structure, so the course's training code behaves as on the
real data (only the numbers differ).
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np


def datasets_dir() -> Path | None:
    path = os.environ.get("AXONE_DATASETS")
    return Path(path) if path and Path(path).is_dir() else None


def real_mnist():
    """`(x_train, y_train), (x_test, y_test)` from `$AXONE_DATASETS/mnist`, or None.

    The files are the four gzip-compressed IDX files; only their headers'
    sizes are relied on (see the datasets README).
    """
    root = datasets_dir()
    if root is None or not (root / "mnist").is_dir():
        return None

    def read(name: str, header: int, shape: tuple) -> np.ndarray:
        with gzip.open(root / "mnist" / f"{name}.gz", "rb") as f:
            return np.frombuffer(f.read(), dtype=np.uint8, offset=header).reshape(shape)

    return ((read("train-images-idx3-ubyte", 16, (-1, 28, 28)), read("train-labels-idx1-ubyte", 8, (-1,))),
            (read("t10k-images-idx3-ubyte", 16, (-1, 28, 28)), read("t10k-labels-idx1-ubyte", 8, (-1,))))


def synthetic_mnist(n: int, seed: int = 0):
    """`(images uint8 (n, 28, 28), labels uint8 (n,))`: noisy copies of 10 class templates.

    The templates are the same for every `seed`; `seed` draws the samples.
    """
    templates = np.random.default_rng(12345).random((10, 28, 28)) < 0.3
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    noise = rng.random((n, 28, 28)) < 0.15
    images = np.where(templates[labels] ^ noise, 255, 0).astype(np.uint8)
    return images, labels


def fetch_california_housing():
    """The 8 features and target of California housing, as scikit-learn's loader gives them.

    Derived from `$AXONE_DATASETS/california_housing/cal_housing.csv` when
    present (as the datasets README says), else the copy embedded in axone.
    """
    root = datasets_dir()
    csv = root / "california_housing" / "cal_housing.csv" if root else None
    if csv is not None and csv.is_file():
        raw = np.loadtxt(csv, delimiter=",", skiprows=1)
        lon, lat, age, rooms, bedrooms, population, households, income, value = raw.T
        data = np.column_stack([income, age, rooms / households, bedrooms / households,
                                population, population / households, lat, lon])
        return SimpleNamespace(data=data, target=value / 100_000.0)
    from axone.datasets import fetch_california_housing as embedded

    housing = embedded()
    return SimpleNamespace(data=housing.data, target=housing.target)


def geron_housing_split():
    """`(X_train, X_valid, X_test, y_train, y_valid, y_test)`: the book's split (random_state=42)."""
    from sklearn.model_selection import train_test_split

    data = fetch_california_housing()
    X_train_full, X_test, y_train_full, y_test = train_test_split(data.data, data.target, random_state=42)
    X_train, X_valid, y_train, y_valid = train_test_split(X_train_full, y_train_full, random_state=42)
    return X_train, X_valid, X_test, y_train, y_valid, y_test
