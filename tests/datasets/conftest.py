"""Every datasets test runs with its own AXONE_HOME and an origin on a closed local port.

So no test can download from the internet or write to the real ~/.axone; a
test that wants a download starts `http_server` and points the origin at it.
"""

import http.server
import os
import socket
import threading
from pathlib import Path

import numpy as np
import pytest

from axone.datasets.idx import write_idx


def closed_port() -> int:
    """A local TCP port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """AXONE_HOME in tmp_path, AXONE_DATASETS unset, downloads aimed at a closed port."""
    shared = os.environ.get("AXONE_DATASETS")
    monkeypatch.setenv("AXONE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("AXONE_DATASETS", raising=False)
    monkeypatch.setenv("AXONE_DATASETS_ORIGIN", f"http://127.0.0.1:{closed_port()}/")
    return shared


@pytest.fixture
def shared_datasets(isolated):
    """The real AXONE_DATASETS folder of the test run, or skip."""
    if not isolated or not Path(isolated).is_dir():
        pytest.skip("AXONE_DATASETS is not set to the shared datasets folder")
    return Path(isolated)


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict = {}

    def do_GET(self):
        entry = self.files.get(self.path.lstrip("/"))
        if entry is None:
            self.send_error(404, "Not Found")
            return
        body, announced = entry
        self.send_response(200)
        self.send_header("Content-Length", str(announced))
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True  # a short body then ends the transfer early

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server(monkeypatch):
    """A server on 127.0.0.1 serving `serve(name, body, announced=None)`; the origin points at it.

    `announced` larger than `len(body)` imitates a transfer cut short.
    """
    files = {}
    handler = type("Handler", (_Handler,), {"files": files})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AXONE_DATASETS_ORIGIN", f"http://127.0.0.1:{server.server_address[1]}/")

    def serve(name, body, announced=None):
        files[name] = (body, len(body) if announced is None else announced)
        return f"http://127.0.0.1:{server.server_address[1]}/{name}"

    yield serve
    server.shutdown()
    server.server_close()


def fake_images(n, seed=0):
    """`(images uint8 (n, 28, 28), labels uint8 (n,))`, random."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


def _write_idx_set(folder, n_train=12, n_test=5, gz=True, seed=0):
    """The four IDX files of a small fake set in `folder`; returns the arrays written."""
    folder.mkdir(parents=True, exist_ok=True)
    (x_train, y_train), (x_test, y_test) = fake_images(n_train, seed), fake_images(n_test, seed + 1)
    suffix = ".gz" if gz else ""
    for name, array in (("train-images-idx3-ubyte", x_train), ("train-labels-idx1-ubyte", y_train),
                        ("t10k-images-idx3-ubyte", x_test), ("t10k-labels-idx1-ubyte", y_test)):
        write_idx(folder / f"{name}{suffix}", array)
    return (x_train, y_train), (x_test, y_test)


@pytest.fixture
def idx_set():
    """`idx_set(folder, n_train=12, n_test=5, gz=True, seed=0)`: write a fake set's four IDX files."""
    return _write_idx_set
