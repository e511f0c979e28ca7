"""Turning user data (arrays, lists, dicts, DataFrames) into checked batches.

Everything `fit`, `evaluate` and `predict` accept goes through here, so the
checks and their messages live in one place. In-memory arrays are converted
and checked whole, once per call; data read batch by batch (memory-mapped
arrays, generators, `PyDataset`s) gets the same conversions and checks one
batch at a time, through `BatchPreparer`.
"""

from __future__ import annotations

import math
import mmap
from typing import Any, Callable, Sequence

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
        array = _numbers_from_objects(array, what)
    return array


def _numbers_from_objects(array: np.ndarray, what: str) -> np.ndarray:
    """An object array holding only real numbers (a pandas object column) as numbers:
    int64 if all are integers or bools, else float64. Anything else raises a TypeError."""
    values = array.ravel()
    if all(isinstance(v, (int, np.integer, bool, np.bool_)) for v in values):
        return array.astype(np.int64)
    if all(isinstance(v, (int, float, np.integer, np.floating, bool, np.bool_)) for v in values):
        return array.astype(np.float64)
    raise TypeError(
        f"{what} has dtype object (mixed or ragged values); expected numbers, e.g. "
        "a float array of shape (n_samples, n_features)."
    )


def _require_real_numbers(array: np.ndarray, what: str) -> None:
    if array.dtype != bool and (not np.issubdtype(array.dtype, np.number) or np.iscomplexobj(array)):
        raise TypeError(f"{what} has dtype {array.dtype}; expected real numbers (int, float or bool).")


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


def prepare_inputs(x: Any, input_names: Sequence[str], input_shapes: Sequence[tuple],
                   locate: Callable | None = None, input_dtypes: Sequence[str] | None = None) -> list[np.ndarray]:
    """Return the model inputs as floatx arrays, checking shapes and finiteness.

    Args:
        locate: turns the index of a bad value into words (see `check_finite`).
        input_dtypes: the dtype of each model input; an integer one (an
            `Input(dtype="int32")` feeding an `Embedding`) keeps its values as
            integers of that type instead. Defaults to floatx for every input.
    """
    arrays = []
    dtypes = input_dtypes or [None] * len(input_names)
    for name, dtype, array in zip(input_names, dtypes, checked_inputs(x, input_names, input_shapes)):
        if dtype is not None and np.issubdtype(np.dtype(dtype), np.integer):
            arrays.append(_to_integers(array, dtype, f"input {name!r}", locate))
            continue
        array = np.ascontiguousarray(array, dtype=backend.floatx())
        check_finite(array, f"input {name!r}", locate)
        arrays.append(array)
    return arrays


def _to_integers(array: np.ndarray, dtype: str, what: str, locate: Callable | None) -> np.ndarray:
    """`array` as integers of `dtype`; float data must hold whole numbers (indices, not features)."""
    if not np.issubdtype(array.dtype, np.integer) and array.dtype != bool:
        whole = np.isfinite(array) & (array == np.rint(array))
        if not whole.all():
            bad = tuple(int(i) for i in np.argwhere(~whole)[0])
            raise ValueError(
                f"{what} is declared {dtype} (integer indices), but holds {array[bad].item()!r} at "
                f"{locate(bad) if locate else f'index {bad}'}. Pass whole numbers, e.g. category ids."
            )
    return np.ascontiguousarray(array, dtype=dtype)


def checked_inputs(x: Any, input_names: Sequence[str], input_shapes: Sequence[tuple]) -> list[np.ndarray]:
    """The model inputs as arrays of checked shape and dtype, neither converted nor read.

    A memory-mapped array comes back as a view of its file.
    """
    if x is None:
        raise ValueError("No input data was given: pass x, an array of shape (n_samples, ...).")
    arrays = []
    for name, shape, value in zip(input_names, input_shapes, to_list(x, input_names, "input x")):
        array = _to_array(value, f"input {name!r}")
        if array.ndim == len(shape) - 1 and len(shape) == 2 and shape[1] == 1:
            array = array.reshape(-1, 1)  # a 1-D feature vector for a 1-feature input
        check_input_shape(array.shape, shape, name)
        _require_real_numbers(array, f"Input {name!r}")
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


