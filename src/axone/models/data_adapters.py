"""Where the batches of `fit`, `evaluate` and `predict` come from.

Three sources hand out batches the same way, as `(xs, ys, sws)` lists that
the training step reads as they are:

- `ArrayBatches`: arrays. In-memory arrays are converted and checked once,
  then each batch is gathered into buffers reused from step to step. Arrays
  too large to copy, such as a `numpy.memmap`, are never read whole: each
  batch is gathered from them and converted on its own by a
  `BatchPreparer`. Shuffling permutes indices, never the data.
- `GeneratorBatches`: a Python generator or iterator, read once, batch by batch.
- `DatasetBatches`: an `axone.utils.PyDataset`, indexed batch by batch.

`EpochIterator` cuts a source into epochs, giving `steps_per_epoch`,
`validation_steps` and `steps` the meaning they have in Keras 3.
"""

from __future__ import annotations

import itertools
import math
import types
import warnings
from typing import Any, Iterator

import numpy as np

from axone.models import data as data_utils
from axone.utils.dataset import PyDataset


def input_kind(x: Any, what: str = "x") -> str:
    """`"dataset"`, `"generator"` or `"arrays"`: how `x` is read."""
    if isinstance(x, PyDataset):
        return "dataset"
    if isinstance(x, types.GeneratorType) or (hasattr(x, "__next__") and hasattr(x, "__iter__")):
        return "generator"
    if isinstance(x, (np.ndarray, list, tuple, dict, range)) or hasattr(x, "to_numpy") or hasattr(x, "__array__"):
        return "arrays"
    if callable(x):
        raise TypeError(
            f"{what} is a function ({getattr(x, '__name__', type(x).__name__)}), not data. To "
            f"train on the batches a generator function yields, call it: {what}=make_batches(), "
            "not make_batches."
        )
    if hasattr(x, "__iter__") and not isinstance(x, (str, bytes)):
        raise TypeError(
            f"{what} is an iterable of type {type(x).__name__}: pass arrays, a generator or an "
            f"axone.utils.PyDataset. To read its batches once, as from a generator, pass iter({what})."
        )
    return "arrays"


_KIND_NAMES = {"generator": "a generator", "dataset": "a PyDataset"}


def refuse_with_stream(kind: str, y=None, sample_weight=None, class_weight=None,
                       validation_split: float = 0.0, what: str = "x") -> None:
    """Raise for the arguments that a generator or PyDataset must carry itself."""
    name = _KIND_NAMES[kind]
    for value, arg, carried in ((y, "y", "the targets"), (sample_weight, "sample_weight", "the sample weights")):
        if value is not None:
            raise ValueError(
                f"{what} is {name}, so {arg} must not be passed: {carried} come with each batch, "
                f"as in (x, y, sample_weight). Received: {arg} of type {type(value).__name__}."
            )
    if class_weight is not None and kind == "generator":
        raise ValueError(
            "class_weight is not supported with a generator: yield (x, y, sample_weight) "
            f"batches with the weights instead. Received: class_weight={class_weight!r}"
        )
    if validation_split:
        raise ValueError(
            f"validation_split needs arrays to split, but x is {name}. Pass the validation "
            f"data as validation_data=... instead. Received: validation_split={validation_split!r}"
        )


