"""Benchmark: the memory of `fit` over data that is not in memory.

    python benchmarks/bench_memory.py [--epochs 1] [--sizes 1,4] [--frameworks axone]
                                      [--workdir DIR]

The course's MNIST classifier (batch 32, SGD lr 0.01) trains from a file of
training images 1x and 4x the size of MNIST's 55,000 (the images repeated),
written once as a `.npy` file, given to `fit` in four ways, as in Keras:

- `array`: the file read into memory first (the reference: here memory
  must grow with the data);
- `memmap`: `numpy.memmap` of the file, `model.fit(x_memmap, y)`;
- `generator`: a Python generator yielding consecutive batches read from the
  memory-mapped file, `model.fit(generator, steps_per_epoch=...)`;
- `pydataset`: a `keras.utils.PyDataset` (Keras's `Sequence`) doing the same
  by batch index, `model.fit(dataset)`.

Each run is a fresh process that reads nothing but that file (the labels,
8 bytes a sample, stay in memory). It reports the epoch time and:

- peak RSS: the process's resident high-water mark. For a memory-mapped
  file it counts the file's pages that the kernel keeps resident (its page
  cache, dropped under memory pressure), so it approaches the file size on
  a machine with memory to spare;
- anonymous memory before `fit` and at its peak during `fit`, sampled every
  5 ms (`RssAnon` in /proc/self/status): what the process allocates itself,
  which is what must stay flat for a file larger than RAM to train.

The target: from the 1x file to the 4x file, the peak anonymous memory grows
by at most 10% (memmap, generator, PyDataset). A framework that does not
accept a form of data (an error from `fit`) is listed as "unsupported".
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from bench_mnist import mnist_spec, prepare_subset
from harness import (LOAD_NOTE, finish, fmt, fmt_load, framework_job, max_load, median_over,
                     ok_runs, parse_args, print_header, run_jobs, status_text, table,
                     target_line)

FRAMEWORKS = ["axone", "keras-tf"]
SOURCES = ["array", "memmap", "generator", "pydataset"]
FLAT_TARGET = 1.10  # peak anonymous memory at the largest size over the smallest


def write_files(x: np.ndarray, y: np.ndarray, factor: int, folder: Path) -> tuple[Path, Path]:
    """Write `x` repeated `factor` times as `.npy` (in chunks: never `factor` copies in memory)."""
    x_path, y_path = folder / f"x_{factor}x.npy", folder / f"y_{factor}x.npy"
    out = np.lib.format.open_memmap(x_path, mode="w+", dtype=np.float32,
                                    shape=(factor * len(x),) + x.shape[1:])
    for i in range(factor):
        out[i * len(x):(i + 1) * len(x)] = x
    out.flush()
    del out
    np.save(y_path, np.tile(y, factor))
    return x_path, y_path


def _script_option(name: str, default: str) -> str:
    """A script-specific option, taken out of sys.argv before `parse_args`."""
    if name in sys.argv:
        at = sys.argv.index(name)
        value = sys.argv[at + 1]
        del sys.argv[at:at + 2]
        return value
    return default


def main() -> int:
    sizes = [int(s) for s in _script_option("--sizes", "1,4").split(",")]
    workdir = _script_option("--workdir", "")
    args = parse_args(__doc__.splitlines()[0], default_epochs=1, frameworks=FRAMEWORKS,
                      subset_help="the 1x file holds the first N training images")
    if "--frameworks" not in " ".join(sys.argv):  # Keras is optional here: slow on 4x data
        args.frameworks = ["axone"]
    data, source = prepare_subset(args)
    x, y = data["x_train"], data["y_train"]
    factors = ", ".join(f"{factor}x" for factor in sizes)
    title = (f"fit from files of {factors} {len(x):,} MNIST images (float32, "
             f"{x.nbytes / 2**20:,.0f} MB a 1x), batch 32, {args.epochs} epoch(s)")
    print_header(title, args, source)

    folder = Path(tempfile.mkdtemp(prefix="axone-bench-memory-", dir=workdir or None))
    try:
        files = {factor: write_files(x, y, factor, folder) for factor in sizes}
        del data, x, y
        spec = mnist_spec(args.epochs, args.seed)
        jobs = [framework_job(name, spec, key=f"{name}/{source_}/{factor}x", mode="stream",
                              needs_data=False,
                              options={"source": source_, "x_file": str(files[factor][0]),
                                       "y_file": str(files[factor][1])})
                for name in args.frameworks for source_ in SOURCES for factor in sizes]
        runs = run_jobs(jobs, None, args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    rows, verdicts = [], []
    for name in args.frameworks:
        for source_ in SOURCES:
            peaks = {}
            for factor in sizes:
                found = runs[f"{name}/{source_}/{factor}x"]
                label = [name, source_, f"{factor}x"]
                why_not = status_text(found)
                if why_not:
                    rows.append(label + [why_not])
                    continue
                ok = ok_runs(found)
                peaks[factor] = median_over(ok, lambda run: run["peak_anon_mb"])
                base = median_over(ok, lambda run: run["base_anon_mb"])
                rows.append(label + [fmt(ok[0]["file_mb"], ",.0f"), fmt(median_over(ok)),
                                     fmt(median_over(ok, lambda run: run["peak_rss_mb"]), ",.0f"),
                                     fmt(base, ",.0f"), fmt(peaks[factor], ",.0f"),
                                     fmt(peaks[factor] - base, ",.0f"),
                                     fmt_load(max_load(found))])
            if source_ != "array" and len(peaks) == len(sizes) > 1:
                growth = peaks[sizes[-1]] / peaks[sizes[0]]
                verdicts.append(target_line(
                    f"{name} fit on a {source_}: peak anonymous memory {sizes[-1]}x/{sizes[0]}x",
                    growth, FLAT_TARGET))
    print(table(["framework", "data", "size", "file MB", "epoch s", "peak RSS MB",
                 "anon before MB", "anon peak MB", "fit's own MB", "other load"], rows))
    print()
    print("peak RSS: resident high-water mark, the file's resident pages included; anon: the "
          "process's\nanonymous memory before fit and at its peak during fit (sampled every 5 ms); "
          "fit's own:\nthe difference.")
    print(LOAD_NOTE)
    print()
    for name in args.frameworks:
        version = next((run.get("version") for found in runs.values() for run in found
                        if run.get("version") and found is runs.get(f"{name}/array/{sizes[0]}x")),
                       None)
        if version:
            print(f"{name}: {version}")
    return finish(args, title, runs, verdicts, source=source)


if __name__ == "__main__":
    sys.exit(main())
