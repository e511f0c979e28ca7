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
                        help="run every framework this many times, in turn, and keep each "
                             "one's fastest run (default 1)")
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


def _fastest(runs: list[dict]) -> dict:
    """The successful run with the fastest later epochs (contention only ever slows a run).

    With several runs, it also records every run's later-epoch median
    (`round_seconds`), so that the table can show their spread.
    """
    ok = [run for run in runs if run["status"] == "ok"]
    if not ok:
        return runs[-1]
    best = dict(min(ok, key=lambda run: _later(run["epoch_seconds"])))
    best["round_seconds"] = [_later(run["epoch_seconds"]) for run in ok]
    return best


def format_table(spec: MLPSpec, results: dict[str, dict]) -> str:
    """The side-by-side table; ratios are axone's time over each peer's."""
    metric = "test accuracy" if spec.classification else "test MSE"
    later = "later epochs s" if spec.epochs > 1 else "(one epoch) s"
    rounds = max(len(r.get("round_seconds", [])) for r in results.values())
    header = (f"{'framework':<27}{'first epoch s':>14}{later:>16}{metric:>15}{'axone/peer':>12}"
              f"{'other load':>12}" + (f"{'all rounds s':>16}" if rounds > 1 else ""))
    lines = [header, "-" * len(header)]
    axone = results.get("axone", {})
    axone_time = _later(axone["epoch_seconds"]) if axone.get("status") == "ok" else None
    for name, result in results.items():
        label = LABELS[name]
        if result["status"] != "ok":
            lines.append(f"{label:<27}  {result['status']}: {result.get('detail', '')}")
            continue
        seconds = result["epoch_seconds"]
        score = result.get("test_metric")
        score_text = "-" if score is None else f"{score:.4f}"
        if name == "axone" or axone_time is None:
            ratio = "" if name == "axone" else "n/a"
        else:
            ratio = f"{axone_time / _later(seconds):.2f}"
        load = result.get("other_load")
        load_text = "n/a" if load is None else f"{load:.0%}"
        spread = ""
        if rounds > 1:
            spread = "{:.3f}-{:.3f}".format(min(result["round_seconds"]), max(result["round_seconds"]))
        lines.append(f"{label:<27}{seconds[0]:>14.3f}{_later(seconds):>16.3f}"
                     f"{score_text:>15}{ratio:>12}{load_text:>12}"
                     + (f"{spread:>16}" if rounds > 1 else ""))
    lines.append("")
    lines.append("other load: share of the CPUs used by other processes while the row ran; "
                 "above a few")
    lines.append("percent, that row's times include contention for the cores.")
    if rounds > 1:
        lines.append("all rounds: the lowest and highest later-epoch medians over the rounds.")
    lines.append("")
    for name, result in results.items():
        if result["status"] == "ok":
            lines.append(f"{LABELS[name]}: {result.get('version', '')}")
    return "\n".join(lines)


def format_targets(spec: MLPSpec, results: dict[str, dict]) -> str:
    """Check axone against the speed targets and the peers' test scores."""
    axone = results.get("axone", {})
    if axone.get("status") != "ok":
        return "targets: axone did not run"
    lines = []
    axone_time = _later(axone["epoch_seconds"])
    for name, target in TIME_TARGETS.items():
        peer = results.get(name, {})
        if peer.get("status") != "ok":
            continue
        ratio = axone_time / _later(peer["epoch_seconds"])
        verdict = "met" if ratio <= target else "NOT met"
        lines.append(f"target axone/{name} epoch <= {target}: {ratio:.3f}, {verdict}")
    if spec.classification:
        for name in ("keras-tf", "torch", "sklearn"):
            peer = results.get(name, {})
            if peer.get("status") != "ok":
                continue
            gap = axone["test_metric"] - peer["test_metric"]
            verdict = "met" if gap >= -ACCURACY_TOLERANCE else "NOT met"
            lines.append(f"target accuracy not below {name}'s by more than "
                         f"{ACCURACY_TOLERANCE * 100:.0f} point: {gap * 100:+.2f} points, {verdict}")
    floor = results.get("floor", {})
    if floor.get("status") == "ok":
        lines.append(f"axone/floor: {axone_time / _later(floor['epoch_seconds']):.2f} "
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
        print(f"each framework ran {args.rounds} times, in turn; each row is its run with the "
              "fastest later epochs")
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
    results = {name: _fastest(found) for name, found in runs.items()}
    print(format_table(spec, results))
    print()
    print(format_targets(spec, results))
    if args.json:
        args.json.write_text(json.dumps({"title": title, "source": source,
                                         "machine": machine_description(),
                                         "results": results, "all_runs": runs}, indent=2))
    return 1 if any(r["status"] == "error" for r in results.values()) else 0
