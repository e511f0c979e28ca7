"""Writing files so that a crash never leaves a half-written one behind."""

from __future__ import annotations

import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_path(filepath):
    """Yield a temporary path beside `filepath`; once the block succeeds, rename it onto `filepath`.

    The temporary file is in the same folder (so the rename is atomic, on
    POSIX and Windows alike) and keeps the file's full name as its suffix
    (`.tmp-XXXX-model.weights.h5`), so writers that check the extension
    accept it. Its content is flushed to disk before the rename. If the
    block raises, the temporary file is removed and `filepath` is untouched:
    it holds either its previous content or the complete new one, never a
    part. A process killed mid-write leaves at most a hidden `.tmp-` file.
    """
    filepath = os.fspath(filepath)
    folder, name = os.path.split(os.path.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=f"-{name}", dir=folder)
    os.close(handle)
    try:
        yield temporary
        if not os.path.exists(temporary):
            raise FileNotFoundError(f"Nothing was written to the temporary file for {filepath}.")
        with open(temporary, "rb+") as file:
            os.fsync(file.fileno())
        os.replace(temporary, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise


def write_text(filepath, text: str) -> None:
    """Write `text` to `filepath` atomically (see `atomic_path`)."""
    with atomic_path(filepath) as temporary:
        with open(temporary, "w", encoding="utf-8") as file:
            file.write(text)