def check_steps(value, name: str) -> int | None:
    """`value` as a positive int, or None; a ValueError naming the argument otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{name} must be a positive integer or None. Received: {name}={value!r}")
    return int(value)


# ------------------------------------------------------------ batch structure
def describe(value: Any) -> str:
    """A short description of what a generator or dataset gave, for error messages."""
    def short(item):
        if item is None:
            return "None"
        if isinstance(item, np.ndarray):
            return f"array of shape {item.shape}"
        if hasattr(item, "shape"):
            return f"{type(item).__name__} of shape {tuple(item.shape)}"
        return type(item).__name__

    if isinstance(value, (list, tuple)):
        items = ", ".join(short(v) for v in value[:4]) + (", ..." if len(value) > 4 else "")
        return f"a {type(value).__name__} of {len(value)} item(s) ({items})"
    if isinstance(value, dict):
        return f"a dict with keys {list(value)}"
    return f"an {short(value)}" if isinstance(value, np.ndarray) else f"a {short(value)}"


def unpack_batch(batch: Any, where: str, need_targets: bool, from_dataset: bool = False):
    """`(x, y, sample_weight)` of one batch from a generator or a PyDataset.

    A tuple is `(x,)`, `(x, y)` or `(x, y, sample_weight)`; anything else is
    `x` alone (a PyDataset may also return a list for a tuple).
    """
    if from_dataset and isinstance(batch, list):
        batch = tuple(batch)
    if isinstance(batch, tuple):
        if not 1 <= len(batch) <= 3:
            raise ValueError(
                f"{where[:1].upper()}{where[1:]} is {describe(batch)}; expected a tuple (x,), "
                "(x, y) or (x, y, sample_weight)."
            )
        x, y, sample_weight = batch + (None,) * (3 - len(batch))
    else:
        x, y, sample_weight = batch, None, None
    if need_targets and y is None:
        raise ValueError(
            f"{where[:1].upper()}{where[1:]} is {describe(batch)}, without targets: training and "
            "evaluation need each batch as a tuple (x, y) or (x, y, sample_weight)."
        )
    return x, y, sample_weight


# ------------------------------------------------------------------- sources
class _BatchGather:
    """Hands out the batches of one pass over arrays, in order or by a permutation.

    A shuffled batch is gathered with `np.take(..., out=buffer)` into a
    buffer reused from step to step: no per-step allocation, and no shuffled
    copy of the whole dataset (memory stays flat, even for memory-mapped data).
    """

    def __init__(self, xs, ys, sws, batch_size: int):
        self.arrays = list(xs) + list(ys) + [w for w in sws if w is not None]
        self.n_x, self.n_y = len(xs), len(ys)
        self.weight_mask = [w is not None for w in sws]
        self.batch_size = batch_size
        self.n = len(xs[0])
        self._buffers: dict[int, list[np.ndarray]] = {}

    def _buffers_for(self, size: int) -> list[np.ndarray]:
        if size not in self._buffers:
            self._buffers[size] = [np.empty((size,) + a.shape[1:], dtype=a.dtype) for a in self.arrays]
        return self._buffers[size]

    def get(self, order, step: int):
        start = step * self.batch_size
        stop = min(start + self.batch_size, self.n)
        if order is None:
            parts = [a[start:stop] for a in self.arrays]
        else:
            index = order[start:stop]
            parts = self._buffers_for(stop - start)
            for array, out in zip(self.arrays, parts):
                # The order is a permutation of range(n): every index is valid, and
                # mode="clip" skips the check and the buffered copy that mode="raise"
                # makes with out= (a third of the gather's time).
                np.take(array, index, axis=0, out=out, mode="clip")
        xs = parts[: self.n_x]
        ys = parts[self.n_x: self.n_x + self.n_y]
        rest = iter(parts[self.n_x + self.n_y:])
        sws = [next(rest) if has else None for has in self.weight_mask]
        return xs, ys, sws


def _permutation(rng, n: int) -> np.ndarray:
    """`rng.permutation(n)` (the same order), in int32 when it fits.

    The order of a pass is the one thing shuffling keeps per sample: int32
    halves it, to 4 bytes a sample next to an MNIST image's 3,136.
    """
    if n >= 2**31:
        return rng.permutation(n)
    order = np.arange(n, dtype=np.int32)
    rng.shuffle(order)
    return order


class ArrayBatches:
    """Batches of arrays: `n` samples in `num_batches` batches of `batch_size`.

    Args:
        xs, ys, sws: one array per input / output (sample weights or None).
        batch_size: samples per batch (the last batch may be short).
        prepare: None for arrays already converted and checked; a
            `BatchPreparer` for arrays read batch by batch (memory-mapped).
    """

    one_shot = False

    def __init__(self, xs, ys, sws, batch_size: int, prepare=None):
        self._gather = _BatchGather(xs, ys, sws, batch_size)
        self.n = self._gather.n
        self.batch_size = batch_size
        self.num_batches = math.ceil(self.n / batch_size)
        self.prepare = prepare

    def samples_in(self, steps: int | None) -> int:
        """Samples in the first `steps` batches (all of them for None)."""
        return self.n if steps is None else min(self.n, steps * self.batch_size)

    def new_pass(self, rng=None) -> Iterator:
        """The batches of one pass, shuffled with `rng.permutation` when `rng` is given."""
        order = None if rng is None else _permutation(rng, self.n)
        if self.prepare is None:
            return map(self._gather.get, itertools.repeat(order), range(self.num_batches))
        return self._prepared_pass(order)

    def _prepared_pass(self, order) -> Iterator:
        size = self.batch_size
        for step in range(self.num_batches):
            xs, ys, sws = self._gather.get(order, step)
            start = step * size
            rows = range(start, min(start + size, self.n)) if order is None else order[start:start + size]
            weights = sws[0] if len(sws) == 1 else (sws or None)
            yield self.prepare(xs, ys or None, weights, where=f"batch {step + 1} of {self.num_batches}",
                               rows=rows)

    def on_epoch_begin(self) -> None:
        pass

    def on_epoch_end(self) -> None:
        pass


class GeneratorBatches:
    """Batches from a Python generator or iterator, read once.

    The first batch is read at once (to build the model and check the
    structure) and handed out again first. A pass cannot start over: each
    new pass continues where the last one stopped, and once the generator is
    done, `exhausted` is True.

    Args:
        iterator: the generator.
        need_targets: whether batches must carry targets (fit, evaluate).
        name: the argument it was given as, for messages (`"x"`, `"validation_data"`).
    """

    one_shot = True
    num_batches = None

    def __init__(self, iterator, need_targets: bool, name: str = "x"):
        self.name = name
        self._iterator = iterator
        self._need_targets = need_targets
        try:
            first = next(iterator)
        except StopIteration:
            raise ValueError(
                f"The generator given as {name} yielded no batch. It must yield at least one, "
                "as a tuple (x, y) or (x, y, sample_weight) (or x alone for predict); a generator "
                "already consumed by an earlier call is empty."
            ) from None
        self.first = unpack_batch(first, f"the first batch from the generator given as {name}", need_targets)
        self._pending = [first]  # handed out again, first
        self.count = 0
        self.exhausted = False
        self.prepare = None

    def new_pass(self, rng=None) -> Iterator:
        return self._read()

    def _read(self) -> Iterator:
        while True:
            if self._pending:
                batch = self._pending.pop()
            else:
                try:
                    batch = next(self._iterator)
                except StopIteration:
                    self.exhausted = True
                    return
            self.count += 1
            where = f"batch {self.count} from the generator given as {self.name}"
            yield self.prepare(*unpack_batch(batch, where, self._need_targets), where=where)

    def on_epoch_begin(self) -> None:
        pass

    def on_epoch_end(self) -> None:
        pass


class DatasetBatches:
    """Batches of an `axone.utils.PyDataset`, read by index.

    A pass reads `dataset[0]`, ..., `dataset[len - 1]`, in a new random order
    each time when shuffled; an endless dataset (`num_batches` None) is read
    in order for as long as the loop asks.

    Args:
        dataset: the `PyDataset`.
        need_targets: whether batches must carry targets (fit, evaluate).
        name: the argument it was given as, for messages.
    """

    one_shot = False
    exhausted = False

    def __init__(self, dataset: PyDataset, need_targets: bool, name: str = "x"):
        self.dataset = dataset
        self._need_targets = need_targets
        self._label = type(dataset).__name__
        dataset.workers  # noqa: B018 -- warns if the subclass skipped super().__init__()
        try:
            count = dataset.num_batches
        except NotImplementedError as error:
            raise TypeError(str(error)) from None
        if count is not None and (not isinstance(count, (int, np.integer)) or count <= 0):
            raise ValueError(
                f"The PyDataset given as {name} has no batches: its length must be a positive "
                f"integer. Received: len({self._label})={count!r}"
            )
        self.num_batches = None if count is None else int(count)
        self.first = unpack_batch(dataset[0], f"{self._label}[0], given as {name},", need_targets,
                                  from_dataset=True)
        self.prepare = None

    def new_pass(self, rng=None) -> Iterator:
        if self.num_batches is None:
            return self._read(itertools.count())
        return self._read(range(self.num_batches) if rng is None else rng.permutation(self.num_batches))

    def _read(self, indices) -> Iterator:
        for index in indices:
            index = int(index)
            where = f"{self._label}[{index}]"
            batch = self.dataset[index]
            yield self.prepare(*unpack_batch(batch, where, self._need_targets, from_dataset=True),
                               where=where)

    def on_epoch_begin(self) -> None:
        self.dataset.on_epoch_begin()

    def on_epoch_end(self) -> None:
        self.dataset.on_epoch_end()


# -------------------------------------------------------------------- epochs
class EpochIterator:
    """Cuts a batch source into epochs, with Keras 3's meaning of the step counts.

    Without `steps`, an epoch is one pass over the data (for a generator:
    up to its end). With `steps`, an epoch is that many batches, and the
    next epoch continues the same pass; when a pass ends before, the epoch
    ends early with a warning, and the next epoch starts a new pass. A
    generator cannot start over: once done, `exhausted` is True.

    Args:
        source: `ArrayBatches`, `GeneratorBatches` or `DatasetBatches`.
        steps: batches per epoch, or None for whole passes.
        rng: a NumPy `Generator` to shuffle each pass with, or None.
        steps_name: the argument `steps` came from, for messages.
    """

    def __init__(self, source, steps: int | None = None, rng=None, steps_name: str = "steps_per_epoch"):
        self.source = source
        self.steps = steps
        self.rng = rng
        self.steps_name = steps_name
        self._pass: Iterator | None = None
        self._taken = 0  # batches taken from the current pass
        self._warned_exhausted = False

    @property
    def num_batches(self) -> int | None:
        """Batches per epoch as far as known beforehand (None: until the data ends)."""
        return self.steps if self.steps is not None else self.source.num_batches

    @property
    def exhausted(self) -> bool:
        """True once a generator is done: it has no more epochs to give."""
        return self.source.one_shot and self.source.exhausted

    def epoch(self, restart: bool = False) -> Iterator:
        """Yield the batches of one epoch (from a new pass if `restart`)."""
        source, steps = self.source, self.steps
        known = source.num_batches
        if restart or steps is None or self._pass is None or (known is not None and self._taken >= known):
            self._pass = source.new_pass(self.rng)
            self._taken = 0
        limit = steps if steps is not None else known
        step = 0
        while limit is None or step < limit:
            batch = None
            if known is None or self._taken < known:
                batch = next(self._pass, None)
            if batch is None:  # the pass is over before the epoch
                self._pass = None
                if steps is not None:
                    self._warn_ran_out(step)
                return
            step += 1
            self._taken += 1
            yield batch

    def warn_exhausted(self, epochs_done: int, epochs: int) -> None:
        """Say (once) that training stops because the generator is done."""
        if self._warned_exhausted:
            return
        self._warned_exhausted = True
        warnings.warn(
            f"The generator given as {self.source.name} ran out of data after "
            f"{self.source.count} batches, so training stops after {epochs_done} of {epochs} "
            "epochs: a generator cannot start over. Make it yield at least steps_per_epoch * "
            "epochs batches (e.g. loop forever and pass steps_per_epoch), or use an "
            "axone.utils.PyDataset, which is read anew each epoch.",
            RuntimeWarning, stacklevel=3,
        )

    def _warn_ran_out(self, step: int) -> None:
        if self.source.one_shot:
            if self._warned_exhausted:
                return
            self._warned_exhausted = True
            more = "a generator cannot start over"
            more += (", so training stops here. Make it yield at least steps_per_epoch * epochs "
                     "batches (e.g. loop forever)." if self.steps_name == "steps_per_epoch" else
                     ". Make it yield at least as many batches as are asked for (e.g. loop forever).")
        else:
            more = f"one pass over the data has {self.source.num_batches} batches."
            if self.steps_name == "steps_per_epoch":
                more += " The next epoch starts a new pass."
        warnings.warn(
            f"The data ran out after {step} of the {self.steps} batches asked for by "
            f"{self.steps_name}={self.steps}: {more}",
            RuntimeWarning, stacklevel=4,
        )


# ------------------------------------------------- choosing a model's sources
def fit_sources(model, x, y, sample_weight, class_weight, *, batch_size, steps_per_epoch,
                validation_split, validation_data, validation_batch_size, validation_steps):
    """`fit`'s training source, and its validation source (None without validation)."""
    kind = input_kind(x)
    val_source = None
    if kind == "arrays":
        xs, ys, sws, n, prepare = _array_data(model, x, y, sample_weight, class_weight)
        if validation_split:
            split = data_utils.validation_split_index(n, validation_split)
            # Class weights are for training only: the held-out part keeps its sample weights.
            val_sws = [None if w is None or class_weight is not None else w[split:] for w in sws]
            val_source = ArrayBatches(
                [a[split:] for a in xs], [a[split:] for a in ys], val_sws,
                _batch_size(validation_batch_size or batch_size, n - split, validation_steps),
                None if prepare is None else prepare.without_class_weight())
            xs, ys = [a[:split] for a in xs], [a[:split] for a in ys]
            sws = [None if w is None else w[:split] for w in sws]
            n = split
        source = ArrayBatches(xs, ys, sws, _batch_size(batch_size, n, steps_per_epoch), prepare)
    else:
        refuse_with_stream(kind, y, sample_weight, class_weight, validation_split)
        # As in Keras, `shuffle` does not apply to a generator or an endless
        # PyDataset: their batches are read in the order they come.
        source = _stream(model, x, kind, True, class_weight)
    if validation_data is not None:
        val_source = _validation_source(model, validation_data, validation_batch_size or batch_size,
                                        validation_steps)
    return source, val_source


