"""Writing a tabular dataset as a CSV file (`axone datasets export NAME FILE.csv`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from axone.datasets.paths import atomic_path
from axone.datasets.registry import table


def _cell(value) -> str:
    # repr of a Python float is the shortest text that reads back as the same
    # float, so a written file round-trips exactly; whole numbers lose ".0".
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def write_csv(path, header: list[str], columns: list[np.ndarray]) -> Path:
    """Write columns under `header` to `path` (comma-separated, one header row).

    The file is written under a temporary name and renamed at the end: a
    failure leaves any previous `path` as it was.
    """
    import csv

    path = Path(path)
    rows = zip(*(np.asarray(column).tolist() for column in columns))
    with atomic_path(path) as temporary, open(temporary, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([_cell(value) for value in row] for row in rows)
    return path


def export(name: str, path, seed: int = 0) -> Path:
    """Write the dataset `name` (see `available()`) to the CSV file `path`; returns the path.

    Columns: the features, then the target (`MedHouseVal` for California,
    `price` for houses, `malignant` for tumors, `label` or `y` for the
    synthetic sets, `target` otherwise). Generated sets use `seed`
    (default 0), so the same command writes the same file.

    Raises:
        ValueError: an unknown name, or an image set (MNIST), which is not a table.
    """
    header, columns = table(name, seed=seed)
    return write_csv(path, header, columns)
