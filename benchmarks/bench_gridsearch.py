"""Benchmark: the course's hyperparameter search, GridSearchCV over a wrapped model, n_jobs=1 and 2.

    python benchmarks/bench_gridsearch.py [--epochs 10] [--subset 4000] [--frameworks axone,keras-tf]

The course's section 5: `build_model(n_hidden, n_neurons, lr)` (Dense relu layers, SGD, mse) wrapped
in `KerasRegressor`, searched over 12 candidates (n_hidden 1-2, n_neurons 30 or 100, lr 1e-3, 1e-2,
3e-2) with cv=2 on California housing (standardised; generated data of its shape without
AXONE_DATASETS). axone runs `axone.wrappers.KerasRegressor`; keras-tf runs scikeras's on Keras 3
and TensorFlow, where installed. Each search runs in a fresh process, with `n_jobs=1` and then
`n_jobs=2` (joblib's worker processes, started before the clock, as in a session that searches
more than once); the table gives its seconds, the n_jobs=2 / n_jobs=1 ratio, and axone's time
over scikeras's.

The target: on two cores or more, n_jobs=2 takes at most 0.6x the time of n_jobs=1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from harness import (LOAD_NOTE, OtherLoad, fmt, fmt_load, parse_args, print_header, python_for, table,
                     before_worker, target_line, worker_env)

HERE = Path(__file__).resolve().parent
GRID = {"model__n_hidden": [1, 2], "model__n_neurons": [30, 100], "model__lr": [1e-3, 1e-2, 3e-2]}
FRAMEWORKS = ["axone", "keras-tf"]
LABELS = {"axone": "axone.wrappers", "keras-tf": "scikeras + Keras 3 on TensorFlow"}
TARGET = 0.6


def build_axone(n_hidden, n_neurons, lr):
    import axone
    return build_model(axone, n_hidden, n_neurons, lr)


def build_keras(n_hidden, n_neurons, lr):
    import keras
    return build_model(keras, n_hidden, n_neurons, lr)


def build_model(keras, n_hidden, n_neurons, lr, input_shape=(8,)):
    """The course's build function, for either library (`keras` is the module)."""
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(shape=input_shape))
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=lr))
    return model


def worker(framework: str, data_path: str, n_jobs: int, epochs: int, seed: int) -> None:
    """Run one search and print its seconds and result as JSON (in a fresh process)."""
    from sklearn.model_selection import GridSearchCV
    if framework == "axone":
        from axone.wrappers import KerasRegressor
        build = build_axone
    else:
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        from scikeras.wrappers import KerasRegressor
        build = build_keras
    data = np.load(data_path)
    regressor = KerasRegressor(build, epochs=epochs, verbose=0, random_state=seed)
    search = GridSearchCV(regressor, GRID, cv=2, n_jobs=n_jobs)
    if n_jobs > 1:  # start the worker processes (and their imports) before the clock does
        from joblib import Parallel, delayed
        Parallel(n_jobs=n_jobs)(delayed(KerasRegressor)(build) for _ in range(2 * n_jobs))
    start = time.perf_counter()
    search.fit(data["X"], data["y"])
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "best_params": search.best_params_,
                      "best_score": float(search.best_score_)}))


def run(framework: str, n_jobs: int, data_path: Path, args) -> dict:
    env = worker_env(framework, args)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    code = (f"import bench_gridsearch as b; b.worker({framework!r}, {str(data_path)!r}, {n_jobs}, "
            f"{args.epochs}, {args.seed})")
    with OtherLoad() as load:
        try:
            done = subprocess.run([python_for(framework, args), "-c", code], env=env, capture_output=True,
                                  text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            return {"status": f"timed out after {args.timeout:.0f} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        missing = "ModuleNotFoundError" in last
        return {"status": "not installed" if missing else "failed", "detail": last}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(status="ok", other_load=load.share)
    return result


def main() -> int:
    args = parse_args(__doc__.splitlines()[0], default_epochs=10, frameworks=FRAMEWORKS,
                      subset_help="search on the first N training samples only (default: 4000)")
    sys.path.insert(0, str(HERE))
    from datasets import housing
    from sklearn.preprocessing import StandardScaler

    (X, y), source = housing(args.seed)
    n = args.subset or 4000
    X = StandardScaler().fit_transform(X[:n]).astype(np.float32)
    print_header(f"GridSearchCV, 12 candidates x cv=2, {args.epochs} epochs each, {n} samples", args, source)
    results: dict[tuple[str, int], list[dict]] = {}
    with tempfile.TemporaryDirectory() as folder:
        data_path = Path(folder) / "data.npz"
        np.savez(data_path, X=X, y=y[:n].astype(np.float32))
        for _ in range(args.rounds):
            for framework in args.frameworks:
                for n_jobs in (1, 2):
                    before_worker(args)
                    results.setdefault((framework, n_jobs), []).append(run(framework, n_jobs, data_path, args))
    rows, ratios = [], {}
    for framework in args.frameworks:
        found = {n_jobs: [r for r in results[(framework, n_jobs)] if r["status"] == "ok"] for n_jobs in (1, 2)}
        if not found[1] or not found[2]:
            status = results[(framework, 1)][0].get("status")
            rows.append([f"{LABELS[framework]}: {status} ({results[(framework, 1)][0].get('detail', '')})"])
            continue
        seconds = {k: float(np.median([r["seconds"] for r in v])) for k, v in found.items()}
        ratios[framework] = float(np.median([b["seconds"] / a["seconds"] for a, b in zip(found[1], found[2])]))
        load = max(r.get("other_load") or 0 for v in found.values() for r in v)
        rows.append([LABELS[framework], fmt(seconds[1], ".1f"), fmt(seconds[2], ".1f"),
                     f"{ratios[framework]:.2f}x", fmt(found[1][0]["best_score"], ".3f"),
                     str(found[1][0]["best_params"] == found[2][0]["best_params"]), fmt_load(load)])
        results[(framework, "seconds")] = seconds
    print(table(["search", "n_jobs=1 (s)", "n_jobs=2 (s)", "2 / 1", "best R²", "same best", "other load"],
                rows))
    print(LOAD_NOTE)
    if "axone" in ratios and "keras-tf" in ratios:
        for n_jobs in (1, 2):
            mine, theirs = results[("axone", "seconds")][n_jobs], results[("keras-tf", "seconds")][n_jobs]
            print(f"axone / scikeras, n_jobs={n_jobs}: {mine / theirs:.2f}x")
    cores = os.cpu_count() or 1
    print(target_line("n_jobs=2 / n_jobs=1 (axone)", ratios.get("axone"), TARGET)
          + ("" if cores >= 2 else f" (this machine has {cores} core: not applicable)"))
    return 0 if "axone" in ratios or "axone" not in args.frameworks else 1


if __name__ == "__main__":
    sys.exit(main())
