"""Benchmark: does axone's epoch cost grow linearly with the data?

    python benchmarks/bench_scaling.py [--epochs 5] [--frameworks axone,axone-1thread,floor]

The course's MNIST classifier (784-300-100-10, SGD lr 0.01, batch 32) trains
on the first N/10 and on all N training images (5,500 and 55,000 in the
course's split). An epoch is N / 32 identical steps plus what an epoch costs
once (a permutation, the metric resets), so 10x the samples should cost 10x
the time; more means that something grows faster than the data: a gather
from an array that no longer fits in the CPU's caches, a copy of the whole
dataset per epoch. The floor (the steps' matrix products alone) shows what
the same step costs without any of that.

Each framework runs in one process that alternates, `--epochs` times, ten
epochs on the small data (the same number of steps) and one on all of it:
on a machine whose speed drifts by tens of percent from one minute to the
next, timing the two sizes in separate processes measures the drift more
than the data. Each alternation gives one ratio (the large epoch over the
median small one); the table shows their median over all rounds. The
target: 10x the samples costs at most 10.5x the time.
"""

from __future__ import annotations

import statistics
import sys

from bench_mnist import mnist_spec, prepare_subset
from harness import (LOAD_NOTE, finish, fmt, fmt_load, framework_job, max_load, median_over,
                     ok_runs, parse_args, print_header, run_jobs, status_text, table, target_line)

FRAMEWORKS = ["axone", "axone-1thread", "floor"]
FACTOR = 10
TARGET = 10.5


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_epochs=5, frameworks=FRAMEWORKS,
                      subset_help="use the first N training images as the large run")
    data, source = prepare_subset(args)
    n = len(data["x_train"])
    small = n // FACTOR
    title = (f"MNIST MLP 784-300-100-10, batch 32: epoch time on {small:,} and {n:,} "
             f"training images ({FACTOR}x)")
    print_header(title, args, source)

    spec = mnist_spec(args.epochs, args.seed)
    jobs = [framework_job(name, spec, mode="scale", options={"factor": FACTOR})
            for name in args.frameworks]
    runs = run_jobs(jobs, data, args)

    rows, verdicts = [], []
    for name in args.frameworks:
        found = runs[name]
        why_not = status_text(found)
        if why_not:
            rows.append([name, why_not])
            continue
        ratios = [r for run in ok_runs(found) for r in run["ratios"]]
        ratio = statistics.median(ratios)
        seconds = [median_over(found, lambda run, key=key: statistics.median(run[key]))
                   for key in ("small_epoch_seconds", "epoch_seconds")]
        per_step = [s / steps * 1e6 for s, steps in zip(seconds, (-(-small // 32), -(-n // 32)))]
        rows.append([name, fmt(seconds[0]), fmt(seconds[1]), fmt(ratio, ".2f"),
                     f"{min(ratios):.2f}-{max(ratios):.2f}", fmt(per_step[0], ".0f"),
                     fmt(per_step[1], ".0f"), fmt_load(max_load(found))])
        if name == "axone":
            verdicts.append(target_line(f"axone: {FACTOR}x the samples costs (x the time)",
                                        ratio, TARGET))
    print(table(["framework", f"{small:,} s", f"{n:,} s", "ratio", "ratios range",
                 "us/step small", "us/step large", "other load"], rows))
    print()
    print("seconds: median epoch time of each size; ratio: the median over all alternations of "
          "the large\nepoch over the small ones next to it, in the same process (10.00 is linear);\n"
          "ratios range: the lowest and highest of those ratios, which shows how much the machine's\n"
          "speed moved during the run.")
    print(LOAD_NOTE)
    return finish(args, title, runs, verdicts, source=source)


if __name__ == "__main__":
    sys.exit(main())
