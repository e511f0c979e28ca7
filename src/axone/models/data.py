"""Turning user data (arrays, lists, dicts, DataFrames) into checked batches.

Everything `fit`, `evaluate` and `predict` accept goes through here, so the
checks and their messages live in one place.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from axone import backend


def _to_array(value: Any, what: str) -> np.ndarray:
    if hasattr(value, "to_numpy"):  # pandas DataFrame / Series
        value = value.to_numpy()
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists and the like
        raise TypeError(f"Could not convert {what} to an array: {error}") from None
    if array.dtype == object:
        raise TypeError(
            f"{what} has dtype object (mixed or ragged values); expected numbers, e.g. "
            "a float array of shape (n_samples, n_features)."
        )
    return array


def to_list(value: Any, names: Sequence[str], what: str) -> list:
    """Arrange `value` (one array, a list, or a dict keyed by name) in `names` order."""
    if isinstance(value, dict):
        missing = [n for n in names if n not in value]
        if missing:
            raise ValueError(
                f"{what} is a dict, but it lacks key(s) {missing}. "
                f"Expected keys: {list(names)}; received: {list(value)}."
            )
        return [value[n] for n in names]
    if isinstance(value, (list, tuple)) and len(names) > 1:
        if len(value) != len(names):
            raise ValueError(
                f"The model has {len(names)} {what.split()[0]}s ({', '.join(names)}), "
                f"but {len(value)} arrays were given."
            )
        return list(value)
    if isinstance(value, (list, tuple)) and len(value) == 1 and len(names) == 1 and _is_array_like(value[0]):
        return [value[0]]
    if len(names) > 1:
        raise ValueError(
            f"The model has {len(names)} {what.split()[0]}s ({', '.join(names)}); "
            f"pass a list of {len(names)} arrays or a dict keyed by those names."
        )
    return [value]


def _is_array_like(value: Any) -> bool:
    return isinstance(value, np.ndarray) or hasattr(value, "to_numpy") or (
        isinstance(value, (list, tuple)) and len(value) > 0 and isinstance(value[0], (list, tuple, np.ndarray))
    )


def prepare_inputs(x: Any, input_names: Sequence[str], input_shapes: Sequence[tuple]) -> list[np.ndarray]:
    """Return the model inputs as floatx arrays, checking shapes and finiteness."""
    if x is None:
        raise ValueError("No input data was given: pass x, an array of shape (n_samples, ...).")
    arrays = []
    for name, shape, value in zip(input_names, input_shapes, to_list(x, input_names, "input x")):
        array = _to_array(value, f"input {name!r}")
        if array.ndim == len(shape) - 1 and len(shape) == 2 and shape[1] == 1:
            array = array.reshape(-1, 1)  # a 1-D feature vector for a 1-feature input
        check_input_shape(array.shape, shape, name)
        if not np.issubdtype(array.dtype, np.number) and array.dtype != bool:
            raise TypeError(f"Input {name!r} has dtype {array.dtype}; expected numbers.")
        if not isinstance(array, np.memmap):
            array = np.ascontiguousarray(array, dtype=backend.floatx())
        check_finite(array, f"input {name!r}")
        arrays.append(array)
    return arrays


def check_input_shape(received: tuple, expected: tuple, name: str) -> None:
    """Raise a ValueError naming the input if `received` cannot feed `expected`."""
    ok = len(received) == len(expected) and all(
        e is None or e == r for e, r in zip(expected[1:], received[1:])
    )
    if not ok:
        raise ValueError(
            f"Input {name!r} of the model is incompatible: expected shape "
            f"{_fmt_shape(expected)} (batch axis first), but received data of shape "
            f"{tuple(received)}."
            + (" Did you forget to reshape one sample into a batch, e.g. x[None]?"
               if len(received) == len(expected) - 1 else "")
        )


def _fmt_shape(shape: tuple) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (",)" if len(shape) == 1 else ")")


def check_finite(array: np.ndarray, what: str) -> None:
    """Raise a ValueError if `array` holds NaN or infinity."""
    if np.issubdtype(array.dtype, np.floating) and not isinstance(array, np.memmap):
        if not np.isfinite(array).all():
            bad = np.argwhere(~np.isfinite(array))[0]
            raise ValueError(
                f"{what} contains NaN or infinite values (first at index {tuple(int(i) for i in bad)}). "
                "Clean or impute the data before training, e.g. with "
                "numpy.nan_to_num or sklearn.impute.SimpleImputer."
            )


def prepare_targets(y: Any, output_names: Sequence[str]) -> list[np.ndarray]:
    """Return the targets as arrays (integer labels keep their integer type)."""
    arrays = []
    for name, value in zip(output_names, to_list(y, output_names, "output y")):
        array = _to_array(value, f"target {name!r}")
        if not np.issubdtype(array.dtype, np.number) and array.dtype != bool:
            raise TypeError(f"Target {name!r} has dtype {array.dtype}; expected numbers.")
        if not np.issubdtype(array.dtype, np.integer):
            array = np.asarray(array, dtype=backend.floatx())
            check_finite(array, f"target {name!r}")
        arrays.append(array)
    return arrays


def prepare_sample_weight(sample_weight: Any, n: int, n_outputs: int, output_names) -> list:
    """One weight vector per output (or None)."""
    if sample_weight is None:
        return [None] * n_outputs
    if isinstance(sample_weight, (dict, list, tuple)) and n_outputs > 1:
        weights = to_list(sample_weight, output_names, "output sample_weight")
    else:
        weights = [sample_weight] * n_outputs
    result = []
    for w in weights:
        if w is None:
            result.append(None)
            continue
        w = np.asarray(w, dtype=backend.floatx())
        if w.ndim != 1 or len(w) != n:
            raise ValueError(
                f"sample_weight must be a 1-D array with one weight per sample ({n}); "
                f"received shape {w.shape}."
            )
        check_finite(w, "sample_weight")
        result.append(w)
    return result


def check_lengths(xs: list, ys: list | None = None, what: str = "x") -> int:
    """Return the number of samples, raising if the arrays disagree."""
    lengths = {len(a) for a in xs}
    if ys:
        lengths |= {len(a) for a in ys}
    if len(lengths) > 1:
        x_len = [len(a) for a in xs]
        y_len = [len(a) for a in ys] if ys else []
        raise ValueError(
            f"Data cardinality is ambiguous: x has {x_len[0] if len(x_len) == 1 else x_len} "
            f"samples but y has {y_len[0] if len(y_len) == 1 else y_len}. "
            "Make sure all arrays contain the same number of samples."
        )
    n = lengths.pop()
    if n == 0:
        raise ValueError("The data is empty (0 samples).")
    return n


def class_weight_to_sample_weight(class_weight: dict, y: np.ndarray) -> np.ndarray:
    """Per-sample weights from a `{class: weight}` dict (integer or one-hot labels)."""
    if y.ndim >= 2 and y.shape[-1] > 1:
        labels = np.argmax(y, axis=-1)
    else:
        labels = np.rint(y.reshape(len(y), -1)[:, 0]).astype(int) if y.ndim > 1 else np.rint(y).astype(int)
    missing = sorted(set(np.unique(labels).tolist()) - set(int(k) for k in class_weight))
    if missing:
        raise ValueError(
            f"class_weight has no entry for class(es) {missing} found in y. "
            f"Received class_weight keys: {sorted(class_weight)}."
        )
    table = np.zeros(max(int(k) for k in class_weight) + 1, dtype=backend.floatx())
    for k, v in class_weight.items():
        table[int(k)] = v
    return table[labels]


def validation_split_index(n: int, validation_split: float) -> int:
    """Index where the validation part starts: Keras keeps the *last* fraction."""
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(
            f"validation_split must be in [0, 1). Received: validation_split={validation_split}"
        )
    split_at = int(math.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(
            f"validation_split={validation_split} leaves an empty training or validation "
            f"set for {n} samples."
        )
    return split_at


def batch_slices(n: int, batch_size: int):
    """Yield `slice`s covering `range(n)` in steps of `batch_size` (the last may be short)."""
    for start in range(0, n, batch_size):
        yield slice(start, min(start + batch_size, n))


def check_batch_size(batch_size: Any) -> None:
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer. Received: batch_size={batch_size!r}")
