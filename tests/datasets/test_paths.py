import os

import pytest

from axone.datasets import paths


def test_atomic_path_renames_on_success_with_usual_permissions(tmp_path):
    target = tmp_path / "sub" / "file.csv"
    with paths.atomic_path(target) as temporary:
        assert temporary.parent == target.parent and temporary.name.startswith(".file.csv.")
        temporary.write_text("done")
        assert not target.exists()
    assert target.read_text() == "done" and os.listdir(target.parent) == ["file.csv"]
    (tmp_path / "plain").write_text("x")
    assert target.stat().st_mode == (tmp_path / "plain").stat().st_mode


def test_atomic_path_keeps_the_old_file_on_failure(tmp_path):
    target = tmp_path / "file.csv"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with paths.atomic_path(target) as temporary:
            temporary.write_text("half")
            raise KeyboardInterrupt
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["file.csv"]


def test_locations(monkeypatch, tmp_path):
    monkeypatch.delenv("AXONE_HOME")
    assert paths.cache_dir() == paths.Path.home() / ".axone" / "datasets"
    monkeypatch.setenv("AXONE_HOME", str(tmp_path))
    assert paths.cache_dir() == tmp_path / "datasets"
    assert paths.local_dir("mnist") is None
    monkeypatch.setenv("AXONE_DATASETS", str(tmp_path / "d"))
    assert paths.local_dir("mnist") == tmp_path / "d" / "mnist"
