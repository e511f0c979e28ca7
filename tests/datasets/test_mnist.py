import hashlib
import io
import time

import numpy as np
import pytest

from axone.datasets import DatasetNotFoundError, fashion_mnist, mnist
from axone.datasets.idx import write_idx


def npz_bytes(arrays):
    buffer = io.BytesIO()
    np.savez(buffer, x_train=arrays[0][0], y_train=arrays[0][1], x_test=arrays[1][0], y_test=arrays[1][1])
    return buffer.getvalue()


def same(a, b):
    return all(np.array_equal(x, y) and x.dtype == y.dtype for pa, pb in zip(a, b) for x, y in zip(pa, pb))


def test_shared_copy_has_keras_shapes(shared_datasets, monkeypatch):
    monkeypatch.setenv("AXONE_DATASETS", str(shared_datasets))
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert x_train.max() == 255 and set(np.unique(y_test)) == set(range(10))
    assert y_train[:8].tolist() == [5, 0, 4, 1, 9, 2, 1, 3]  # the canonical first labels


@pytest.mark.parametrize("gz", [True, False])
def test_idx_files_under_axone_datasets(tmp_path, monkeypatch, idx_set, gz):
    written = idx_set(tmp_path / "data" / "mnist", gz=gz)
    monkeypatch.setenv("AXONE_DATASETS", str(tmp_path / "data"))
    assert same(mnist.load_data(), written)


def test_keras_npz_under_axone_datasets(tmp_path, monkeypatch, idx_set):
    written = idx_set(tmp_path / "elsewhere")
    (tmp_path / "data" / "mnist").mkdir(parents=True)
    (tmp_path / "data" / "mnist" / "mnist.npz").write_bytes(npz_bytes(written))
    monkeypatch.setenv("AXONE_DATASETS", str(tmp_path / "data"))
    assert same(mnist.load_data(), written)


def test_corrupt_local_file_is_named(tmp_path, monkeypatch, idx_set):
    folder = tmp_path / "data" / "mnist"
    idx_set(folder)
    bad = folder / "t10k-images-idx3-ubyte.gz"
    bad.write_bytes(bad.read_bytes()[:-40])
    monkeypatch.setenv("AXONE_DATASETS", str(tmp_path / "data"))
    with pytest.raises(ValueError, match=r"t10k-images-idx3-ubyte\.gz"):
        mnist.load_data()


def test_images_and_labels_must_agree(tmp_path, monkeypatch, idx_set):
    folder = tmp_path / "data" / "mnist"
    idx_set(folder)
    write_idx(folder / "train-labels-idx1-ubyte.gz", np.zeros(3, np.uint8))
    monkeypatch.setenv("AXONE_DATASETS", str(tmp_path / "data"))
    with pytest.raises(ValueError, match=r"holds 12 images but .*train-labels-idx1-ubyte\.gz holds 3 labels"):
        mnist.load_data()


