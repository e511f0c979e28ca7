"""Benchmark: does axone's epoch cost grow linearly with the data?

    python benchmarks/bench_scaling.py [--epochs 3] [--frameworks axone,floor]

The course's MNIST classifier (784-300-100-10, SGD lr 0.01, batch 32) trains
on the first N/10 and on all N training images (5,500 and 55,000 in the
course's split). An epoch is N / 32 identical steps plus what an epoch costs
once (a permutation, the metric resets), so 10x the samples should cost 10x
the time; more means that something grows faster than the data: a gather
from an array that no longer fits in the CPU's caches, a copy of the whole
dataset per epoch. The floor (the steps' matrix products alone) shows what
the same step costs without any of that.

The small run trains 5x as many epochs as the large one, so that both
medians rest on enough steps. The target: 10x the samples costs at most
10.5x the time.
"""

from __future__ import annotations

import sys

from bench_mnist import mnist_spec, prepare_subset
from harness import (LOAD_NOTE, failed, fmt, fmt_load, framework_job, max_load, median_over,
                     paired_ratio, parse_args, print_header, run_jobs, status_text, table,
                     target_line, write_json)

FRAMEWORKS = ["axone", "floor"]
FACTOR = 10
TARGET = 10.5


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_epochs=3, frameworks=FRAMEWORKS,
                      subset_help="use the first N training images as the large run")
    data, source = prepare_subset(args)
    n = len(data["x_train"])
    small = n // FACTOR
    title = (f"MNIST MLP 784-300-100-10, batch 32: epoch time on {small:,} and {n:,} "
             f"training images ({FACTOR}x)")
    print_header(title, args, source)

    jobs = []
    for name in args.frameworks:
        jobs.append(framework_job(name, mnist_spec(args.epochs * 5, args.seed), key=f"{name}@small",
                                  options={"train_samples": small}))
        jobs.append(framework_job(name, mnist_spec(args.epochs, args.seed), key=f"{name}@large"))
    runs = run_jobs(jobs, data, args)

    rows, verdicts = [], []
    for name in args.frameworks:
        small_runs, large_runs = runs[f"{name}@small"], runs[f"{name}@large"]
        why_not = status_text(small_runs) or status_text(large_runs)
        if why_not:
            rows.append([name, why_not])
            continue
        ratio = paired_ratio(large_runs, small_runs)
        per_step = [median_over(found) / steps * 1e6 for found, steps in
                    ((small_runs, -(-small // 32)), (large_runs, -(-n // 32)))]
        rows.append([name, fmt(median_over(small_runs)), fmt(median_over(large_runs)),
                     fmt(ratio, ".2f"), fmt(per_step[0], ".0f"), fmt(per_step[1], ".0f"),
                     fmt_load(max_load(small_runs, large_runs))])
        if name == "axone":
            verdicts.append(target_line(f"axone: {FACTOR}x the samples costs (x the time)",
                                        ratio, TARGET))
    print(table(["framework", f"{small:,} s", f"{n:,} s", "ratio", "us/step small",
                 "us/step large", "other load"], rows))
    print()
    print("seconds: median of the later epochs; ratio: the large run's epoch over the small "
          "run's, paired\nwithin rounds (10.00 is linear).")
    print(LOAD_NOTE)
    print()
    print("\n".join(verdicts))
    print(flush=True)
    write_json(args.json, title, runs, source=source)
    return 1 if failed(runs) else 0


if __name__ == "__main__":
    sys.exit(main())
