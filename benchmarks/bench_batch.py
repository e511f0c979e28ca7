"""Benchmark: the course's MNIST classifier at batch sizes 32, 128 and 512.

    python benchmarks/bench_batch.py [--epochs 3] [--batch-sizes 32,128,512]
                                     [--frameworks axone,floor,keras-tf,torch]

The same training as `bench_mnist.py` (784-300-100-10, SGD lr 0.01, 55,000
images, reshuffled every epoch) with a larger batch: fewer, larger matrix
products per epoch, so the fixed cost of each step weighs less. For each
batch size, axone, its BLAS floor (the step's matrix products alone), Keras 3
on TensorFlow and the PyTorch loop each train in a fresh process; the table
gives the median of the later epochs and axone's time over each.

The target: at every batch size, axone's epoch at most 1.3x its floor.
"""

from __future__ import annotations

import sys

from bench_mnist import mnist_spec, prepare_subset
from harness import (LOAD_NOTE, finish, fmt, fmt_load, framework_job, max_load, median_over,
                     paired_ratio, parse_args, print_header, run_jobs, status_text, table,
                     target_line)

FRAMEWORKS = ["axone", "floor", "keras-tf", "torch"]
FLOOR_TARGET = 1.3


def main() -> int:
    batch_sizes = [32, 128, 512]
    if "--batch-sizes" in sys.argv:  # a script-specific option, taken out before parse_args
        at = sys.argv.index("--batch-sizes")
        batch_sizes = [int(b) for b in sys.argv[at + 1].split(",")]
        del sys.argv[at:at + 2]
    args = parse_args(__doc__.splitlines()[0], default_epochs=3, frameworks=FRAMEWORKS)
    data, source = prepare_subset(args)
    title = (f"MNIST MLP 784-300-100-10 by batch size {', '.join(map(str, batch_sizes))}: "
             f"SGD lr 0.01, {args.epochs} epoch(s), {len(data['x_train']):,} training images")
    print_header(title, args, source)

    jobs = [framework_job(name, mnist_spec(args.epochs, args.seed, batch), key=f"{name}@{batch}")
            for batch in batch_sizes for name in args.frameworks]
    runs = run_jobs(jobs, data, args)

    peers = [name for name in args.frameworks if name != "axone"]
    header = ["batch", "steps", "axone s"]
    for name in peers:
        header += [f"{name} s", f"axone/{name}"]
    header.append("other load")
    rows, verdicts = [], []
    for batch in batch_sizes:
        axone = runs.get(f"axone@{batch}", [])
        why_not = status_text(axone)
        if why_not:
            rows.append([str(batch), f"axone {why_not}"])
            continue
        row = [str(batch), f"{-(-len(data['x_train']) // batch):,}", fmt(median_over(axone))]
        loads = [axone]
        for name in peers:
            found = runs[f"{name}@{batch}"]
            if status_text(found):
                row += ["-", "-"]
                continue
            loads.append(found)
            row += [fmt(median_over(found)), fmt(paired_ratio(axone, found), ".2f")]
        row.append(fmt_load(max_load(*loads)))
        rows.append(row)
        if "floor" in peers:
            verdicts.append(target_line(f"batch {batch}: axone/floor epoch time",
                                        paired_ratio(axone, runs[f"floor@{batch}"]),
                                        FLOOR_TARGET))
    print(table(header, rows))
    print()
    print("seconds: median of the later epochs (over the rounds); axone/peer: axone's epoch over "
          "the peer's,\npaired within rounds; below 1, axone is faster.")
    print(LOAD_NOTE)
    for key, found in runs.items():  # say which peers did not run, and why
        why_not = status_text(found)
        if why_not and not key.startswith("axone@"):
            print(f"{key}: {why_not}")
    return finish(args, title, runs, verdicts, source=source)


if __name__ == "__main__":
    sys.exit(main())
