"""Datasets: Keras 3's loaders, scikit-learn's small sets, generated data.

    (x_train, y_train), (x_test, y_test) = axone.datasets.mnist.load_data()
    housing = axone.datasets.fetch_california_housing()
    x, y = axone.datasets.moons(n_samples=200, noise=0.1, seed=0)

- `mnist`, `fashion_mnist`: `load_data()` from `$AXONE_DATASETS/<name>/`,
  the cache `$AXONE_HOME/datasets`, or a verified download.
- `california_housing`: `load_data()` (Keras) and `fetch_california_housing()`
  (scikit-learn), embedded in the package.
- `load_iris`, `load_breast_cancer`, `load_digits`: embedded copies.
- `xor`, `moons`, `circles`, `spirals`, `blobs`, `surface`: generators.
- `houses`, `tumors`: the course exercises' CSV files, generated.
- `available()` lists them all; `export(name, path)` writes a table as CSV.
"""

from axone.datasets import california_housing, fashion_mnist, mnist
from axone.datasets.bunch import Bunch
from axone.datasets.california_housing import fetch_california_housing
from axone.datasets.download import ChecksumError, DownloadError
from axone.datasets.exercises import houses, tumors
from axone.datasets.csv_export import export, write_csv
from axone.datasets.image_sets import DatasetNotFoundError
from axone.datasets.registry import available, table
from axone.datasets.small import load_breast_cancer, load_digits, load_iris
from axone.datasets.synthetic import blobs, circles, moons, spirals, surface, xor

__all__ = [
    "Bunch", "ChecksumError", "DatasetNotFoundError", "DownloadError", "available", "blobs",
    "california_housing", "circles", "export", "fashion_mnist", "fetch_california_housing",
    "houses", "load_breast_cancer", "load_digits", "load_iris", "mnist", "moons", "spirals",
    "surface", "table", "tumors", "write_csv", "xor",
]
