"""A runner for the `axone` command (each call a fresh process) and the tables it learns."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("matplotlib")


class Result:
    def __init__(self, completed):
        self.status = completed.returncode
        self.out = completed.stdout
        self.err = completed.stderr


def axone(*args, cwd=None) -> Result:
    """Run `python -m axone ARGS` and return its status, stdout and stderr."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"}
    completed = subprocess.run([sys.executable, "-m", "axone", *map(str, args)], cwd=cwd,
                               capture_output=True, text=True, timeout=300, env=env)
    return Result(completed)


def assert_usage_error(result: Result, *fragments: str) -> None:
    """Exit status 2 and one line on stderr containing every fragment, no traceback."""
    assert result.status == 2, (result.status, result.err)
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def houses_frame(n=500, seed=0):
    """Unscaled prices (about 10^5 to 10^6) from a surface, a room count and a city (text)."""
    rng = np.random.default_rng(seed)
    size = rng.uniform(30, 250, n)
    rooms = np.clip(np.round(size / 30 + rng.normal(0, 1, n)), 1, 9).astype(int)
    city = rng.choice(["Paris", "Lyon", "Nantes"], n)
    factor = np.select([city == "Paris", city == "Lyon"], [3.0, 1.6], 1.0)
    price = 3000 * size * factor + 15000 * rooms + rng.normal(0, 20000, n)
    return pd.DataFrame({"size": size.round(1), "nb_room": rooms, "city": city,
                         "price": price.round(0)})


def tumors_frame(n=500, seed=1):
    """Text labels, features on very different scales, a curved frontier and label noise."""
    rng = np.random.default_rng(seed)
    size = rng.normal(50, 10, n)
    p53 = rng.normal(0.05, 0.01, n)
    u, v = (size - 50) / 10, (p53 - 0.05) / 0.01
    malignant = (u + v + 0.8 * u * v - 0.5 * u ** 2 + rng.normal(0, 0.4, n)) > 0
    return pd.DataFrame({"size": size, "p53_concentration": p53,
                         "label": np.where(malignant, "malignant", "benign")})


