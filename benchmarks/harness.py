"""What every benchmark script shares: the command line, the runs, the tables.

A script describes its runs as `Job`s (a framework, the network, a mode:
fit, predict, stream, phases). `run_jobs` saves the data once, then runs
every job in a fresh process of its own (`workers.py`), one after another,
`--rounds` times over, waiting for an idle machine before each (with
`--wait-idle`) and for a machine at its usual speed (with `--wait-steady`),
and measuring the CPU share other processes took meanwhile ("other load"). The script then reduces the results to its table with
`later`, `median_over` and `paired_ratio`, and prints it with `table`.

`run_benchmark` is the side-by-side training table of `bench_mnist.py` and
`bench_housing.py`: the seconds of the first epoch (where a framework traces
or compiles), the median seconds of the later epochs, the test score, the
peak memory, and axone's time divided by each peer's.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
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
    "axone-numpy": "axone, NumPy update",
    "keras-tf": "Keras 3 on TensorFlow",
    "torch": "PyTorch training loop",
    "sklearn": "scikit-learn MLP (sgd)",
    "floor": "BLAS floor (matmul only)",
}
#: the other frameworks (not axone's own variants, not the floor)
PEERS = ("keras-tf", "torch", "sklearn")
#: test accuracy must be within this of every peer's (classification)
ACCURACY_TOLERANCE = 0.01


def parse_args(description: str, default_epochs: int, frameworks: list[str] | None = None,
               subset_help: str = "train on the first N training samples only (a quick check)"
               ) -> argparse.Namespace:
    """The command line shared by the benchmark scripts.

    Args:
        description: the script's one-line summary.
        default_epochs: the default of `--epochs`.
        frameworks: the frameworks this script can run (default: all), in order.
        subset_help: what `--subset N` means for this script.
    """
    frameworks = frameworks or FRAMEWORKS
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--epochs", type=int, default=default_epochs,
                        help=f"epochs (or repeats) per run (default {default_epochs}); the first "
                             "one is reported apart, as warm-up")
    parser.add_argument("--frameworks", default=",".join(frameworks),
                        help=f"comma-separated subset of {','.join(frameworks)}")
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
    parser.add_argument("--subset", type=int, metavar="N", help=subset_help)
    parser.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                        help="before each worker, wait up to SECONDS for the other processes "
                             "to leave the CPUs idle (default 0: do not wait)")
    parser.add_argument("--wait-steady", type=float, default=0, metavar="SECONDS",
                        help="before each worker, wait up to SECONDS for a short probe of matrix "
                             "products and element-wise passes to run within 15%% of its fastest "
                             "time in this script (default 0: do not wait)")
    parser.add_argument("--axone-src", type=Path, default=REPO_SRC, metavar="FOLDER",
                        help="the axone package to measure: the folder holding axone/ "
                             f"(default: this checkout's {REPO_SRC})")
    args = parser.parse_args()
    if args.epochs < 1:
        parser.error(f"--epochs must be at least 1. Received: {args.epochs}")
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1. Received: {args.rounds}")
    if not (args.axone_src / "axone").is_dir():
        parser.error(f"--axone-src {args.axone_src} holds no axone/ package")
    args.frameworks = [f.strip() for f in args.frameworks.split(",") if f.strip()]
    unknown = sorted(set(args.frameworks) - set(frameworks))
    if unknown:
        parser.error(f"unknown framework(s) {unknown}; choose from {frameworks}")
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


def machine_probe(repeats: int = 3) -> float:
    """Seconds of a fixed small workload shaped like a training step (best of `repeats`).

    100 times: the first layer's product of the MNIST network at batch 32
    (both BLAS threads) and three element-wise passes over its 266,610
    parameters (one core). On a shared virtual machine its time can double
    for minutes, while no process of this machine is busy (the host's other
    guests share the caches and the memory bus).
    """
    rng = np.random.default_rng(0)
    a, b = rng.random((32, 784), dtype=np.float32), rng.random((784, 300), dtype=np.float32)
    out = np.empty((32, 300), dtype=np.float32)
    v = rng.random(266_610, dtype=np.float32)
    w = np.empty_like(v)
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(100):
            np.matmul(a, b, out=out)
            np.multiply(v, 0.5, out=w)
            np.add(w, v, out=w)
            np.sqrt(w, out=w)
        best = min(best, time.perf_counter() - start)
    return best


_fastest_probe = [math.inf]  # the fastest machine_probe of this script


def wait_until_steady(limit: float, tolerance: float = 0.15) -> float:
    """Wait up to `limit` seconds for `machine_probe` to run within `tolerance` of its fastest.

    Returns the last probe's time over the fastest seen in this script
    (1.0: the machine at its best so far).
    """
    deadline = time.monotonic() + limit
    while True:
        seconds = machine_probe()
        _fastest_probe[0] = min(_fastest_probe[0], seconds)
        slowdown = seconds / _fastest_probe[0]
        if slowdown <= 1 + tolerance or time.monotonic() >= deadline:
            return slowdown
        time.sleep(1.0)


def before_worker(args: argparse.Namespace) -> float | None:
    """Wait as `--wait-idle` and `--wait-steady` ask; the probe's slowdown (None: not probed)."""
    if args.wait_idle:
        wait_until_idle(args.wait_idle)
    if args.wait_steady:
        return wait_until_steady(args.wait_steady)
    return None