def data_source(model, x, y=None, sample_weight=None, *, batch_size=None, steps=None,
                need_targets: bool = True, name: str = "x"):
    """The batch source for data to evaluate or predict on (any kind `fit` accepts)."""
    kind = input_kind(x, name)
    if kind != "arrays":
        refuse_with_stream(kind, y, sample_weight, what=name)
        return _stream(model, x, kind, need_targets, name=name)
    xs, ys, sws, n, prepare = _array_data(model, x, y, sample_weight, need_targets=need_targets)
    return ArrayBatches(xs, ys, sws, _batch_size(batch_size, n, steps), prepare)


def _validation_source(model, validation_data, batch_size, steps):
    """The source for `validation_data`: `(x_val, y_val[, sample_weight])`, a generator or a PyDataset."""
    kind = input_kind(validation_data, "validation_data")
    if kind != "arrays":
        return _stream(model, validation_data, kind, True, name="validation_data")
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
        raise ValueError(
            "validation_data must be a tuple (x_val, y_val) or (x_val, y_val, sample_weight), "
            f"a generator or a PyDataset. Received: {type(validation_data).__name__}"
            + (f" of length {len(validation_data)}" if isinstance(validation_data, (tuple, list)) else "")
        )
    vx, vy = validation_data[0], validation_data[1]
    vsw = validation_data[2] if len(validation_data) == 3 else None
    return data_source(model, vx, vy, vsw, batch_size=batch_size, steps=steps, name="validation_data")


