"""Runs the workers one after another and prints the side-by-side table.

The benchmark scripts (`bench_mnist.py`, `bench_housing.py`) prepare the
data and the network description, then call `run_benchmark`. It saves the
data once, starts one fresh process per framework (`workers.py`), collects
their JSON results, and prints one table: the seconds of the first epoch
(where a framework traces or compiles), the median seconds of the later
epochs, the test score, and axone's time divided by each peer's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from workers import MLPSpec

try:
    import resource
except ImportError:  # not on Windows: the "other load" column then reads n/a
    resource = None

HERE = Path(__file__).resolve().parent
REPO_SRC = HERE.parent / "src"

FRAMEWORKS = ["axone", "axone-1thread", "keras-tf", "torch", "sklearn", "floor"]
LABELS = {
    "axone": "axone",
    "axone-1thread": "axone, 1 BLAS thread",
    "keras-tf": "Keras 3 on TensorFlow",
    "torch": "PyTorch training loop",
    "sklearn": "scikit-learn MLP (sgd)",
    "floor": "BLAS floor (matmul only)",
}
#: axone's epoch time must be at most this fraction of the peer's
TIME_TARGETS = {"keras-tf": 0.25, "torch": 0.6}
#: and its test accuracy within this of the peer's (classification)
ACCURACY_TOLERANCE = 0.01


def parse_args(description: str, default_epochs: int) -> argparse.Namespace:
    """The command line shared by both benchmark scripts."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--epochs", type=int, default=default_epochs,
                        help=f"epochs per framework (default {default_epochs}); the first one "
                             "is reported apart, as warm-up")
    parser.add_argument("--frameworks", default=",".join(FRAMEWORKS),
                        help=f"comma-separated subset of {','.join(FRAMEWORKS)}")
    parser.add_argument("--python", action="append", default=[], metavar="FRAMEWORK=PATH",
                        help="interpreter for one framework's worker, e.g. "
                             "keras-tf=/path/to/venv/bin/python (default: this interpreter)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every framework this many times, in turn, and report "
                             "medians over the rounds (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="seed for data, init and shuffling")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds allowed to each worker (default 1800)")
    parser.add_argument("--json", type=Path, help="also write every result to this JSON file")
    parser.add_argument("--subset", type=int, metavar="N",
                        help="train on the first N training samples only (a quick check)")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                        help="before each worker, wait up to SECONDS for the other processes "
                             "to leave the CPUs idle (default 0: do not wait)")
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1. Received: {args.epochs}")
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1. Received: {args.rounds}")
    args.frameworks = [f.strip() for f in args.frameworks.split(",") if f.strip()]
    unknown = sorted(set(args.frameworks) - set(FRAMEWORKS))
    if unknown:
        parser.error(f"unknown framework(s) {unknown}; choose from {FRAMEWORKS}")
    pythons = {}
    for item in args.python:
        name, sep, path = item.partition("=")
        if not sep or name not in FRAMEWORKS:
            parser.error(f"--python expects FRAMEWORK=PATH with FRAMEWORK in {FRAMEWORKS}. "
                         f"Received: {item!r}")
        pythons[name] = path
    args.pythons = pythons
    return args


def machine_description() -> str:
    """CPU model, core count, OS and Python, for the table's header."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def _cpu_times() -> tuple[int, int] | None:
    """(busy, total) clock ticks of all CPUs since boot, from /proc/stat (Linux)."""
    if resource is None:
        return None
    try:
        line = Path("/proc/stat").read_text().split("\n", 1)[0]
        fields = [int(v) for v in line.split()[1:9]]  # guest time is already in user time
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class OtherLoad:
    """Share of the CPUs that processes other than ours used during a block.

    The machine's busy time (from /proc/stat) minus the CPU time of our
    finished child processes, over the machine's total time: near 0 on an
    idle machine; on 2 cores, 0.5 means another process held a whole core,
    and the timings of that block measure contention as much as the framework.
    """

    def __enter__(self):
        self._cpu, self._ours = _cpu_times(), _children_cpu_seconds()
        self.share: float | None = None
        return self

    def __exit__(self, *exc):
        end = _cpu_times()
        if self._cpu is not None and end is not None and end[1] > self._cpu[1]:
            ours = (_children_cpu_seconds() - self._ours) * os.sysconf("SC_CLK_TCK")
            self.share = max(0.0, (end[0] - self._cpu[0] - ours) / (end[1] - self._cpu[1]))
        return False


def cpu_busy(seconds: float = 1.0) -> float | None:
    """Fraction of all CPUs busy during the next `seconds` (None if unknown)."""
    before = _cpu_times()
    time.sleep(seconds)
    after = _cpu_times()
    if before is None or after is None or after[1] == before[1]:
        return None
    return (after[0] - before[0]) / (after[1] - before[1])


def wait_until_idle(limit: float, threshold: float = 0.1) -> None:
    """Wait up to `limit` seconds for the CPUs to be less than `threshold` busy."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        busy = cpu_busy(2.0)
        if busy is None or busy <= threshold:
            return


