"""`axone playground`: its options, its errors, and a server that really answers."""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from cli_helpers import assert_usage_error, axone

pytest.importorskip("uvicorn", reason="the playground extra (uvicorn) is not installed")


def test_help_has_an_example():
    result = axone("playground", "--help")
    assert result.status == 0
    assert "--no-browser" in result.out and "example: axone playground" in result.out


def test_port_out_of_range_is_one_line():
    assert_usage_error(axone("playground", "--port", "70000", "--no-browser"), "--port must be between 1 and 65535")


def test_port_in_use_is_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert_usage_error(axone("playground", "--port", port, "--no-browser"), f"cannot listen on 127.0.0.1:{port}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("command", [["-m", "axone", "playground"], ["-m", "axone.playground"]])
def test_serves_the_page_on_loopback_until_stopped(command):
    port = free_port()
    process = subprocess.Popen([sys.executable, *command, "--port", str(port), "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline, page = time.monotonic() + 30, None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                    page = answer.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert page is not None and "axone playground" in page, process.stderr.read() if process.poll() else ""
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/" in out
    assert "Traceback" not in err
