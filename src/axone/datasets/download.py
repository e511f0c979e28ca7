"""Downloading a dataset file: short timeouts, a progress bar, SHA-256, atomic rename.

The origin is Keras's (`DEFAULT_ORIGIN`); set `AXONE_DATASETS_ORIGIN` (or
assign `ORIGIN`) to fetch from a mirror instead. The file is written under a
temporary name beside its destination and renamed only once it is complete
and its checksum matches, so an interrupted or corrupt transfer never leaves
a file that looks complete.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from axone.datasets.paths import atomic_path

DEFAULT_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
ORIGIN_VARIABLE = "AXONE_DATASETS_ORIGIN"
# Module attribute overrides; None means "use the environment, then the default".
ORIGIN: str | None = None
# Seconds allowed to connect and between two reads: a dead network fails fast.
TIMEOUT = 5.0
_CHUNK = 1 << 16


class DownloadError(OSError):
    """The file could not be fetched (no network, HTTP error, transfer cut short)."""


class ChecksumError(ValueError):
    """A downloaded file's SHA-256 is not the expected one; nothing was kept."""


def origin() -> str:
    """The base URL files are fetched from, ending with `/`."""
    base = ORIGIN or os.environ.get(ORIGIN_VARIABLE) or DEFAULT_ORIGIN
    return base if base.endswith("/") else base + "/"


def sha256_of(path, chunk: int = 1 << 20) -> str:
    """The hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def _resolve(url: str) -> None:
    """Fail within `TIMEOUT` when the URL's host name cannot be resolved.

    Socket timeouts do not cover name resolution, which can hang for tens of
    seconds on a machine whose name server is unreachable; so it is tried in
    a daemon thread first, given `TIMEOUT` seconds.
    """
    import socket
    import threading
    import urllib.parse

    host = urllib.parse.urlsplit(url).hostname
    if not host:
        return
    outcome = []

    def resolve():
        try:
            socket.getaddrinfo(host, None)
            outcome.append(None)
        except OSError as error:
            outcome.append(error)

    worker = threading.Thread(target=resolve, daemon=True)
    worker.start()
    worker.join(TIMEOUT)
    if not outcome:
        raise DownloadError(f"downloading {url} failed: no answer about {host} from the name "
                            f"server within {TIMEOUT:g} s")
    if outcome[0] is not None:
        raise DownloadError(f"downloading {url} failed: cannot resolve {host} ({outcome[0]})")


def download(url: str, destination, sha256: str, verbose: int = 1) -> Path:
    """Fetch `url` to `destination`, verified by its SHA-256.

    Args:
        url: what to fetch.
        destination: the final path; its folder is created.
        sha256: the expected hex digest.
        verbose: 1 prints "Downloading data from ..." and a progress bar; 0 is silent.

    Returns:
        `destination`, complete and verified.

    Raises:
        DownloadError: no name resolution or connection within `TIMEOUT`
            seconds, a read stalled as long, an HTTP error,
            or a transfer that ended before the announced length.
        ChecksumError: the bytes received do not have the expected SHA-256.
    """
    # Imported here: urllib.request (with http.client, ssl, email) is slow to
    # import and only downloads need it.
    import http.client
    import urllib.error
    import urllib.request

    from axone.utils.progbar import Progbar

    destination = Path(destination)
    if verbose:
        print(f"Downloading data from {url}", flush=True)
    _resolve(url)
    try:
        response = urllib.request.urlopen(url, timeout=TIMEOUT)
    except urllib.error.HTTPError as error:
        raise DownloadError(f"downloading {url} failed: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DownloadError(f"downloading {url} failed: {reason}") from None
    with response, atomic_path(destination) as temporary:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        bar = Progbar(total, verbose=verbose)
        digest, received = hashlib.sha256(), 0
        with open(temporary, "wb") as out:
            while True:
                try:
                    block = response.read(_CHUNK)
                except (OSError, http.client.HTTPException) as error:  # timeouts, resets, IncompleteRead
                    raise DownloadError(f"downloading {url} stopped after {received} bytes: "
                                        f"{error!r}") from None
                if not block:
                    break
                out.write(block)
                digest.update(block)
                received += len(block)
                bar.update(received)
        if total is not None and received != total:
            raise DownloadError(f"downloading {url} stopped after {received} of {total} bytes; "
                                "nothing was kept.")
        if total is None:
            bar.update(received, finalize=True)
        if digest.hexdigest() != sha256:
            raise ChecksumError(f"The file downloaded from {url} is corrupt or not the expected one: "
                                f"its SHA-256 is {digest.hexdigest()}, expected {sha256}. "
                                "Nothing was kept; try again later or use another mirror "
                                f"(${ORIGIN_VARIABLE}).")
    return destination