def run_worker(name: str, python: str, data_path: Path, spec_path: Path, timeout: float) -> dict:
    """Run one framework's worker in a fresh process; return its result dict."""
    if not Path(python).exists():
        return {"status": "not installed", "detail": f"no interpreter {python}"}
    env = dict(os.environ)
    if name.startswith("axone"):  # measure this checkout's library, installed or not
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_SRC), env.get("PYTHONPATH")]))
    if name == "axone-1thread":  # the same run with NumPy's BLAS on one thread
        name = "axone"
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with tempfile.TemporaryDirectory() as tmp:
        result_path = Path(tmp) / "result.json"
        command = [python, str(HERE / "workers.py"), name, str(data_path), str(spec_path),
                   str(result_path)]
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"status": "error", "detail": f"timed out after {timeout:.0f} s"}
        if done.returncode != 0 or not result_path.exists():
            lines = (done.stderr or done.stdout).strip().splitlines()
            return {"status": "error", "detail": lines[-1] if lines else f"exit {done.returncode}",
                    "stderr": done.stderr[-4000:]}
        return json.loads(result_path.read_text())


def _later(seconds: list[float]) -> float:
    """Median of the epochs after the first (the first epoch alone if there is one)."""
    return statistics.median(seconds[1:]) if len(seconds) > 1 else seconds[0]


def summarize(runs: dict[str, list[dict]]) -> dict[str, dict]:
    """One row per framework from its runs (one per round).

    Times are medians over the rounds. The ratio axone/peer is the median,
    over the rounds, of axone's later-epoch time divided by the peer's in
    the same round: frameworks of one round run minutes apart, so a machine
    whose speed drifts over a longer time (as a shared virtual machine's
    does) shifts both sides of each ratio alike. "other load" is the
    largest share seen in any round.
    """
    axone = runs.get("axone", [])
    rows = {}
    for name, found in runs.items():
        ok = [run for run in found if run["status"] == "ok"]
        if not ok:
            rows[name] = found[-1]
            continue
        later = [_later(run["epoch_seconds"]) for run in ok]
        loads = [run["other_load"] for run in ok if run.get("other_load") is not None]
        scores = [run["test_metric"] for run in ok if run.get("test_metric") is not None]
        paired = [_later(a["epoch_seconds"]) / _later(p["epoch_seconds"])
                  for a, p in zip(axone, found) if a["status"] == p["status"] == "ok"]
        rows[name] = {
            "status": "ok",
            "version": ok[0].get("version", ""),
            "first": statistics.median(run["epoch_seconds"][0] for run in ok),
            "later": statistics.median(later),
            "round_later": later,
            "test_metric": statistics.median(scores) if scores else None,
            "other_load": max(loads) if loads else None,
            "ratio": statistics.median(paired) if paired and name != "axone" else None,
        }
    return rows


def format_table(spec: MLPSpec, rows: dict[str, dict]) -> str:
    """The side-by-side table; ratios are axone's time over each peer's."""
    metric = "test accuracy" if spec.classification else "test MSE"
    later = "later epochs s" if spec.epochs > 1 else "(one epoch) s"
    rounds = max(len(row.get("round_later", [])) for row in rows.values())
    header = (f"{'framework':<27}{'first epoch s':>14}{later:>16}{metric:>15}{'axone/peer':>12}"
              f"{'other load':>12}" + (f"{'rounds range s':>16}" if rounds > 1 else ""))
    lines = [header, "-" * len(header)]
    for name, row in rows.items():
        label = LABELS[name]
        if row["status"] != "ok":
            lines.append(f"{label:<27}  {row['status']}: {row.get('detail', '')}")
            continue
        score = "-" if row["test_metric"] is None else f"{row['test_metric']:.4f}"
        ratio = "" if name == "axone" else ("n/a" if row["ratio"] is None else f"{row['ratio']:.2f}")
        load = "n/a" if row["other_load"] is None else f"{row['other_load']:.0%}"
        spread = "{:.3f}-{:.3f}".format(min(row["round_later"]), max(row["round_later"]))
        lines.append(f"{label:<27}{row['first']:>14.3f}{row['later']:>16.3f}{score:>15}"
                     f"{ratio:>12}{load:>12}" + (f"{spread:>16}" if rounds > 1 else ""))
    lines.append("")
    lines.append("other load: share of the CPUs used by other processes while the row ran "
                 "(the largest")
    lines.append("over the rounds); above a few percent, that row's times include contention.")
    if rounds > 1:
        lines.append("rounds range: the lowest and highest later-epoch medians over the rounds.")
    lines.append("")
    for name, row in rows.items():
        if row["status"] == "ok":
            lines.append(f"{LABELS[name]}: {row['version']}")
    return "\n".join(lines)


