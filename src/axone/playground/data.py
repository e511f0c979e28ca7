"""The playground's data: a 2-D set, its derived features, and the train/test split.

Everything here is plain NumPy, so the code the page shows can repeat it
line for line (see `codegen.py`).
"""

from __future__ import annotations

import csv
import io

import numpy as np

from axone.playground.config import MAX_CSV_ROWS, ConfigError, PlaygroundConfig

#: Each feature: the NumPy code the page shows, and the function computing it from `X` `(n, 2)`.
FEATURES = {
    "x1": ("X[:, 0]", lambda X: X[:, 0]),
    "x2": ("X[:, 1]", lambda X: X[:, 1]),
    "x1^2": ("X[:, 0] ** 2", lambda X: X[:, 0] ** 2),
    "x2^2": ("X[:, 1] ** 2", lambda X: X[:, 1] ** 2),
    "x1*x2": ("X[:, 0] * X[:, 1]", lambda X: X[:, 0] * X[:, 1]),
    "sin(x1)": ("np.sin(X[:, 0])", lambda X: np.sin(X[:, 0])),
    "sin(x2)": ("np.sin(X[:, 1])", lambda X: np.sin(X[:, 1])),
}


def generator_call(config: PlaygroundConfig) -> tuple[str, dict]:
    """The `axone.datasets` generator and its arguments for a built-in set.

    `noise` is the page's slider (0 to 0.5, about the data's scale); blobs
    widen their two clusters with it, the regression surface noises its target.
    """
    common = {"n_samples": config.n_samples}
    if config.dataset == "blobs":
        return "blobs", {**common, "noise": round(1.0 + 4.0 * config.noise, 6),
                         "centers": [[-2.0, -2.0], [2.0, 2.0]], "seed": config.seed}
    if config.dataset == "regression":
        return "surface", {**common, "noise": config.noise, "kind": "gaussians", "seed": config.seed}
    return config.dataset, {**common, "noise": config.noise, "seed": config.seed}


def make_points(config: PlaygroundConfig) -> tuple[np.ndarray, np.ndarray]:
    """The 2-D points `(n, 2)` and their targets `(n,)`, float32."""
    if config.dataset == "csv":
        return read_csv(config.csv)
    from axone import datasets

    name, arguments = generator_call(config)
    X, y = getattr(datasets, name)(**arguments)
    return np.asarray(X, dtype="float32"), np.asarray(y, dtype="float32")


def read_csv(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Parse an uploaded CSV: two numeric feature columns, then the target.

    A header row is recognised (and skipped) when its cells are not numbers.
    Raises `ConfigError` naming the row or column at fault.
    """
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if rows and not _numeric(rows[0]):
        rows = rows[1:]
    if not rows:
        raise ConfigError("The CSV file has no data rows.")
    if len(rows) > MAX_CSV_ROWS:
        raise ConfigError(f"The CSV file has {len(rows):,} rows; the playground takes at most {MAX_CSV_ROWS:,}.")
    width = len(rows[0])
    if width != 3:
        raise ConfigError(
            f"The CSV file has {width} columns; the playground needs exactly 3: two feature "
            f"columns (x1, x2) and the target. Received {max(width - 1, 0)} feature column(s).")
    values = np.empty((len(rows), 3), dtype="float64")
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            raise ConfigError(f"CSV row {number} has {len(row)} cells, the first row has {width}.")
        try:
            values[number - 1] = [float(cell) for cell in row]
        except ValueError:
            raise ConfigError(f"CSV row {number} holds a value that is not a number: {row!r:.80}") from None
    bad = ~np.isfinite(values)
    if bad.any():
        row, column = np.argwhere(bad)[0]
        raise ConfigError(f"The CSV file holds NaN or infinite values (first at row {row + 1}, "
                          f"column {column + 1}); remove those rows.")
    return values[:, :2].astype("float32"), values[:, 2].astype("float32")


def _numeric(row) -> bool:
    try:
        [float(cell) for cell in row]
    except ValueError:
        return False
    return True


def check_targets(y: np.ndarray, config: PlaygroundConfig) -> None:
    """A classification target must be 0/1; say so rather than train on nonsense."""
    if config.task == "classification" and not np.isin(y, (0.0, 1.0)).all():
        raise ConfigError("The sigmoid output needs targets 0 or 1; this data has other values "
                          "(choose the linear output for regression).")


def features(X: np.ndarray, names) -> np.ndarray:
    """The network's inputs `(n, len(names))` from the points `(n, 2)`."""
    return np.column_stack([FEATURES[name][1](X) for name in names]).astype("float32")


def split(X: np.ndarray, y: np.ndarray, train_ratio: float, seed: int):
    """Shuffle with `seed` and cut: `(X_train, X_test, y_train, y_test)`."""
    order = np.random.default_rng(seed).permutation(len(X))
    n_train = max(1, min(len(X) - 1, int(round(train_ratio * len(X)))))
    train, test = order[:n_train], order[n_train:]
    return X[train], X[test], y[train], y[test]


def region(X: np.ndarray, margin: float = 0.1) -> tuple[float, float, float, float]:
    """A square around the points, `(x_min, x_max, y_min, y_max)`, for the heat maps."""
    low, high = X.min(axis=0), X.max(axis=0)
    centre = (low + high) / 2
    half = float(max(high - low) / 2 * (1 + margin)) or 1.0
    return (float(centre[0] - half), float(centre[0] + half), float(centre[1] - half), float(centre[1] + half))


def grid(bounds, resolution: int) -> np.ndarray:
    """`resolution**2` points covering `bounds` row by row, top row first, `(r*r, 2)`."""
    x_min, x_max, y_min, y_max = bounds
    xs = np.linspace(x_min, x_max, resolution, dtype="float32")
    ys = np.linspace(y_max, y_min, resolution, dtype="float32")
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])
