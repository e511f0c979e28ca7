"""Benchmark: the adaptive optimizers on the course's MNIST classifier, and Adam on a deeper regressor.

    python benchmarks/bench_optimizers.py [--epochs 10] [--frameworks axone,axone-1thread,axone-numpy,keras-tf,torch]

Part 1, the MNIST classifier of `bench_mnist.py` (784-300-100-10, batch 32)
compiled as most users compile it, `optimizer="adam"` (learning rate 0.001),
in axone (with NumPy's default BLAS threads, and with one), in a PyTorch
loop with `torch.optim.Adam` and in Keras 3 on TensorFlow; then axone alone with `"rmsprop"`, `"adagrad"`, `"adamw"`,
`"nadam"` (Keras's defaults, learning rate 0.001) and, for scale, with the
course's SGD (0.01). Every epoch's time is shown: Adam's moment estimates
decay towards zero for the weights of MNIST's always-black border pixels,
and arithmetic on the subnormal floats they pass through is many times
slower on x86, so a framework that lets them stay gets slower epoch after
epoch ("drift": the largest gap between an epoch after the second and the
second).

Part 2, Geron's housing regressor (chapter 10): Normalization adapted to the
raw features -> Dense 50 relu x 3 -> Dense 1, mse, Adam 0.001, batch 32, on
California housing's 75% / 25% split (PyTorch: the same standardisation as
a fixed module).

The axone rows use the fused update kernels when numba is installed (`make bench`
installs the `fast` extra; the version line says which); the "axone, NumPy update"
rows run the same with `AXONE_FUSED=0`, as an install without the extra does.

The targets (issue 13): Adam's epoch at most 0.4x PyTorch's Adam loop, 0.3x
Keras's and 1.6x axone's own SGD epoch, the same test accuracy as Keras
(within 1 point), every axone optimizer's epochs within 10% of its second;
the housing epoch at most 0.3x Keras's and 0.5x PyTorch's.
"""

from __future__ import annotations

import dataclasses
import statistics
import sys

import bench_housing
import bench_mnist
from harness import (ACCURACY_TOLERANCE, LOAD_NOTE, Job, finish, fmt, fmt_load, framework_job,
                     max_load, median_over, ok_runs, paired_ratio, parse_args, print_header, run_jobs,
                     status_text, table, target_line)
from workers import MLPSpec

FRAMEWORKS = ["axone", "axone-1thread", "axone-numpy", "keras-tf", "torch"]
NAMES = {"adam": "Adam", "rmsprop": "RMSprop", "adagrad": "Adagrad", "adamw": "AdamW",
         "nadam": "Nadam", "sgd": "SGD"}
LABELS = {"axone": "axone", "axone-1thread": "axone, 1 BLAS thread",
          "axone-numpy": "axone, NumPy update",
          "keras-tf": "Keras 3 on TensorFlow", "torch": "PyTorch loop"}
#: axone's Adam epoch over each one's must be at most this
ADAM_TARGETS = {"torch-adam": 0.4, "keras-tf-adam": 0.3, "axone-sgd": 1.6}
HOUSING_TARGETS = {"keras-tf": 0.3, "torch": 0.5}
#: every epoch after the second within this of the second
DRIFT_LIMIT = 0.10


def mnist_jobs(frameworks, epochs: int, seed: int) -> list[Job]:
    base = bench_mnist.mnist_spec(epochs, seed)
    adam = dataclasses.replace(base, optimizer="adam", learning_rate=0.001)
    jobs = [framework_job(name, adam, key=f"{name}-adam") for name in FRAMEWORKS
            if name in frameworks]
    if "axone" in frameworks:
        jobs += [Job(f"axone-{opt}", "axone", dataclasses.replace(adam, optimizer=opt))
                 for opt in ("rmsprop", "adagrad", "adamw", "nadam")]
    if "axone-numpy" in frameworks:  # without the fast extra's compiled update
        jobs += [Job(f"axone-numpy-{opt}", "axone", dataclasses.replace(adam, optimizer=opt),
                     env={"AXONE_FUSED": "0"})
                 for opt in ("rmsprop", "adagrad", "adamw", "nadam")]
        jobs.append(Job("axone-sgd", "axone", base))
    return jobs