# ------------------------------------------------------------------ the runs
@dataclass
class Job:
    """One run of one framework, repeated once per round.

    Args:
        key: names the job in the results (unique within a script).
        framework: the worker to run: `axone`, `keras-tf`, `torch`,
            `sklearn` or `floor` (`axone-1thread` is `axone` with
            `threads=1`; `axone-numpy` is `axone` with `AXONE_FUSED=0`).
        spec: the network and its training.
        mode: `fit`, `predict`, `stream` or `phases` (see `workers.py`).
        options: the mode's options.
        threads: NumPy's BLAS threads (None: its default, all cores).
        env: more environment variables for the worker.
        needs_data: whether the worker loads the script's data file (a
            `stream` job reads its own files, so that the arrays in memory
            do not hide what `fit` takes).
    """

    key: str
    framework: str
    spec: MLPSpec
    mode: str = "fit"
    options: dict = field(default_factory=dict)
    threads: int | None = None
    needs_data: bool = True
    env: dict = field(default_factory=dict)


def framework_job(name: str, spec: MLPSpec, key: str | None = None, **kwargs) -> Job:
    """A job for a framework of the command line (`axone-1thread` included)."""
    if name == "axone-1thread":
        return Job(key or name, "axone", spec, threads=1, **kwargs)
    if name == "axone-numpy":  # the optimizers' NumPy update, as without the fast extra
        return Job(key or name, "axone", spec, env={"AXONE_FUSED": "0"}, **kwargs)
    return Job(key or name, name, spec, **kwargs)


def python_for(framework: str, args: argparse.Namespace) -> str:
    """The interpreter of a framework's worker: `--python FRAMEWORK=PATH`, or this one."""
    return args.pythons.get(framework, sys.executable)


