import gzip

import numpy as np
import pytest

from axone.datasets.idx import read_idx, write_idx


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_round_trip_plain_and_gzip(tmp_path, name):
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    write_idx(tmp_path / name, images)
    assert (tmp_path / name).read_bytes()[:2] == (b"\x1f\x8b" if name.endswith(".gz") else b"\x00\x00")
    back = read_idx(tmp_path / name, ndim=3)
    assert back.dtype == np.uint8 and np.array_equal(back, images)


def test_header_layout_is_the_idx_format(tmp_path):
    write_idx(tmp_path / "labels", np.array([5, 0, 4], dtype=np.uint8))
    assert (tmp_path / "labels").read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 5, 0, 4])


def test_other_types_are_big_endian_on_disk(tmp_path):
    values = np.array([[1.5, -2.0]], dtype=np.float32)
    write_idx(tmp_path / "f", values)
    raw = (tmp_path / "f").read_bytes()
    assert raw[2] == 0x0D and raw[-4:] == np.array([-2.0], dtype=">f4").tobytes() == b"\xc0\x00\x00\x00"
    assert np.array_equal(read_idx(tmp_path / "f"), values)


def test_truncated_file_is_refused_with_its_name(tmp_path):
    write_idx(tmp_path / "images", np.zeros((3, 28, 28), np.uint8))
    data = (tmp_path / "images").read_bytes()
    (tmp_path / "images").write_bytes(data[:-10])
    with pytest.raises(ValueError, match=r"images is truncated.*\(3, 28, 28\)"):
        read_idx(tmp_path / "images")


def test_longer_than_header_is_refused(tmp_path):
    write_idx(tmp_path / "labels", np.zeros(4, np.uint8))
    (tmp_path / "labels").write_bytes((tmp_path / "labels").read_bytes() + b"\x00")
    with pytest.raises(ValueError, match="longer than its header"):
        read_idx(tmp_path / "labels")


def test_truncated_gzip_is_refused(tmp_path):
    write_idx(tmp_path / "images.gz", np.random.default_rng(0).integers(0, 255, (50, 28, 28), np.uint8))
    data = (tmp_path / "images.gz").read_bytes()
    (tmp_path / "images.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"images\.gz is not a complete gzip file"):
        read_idx(tmp_path / "images.gz")


def test_not_idx_and_wrong_rank(tmp_path):
    (tmp_path / "page.html").write_bytes(b"<html>rate limited</html>")
    with pytest.raises(ValueError, match=r"page\.html is not an IDX file"):
        read_idx(tmp_path / "page.html")
    (tmp_path / "empty.gz").write_bytes(gzip.compress(b""))
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "empty.gz")
    write_idx(tmp_path / "labels", np.zeros(4, np.uint8))
    with pytest.raises(ValueError, match="1-dimensional IDX array; expected 3"):
        read_idx(tmp_path / "labels", ndim=3)


def test_write_refuses_unsupported_dtype(tmp_path):
    with pytest.raises(ValueError, match="IDX cannot store dtype"):
        write_idx(tmp_path / "x", np.zeros(2, np.complex64))