def format_targets(spec: MLPSpec, rows: dict[str, dict]) -> str:
    """Check axone against the speed targets and the peers' test scores."""
    axone = rows.get("axone", {})
    if axone.get("status") != "ok":
        return "targets: axone did not run"
    lines = []
    for name, target in TIME_TARGETS.items():
        ratio = rows.get(name, {}).get("ratio")
        if ratio is not None:
            verdict = "met" if ratio <= target else "NOT met"
            lines.append(f"target axone/{name} epoch <= {target}: {ratio:.3f}, {verdict}")
    if spec.classification:
        for name in ("keras-tf", "torch", "sklearn"):
            peer = rows.get(name, {})
            if peer.get("status") != "ok":
                continue
            gap = axone["test_metric"] - peer["test_metric"]
            verdict = "met" if gap >= -ACCURACY_TOLERANCE else "NOT met"
            lines.append(f"target accuracy not below {name}'s by more than "
                         f"{ACCURACY_TOLERANCE * 100:.0f} point: {gap * 100:+.2f} points, {verdict}")
    floor = rows.get("floor", {})
    if floor.get("ratio") is not None:
        lines.append(f"axone/floor: {floor['ratio']:.2f} "
                     "(time of axone's epoch over its matrix products alone)")
    return "\n".join(lines)


def run_benchmark(title: str, spec: MLPSpec, data: dict[str, np.ndarray], source: str,
                  args: argparse.Namespace) -> int:
    """Run every requested framework, print the table; return the exit status.

    Args:
        title: the table's first line.
        spec: the network and its training.
        data: `x_train`, `y_train`, `x_test`, `y_test`, already preprocessed.
        source: where the data came from (printed).
        args: from `parse_args`.

    Returns:
        0, or 1 if any worker failed (a framework that is not installed is
        not a failure).
    """
    print(title)
    print(f"data: {source}; {len(data['x_train']):,} training and {len(data['x_test']):,} "
          "test samples")
    print(f"machine: {machine_description()}")
    if args.rounds > 1:
        print(f"each framework ran {args.rounds} times, in turn; times are medians over the "
              "rounds, axone/peer the median of the ratios within each round")
    print(flush=True)
    runs: dict[str, list[dict]] = {name: [] for name in args.frameworks}
    with tempfile.TemporaryDirectory(prefix="axone-bench-") as tmp:
        data_path = Path(tmp) / "data.npz"
        spec_path = Path(tmp) / "spec.json"
        np.savez(data_path, **data)
        spec_path.write_text(json.dumps(asdict(spec)))
        for round_ in range(args.rounds):
            for name in args.frameworks:
                if runs[name] and runs[name][-1]["status"] != "ok":
                    continue  # not installed or failed: once is enough
                python = args.pythons.get(name, sys.executable)
                if args.wait_idle:
                    wait_until_idle(args.wait_idle)
                print(f"  {name:<13} ...", end=" ", file=sys.stderr, flush=True)
                start = time.perf_counter()
                with OtherLoad() as load:
                    result = run_worker(name, python, data_path, spec_path, args.timeout)
                result["other_load"] = load.share
                runs[name].append(result)
                print(f"{result['status']} ({time.perf_counter() - start:.0f} s)",
                      file=sys.stderr, flush=True)
                if result["status"] == "error" and result.get("stderr"):
                    print(result["stderr"], file=sys.stderr)
    rows = summarize(runs)
    print(format_table(spec, rows))
    print()
    print(format_targets(spec, rows))
    if args.json:
        args.json.write_text(json.dumps({"title": title, "source": source,
                                         "machine": machine_description(),
                                         "rows": rows, "runs": runs}, indent=2))
    return 1 if any(run["status"] == "error" for found in runs.values() for run in found) else 0