def test_partial_set_names_the_missing_files(tmp_path, monkeypatch, idx_set):
    folder = tmp_path / "data" / "mnist"
    idx_set(folder)
    (folder / "train-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv("AXONE_DATASETS", str(tmp_path / "data"))
    with pytest.raises(ValueError, match=r"missing train-labels-idx1-ubyte\[\.gz\]"):
        mnist.load_data()


def test_truncated_npz_is_named(tmp_path, monkeypatch, idx_set):
    cache = tmp_path / "home" / "datasets"
    cache.mkdir(parents=True)
    (cache / "mnist.npz").write_bytes(npz_bytes(idx_set(tmp_path / "x"))[:500])
    with pytest.raises(ValueError, match=r"mnist\.npz is not a readable \.npz"):
        mnist.load_data()


def test_cache_is_used_without_network(tmp_path, idx_set):
    written = idx_set(tmp_path / "x")
    cache = tmp_path / "home" / "datasets"
    cache.mkdir(parents=True)
    (cache / "mnist.npz").write_bytes(npz_bytes(written))
    assert same(mnist.load_data(), written)


def test_download_into_the_cache_then_offline(tmp_path, http_server, monkeypatch, idx_set, capsys):
    written = idx_set(tmp_path / "x")
    body = npz_bytes(written)
    http_server("mnist.npz", body)
    monkeypatch.setitem(mnist.SPEC.downloads, "mnist.npz", hashlib.sha256(body).hexdigest())
    assert same(mnist.load_data(), written)
    assert "Downloading data from" in capsys.readouterr().out
    cached = tmp_path / "home" / "datasets" / "mnist.npz"
    assert cached.read_bytes() == body
    monkeypatch.setenv("AXONE_DATASETS_ORIGIN", "http://127.0.0.1:9/")  # nothing there any more
    assert same(mnist.load_data(), written)


def test_path_names_the_cached_file(tmp_path, http_server, monkeypatch, idx_set):
    body = npz_bytes(idx_set(tmp_path / "x"))
    http_server("mnist.npz", body)
    monkeypatch.setitem(mnist.SPEC.downloads, "mnist.npz", hashlib.sha256(body).hexdigest())
    mnist.load_data(path="digits/my-mnist.npz")
    assert (tmp_path / "home" / "datasets" / "digits" / "my-mnist.npz").read_bytes() == body


def test_checksum_mismatch_on_download(http_server, tmp_path):
    http_server("mnist.npz", b"an error page, not MNIST")
    with pytest.raises(ValueError, match="SHA-256"):
        mnist.load_data()
    assert not (tmp_path / "home" / "datasets" / "mnist.npz").exists()


def test_no_copy_no_network_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("AXONE_DATASETS", str(tmp_path / "data"))
    start = time.monotonic()
    with pytest.raises(DatasetNotFoundError) as info:
        mnist.load_data()
    assert time.monotonic() - start < 3
    message = str(info.value)
    for needed in ("mnist.npz", "train-images-idx3-ubyte.gz", str(tmp_path / "data" / "mnist"),
                   "AXONE_DATASETS", str(tmp_path / "home" / "datasets" / "mnist.npz")):
        assert needed in message


def test_fashion_mnist_from_axone_datasets(tmp_path, monkeypatch, idx_set):
    written = idx_set(tmp_path / "data" / "fashion_mnist", seed=3)
    monkeypatch.setenv("AXONE_DATASETS", str(tmp_path / "data"))
    assert same(fashion_mnist.load_data(), written)
    assert len(fashion_mnist.CLASS_NAMES) == 10


def test_fashion_mnist_downloads_its_four_files(tmp_path, http_server, monkeypatch, idx_set):
    written = idx_set(tmp_path / "served", seed=4)
    for path in (tmp_path / "served").iterdir():
        body = path.read_bytes()
        http_server(path.name, body)
        monkeypatch.setitem(fashion_mnist.SPEC.downloads, path.name, hashlib.sha256(body).hexdigest())
    assert same(fashion_mnist.load_data(), written)
    cache = tmp_path / "home" / "datasets" / "fashion-mnist"
    assert sorted(p.name for p in cache.iterdir()) == sorted(fashion_mnist.SPEC.downloads)


def test_fashion_mnist_without_network(tmp_path):
    with pytest.raises(DatasetNotFoundError, match=r"Fashion-MNIST.*fashion_mnist/"):
        fashion_mnist.load_data()


@pytest.mark.parametrize("content, message", [
    ("npy", "is a single array, not an archive"),
    ("keys", r"lacks the arrays \['y_train', 'x_test', 'y_test'\]"),
    ("crc", "is corrupt"),
    ("dtype", r"\(x_train\) does not hold 28x28 uint8 images"),
])
def test_wrong_npz_contents_are_named(tmp_path, idx_set, content, message):
    cache = tmp_path / "home" / "datasets"
    cache.mkdir(parents=True)
    target = cache / "mnist.npz"
    arrays = idx_set(tmp_path / "x")
    if content == "npy":
        with open(target, "wb") as f:
            np.save(f, arrays[0][0])
    elif content == "keys":
        np.savez(target, x_train=arrays[0][0])
    elif content == "dtype":
        np.savez(target, x_train=arrays[0][0].astype(np.float32), y_train=arrays[0][1],
                 x_test=arrays[1][0], y_test=arrays[1][1])
    else:
        data = bytearray(npz_bytes(arrays))
        data[200] ^= 0xFF  # inside the first array's data: the zip's CRC check fails
        target.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"mnist\.npz.*" + message):
        mnist.load_data()
