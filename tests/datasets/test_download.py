import hashlib
import time

import pytest

from axone.datasets import download
from axone.datasets.download import ChecksumError, DownloadError


def sha(data):
    return hashlib.sha256(data).hexdigest()


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_download_writes_the_verified_file_and_shows_progress(http_server, tmp_path, capsys):
    body = bytes(range(256)) * 1000
    url = http_server("data.bin", body)
    target = tmp_path / "cache" / "data.bin"
    assert download.download(url, target, sha(body)) == target
    assert target.read_bytes() == body
    assert leftovers(target.parent) == ["data.bin"]  # the temporary file was renamed
    out = capsys.readouterr().out
    assert f"Downloading data from {url}" in out and "256000/256000" in out


def test_checksum_mismatch_keeps_nothing(http_server, tmp_path):
    url = http_server("data.bin", b"not the expected bytes")
    target = tmp_path / "cache" / "data.bin"
    with pytest.raises(ChecksumError, match=r"data\.bin is corrupt.*expected " + "0" * 64):
        download.download(url, target, "0" * 64, verbose=0)
    assert leftovers(target.parent) == []


def test_truncated_transfer_leaves_no_complete_looking_file(http_server, tmp_path):
    body = b"x" * 100_000
    url = http_server("big.bin", body[:30_000], announced=len(body))
    target = tmp_path / "cache" / "big.bin"
    with pytest.raises(DownloadError, match=r"stopped after 30000 of 100000 bytes"):
        download.download(url, target, sha(body), verbose=0)
    assert leftovers(target.parent) == []


def test_existing_file_survives_a_failed_download(http_server, tmp_path):
    target = tmp_path / "data.bin"
    target.write_bytes(b"previous content")
    url = http_server("data.bin", b"short", announced=1000)
    with pytest.raises(DownloadError):
        download.download(url, target, sha(b"whatever"), verbose=0)
    assert target.read_bytes() == b"previous content"
    assert leftovers(tmp_path) == ["data.bin"]


def test_http_error_is_a_download_error(http_server, tmp_path):
    url = http_server("present.bin", b"x").replace("present", "absent")
    with pytest.raises(DownloadError, match="HTTP 404"):
        download.download(url, tmp_path / "absent.bin", sha(b"x"), verbose=0)
    assert leftovers(tmp_path) == []


def test_no_network_fails_fast(tmp_path):
    # The autouse fixture points the origin at a closed local port.
    start = time.monotonic()
    with pytest.raises(DownloadError, match="failed"):
        download.download(download.origin() + "mnist.npz", tmp_path / "mnist.npz", "0" * 64, verbose=0)
    assert time.monotonic() - start < 3
    assert leftovers(tmp_path) == []


def test_origin_override_order(monkeypatch):
    monkeypatch.delenv("AXONE_DATASETS_ORIGIN")
    assert download.origin() == download.DEFAULT_ORIGIN
    assert download.DEFAULT_ORIGIN == "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
    monkeypatch.setenv("AXONE_DATASETS_ORIGIN", "http://mirror.example/data")
    assert download.origin() == "http://mirror.example/data/"
    monkeypatch.setattr(download, "ORIGIN", "http://other.example/")
    assert download.origin() == "http://other.example/"


def test_unanswered_name_lookup_fails_within_the_timeout(tmp_path, monkeypatch):
    import socket
    import threading
    release = threading.Event()
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: release.wait(30))
    monkeypatch.setattr(download, "TIMEOUT", 0.2)
    start = time.monotonic()
    try:
        with pytest.raises(DownloadError, match="no answer about dead.invalid from the name server"):
            download.download("http://dead.invalid/x.npz", tmp_path / "x.npz", "0" * 64, verbose=0)
    finally:
        release.set()
    assert time.monotonic() - start < 2


def test_ctrl_c_mid_transfer_keeps_nothing(http_server, tmp_path, monkeypatch):
    body = b"y" * 300_000
    url = http_server("big.bin", body)

    class Interrupting:
        def __init__(self, *args, **kwargs):
            pass

        def update(self, current, *args, **kwargs):
            raise KeyboardInterrupt
    monkeypatch.setattr("axone.utils.progbar.Progbar", Interrupting)
    with pytest.raises(KeyboardInterrupt):
        download.download(url, tmp_path / "big.bin", sha(body), verbose=0)
    assert leftovers(tmp_path) == []
