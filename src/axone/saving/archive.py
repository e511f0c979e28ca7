"""Reading a `.keras` zip without trusting it, and writing files atomically.

Members are read into memory (nothing is ever extracted to disk), and only
after their declared sizes pass the checks below: a zip bomb declares a
huge size for a member stored in a few bytes, so a member may expand at
most `MAX_RATIO` times and the JSON members are capped in absolute size.
Member names that would escape a folder (`../`, absolute paths) and
symbolic links are refused outright, though nothing is extracted, since a
file holding them was not written by Keras or axone.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import tempfile
import zipfile
import zlib

METADATA = "metadata.json"
CONFIG = "config.json"
WEIGHTS = "model.weights.h5"

MAX_JSON_BYTES = 64 * 2**20
MAX_RATIO = 100
# Below this a member's ratio is not checked (tiny JSON compresses very well).
RATIO_FLOOR = 2**20
MAX_MEMBERS = 10_000


class FileFormatError(ValueError):
    """A file that is not a valid (or is a hostile) `.keras` / `.weights.h5` file."""

    def __init__(self, filename, problem: str):
        self.filename = str(filename)
        super().__init__(f"Cannot load {self.filename!r}: {problem}")


def _unsafe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return (name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")
            or "\x00" in name)


class SafeZip:
    """A `.keras` archive opened for reading, its members checked before any is read.

    Args:
        source: a path or a binary file object.
        filename: the name used in error messages.
    """

    def __init__(self, source, filename):
        self.filename = filename
        try:
            self._zip = zipfile.ZipFile(source, "r")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as error:
            raise FileFormatError(filename, f"it is not a valid .keras (zip) file ({error}).") from None
        try:
            self._check_members()
        except BaseException:
            self._zip.close()
            raise

    def _check_members(self) -> None:
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise FileFormatError(self.filename, f"the archive lists {len(infos)} members (at most {MAX_MEMBERS}).")
        seen = set()
        for info in infos:
            name = info.filename
            if _unsafe_name(name):
                raise FileFormatError(self.filename, f"the archive member name {name!r} points outside the archive "
                                      "(path traversal); refused.")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise FileFormatError(self.filename, f"the archive member {name!r} is a symbolic link; refused.")
            if name in seen:
                raise FileFormatError(self.filename, f"the archive holds member {name!r} twice.")
            seen.add(name)
        for required in (CONFIG,):
            if required not in seen:
                raise FileFormatError(self.filename, f"the archive has no {required} member.")

    def names(self) -> list[str]:
        return self._zip.namelist()

    def read(self, name: str, max_bytes: int | None = None) -> bytes:
        """A member's bytes, after checking its declared size and expansion ratio."""
        info = self._zip.getinfo(name)
        if max_bytes is not None and info.file_size > max_bytes:
            raise FileFormatError(self.filename, f"member {name} declares {info.file_size} bytes "
                                  f"(at most {max_bytes} allowed).")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileFormatError(self.filename, f"member {name} declares {info.file_size} bytes but stores only "
                                  f"{info.compress_size}: a decompression bomb; refused.")
        try:
            with self._zip.open(info) as member:
                data = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError) as error:
            raise FileFormatError(self.filename, f"member {name} is corrupt or truncated ({error}).") from None
        if len(data) != info.file_size:
            raise FileFormatError(self.filename, f"member {name} holds {len(data)} bytes, not the declared "
                                  f"{info.file_size}.")
        return data

    def close(self) -> None:
        self._zip.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextlib.contextmanager
def atomic_write(filepath):
    """Yield a binary file in `filepath`'s folder; on success it replaces `filepath`.

    On any error or interruption (Ctrl-C included) the temporary file is
    removed and the previous `filepath`, if any, is left untouched.
    """
    filepath = os.fspath(filepath)
    folder = os.path.dirname(os.path.abspath(filepath))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Cannot save to {filepath!r}: the folder {folder!r} does not exist.")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(filepath)}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w+b") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        if os.path.exists(filepath):
            with contextlib.suppress(OSError):  # keep the previous file's permissions
                os.chmod(temporary, stat.S_IMODE(os.stat(filepath).st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise


def write_archive(file, members: list[tuple[str, bytes]]) -> None:
    """Write a `.keras` zip (members stored uncompressed, as Keras writes them)."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members:
            archive.writestr(name, data)


def as_bytes_io(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