def check_finite(array: np.ndarray, what: str, locate: Callable | None = None) -> None:
    """Raise a ValueError if `array` holds NaN or infinity.

    Args:
        locate: turns the index tuple of the first bad value into words
            (for a batch: where it sits in the data). Defaults to
            `"index (i, j)"`.
    """
    if np.issubdtype(array.dtype, np.floating) and not np.isfinite(array).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(
            f"{what} contains NaN or infinite values (first at "
            f"{locate(bad) if locate else f'index {bad}'}). "
            "Clean or impute the data before training, e.g. with "
            "numpy.nan_to_num or sklearn.impute.SimpleImputer."
        )


def require_targets(y: Any) -> None:
    """Raise a ValueError when training or evaluation data comes without targets."""
    if y is None:
        raise ValueError(
            "Training and evaluation need targets: pass y, e.g. model.fit(X_train, y_train)."
        )


def prepare_targets(y: Any, output_names: Sequence[str], locate: Callable | None = None) -> list[np.ndarray]:
    """Return the targets as arrays (integer labels keep their integer type)."""
    arrays = []
    for name, array in zip(output_names, checked_targets(y, output_names)):
        if not np.issubdtype(array.dtype, np.integer):
            array = np.asarray(array, dtype=backend.floatx())
            check_finite(array, f"target {name!r}", locate)
        arrays.append(array)
    return arrays


def checked_targets(y: Any, output_names: Sequence[str]) -> list[np.ndarray]:
    """The targets as arrays of numbers, neither converted nor read."""
    arrays = []
    for name, value in zip(output_names, to_list(y, output_names, "output y")):
        array = _to_array(value, f"target {name!r}")
        _require_real_numbers(array, f"Target {name!r}")
        arrays.append(array)
    return arrays


def prepare_sample_weight(sample_weight: Any, n: int, n_outputs: int, output_names,
                          locate: Callable | None = None) -> list:
    """One floatx weight vector per output (or None), checked for finiteness."""
    weights = checked_sample_weight(sample_weight, n, n_outputs, output_names)
    result = []
    for w in weights:
        if w is not None:
            w = np.asarray(w, dtype=backend.floatx())
            check_finite(w, "sample_weight", locate)
        result.append(w)
    return result


def checked_sample_weight(sample_weight: Any, n: int, n_outputs: int, output_names) -> list:
    """One weight vector per output (or None), of checked shape, neither converted nor read."""
    if sample_weight is None:
        return [None] * n_outputs
    if isinstance(sample_weight, (dict, list, tuple)) and n_outputs > 1:
        weights = to_list(sample_weight, output_names, "output sample_weight")
    else:
        weights = [sample_weight] * n_outputs
    result = []
    for w in weights:
        if w is not None:
            w = _to_array(w, "sample_weight")
            if w.ndim != 1 or len(w) != n:
                raise ValueError(
                    f"sample_weight must be a 1-D array with one weight per sample ({n}); "
                    f"received shape {w.shape}."
                )
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


def check_class_weight(class_weight: Any, sample_weight: Any, n_outputs: int) -> None:
    """Raise a ValueError for a `class_weight` that cannot apply (Keras refuses the same)."""
    if class_weight is None:
        return
    if not isinstance(class_weight, dict):
        raise ValueError(
            f"class_weight must be a dict {{class: weight}}. Received: class_weight={class_weight!r}"
        )
    if n_outputs > 1:
        raise ValueError("class_weight is only supported for models with a single output.")
    if sample_weight is not None:
        raise ValueError(
            "class_weight and sample_weight cannot be given together: pass one of them (to "
            "combine both, multiply the class weights into the sample weights). Received: "
            f"class_weight={class_weight!r} and sample_weight {describe_shape(sample_weight)}."
        )


def describe_shape(value: Any) -> str:
    """`"of shape (n, ...)"` for an array, else the type's name."""
    shape = getattr(value, "shape", None)
    return f"of shape {tuple(shape)}" if shape is not None else f"of type {type(value).__name__}"


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


# ------------------------------------------------------------- streamed data
#: An array whose floatx copy would take more bytes than this is read batch by
#: batch instead of being converted whole (as memory-mapped arrays always are).
LARGE_COPY_BYTES = 1 << 30


