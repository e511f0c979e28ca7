"""Fixtures of the `axone` command's tests: the CSV files they write, two trained runs."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from cli_helpers import axone, houses_frame, tumors_frame  # noqa: E402


@pytest.fixture(scope="session")
def houses_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "houses.csv"
    houses_frame().to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def tumors_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "tumors.csv"
    tumors_frame().to_csv(path, index=False)
    return path


def _train(tmp_path_factory, data, target, name):
    """Train once per session with the command's defaults (80 epochs at most)."""
    out = tmp_path_factory.mktemp("runs") / name
    result = axone("train", data, "--target", target, "--epochs", "80", "-q", "--out", out)
    assert result.status == 0, result.err
    return out, result


@pytest.fixture(scope="session")
def houses_run(tmp_path_factory, houses_csv):
    """A regressor trained once for the tests that read what `train` wrote."""
    return _train(tmp_path_factory, houses_csv, "price", "houses-run")


@pytest.fixture(scope="session")
def tumors_run(tmp_path_factory, tumors_csv):
    """A classifier of text labels, trained once."""
    return _train(tmp_path_factory, tumors_csv, "label", "tumors-run")
