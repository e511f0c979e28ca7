"""`PyDataset` (alias `Sequence`): data read batch by batch from Python code."""

from __future__ import annotations

import warnings


class PyDataset:
    """Base class for a dataset that hands out whole batches by index.

    Subclasses implement `__len__` (the number of batches, not samples) and
    `__getitem__(index)`, which returns one batch: `(x, y)`,
    `(x, y, sample_weight)`, or `x` alone (for `predict`). `fit`,
    `evaluate` and `predict` read one batch at a time, so the data need
    never be in memory all at once. Override `on_epoch_end()` (and
    `on_epoch_begin()`) to change the data between epochs, e.g. to
    reshuffle it.

    Args:
        workers: accepted for Keras compatibility. Defaults to 1.
        use_multiprocessing: accepted for Keras compatibility. Defaults to `False`.
        max_queue_size: accepted for Keras compatibility. Defaults to 10.

    The three arguments are stored, but batches are always read in the
    calling process, one after the other, in the order the training loop
    needs them.

    Example:
        >>> class Batches(axone.utils.PyDataset):
        ...     def __init__(self, x, y, batch_size, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return math.ceil(len(self.x) / self.batch_size)
        ...     def __getitem__(self, index):
        ...         part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        ...         return self.x[part], self.y[part]
        >>> model.fit(Batches(x_train, y_train, 32), epochs=5)

    With `fit(..., shuffle=True)` (the default) the batches are visited in
    a new random order each epoch; the samples inside a batch are the
    dataset's own business.
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _setting(self, name: str, default):
        """A constructor argument, or its default if a subclass skipped `super().__init__()`."""
        if not hasattr(self, name):
            warnings.warn(
                f"{type(self).__name__} should call super().__init__(**kwargs) in its "
                "constructor, so that `workers`, `use_multiprocessing` and `max_queue_size` "
                "can be passed to it.",
                stacklevel=3,
            )
            setattr(self, name, default)
        return getattr(self, name)

    @property
    def workers(self) -> int:
        return self._setting("_workers", 1)

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        return self._setting("_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        return self._setting("_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index: int):
        """The batch at position `index` (from 0 to `len(self) - 1`)."""
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index).")

    @property
    def num_batches(self) -> int | None:
        """Batches in one pass: `len(self)`; override to return None for an endless dataset."""
        if hasattr(type(self), "__len__"):
            return len(self)
        raise NotImplementedError(
            f"{type(self).__name__} must implement __len__() (the number of batches), or "
            "a num_batches property returning None for an endless dataset."
        )

    def __iter__(self):
        """Iterate over the batches in order (endlessly if `num_batches` is None)."""
        index = 0
        count = self.num_batches
        while count is None or index < count:
            yield self[index]
            index += 1

    def on_epoch_begin(self) -> None:
        """Called at the start of every epoch (and of every evaluation pass)."""

    def on_epoch_end(self) -> None:
        """Called at the end of every epoch (and of every evaluation pass)."""


Sequence = PyDataset  # the older name, kept as an alias

__all__ = ["PyDataset", "Sequence"]