def is_memory_mapped(array: Any) -> bool:
    """True for a `numpy.memmap` and for any array viewing one: its data stays on disk."""
    while array is not None:
        if isinstance(array, (np.memmap, mmap.mmap)):
            return True
        array = getattr(array, "base", None)
    return False


def should_stream(values: Sequence) -> bool:
    """Whether arrays are to be read batch by batch rather than converted whole.

    True when one of them is memory-mapped, or would need a floatx copy of
    more than `LARGE_COPY_BYTES` (a large uint8 or float64 array).
    """
    floatx = np.dtype(backend.floatx())
    for value in values:
        if not isinstance(value, np.ndarray):
            continue
        if is_memory_mapped(value):
            return True
        needs_copy = value.dtype != floatx or not value.flags.c_contiguous
        if needs_copy and value.size * floatx.itemsize > LARGE_COPY_BYTES:
            return True
    return False


def flat_values(*structures: Any) -> list:
    """The arrays of one or more `x` / `y` / `sample_weight` values (lists and dicts opened)."""
    found = []
    for value in structures:
        if isinstance(value, dict):
            found.extend(value.values())
        elif isinstance(value, (list, tuple)):
            found.extend(value)
        elif value is not None:
            found.append(value)
    return found


def _locator(rows) -> Callable:
    """Words for the index of a bad value in a batch: in the data when the batch's rows are known."""
    if rows is None:
        return lambda bad: f"index {bad} of the batch"
    return lambda bad: f"index {(int(rows[bad[0]]),) + bad[1:]} of the data"


class BatchPreparer:
    """Converts and checks one batch of data read batch by batch.

    It applies to a batch what in-memory arrays get once for all: inputs to
    floatx (a uint8 or float64 memmap slice works), integer labels kept as
    integers, NaN/inf checks, sample and class weights, and the loss's own
    target checks. Errors name the batch.

    Args:
        input_names, input_shapes, input_dtypes: the model's inputs (see `prepare_inputs`).
        output_names: the model's outputs; None when only inputs are read (predict).
        prepare_targets: turns a batch's checked targets into what the
            training step reads (the compiled loss's `prepare_targets`).
        class_weight: `{class: weight}`, turned into sample weights batch by batch.
    """

    def __init__(self, input_names, input_shapes, output_names=None, prepare_targets=None,
                 class_weight: dict | None = None, input_dtypes=None):
        self.input_names = list(input_names)
        self.input_shapes = list(input_shapes)
        self.input_dtypes = input_dtypes
        self.output_names = None if output_names is None else list(output_names)
        self.prepare_targets = prepare_targets
        self.class_weight = class_weight

    def without_class_weight(self) -> "BatchPreparer":
        """The same preparation, without class weights (for held-out validation data)."""
        return BatchPreparer(self.input_names, self.input_shapes, self.output_names, self.prepare_targets,
                             input_dtypes=self.input_dtypes)

    def __call__(self, x, y=None, sample_weight=None, where: str = "this batch", rows=None):
        """Return `(xs, ys, sws)` for one batch.

        Args:
            where: the batch in error messages, e.g. `"batch 3 from the generator"`.
            rows: the batch's sample indices in the data (for arrays), so that
                errors point at the sample.
        """
        locate = _locator(rows)
        try:
            xs = prepare_inputs(x, self.input_names, self.input_shapes, locate, self.input_dtypes)
            if self.output_names is None:
                check_lengths(xs)
                return xs, [], []
            ys = prepare_targets(y, self.output_names, locate)
            n = check_lengths(xs, ys)
            sws = prepare_sample_weight(sample_weight, n, len(ys), self.output_names, locate)
            if self.class_weight is not None:
                check_class_weight(self.class_weight, sample_weight, len(ys))
                sws = [class_weight_to_sample_weight(self.class_weight, ys[0])]
            if self.prepare_targets is not None:
                ys = self.prepare_targets(ys)
        except (ValueError, TypeError) as error:
            raise type(error)(f"{where[:1].upper()}{where[1:]}: {error}") from error
        return xs, ys, sws
