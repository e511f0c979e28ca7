import csv

import numpy as np
import pytest

from axone import datasets
from axone.datasets import available, csv_export, export, table


def rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def by_name():
    return {row["name"]: row for row in available()}


def test_available_lists_every_dataset():
    entries = by_name()
    assert {"mnist", "fashion_mnist", "california_housing", "iris", "breast_cancer", "digits", "houses",
            "tumors", "xor", "moons", "circles", "spirals", "blobs", "surface"} <= set(entries)
    for entry in entries.values():
        assert set(entry) == {"name", "description", "source", "shape", "cached", "location", "size",
                              "download_size"}
    assert entries["california_housing"]["cached"] and entries["california_housing"]["size"] < 1_000_000
    assert entries["houses"]["source"] == "generated" and entries["houses"]["location"] is None
    assert entries["mnist"]["cached"] is False and entries["mnist"]["download_size"] > 10_000_000


def test_available_sees_local_and_cached_copies(tmp_path, monkeypatch, idx_set):
    idx_set(tmp_path / "data" / "mnist")
    monkeypatch.setenv("AXONE_DATASETS", str(tmp_path / "data"))
    mnist = by_name()["mnist"]
    assert mnist["cached"] and mnist["location"] == str(tmp_path / "data" / "mnist")
    assert mnist["size"] == sum(p.stat().st_size for p in (tmp_path / "data" / "mnist").iterdir())
    monkeypatch.delenv("AXONE_DATASETS")
    assert not by_name()["mnist"]["cached"]
    cache = tmp_path / "home" / "datasets"
    cache.mkdir(parents=True)
    (cache / "mnist.npz").write_bytes(b"1234")
    assert by_name()["mnist"]["cached"] and by_name()["mnist"]["size"] == 4
    assert not (tmp_path / "home" / "datasets" / "fashion-mnist").exists()  # listing creates nothing


def test_export_california_round_trips_exactly(tmp_path):
    export("california_housing", tmp_path / "cal.csv")
    lines = rows(tmp_path / "cal.csv")
    housing = datasets.fetch_california_housing()
    assert lines[0] == housing.feature_names + ["MedHouseVal"] and len(lines) == 20641
    values = np.array(lines[1:], dtype=np.float64)
    assert np.array_equal(values[:, :8], housing.data) and np.array_equal(values[:, 8], housing.target)
    assert lines[1][1] == "41"  # whole numbers are written without ".0"


def test_export_synthetic_is_seeded(tmp_path):
    export("moons", tmp_path / "a.csv")
    export("moons", tmp_path / "b.csv")
    export("moons", tmp_path / "c.csv", seed=1)
    assert rows(tmp_path / "a.csv") == rows(tmp_path / "b.csv") != rows(tmp_path / "c.csv")
    assert rows(tmp_path / "a.csv")[0] == ["x1", "x2", "label"]
    assert rows(tmp_path / "a.csv")[1][2] in {"0", "1"}
    assert table("surface")[0] == ["x1", "x2", "y"]


def test_export_errors_leave_files_alone(tmp_path):
    target = tmp_path / "keep.csv"
    target.write_text("precious\n")
    with pytest.raises(ValueError, match="Unknown dataset 'housez'; available: mnist"):
        export("housez", target)
    with pytest.raises(ValueError, match="mnist is a set of images, not a table"):
        export("mnist", target)
    assert target.read_text() == "precious\n"


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "houses.csv"
    target.write_text("previous\n")

    def broken(value):
        raise RuntimeError("disk full")
    monkeypatch.setattr(csv_export, "_cell", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        export("houses", target)
    assert target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["houses.csv"]


def test_registered_on_the_package():
    import axone
    assert axone.datasets is datasets and "datasets" in axone.__all__
    assert axone.datasets.mnist.load_data.__module__ == "axone.datasets.mnist"


def test_available_ignores_an_incomplete_local_set(tmp_path, monkeypatch, idx_set):
    idx_set(tmp_path / "data" / "fashion_mnist")
    (tmp_path / "data" / "fashion_mnist" / "t10k-labels-idx1-ubyte.gz").unlink()
    monkeypatch.setenv("AXONE_DATASETS", str(tmp_path / "data"))
    assert not by_name()["fashion_mnist"]["cached"]
    (tmp_path / "data" / "fashion_mnist" / "fashion_mnist.npz").write_bytes(b"12")
    assert by_name()["fashion_mnist"]["cached"] and by_name()["fashion_mnist"]["size"] == 2