def _array_data(model, x, y=None, sample_weight=None, class_weight=None, need_targets: bool = True):
    """Arrays as `(xs, ys, sws, n, prepare)`.

    In-memory arrays come back converted and checked (`prepare` is None).
    Memory-mapped arrays, and arrays whose floatx copy would be too large
    (see `data.should_stream`), come back as they are, unread, with a
    `BatchPreparer` that converts and checks each batch on its own.
    """
    model._build_from_data(x)
    if not data_utils.should_stream(data_utils.flat_values(x, y, sample_weight)):
        if not need_targets:
            xs = model._prepare_x(x)
            return xs, [], [], data_utils.check_lengths(xs), None
        return (*model._prepare_xy(x, y, sample_weight, class_weight), None)
    model._require_built("use")
    shapes, dtypes = [t.shape for t in model.inputs], [t.dtype for t in model.inputs]
    xs = data_utils.checked_inputs(x, model.input_names, shapes)
    if not need_targets:
        prepare = data_utils.BatchPreparer(model.input_names, shapes, input_dtypes=dtypes)
        return xs, [], [], data_utils.check_lengths(xs), prepare
    data_utils.require_targets(y)
    ys = data_utils.checked_targets(y, model.output_names)
    n = data_utils.check_lengths(xs, ys)
    sws = data_utils.checked_sample_weight(sample_weight, n, len(ys), model.output_names)
    data_utils.check_class_weight(class_weight, sample_weight, len(ys))
    prepare = data_utils.BatchPreparer(model.input_names, shapes, model.output_names,
                                       model._setup_targets(ys), class_weight, dtypes)
    return xs, ys, sws, n, prepare


