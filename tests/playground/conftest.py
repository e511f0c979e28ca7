"""Shared data for the playground tests: a small XOR file and its CSV text."""

import numpy as np
import pytest


@pytest.fixture
def xor_csv() -> str:
    """200 points of XOR on [-1, 1]^2 (label 1 where x1 * x2 > 0), as CSV text with a header."""
    rng = np.random.default_rng(7)
    X = rng.uniform(-1, 1, (200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return "x1,x2,label\n" + "\n".join(f"{a:.6f},{b:.6f},{c}" for (a, b), c in zip(X, y))


@pytest.fixture
def live_server():
    """A real playground server on 127.0.0.1 (a free port), in a thread: yields (url, store)."""
    pytest.importorskip("starlette", reason="the playground extra (starlette) is not installed")
    uvicorn = pytest.importorskip("uvicorn", reason="the playground extra (uvicorn) is not installed")
    import socket
    import threading
    import time

    from axone.playground.server import SessionStore, create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = SessionStore()
    server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the playground server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", store
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close_all()
