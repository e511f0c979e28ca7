"""Data for the benchmarks: MNIST and California housing, real or generated.

Real data is read from the folder named by the `AXONE_DATASETS`
environment variable (`mnist/` with the four IDX files, and
`california_housing/cal_housing.csv`). Without it, each loader returns
generated data of the same shapes with a learnable structure, so that the
benchmarks still run (and still measure the same amount of work) anywhere.

Only NumPy and the standard library are used here: every worker
interpreter (axone's, TensorFlow's, PyTorch's) can import this module.
"""

from __future__ import annotations

import gzip
import os
import struct
from pathlib import Path

import numpy as np

#: IDX type codes (third byte of the magic number) and their big-endian dtypes.
_IDX_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def datasets_root() -> Path | None:
    """The folder named by `AXONE_DATASETS`, or None when unset or missing."""
    value = os.environ.get("AXONE_DATASETS")
    if not value:
        return None
    root = Path(value).expanduser()
    return root if root.is_dir() else None


# ----------------------------------------------------------------------- IDX
def read_idx(path: str | Path, expected_shape: tuple[int | None, ...] | None = None) -> np.ndarray:
    """Read one IDX file (plain or gzip-compressed) into a NumPy array.

    The IDX format: a 4-byte magic number `00 00 TT NN` (TT the type code,
    NN the number of dimensions), then NN big-endian uint32 sizes, then the
    values in C order. The header and the file size are checked before the
    data is used.

    Args:
        path: the file; a name ending in `.gz` is decompressed.
        expected_shape: optional shape to check against the header, with
            `None` for any size on that axis (e.g. `(None, 28, 28)`).

    Returns:
        The array, in native byte order.

    Raises:
        ValueError: on a bad magic number, an unknown type code, a shape
            other than `expected_shape`, or a data size that does not match
            the header (a truncated or padded file).
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4:
        raise ValueError(f"{path}: too short for an IDX file ({len(raw)} bytes).")
    zero1, zero2, type_code, ndim = raw[0], raw[1], raw[2], raw[3]
    if zero1 or zero2:
        raise ValueError(f"{path}: not an IDX file (magic number {raw[:4].hex()}).")
    if type_code not in _IDX_DTYPES:
        raise ValueError(f"{path}: unknown IDX type code 0x{type_code:02x}.")
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(f"{path}: truncated IDX header.")
    shape = struct.unpack(f">{ndim}I", raw[4:header_size])
    if expected_shape is not None:
        matches = len(shape) == len(expected_shape) and all(
            e is None or e == s for s, e in zip(shape, expected_shape)
        )
        if not matches:
            raise ValueError(f"{path}: IDX shape {shape}, expected {expected_shape}.")
    dtype = _IDX_DTYPES[type_code]
    expected_bytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header_size != expected_bytes:
        raise ValueError(
            f"{path}: {len(raw) - header_size} data bytes, but the header {shape} "
            f"announces {expected_bytes}."
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def _find(folder: Path, name: str) -> Path:
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{folder}: neither {name}.gz nor {name} found.")


def load_mnist_idx(folder: str | Path):
    """Read MNIST's four IDX files from `folder`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(n, 28, 28)` and
        uint8 labels `(n,)`, as `keras.datasets.mnist.load_data()` gives them.
    """
    folder = Path(folder)
    parts = []
    for prefix in ("train", "t10k"):
        images = read_idx(_find(folder, f"{prefix}-images-idx3-ubyte"), (None, 28, 28))
        labels = read_idx(_find(folder, f"{prefix}-labels-idx1-ubyte"), (None,))
        if len(images) != len(labels):
            raise ValueError(f"{folder}: {len(images)} {prefix} images but {len(labels)} labels.")
        if labels.max() > 9:
            raise ValueError(f"{folder}: {prefix} labels outside 0-9 (max {labels.max()}).")
        parts.append((images, labels))
    return parts[0], parts[1]


# --------------------------------------------------------------------- MNIST
def generated_mnist(n_train: int = 60_000, n_test: int = 10_000, seed: int = 0):
    """MNIST-shaped data with a learnable structure (no download needed).

    Each of the 10 classes has a prototype image: a few blurred strokes on a
    28x28 grid. A sample is its class prototype, shifted by up to 2 pixels,
    with pixel noise, as uint8 in 0-255. Classes overlap enough that one
    epoch does not reach 100% accuracy.

    Returns:
        `(x_train, y_train), (x_test, y_test)` like `load_mnist_idx`.
    """
    rng = np.random.default_rng(seed)
    grid = np.arange(28, dtype=np.float32)
    prototypes = np.zeros((10, 28, 28), dtype=np.float32)
    for image in prototypes:
        for _ in range(4):  # four Gaussian blobs per class
            cy, cx = rng.uniform(6, 22, size=2)
            sy, sx = rng.uniform(1.5, 4.0, size=2)
            image += np.exp(-((grid[:, None] - cy) ** 2) / (2 * sy**2)
                            - ((grid[None, :] - cx) ** 2) / (2 * sx**2))
    prototypes /= prototypes.max(axis=(1, 2), keepdims=True)

    def draw(n):
        labels = rng.integers(0, 10, size=n).astype(np.uint8)
        images = np.empty((n, 28, 28), dtype=np.uint8)
        shifts = rng.integers(-2, 3, size=(n, 2))
        for i in range(0, n, 5000):  # in chunks, to keep memory small
            chunk = slice(i, min(i + 5000, n))
            base = prototypes[labels[chunk]]
            for k, (dy, dx) in enumerate(shifts[chunk]):
                base[k] = np.roll(base[k], (dy, dx), axis=(0, 1))
            noisy = base + rng.normal(0.0, 0.35, size=base.shape).astype(np.float32)
            images[chunk] = np.clip(noisy * 255, 0, 255).astype(np.uint8)
        return images, labels

    return draw(n_train), draw(n_test)


def mnist(seed: int = 0):
    """MNIST from `$AXONE_DATASETS/mnist` if present, else generated.

    Returns:
        `((x_train, y_train), (x_test, y_test)), source` where `source`
        says which data was used.
    """
    root = datasets_root()
    if root is not None and (root / "mnist").is_dir():
        return load_mnist_idx(root / "mnist"), f"MNIST IDX files from {root / 'mnist'}"
    return generated_mnist(seed=seed), "generated MNIST-shaped data (AXONE_DATASETS not set)"


# ------------------------------------------------------------------- housing
HOUSING_FEATURES = ("MedInc", "HouseAge", "AveRooms", "AveBedrms",
                    "Population", "AveOccup", "Latitude", "Longitude")
_HOUSING_COLUMNS = ("longitude", "latitude", "housing_median_age", "total_rooms",
                    "total_bedrooms", "population", "households", "median_income",
                    "median_house_value")


def load_housing_csv(path: str | Path):
    """California housing from the census CSV, as scikit-learn presents it.

    The 8 features are derived from the raw columns: MedInc, HouseAge,
    AveRooms = total_rooms / households, AveBedrms = total_bedrooms /
    households, Population, AveOccup = population / households, Latitude,
    Longitude; the target is median_house_value / 100,000.

    Returns:
        `(X, y)`: float64 arrays `(20640, 8)` and `(20640,)`.
    """
    path = Path(path)
    with open(path, encoding="utf-8") as f:
        header = tuple(name.strip() for name in f.readline().split(","))
    if header != _HOUSING_COLUMNS:
        raise ValueError(f"{path}: unexpected columns {header}, expected {_HOUSING_COLUMNS}.")
    raw = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
    if raw.shape[1] != len(_HOUSING_COLUMNS) or not np.isfinite(raw).all():
        raise ValueError(f"{path}: expected {len(_HOUSING_COLUMNS)} finite columns per row.")
    col = {name: raw[:, i] for i, name in enumerate(_HOUSING_COLUMNS)}
    households = col["households"]
    X = np.column_stack([
        col["median_income"],
        col["housing_median_age"],
        col["total_rooms"] / households,
        col["total_bedrooms"] / households,
        col["population"],
        col["population"] / households,
        col["latitude"],
        col["longitude"],
    ])
    y = col["median_house_value"] / 100_000.0
    return X, y


def generated_housing(n: int = 20_640, seed: int = 0):
    """Housing-shaped regression data: 8 features, a smooth non-linear target.

    Returns:
        `(X, y)` like `load_housing_csv`.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(HOUSING_FEATURES))) * [1.9, 12.6, 2.5, 0.5, 1132, 10, 2.1, 2.0] \
        + [3.9, 28.6, 5.4, 1.1, 1425, 3.1, 35.6, -119.6]
    z = (X - X.mean(axis=0)) / X.std(axis=0)
    y = (2.0 + 0.8 * z[:, 0] + 0.3 * np.tanh(z[:, 1]) - 0.4 * z[:, 6] * z[:, 7]
         + 0.2 * np.sin(2 * z[:, 2]) + rng.normal(0.0, 0.5, size=n))
    return X, np.clip(y, 0.15, 5.0)


def housing(seed: int = 0):
    """California housing from `$AXONE_DATASETS` if present, else generated.

    Returns:
        `(X, y), source`.
    """
    root = datasets_root()
    csv = None if root is None else root / "california_housing" / "cal_housing.csv"
    if csv is not None and csv.is_file():
        return load_housing_csv(csv), f"California housing CSV from {csv}"
    return generated_housing(seed=seed), "generated housing-shaped data (AXONE_DATASETS not set)"