def worker_env(framework: str, args: argparse.Namespace, threads: int | None = None) -> dict:
    """The environment of a worker: the axone to measure on the path, the BLAS threads."""
    env = dict(os.environ)
    if framework == "axone":  # measure this checkout's library (or --axone-src), installed or not
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(args.axone_src),
                                                          env.get("PYTHONPATH")]))
    if threads is not None:
        env.update(OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads))
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def run_worker(job: Job, python: str, data_path: Path | None, env: dict, timeout: float) -> dict:
    """Run one job in a fresh process; return its result dict."""
    if not Path(python).exists():
        return {"status": "not installed", "detail": f"no interpreter {python}"}
    with tempfile.TemporaryDirectory() as tmp:
        job_path = Path(tmp) / "job.json"
        result_path = Path(tmp) / "result.json"
        job_path.write_text(json.dumps({**asdict(job.spec), "mode": job.mode,
                                        "options": job.options}))
        command = [python, str(HERE / "workers.py"), job.framework,
                   str(data_path) if data_path is not None else "-", str(job_path),
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


def run_jobs(jobs: list[Job], data: dict[str, np.ndarray] | None,
             args: argparse.Namespace) -> dict[str, list[dict]]:
    """Run every job once per round, in turn; return each job's results, by key.

    Each result carries `other_load`: the CPU share other processes used
    while it ran. A job that is not installed, unsupported or failed is not
    run again in later rounds.
    """
    runs: dict[str, list[dict]] = {job.key: [] for job in jobs}
    with tempfile.TemporaryDirectory(prefix="axone-bench-") as tmp:
        data_path = None
        if data is not None:
            data_path = Path(tmp) / "data.npz"
            np.savez(data_path, **data)
        for round_ in range(args.rounds):
            for job in jobs:
                if runs[job.key] and runs[job.key][-1]["status"] != "ok":
                    continue  # not installed, unsupported or failed: once is enough
                slowdown = before_worker(args)
                print(f"  {job.key:<24} ...", end=" ", file=sys.stderr, flush=True)
                start = time.perf_counter()
                with OtherLoad() as load:
                    result = run_worker(job, python_for(job.framework, args),
                                        data_path if job.needs_data else None,
                                        {**worker_env(job.framework, args, job.threads),
                                         **job.env},
                                        args.timeout)
                result["other_load"] = load.share
                result["probe_slowdown"] = slowdown
                runs[job.key].append(result)
                probed = "" if slowdown is None else f", started at probe {slowdown:.2f}x its fastest"
                print(f"{result['status']} ({time.perf_counter() - start:.0f} s{probed})",
                      file=sys.stderr, flush=True)
                if result["status"] == "error" and result.get("stderr"):
                    print(result["stderr"], file=sys.stderr)
    return runs


def failed(runs: dict[str, list[dict]]) -> bool:
    """True if any run failed (not installed or unsupported is not a failure)."""
    return any(run["status"] == "error" for found in runs.values() for run in found)


def finish(args, title: str, runs: dict[str, list[dict]], verdicts: list[str], **extra) -> int:
    """Print the target lines, write `--json`, and return the script's exit status."""
    print()
    print("\n".join(verdicts))
    print(flush=True)
    write_json(args.json, title, runs, **extra)
    return 1 if failed(runs) else 0


def write_json(path: Path | None, title: str, runs: dict, **extra) -> None:
    """With `--json FILE`: every result, all rounds included."""
    if path:
        path.write_text(json.dumps({"title": title, "machine": machine_description(),
                                    "runs": runs, **extra}, indent=2, default=str))


# -------------------------------------------------------------- reductions
def later(seconds: list[float]) -> float:
    """Median of the epochs (or repeats) after the first; the first alone if there is one."""
    return statistics.median(seconds[1:]) if len(seconds) > 1 else seconds[0]


def ok_runs(found: list[dict]) -> list[dict]:
    return [run for run in found if run["status"] == "ok"]


def median_over(found: list[dict], value=lambda run: later(run["epoch_seconds"])) -> float | None:
    """Median over the rounds of `value(run)` (default: the later-epoch median)."""
    values = [value(run) for run in ok_runs(found)]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def paired_ratio(found: list[dict], reference: list[dict],
                 value=lambda run: later(run["epoch_seconds"])) -> float | None:
    """Median over the rounds of `value(run) / value(reference run)` in the same round.

    Jobs of one round run minutes apart, so a machine whose speed drifts
    over a longer time (as a shared virtual machine's does) shifts both
    sides of each ratio alike.
    """
    ratios = [value(a) / value(b) for a, b in zip(found, reference)
              if a["status"] == b["status"] == "ok"]
    return statistics.median(ratios) if ratios else None


def max_load(*groups: list[dict]) -> float | None:
    """The largest other-load share over the given runs."""
    loads = [run["other_load"] for found in groups for run in found
             if run.get("other_load") is not None]
    return max(loads) if loads else None


def status_text(found: list[dict]) -> str | None:
    """None if the job ran; otherwise why not ("not installed: ...")."""
    if ok_runs(found):
        return None
    if not found:
        return "not run"
    last = found[-1]
    return f"{last['status']}: {last.get('detail', '')}".strip()


# ------------------------------------------------------------------ output
def fmt(value, spec: str = ".3f", missing: str = "-") -> str:
    """A number for a table cell; `missing` for None."""
    return missing if value is None else format(value, spec)


def fmt_load(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned.

    A row of one cell (a framework that did not run, say) is printed as is.
    """
    widths = [len(h) for h in header]
    for row in rows:
        if len(row) == len(header):
            widths = [max(w, len(cell)) for w, cell in zip(widths, row)]

    def line(cells):
        first = cells[0].ljust(widths[0])
        return first + "".join(f"  {cell:>{w}}" for cell, w in zip(cells[1:], widths[1:]))

    lines = [line(header), "-" * (sum(widths) + 2 * (len(widths) - 1))]
    for row in rows:
        lines.append(line(row) if len(row) == len(header) else "  ".join(row))
    return "\n".join(lines)


def target_line(what: str, value: float | None, limit: float, at_least: bool = False,
                unit: str = "") -> str:
    """`target WHAT <= LIMIT: VALUE, met` (or `>=` with `at_least`)."""
    sign = ">=" if at_least else "<="
    if value is None:
        return f"target {what} {sign} {limit:.3g}{unit}: not measured"
    met = value >= limit if at_least else value <= limit
    return f"target {what} {sign} {limit:.3g}{unit}: {value:.3f}{unit}, {'met' if met else 'NOT met'}"


def print_header(title: str, args: argparse.Namespace, source: str | None = None) -> None:
    """The first lines of every script's output: what, on which data and machine, how often."""
    print(title)
    if source:
        print(f"data: {source}")
    print(f"machine: {machine_description()}")
    if args.rounds > 1:
        print(f"each run was repeated {args.rounds} times, in turn; times are medians over the "
              "rounds, ratios the median of the ratios within each round")
    if getattr(args, "wait_steady", 0):
        print(f"each worker started once a short probe (products and element-wise passes) ran "
              f"within 15% of\nits fastest time in this script, or after {args.wait_steady:g} s "
              "(see machine_probe in harness.py)")
    print(flush=True)


LOAD_NOTE = ("other load: share of the CPUs used by other processes while the row ran (the "
             "largest over\nthe rounds); above a few percent, that row's times include contention.")


# ----------------------------------------------- the side-by-side fit table
def summarize(runs: dict[str, list[dict]]) -> dict[str, dict]:
    """One row per framework of a fit benchmark, from its runs (one per round).

    Times are medians over the rounds; the ratio axone/peer is paired within
    rounds (`paired_ratio`); "other load" is the largest share seen in any
    round; peak memory the median over the rounds.
    """
    axone = runs.get("axone", [])
    rows = {}
    for name, found in runs.items():
        ok = ok_runs(found)
        if not ok:
            rows[name] = found[-1] if found else {"status": "not run"}
            continue
        scores = [run["test_metric"] for run in ok if run.get("test_metric") is not None]
        rows[name] = {
            "status": "ok",
            "version": ok[0].get("version", ""),
            "first": median_over(ok, lambda run: run["epoch_seconds"][0]),
            "later": median_over(ok),
            "round_later": [later(run["epoch_seconds"]) for run in ok],
            "test_metric": statistics.median(scores) if scores else None,
            "other_load": max_load(ok),
            "peak_rss_mb": median_over(ok, lambda run: run.get("peak_rss_mb")),
            "ratio": paired_ratio(axone, found) if name != "axone" else None,
            "memory_ratio": (paired_ratio(axone, found, lambda run: run.get("peak_rss_mb") or 0.0)
                             if name != "axone" else None),
        }
    return rows


def format_table(spec: MLPSpec, rows: dict[str, dict]) -> str:
    """The side-by-side table; ratios are axone's time (and memory) over each peer's."""
    metric = "test accuracy" if spec.classification else "test MSE"
    later_label = "later epochs s" if spec.epochs > 1 else "(one epoch) s"
    rounds = max(len(row.get("round_later", [])) for row in rows.values())
    header = ["framework", "first epoch s", later_label, metric, "axone/peer", "peak MB",
              "axone/peer MB", "other load"] + (["rounds range s"] if rounds > 1 else [])
    lines = []
    for name, row in rows.items():
        label = LABELS[name]
        if row["status"] != "ok":
            lines.append([label, f"{row['status']}: {row.get('detail', '')}"])
            continue
        score = fmt(row["test_metric"], ".4f")
        ratio = "" if name == "axone" else fmt(row["ratio"], ".2f", "n/a")
        memory = fmt(row["memory_ratio"], ".2f") if name in PEERS else ""
        spread = "{:.3f}-{:.3f}".format(min(row["round_later"]), max(row["round_later"]))
        lines.append([label, fmt(row["first"]), fmt(row["later"]), score, ratio,
                      fmt(row["peak_rss_mb"], ".0f"), memory, fmt_load(row["other_load"])]
                     + ([spread] if rounds > 1 else []))
    notes = ["", LOAD_NOTE,
             "peak MB: the worker process's peak resident memory (its high-water mark), with the "
             "data,\nthe framework and the model."]
    if rounds > 1:
        notes.append("rounds range: the lowest and highest later-epoch medians over the rounds.")
    notes.append("")
    notes += [f"{LABELS[name]}: {row['version']}" for name, row in rows.items()
              if row["status"] == "ok"]
    return table(header, lines) + "\n" + "\n".join(notes)


def format_targets(spec: MLPSpec, rows: dict[str, dict], time_targets: dict[str, float],
                   memory_targets: dict[str, float]) -> str:
    """Check axone's epoch time and memory against the targets, and its accuracy against the peers'."""
    axone = rows.get("axone", {})
    if axone.get("status") != "ok":
        return "targets: axone did not run"
    lines = []
    for name, limit in time_targets.items():
        if rows.get(name, {}).get("status") == "ok":
            lines.append(target_line(f"axone/{name} epoch time", rows[name]["ratio"], limit))
    for name, limit in memory_targets.items():
        if rows.get(name, {}).get("status") == "ok":
            lines.append(target_line(f"axone/{name} peak memory", rows[name]["memory_ratio"],
                                     limit))
    if spec.classification:
        for name in PEERS:
            peer = rows.get(name, {})
            if peer.get("status") != "ok":
                continue
            gap = axone["test_metric"] - peer["test_metric"]
            verdict = "met" if gap >= -ACCURACY_TOLERANCE else "NOT met"
            lines.append(f"target accuracy not below {name}'s by more than "
                         f"{ACCURACY_TOLERANCE * 100:.0f} point: {gap * 100:+.2f} points, {verdict}")
    one_thread = rows.get("axone-1thread", {})
    if one_thread.get("status") == "ok" and one_thread.get("ratio"):
        lines.append(f"both cores: axone's epoch takes {one_thread['ratio']:.2f}x its time with "
                     "one BLAS thread (below 1: the second thread helps)")
    return "\n".join(lines)


def run_benchmark(title: str, spec: MLPSpec, data: dict[str, np.ndarray], source: str,
                  args: argparse.Namespace, time_targets: dict[str, float],
                  memory_targets: dict[str, float] | None = None) -> int:
    """Train every requested framework, print the side-by-side table; return the exit status.

    Args:
        title: the table's first line.
        spec: the network and its training.
        data: `x_train`, `y_train`, `x_test`, `y_test`, already preprocessed.
        source: where the data came from (printed).
        args: from `parse_args`.
        time_targets: `{peer: limit}`: axone's epoch time over the peer's
            must be at most `limit` (`floor` included).
        memory_targets: `{peer: limit}` likewise for the peak memory.

    Returns:
        0, or 1 if any worker failed (a framework that is not installed is
        not a failure).
    """
    print_header(title, args, f"{source}; {len(data['x_train']):,} training and "
                              f"{len(data['x_test']):,} test samples")
    jobs = [framework_job(name, spec) for name in args.frameworks]
    runs = run_jobs(jobs, data, args)
    rows = summarize(runs)
    print(format_table(spec, rows))
    print()
    print(format_targets(spec, rows, time_targets, memory_targets or {}))
    print(flush=True)
    write_json(args.json, title, runs, rows=rows, source=source)
    return 1 if failed(runs) else 0
