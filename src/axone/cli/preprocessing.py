"""From a table to arrays and back: task detection, one-hot encoding, scaling.

`TablePreprocessor` learns, on the training rows of a pandas DataFrame, what
`axone train` needs to turn any later table of the same columns into the
network's float32 input: which columns are numbers (standardised with the
training mean and standard deviation) and which are text (one-hot encoded
with the training categories), and how the target is encoded (the class
labels, kept as they are in the file, or the mean and standard deviation of
a numeric target). Everything is plain JSON (`preprocessing.json`), so
`axone predict` rebuilds the same transformation without the training data.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

FORMAT_VERSION = 1
# An integer (or boolean, or text) target with at most this many distinct
# values is a set of classes; more distinct numbers make it a regression.
MAX_CLASSES_AUTO = 20


class PreprocessingError(ValueError):
    """The table does not fit what the preprocessing expects (one clear sentence)."""


def _is_text(series) -> bool:
    import pandas as pd
    return not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series))


def detect_task(target) -> tuple[str, str]:
    """`("classification" | "regression", reason)` for a pandas Series.

    Text, booleans, and integer values with at most `MAX_CLASSES_AUTO`
    distinct values are classes; other numbers are a regression target.
    """
    import pandas as pd
    distinct = target.nunique()
    if pd.api.types.is_bool_dtype(target):
        return "classification", "the target is boolean"
    if _is_text(target):
        return "classification", f"the target is text ({distinct} labels)"
    values = target.to_numpy(dtype=float)
    if np.all(values == np.round(values)) and distinct <= MAX_CLASSES_AUTO:
        return "classification", f"the target has {distinct} integer values"
    return "regression", f"the target is numeric with {distinct} distinct values"


def label_value(value):
    """A class label as JSON can hold it: numpy scalars become Python values."""
    return value.item() if hasattr(value, "item") else value


class TablePreprocessor:
    """Columns, encodings and scaling learned from training rows.

    Args:
        target: the name of the column to predict.
        task: `"regression"` or `"classification"`.
        scale: standardise numeric features (and a regression target). Defaults to True.
    """

    def __init__(self, target: str, task: str, scale: bool = True):
        if task not in ("regression", "classification"):
            raise ValueError(f"task must be 'regression' or 'classification'. Received: task={task!r}")
        self.target = target
        self.task = task
        self.scale = scale
        self.numeric: dict[str, dict] = {}  # column -> {"mean", "std"}
        self.categorical: dict[str, list] = {}  # column -> categories
        self.features: list[str] = []  # the input columns, in file order
        self.classes: list = []
        self.target_mean, self.target_std = 0.0, 1.0

    # ------------------------------------------------------------ learning
    def fit(self, frame) -> "TablePreprocessor":
        """Learn the encodings from `frame` (the training rows, target included)."""
        self.features = [column for column in frame.columns if column != self.target]
        if not self.features:
            raise PreprocessingError(f"the table has no column besides the target {self.target!r}")
        for column in self.features:
            series = frame[column]
            if _is_text(series):
                self.categorical[column] = sorted(map(label_value, series.astype(str).unique()))
            else:
                values = series.to_numpy(dtype=float)
                std = float(values.std()) if self.scale else 1.0
                self.numeric[column] = {"mean": float(values.mean()) if self.scale else 0.0,
                                        "std": std if std > 0 else 1.0}
        target = frame[self.target]
        if self.task == "classification":
            self.classes = sorted(map(label_value, target.unique()), key=lambda v: (str(type(v)), v))
        else:
            if _is_text(target):
                raise PreprocessingError(
                    f"the target {self.target!r} holds text, so it cannot be a regression "
                    "target; use --task classification")
            values = target.to_numpy(dtype=float)
            if self.scale:
                self.target_mean, self.target_std = float(values.mean()), float(values.std()) or 1.0
        return self

    @property
    def n_inputs(self) -> int:
        return len(self.numeric) + sum(len(c) for c in self.categorical.values())

    @property
    def input_names(self) -> list[str]:
        """One name per network input: `size`, `city=Paris`, ..."""
        names = []
        for column in self.features:
            if column in self.numeric:
                names.append(column)
            else:
                names += [f"{column}={category}" for category in self.categorical[column]]
        return names

    # ------------------------------------------------------------ applying
    def check_columns(self, frame) -> None:
        missing = [column for column in self.features if column not in frame.columns]
        if missing:
            raise PreprocessingError(
                f"the table lacks the column(s) {', '.join(map(repr, missing))} that the model "
                f"was trained on (expected: {', '.join(self.features)})")

    def transform(self, frame) -> np.ndarray:
        """The network's input, float32 `(n_rows, n_inputs)`.

        A category not seen in training encodes as all zeros in its column's block.
        """
        self.check_columns(frame)
        blocks = []
        for column in self.features:
            series = frame[column]
            if column in self.numeric:
                if _is_text(series):
                    raise PreprocessingError(
                        f"column {column!r} holds text, but the model was trained on numbers there")
                stats = self.numeric[column]
                blocks.append(((series.to_numpy(dtype=float) - stats["mean"]) / stats["std"])[:, None])
            else:
                categories = self.categorical[column]
                values = series.astype(str).to_numpy()
                blocks.append((values[:, None] == np.array(categories, dtype=object)[None, :]))
        return np.hstack(blocks).astype("float32") if blocks else np.zeros((len(frame), 0), "float32")

    def encode_target(self, series) -> np.ndarray:
        """Class indices (int64) or the standardised target (float32, shape `(n, 1)`)."""
        if self.task == "classification":
            index = {label: i for i, label in enumerate(self.classes)}
            return np.array([index[label_value(v)] for v in series], dtype="int64")
        values = series.to_numpy(dtype=float)
        return ((values - self.target_mean) / self.target_std).astype("float32")[:, None]

    def decode_classes(self, indices) -> list:
        return [self.classes[int(i)] for i in indices]

    # --------------------------------------------------------- persistence
    def to_dict(self) -> dict:
        return {"format_version": FORMAT_VERSION, "target": self.target, "task": self.task,
                "scale": self.scale, "features": self.features, "numeric": self.numeric,
                "categorical": self.categorical, "classes": self.classes,
                "target_scaling": {"mean": self.target_mean, "std": self.target_std},
                "inputs": self.input_names}

    @classmethod
    def from_dict(cls, config: dict) -> "TablePreprocessor":
        try:
            if config.get("format_version") != FORMAT_VERSION:
                raise KeyError("format_version")
            self = cls(config["target"], config["task"], config["scale"])
            self.features = list(config["features"])
            self.numeric = dict(config["numeric"])
            self.categorical = {k: list(v) for k, v in config["categorical"].items()}
            self.classes = list(config["classes"])
            self.target_mean = float(config["target_scaling"]["mean"])
            self.target_std = float(config["target_scaling"]["std"])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise PreprocessingError(f"not a preprocessing file of axone ({error} is missing or wrong)")
        return self

    def save(self, path) -> None:
        text = json.dumps(self.to_dict(), indent=2, allow_nan=False)
        temporary = Path(f"{path}.tmp")
        temporary.write_text(text)
        temporary.replace(path)  # atomic: a crash never leaves half a file

    @classmethod
    def load(cls, path) -> "TablePreprocessor":
        try:
            config = json.loads(Path(path).read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise PreprocessingError(f"cannot read {path}: {error}")
        if not isinstance(config, dict):
            raise PreprocessingError(f"{path} is not a preprocessing file of axone")
        return cls.from_dict(config)


def finite(value: float) -> float | None:
    """`value`, or None where JSON has no number for it (NaN, infinity)."""
    return value if math.isfinite(value) else None