def housing_spec(epochs: int, seed: int) -> MLPSpec:
    return MLPSpec(task="regression", input_shape=[8], hidden=[50, 50, 50], outputs=1,
                   learning_rate=0.001, batch_size=32, epochs=epochs, seed=seed,
                   optimizer="adam", normalize=True)


def label(job: Job) -> str:
    rate = f" ({job.spec.learning_rate:g})" if job.spec.optimizer == "sgd" else ""
    name = ("axone-1thread" if job.threads == 1 else
            "axone-numpy" if job.env.get("AXONE_FUSED") == "0" else job.framework)
    return f"{LABELS[name]}, {NAMES[job.spec.optimizer]}{rate}"


def drift(run: dict) -> float | None:
    """The largest |epoch / second epoch - 1| over the epochs after the second."""
    seconds = run["epoch_seconds"]
    if len(seconds) < 3:
        return None
    return max(abs(s / seconds[1] - 1) for s in seconds[2:])


def trend(run: dict) -> float | None:
    """The median of the last three epochs over the median of epochs 2-4: above 1, training slows.

    Subnormal arithmetic grows as the moments decay, so it shows as a rise
    from the first epochs to the last; a machine whose speed moves from
    minute to minute moves single epochs both ways instead.
    """
    seconds = run["epoch_seconds"]
    if len(seconds) < 6:
        return None
    return statistics.median(seconds[-3:]) / statistics.median(seconds[1:4])


def epoch_medians(found: list[dict]) -> list[float]:
    """Each epoch's seconds, median over the rounds."""
    runs = ok_runs(found)
    return [statistics.median(run["epoch_seconds"][i] for run in runs)
            for i in range(min(len(run["epoch_seconds"]) for run in runs))]


def mnist_table(jobs, runs) -> tuple[str, list[str]]:
    reference = runs.get("axone-adam", [])
    epochs = max((len(run["epoch_seconds"]) for found in runs.values() for run in ok_runs(found)),
                 default=0)
    header = (["run"] + [f"ep {i + 1}" for i in range(epochs)]
              + ["later s", "test acc", "axone Adam/this", "drift", "trend", "other load"])
    rows, verdicts = [], []
    for job in jobs:
        found = runs[job.key]
        missing = status_text(found)
        if missing:
            rows.append([label(job), missing])
            continue
        per_epoch = epoch_medians(found)
        ratio = paired_ratio(reference, found) if job.key != "axone-adam" else None
        accuracy = median_over(found, lambda run: run.get("test_metric"))
        moved = median_over(found, drift)
        rise = median_over(found, trend)
        rows.append([label(job)] + [fmt(s, ".2f") for s in per_epoch]
                    + [""] * (epochs - len(per_epoch))
                    + [fmt(median_over(found)), fmt(accuracy, ".4f"),
                       "" if ratio is None else fmt(ratio, ".2f"), fmt(moved, ".0%"),
                       fmt(rise, ".2f"), fmt_load(max_load(found))])
        if job.framework == "axone" and job.spec.optimizer != "sgd" and job.threads is None:
            verdicts.append(target_line(f"{label(job)}: every epoch within 10% of the second, "
                                        "largest gap", moved, DRIFT_LIMIT))
    numpy_adam = runs.get("axone-numpy-adam", [])
    for key, limit in ADAM_TARGETS.items():
        if key in runs and not status_text(runs[key]) and not status_text(reference):
            verdicts.append(target_line(f"axone Adam epoch / {key}", paired_ratio(reference, runs[key]),
                                        limit))
        if key in runs and numpy_adam and not status_text(runs[key]) and not status_text(numpy_adam):
            verdicts.append(target_line(f"axone Adam epoch, NumPy update / {key}",
                                        paired_ratio(numpy_adam, runs[key]), limit))
    keras = runs.get("keras-tf-adam")
    if keras and not status_text(keras) and not status_text(reference):
        gap = median_over(reference, lambda r: r["test_metric"]) - median_over(keras, lambda r: r["test_metric"])
        verdicts.append(f"target Adam test accuracy not below Keras's by more than "
                        f"{ACCURACY_TOLERANCE * 100:.0f} point: {gap * 100:+.2f} points, "
                        f"{'met' if gap >= -ACCURACY_TOLERANCE else 'NOT met'}")
    notes = ["", "ep N: seconds of epoch N (median over the rounds); later s: median of the epochs "
             "after the first;", "axone Adam/this: axone's Adam epoch over this row's, paired "
             "within rounds; drift: the largest\ngap between an epoch after the second and the "
             "second (median over the rounds); trend: the median\nof the last three epochs over "
             "the median of epochs 2-4 (median over the rounds; above 1: slower\nas training goes "
             "on, as subnormal arithmetic would make it).", LOAD_NOTE,
             "single-threaded: every optimizer's element-wise update, on the calling thread (one "
             "compiled pass\nwith the fast extra, one NumPy pass after another in the 'NumPy "
             "update' rows); the matrix\nproducts use both cores."]
    return table(header, rows) + "\n" + "\n".join(notes), verdicts


