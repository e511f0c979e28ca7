"""Weights in Keras 3's HDF5 layout (`model.weights.h5`, `*.weights.h5`).

Each object with state has a group `<path>/vars` (its `name` as an
attribute) holding datasets `"0"`, `"1"`, ... in the object's variable
order: `layers/dense/vars/0` is the first Dense layer's kernel,
`optimizer/vars/0` the optimizer's iteration count.

Reading checks the whole file before any array is read: only groups and
plain numeric datasets reached through hard links, no soft or external
links, no external or virtual storage, and no dataset declaring far more
data than the file stores. An array is read only once its shape matches
the variable it is for, so a huge declared shape costs nothing.
"""

from __future__ import annotations

import io
import math

import numpy as np

from axone.saving.archive import FileFormatError

MAX_OBJECTS = 100_000
# A dataset over this size must store at least 1/MAX_EXPANSION of it.
BOMB_FLOOR_BYTES = 2**24
MAX_EXPANSION = 1000
_NUMERIC_KINDS = "biuf"


def h5py_module():
    try:
        import h5py
    except ImportError:
        raise ImportError(
            'Saving and loading weights (.keras, .weights.h5) needs h5py: pip install "axone[h5]"'
        ) from None
    return h5py


class H5Writer:
    """Writes groups of arrays into an HDF5 file (a path or a binary file object)."""

    def __init__(self, target):
        self._file = h5py_module().File(target, "w")

    def write(self, path: str, arrays: list, name: str | None = None) -> None:
        group = self._file.require_group(f"{path}/vars" if path else "vars")
        if name is not None:
            group.attrs["name"] = name
        for index, array in enumerate(arrays):
            group.create_dataset(str(index), data=np.asarray(array))

    def close(self) -> None:
        self._file.close()


class H5Reader:
    """An HDF5 weights file opened for reading, checked as the module docstring says.

    Args:
        source: a path or a binary file object (a `BytesIO` of a zip member).
        filename: the name used in error messages.
    """

    def __init__(self, source, filename):
        h5py = h5py_module()
        self.filename = filename
        self._h5py = h5py
        try:
            self._file = h5py.File(source, "r")
        except (OSError, ValueError) as error:
            raise FileFormatError(filename, f"its weights are not a valid HDF5 file ({error}).") from None
        try:
            self._groups: dict[str, dict[str, object]] = {}
            self._scan()
        except BaseException:
            self._file.close()
            raise

    def _scan(self) -> None:
        h5py = self._h5py
        count = 0
        pending = [("", self._file)]
        while pending:
            path, group = pending.pop()
            for key in list(group.keys()):
                count += 1
                if count > MAX_OBJECTS:
                    raise FileFormatError(self.filename, f"the weights file holds more than {MAX_OBJECTS} objects.")
                full = f"{path}/{key}" if path else key
                link = group.get(key, getlink=True)
                if not isinstance(link, h5py.HardLink):
                    raise FileFormatError(self.filename, f"the weights file holds a {type(link).__name__} at "
                                          f"{full!r}: links to other files or paths are refused.")
                try:
                    item = group[key]
                except (KeyError, OSError, ValueError) as error:
                    raise FileFormatError(self.filename, f"the weights file entry {full!r} is unreadable ({error}).") from None
                if isinstance(item, h5py.Group):
                    pending.append((full, item))
                elif isinstance(item, h5py.Dataset):
                    self._check_dataset(full, item)
                    if path.endswith("vars") or path == "vars":
                        self._groups.setdefault(path, {})[key] = item
                else:
                    raise FileFormatError(self.filename, f"the weights file entry {full!r} is a {type(item).__name__}.")

    def _check_dataset(self, path: str, dataset) -> None:
        if dataset.external:
            raise FileFormatError(self.filename, f"dataset {path!r} keeps its data in an external file; refused.")
        if dataset.is_virtual:
            raise FileFormatError(self.filename, f"dataset {path!r} is a virtual dataset; refused.")
        dtype = dataset.dtype
        if dtype.kind not in _NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype is not None:
            raise FileFormatError(self.filename, f"dataset {path!r} has dtype {dtype}; only numbers are accepted.")
        if dataset.shape is None:
            raise FileFormatError(self.filename, f"dataset {path!r} has no shape.")
        declared = math.prod(dataset.shape) * dtype.itemsize
        stored = dataset.id.get_storage_size()
        if declared > BOMB_FLOOR_BYTES and declared > MAX_EXPANSION * max(stored, 1):
            raise FileFormatError(self.filename, f"dataset {path!r} declares {declared} bytes but stores {stored}: "
                                  "a shape or decompression bomb; refused.")

    def paths(self) -> list[str]:
        """The object paths holding variables (`"layers/dense"`, `"optimizer"`, `""` for the root)."""
        return sorted(p[:-len("/vars")] if p != "vars" else "" for p in self._groups)

    def shapes(self, path: str) -> list[tuple]:
        """Shapes of the variables stored for `path`, in index order (nothing is read)."""
        group = self._entries(path)
        return [tuple(group[str(i)].shape) for i in range(len(group))]

    def _entries(self, path: str) -> dict:
        group = self._groups.get(f"{path}/vars" if path else "vars", {})
        if any(key != str(i) for i, key in enumerate(sorted(group, key=_index_key))):
            raise FileFormatError(self.filename, f"the variables of {path!r} are not numbered 0..{len(group) - 1}.")
        return group

    def count(self, path: str) -> int:
        return len(self._entries(path))

    def read(self, path: str, expected: list[tuple[tuple, np.dtype]], what: str) -> list[np.ndarray]:
        """The arrays stored for `path`, checked against `expected` `(shape, dtype)` pairs first."""
        group = self._entries(path)
        if len(group) != len(expected):
            raise FileFormatError(self.filename, f"{what} has {len(expected)} variables but the file stores "
                                  f"{len(group)} for it (at {path!r}).")
        arrays = []
        for index, (shape, dtype) in enumerate(expected):
            dataset = group[str(index)]
            if tuple(dataset.shape) != tuple(shape):
                raise FileFormatError(self.filename, f"variable {index} of {what} has shape {tuple(shape)} but the "
                                      f"file stores shape {tuple(dataset.shape)}.")
            try:
                value = dataset[()]
            except (OSError, ValueError, TypeError) as error:
                raise FileFormatError(self.filename, f"variable {index} of {what} is unreadable ({error}).") from None
            arrays.append(np.asarray(value).astype(dtype, copy=False))
        return arrays

    def close(self) -> None:
        self._file.close()


def _index_key(key: str):
    return (0, int(key)) if key.isdigit() else (1, key)


def open_bytes(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
