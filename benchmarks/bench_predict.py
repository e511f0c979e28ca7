"""Benchmark: `predict` on the 10,000 MNIST test images, axone and its peers.

    python benchmarks/bench_predict.py [--epochs 6] [--frameworks axone,keras-tf,torch,floor]

The course's classifier (784-300-100-10, relu, softmax), built but not
trained (a forward pass costs the same whatever the weights), predicts the
10,000 test images in batches of 32, Keras's default:

- axone and Keras 3 on TensorFlow: `model.predict(x_test)`;
- PyTorch: the loop a PyTorch user writes, `eval()`, `torch.no_grad()`,
  the model on each batch of 32, `torch.cat`, `softmax`;
- the floor: the forward matrix products alone (`h @ W` for each of the 3
  layers, into preallocated buffers), batch by batch: no bias, activation,
  output copy or Python loop of any framework can make `predict` cheaper.

Each framework runs in a fresh process and calls `predict` `--epochs` times;
the first call (where TensorFlow traces its function) is reported apart, the
others by their median. The targets: axone's `predict` at most 1.2x its
floor, and at least 3x faster than Keras's (axone/keras-tf <= 1/3).
"""

from __future__ import annotations

import sys

from bench_mnist import mnist_spec, prepare
from harness import (LOAD_NOTE, framework_job, failed, fmt, fmt_load, max_load, median_over,
                     ok_runs, paired_ratio, parse_args, print_header, run_jobs, status_text,
                     table, target_line, write_json)

FRAMEWORKS = ["axone", "keras-tf", "torch", "floor"]
LABELS = {"axone": "axone predict", "keras-tf": "Keras 3 on TensorFlow predict",
          "torch": "PyTorch no_grad loop", "floor": "floor (forward matmul only)"}
#: axone's predict time over each one's must be at most this
TARGETS = {"floor": 1.2, "keras-tf": 1 / 3}


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_epochs=6, frameworks=FRAMEWORKS,
                      subset_help="predict the first N test images only (a quick check)")
    spec = mnist_spec(epochs=1, seed=args.seed, batch_size=32)
    data, source = prepare(args.seed)
    if args.subset:
        data["x_test"], data["y_test"] = data["x_test"][:args.subset], data["y_test"][:args.subset]
    title = (f"MNIST predict: {len(data['x_test']):,} test images, model 784-300-100-10, "
             f"batch {spec.batch_size}, {args.epochs} call(s) per framework")
    print_header(title, args, source)

    jobs = [framework_job(name, spec, mode="predict", options={"repeats": args.epochs})
            for name in args.frameworks]
    runs = run_jobs(jobs, data, args)
    axone = runs.get("axone", [])
    rows = []
    for name in args.frameworks:
        found = runs[name]
        why_not = status_text(found)
        if why_not:
            rows.append([LABELS[name], why_not])
            continue
        ratio = "" if name == "axone" else fmt(paired_ratio(axone, found), ".3f", "n/a")
        images_per_s = len(data["x_test"]) / median_over(found)
        rows.append([LABELS[name], fmt(median_over(found, lambda run: run["epoch_seconds"][0])),
                     fmt(median_over(found)), f"{images_per_s:,.0f}", ratio,
                     fmt_load(max_load(found))])
    print(table(["framework", "first call s", "later calls s", "images/s", "axone/peer",
                 "other load"], rows))
    print()
    print(LOAD_NOTE)
    print()
    for name in args.frameworks:
        if ok_runs(runs[name]):
            print(f"{LABELS[name]}: {ok_runs(runs[name])[0].get('version', '')}")
    print()
    if ok_runs(axone):
        for name, limit in TARGETS.items():
            if name in runs and ok_runs(runs[name]):
                print(target_line(f"axone/{name} predict time", paired_ratio(axone, runs[name]),
                                  limit))
    print(flush=True)
    write_json(args.json, title, runs, source=source)
    return 1 if failed(runs) else 0


if __name__ == "__main__":
    sys.exit(main())
