"""Where datasets live on disk: the user's folder, the cache, atomic writes.

- `$AXONE_DATASETS/<name>/`: copies the user provides (read only).
- `$AXONE_HOME/datasets/` (default `~/.axone/datasets/`): downloads.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

DATASETS_VARIABLE = "AXONE_DATASETS"
HOME_VARIABLE = "AXONE_HOME"


def axone_home() -> Path:
    """`$AXONE_HOME`, or `~/.axone` when unset."""
    value = os.environ.get(HOME_VARIABLE)
    return Path(value).expanduser() if value else Path.home() / ".axone"


def cache_dir() -> Path:
    """The download cache, `$AXONE_HOME/datasets` (not created here)."""
    return axone_home() / "datasets"


def local_dir(name: str) -> Path | None:
    """`$AXONE_DATASETS/<name>` when the variable is set (whether or not it exists), else None."""
    value = os.environ.get(DATASETS_VARIABLE)
    return Path(value).expanduser() / name if value else None


@contextlib.contextmanager
def atomic_path(destination: Path):
    """Yield a temporary path beside `destination`; rename it over `destination` on success.

    On any failure (an exception, Ctrl-C) the temporary file is removed and
    `destination` keeps what it had, so no half-written file ever carries the
    final name.
    """
    import secrets

    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    # A fresh name that the caller creates itself (not mkstemp's), so the file
    # gets the usual permissions of the user's umask rather than 0600.
    temporary = destination.with_name(f".{destination.name}.{secrets.token_hex(6)}.part")
    try:
        yield temporary
        os.replace(temporary, destination)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
