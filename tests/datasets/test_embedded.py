from fnmatch import fnmatch
from pathlib import Path

import pytest

from axone.datasets import embedded

ROOT = Path(__file__).resolve().parents[2]


def test_every_embedded_file_is_declared_package_data():
    tomllib = pytest.importorskip("tomllib")
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["axone"]
    package = ROOT / "src" / "axone"
    files = sorted(embedded.DATA_DIR.iterdir())
    assert {p.name for p in files} >= {"california_housing.npz", "iris.npz", "breast_cancer.npz", "digits.npz"}
    for path in files:
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch(relative, pattern) for pattern in patterns), f"{relative} would not ship"


def test_read_and_write_round_trip(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "DATA_DIR", tmp_path)
    embedded.write("thing", values=[1, 2, 3], note="text")
    arrays = embedded.read("thing")
    assert arrays["values"].tolist() == [1, 2, 3] and arrays["note"] == "text"
