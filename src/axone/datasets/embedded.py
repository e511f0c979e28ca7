"""The data files shipped inside the package (`axone/datasets/data/*.npz`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).with_name("data")


def data_path(name: str) -> Path:
    """The path of an embedded file, `data/<name>.npz`."""
    return DATA_DIR / f"{name}.npz"


def read(name: str) -> dict:
    """All arrays of the embedded file `name`, as a dict (text as Python `str`)."""
    with np.load(data_path(name), allow_pickle=False) as f:
        arrays = {key: f[key] for key in f.files}
    return {key: (str(value) if value.dtype.kind == "U" and value.ndim == 0 else value)
            for key, value in arrays.items()}


def write(name: str, **arrays) -> Path:
    """Write the embedded file `name` (compressed, no pickled objects); returns its path."""
    path = data_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **{key: np.asarray(value) for key, value in arrays.items()})
    return path
