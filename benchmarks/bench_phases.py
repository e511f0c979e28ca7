"""Profile: where axone's MNIST training step and its `predict` spend their time.

    python benchmarks/bench_phases.py [--subset N]

Runs the phase timer of `phases.py` in a fresh process, twice per round: with
NumPy's default BLAS threads (all cores) and with one (OPENBLAS_NUM_THREADS=1);
then with `optimizer="adam"`, through the fused update and through NumPy's.
It times one epoch of the course's MNIST classifier (batch 32) part by part
(gather, forward products, bias and activations, loss, backward, update,
bookkeeping, the loop), then `predict` on the 10,000 test images likewise.

Comparing the two columns shows which parts use the second core: only the
matrix products go through OpenBLAS, which may split them across threads;
every other part is NumPy elementwise work, reductions or Python, which run
on one core whatever the thread count. The table says how much of the epoch
that single-threaded work is.
"""

from __future__ import annotations

import dataclasses
import statistics
import sys

from bench_mnist import mnist_spec, prepare_subset
from harness import (failed, fmt, fmt_load, framework_job, max_load, ok_runs,
                     parse_args, print_header, run_jobs, status_text, table, write_json)
from phases import FIT_PHASES, PREDICT_PHASES

#: the phases made of BLAS products, which OpenBLAS splits across its threads; every other
#: phase runs on one core
PRODUCTS = ("forward_products", "backward_products", "weight_step")


def phase_medians(found: list[dict], part: str) -> dict[str, float]:
    """Median over the rounds of each phase's seconds, and of the epoch's."""
    ok = ok_runs(found)
    names = set().union(*(run[part]["phases"] for run in ok))
    medians = {name: statistics.median(run[part]["phases"].get(name, 0.0) for run in ok)
               for name in names}
    for key in ("epoch_seconds", "timed_epoch_seconds", "cpu_seconds"):
        medians[key] = statistics.median(run[part][key] for run in ok)
    return medians


def phase_table(phases: list[tuple[str, str]], both: dict[str, float],
                one: dict[str, float] | None) -> tuple[str, float]:
    """The phase table of one part (fit or predict); also the single-threaded seconds."""
    total = sum(both.get(name, 0.0) for name, _ in phases)
    rows, single = [], 0.0
    for name, label in phases:
        seconds = both.get(name, 0.0)
        row = [label, fmt(seconds), f"{seconds / total:.1%}" if total else "-"]
        if one is not None:
            speedup = one.get(name, 0.0) / seconds if seconds else None
            threaded = name in PRODUCTS
            if not threaded:
                single += seconds
            row += [fmt(one.get(name)), fmt(speedup, ".2f"), "both" if threaded else "one"]
        rows.append(row)
    rows.append(["total (timed epoch)", fmt(total), "100.0%"]
                + ([fmt(sum(one.get(n, 0.0) for n, _ in phases)), "", ""] if one else []))
    header = ["phase", "seconds", "share"]
    if one is not None:
        header += ["1 thread s", "1 thread/default", "cores"]
    return table(header, rows), single


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_epochs=1, frameworks=["axone"])
    data, source = prepare_subset(args)
    spec = mnist_spec(1, args.seed)
    title = (f"axone phase timer: one MNIST epoch ({len(data['x_train']):,} images, batch 32) "
             f"and predict ({len(data['x_test']):,} images, batch 32)")
    print_header(title, args, source)
    adam = dataclasses.replace(spec, optimizer="adam", learning_rate=0.001)
    jobs = [framework_job("axone", spec, key="default threads", mode="phases"),
            framework_job("axone-1thread", spec, key="1 BLAS thread", mode="phases"),
            framework_job("axone", adam, key="adam", mode="phases"),
            framework_job("axone-numpy", adam, key="adam, NumPy update", mode="phases")]
    runs = run_jobs(jobs, data, args)
    default, single = runs["default threads"], runs["1 BLAS thread"]
    why_not = status_text(default)
    if why_not:
        print(f"axone: {why_not}")
        return 1
    one_ok = status_text(single) is None
    for part, phases, what in (("fit", FIT_PHASES, "training epoch"),
                               ("predict", PREDICT_PHASES, "predict")):
        both = phase_medians(default, part)
        one = phase_medians(single, part) if one_ok else None
        text, single_threaded = phase_table(phases, both, one)
        print(f"{what}: seconds per phase (median over rounds), default BLAS threads and one")
        print(text)
        print()
        print(f"{what} without the timer: {both['epoch_seconds']:.3f} s "
              f"(under it: {both['timed_epoch_seconds']:.3f} s); "
              f"CPU time / wall time under it: {both['cpu_seconds'] / both['timed_epoch_seconds']:.2f} cores")
        products = sum(both.get(name, 0.0) for name in PRODUCTS)
        total = sum(both.get(name, 0.0) for name, _ in phases)
        print(f"matrix products: {products:.3f} s of {total:.3f} s ({products / total:.0%}); "
              f"everything else: {total - products:.3f} s")
        if one is not None:
            print(f"on one core whatever the BLAS threads (elementwise NumPy, reductions, gather, "
                  f"update, Python):\n  {single_threaded:.3f} s of {total:.3f} s "
                  f"({single_threaded / total:.0%} of the {what})")
        print()
    for key, update in (("adam", "the fused update (one compiled pass, axone.optimizers.fused)"),
                        ("adam, NumPy update", "NumPy's element-wise passes (AXONE_FUSED=0)")):
        if status_text(runs[key]) is None:
            both = phase_medians(runs[key], "fit")
            text, _ = phase_table(FIT_PHASES, both, None)
            version = ok_runs(runs[key])[0].get("version", "")
            print(f"training epoch with optimizer=\"adam\" (default BLAS threads), {update}:\n"
                  f"seconds per phase ({version}); the update runs on one core, the kernel\n"
                  "gradient is a matmul (no SGD step to fold in)")
            print(text)
            print(f"without the timer: {both['epoch_seconds']:.3f} s")
            print()
    print(f"other load: {fmt_load(max_load(default, single))}, the largest share of the CPUs "
          "that other processes used\nduring these runs; above a few percent, the times include "
          "contention.")
    print("phases: see benchmarks/phases.py. Matrix products: the same products timed alone in "
          "the same\nprocess, but kernel += x.T @ delta, timed where it runs; the Dense layers' "
          "remaining time is\ntheir bias add / bias step and call overhead.")
    print(f"\naxone: {ok_runs(default)[0].get('version', '')}")
    print(flush=True)
    write_json(args.json, title, runs, source=source)
    return 1 if failed(runs) else 0


if __name__ == "__main__":
    sys.exit(main())
