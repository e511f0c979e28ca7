"""Benchmark: how long `import axone` takes, beside `import keras` and `import torch`.

    python benchmarks/bench_import.py [--epochs 7] [--frameworks axone,numpy,keras-tf,torch,sklearn]

Each import runs in a fresh interpreter that reads the clock, imports, and
reads it again (the interpreter's own start-up is not counted), `--epochs`
times per round, in turn; the table gives the best time (the one least
disturbed by the rest of the machine) and the median. `import numpy`, which
`import axone` includes, is shown for reference; Keras is imported on its
TensorFlow backend. For axone, `python -X importtime` then says which of
its modules (and of NumPy's) take the time.

The target: `import axone` under 0.3 s.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys

from harness import (LOAD_NOTE, OtherLoad, fmt, fmt_load, parse_args, print_header,
                     before_worker, python_for, table, target_line, worker_env)

#: what each row imports, and in which framework's interpreter
IMPORTS = {
    "axone": ("axone", "import axone"),
    "numpy": ("axone", "import numpy"),
    "keras-tf": ("keras-tf", "import keras"),
    "torch": ("torch", "import torch"),
    "sklearn": ("sklearn", "import sklearn.neural_network"),
}
TARGET = 0.3
TIMED = "import time; t = time.perf_counter(); {0}; print(time.perf_counter() - t)"


def time_import(name: str, args: argparse.Namespace) -> float | None:
    """Seconds of one import in a fresh interpreter (None if it failed)."""
    framework, statement = IMPORTS[name]
    env = worker_env(framework, args)
    env["KERAS_BACKEND"] = "tensorflow"
    done = subprocess.run([python_for(framework, args), "-c", TIMED.format(statement)],
                          env=env, capture_output=True, text=True, timeout=args.timeout)
    if done.returncode != 0:
        return None
    return float(done.stdout.strip().splitlines()[-1])


def axone_breakdown(args: argparse.Namespace, top: int = 8) -> list[tuple[str, float]]:
    """Where `import axone` spends its time, from `python -X importtime`.

    Each module's own (self) time is added to its group: `numpy` (all of
    numpy), `axone.<subpackage>`, or "other modules" (the standard library
    and the rest); the groups add up to the whole import.
    """
    done = subprocess.run([python_for("axone", args), "-X", "importtime", "-c", "import axone"],
                          env=worker_env("axone", args), capture_output=True, text=True,
                          timeout=args.timeout)
    groups: dict[str, float] = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+)\s+\|\s+\d+\s+\|\s*(\S+)", line)
        if not match:
            continue
        module = match.group(2)
        if module == "numpy" or module.startswith("numpy."):
            group = "numpy"
        elif module == "axone" or module.startswith("axone."):
            group = ".".join(module.split(".")[:2])
        else:
            group = "other modules"
        groups[group] = groups.get(group, 0.0) + int(match.group(1)) / 1e6
    return sorted(groups.items(), key=lambda item: -item[1])[:top]


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_epochs=7, frameworks=list(IMPORTS))
    print_header(f"import time: a fresh interpreter per import, {args.epochs} per round", args)
    times: dict[str, list[float]] = {name: [] for name in args.frameworks}
    loads: dict[str, list[float]] = {name: [] for name in args.frameworks}
    for _ in range(args.rounds):
        for name in args.frameworks:
            before_worker(args)
            with OtherLoad() as load:
                for _ in range(args.epochs):
                    seconds = time_import(name, args)
                    if seconds is not None:
                        times[name].append(seconds)
            if load.share is not None:
                loads[name].append(load.share)
    rows = []
    for name in args.frameworks:
        found = times[name]
        if not found:
            rows.append([IMPORTS[name][1], "failed (not installed?)"])
            continue
        rows.append([IMPORTS[name][1], fmt(min(found)), fmt(statistics.median(found)),
                     fmt_load(max(loads[name]) if loads[name] else None)])
    print(table(["statement", "best s", "median s", "other load"], rows))
    print()
    print(LOAD_NOTE)
    if times.get("axone"):
        print()
        print("where `import axone` spends its time (python -X importtime, seconds of each "
              "group's modules):")
        for module, seconds in axone_breakdown(args):
            print(f"  {module:<40}{seconds:8.3f} s")
        print()
        print(target_line("import axone (best)", min(times["axone"]), TARGET, unit=" s"))
    print(flush=True)
    return 0 if all(times.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