def housing_table(jobs, runs) -> tuple[str, list[str]]:
    reference = runs.get("axone", [])
    header = ["framework", "first epoch s", "later epochs s", "test MSE", "axone/peer",
              "other load"]
    rows, verdicts = [], []
    for job in jobs:
        found = runs[job.key]
        missing = status_text(found)
        if missing:
            rows.append([LABELS[job.key], missing])
            continue
        ratio = paired_ratio(reference, found) if job.key != "axone" else None
        rows.append([LABELS[job.key], fmt(median_over(found, lambda r: r["epoch_seconds"][0])),
                     fmt(median_over(found)), fmt(median_over(found, lambda r: r["test_metric"]), ".4f"),
                     "" if ratio is None else fmt(ratio, ".2f"), fmt_load(max_load(found))])
        if job.key in HOUSING_TARGETS and not status_text(reference):
            verdicts.append(target_line(f"housing, Adam: axone/{job.key} epoch time", ratio,
                                        HOUSING_TARGETS[job.key]))
    return table(header, rows) + "\n" + LOAD_NOTE, verdicts


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_epochs=10, frameworks=FRAMEWORKS)
    data, source = bench_mnist.prepare_subset(args)
    title = (f"Optimizers on the MNIST MLP 784-300-100-10, batch 32, {args.epochs} epoch(s); "
             "Adam on the housing MLP 8-50-50-50-1")
    print_header(title, args, f"{source}; {len(data['x_train']):,} training and "
                              f"{len(data['x_test']):,} test images")
    jobs = mnist_jobs(args.frameworks, args.epochs, args.seed)
    runs = run_jobs(jobs, data, args)
    text, verdicts = mnist_table(jobs, runs)
    print("MNIST: optimizer=<name> (learning rate 0.001; SGD 0.01)")
    print(text)
    print()

    housing, housing_source = bench_housing.prepare(args.seed, standardize=False)
    if args.subset:
        housing["x_train"], housing["y_train"] = (housing["x_train"][:args.subset],
                                                  housing["y_train"][:args.subset])
    spec = housing_spec(args.epochs, args.seed)
    housing_jobs = [framework_job(name, spec) for name in args.frameworks]
    housing_runs = run_jobs(housing_jobs, housing, args)
    text, housing_verdicts = housing_table(housing_jobs, housing_runs)
    print(f"Housing: Normalization -> Dense 50 relu x 3 -> Dense 1, mse, Adam 0.001, batch 32 "
          f"({housing_source}; {len(housing['x_train']):,} training samples)")
    print(text)
    all_runs = {**runs, **{f"housing-{key}": found for key, found in housing_runs.items()}}
    return finish(args, title, all_runs, verdicts + housing_verdicts)


if __name__ == "__main__":
    sys.exit(main())