def _stream(model, x, kind: str, need_targets: bool, class_weight=None, name: str = "x"):
    """A `GeneratorBatches` or `DatasetBatches` for `x`, its first batch read and checked."""
    source = (GeneratorBatches if kind == "generator" else DatasetBatches)(x, need_targets, name)
    first_x, first_y, first_sw = source.first
    try:
        model._build_from_data(first_x)
        model._require_built("use")
        shapes, dtypes = [t.shape for t in model.inputs], [t.dtype for t in model.inputs]
        if not need_targets:
            source.prepare = data_utils.BatchPreparer(model.input_names, shapes, input_dtypes=dtypes)
            return source
        ys = data_utils.checked_targets(first_y, model.output_names)
        data_utils.check_class_weight(class_weight, first_sw, len(ys))
        source.prepare = data_utils.BatchPreparer(model.input_names, shapes, model.output_names,
                                                  model._setup_targets(ys), class_weight, dtypes)
    except (ValueError, TypeError) as error:
        raise type(error)(f"In the first batch of {name}: {error}") from error
    return source


def _batch_size(batch_size, n: int, steps) -> int:
    """Keras's rule: the size given; else the size that covers `n` samples in `steps`; else 32."""
    if batch_size is not None:
        return batch_size
    return math.ceil(n / steps) if steps else 32
