"""`axone demo`: the course's three networks, end to end on real data.

1. Section 4.4: the MNIST classifier (Sequential API), Flatten -> Dense 300
   relu -> Dense 100 relu -> Dense 10 softmax, SGD, on MNIST found in
   `$AXONE_DATASETS` or the cache (never downloaded here); otherwise on the
   embedded 8x8 digits, and the demo says so.
2. Section 4.5: the California housing regressor, Dense 500 relu -> Dense 1.
3. Section 4.5.1: the wide-and-deep regressor (functional API).

Each prints its summary, the progress bar and its test metrics; the models
(`.keras`), their learning curves (PNG) and a report go to `--out`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from axone.cli.common import UsageError, command, write_atomic

QUICK_EPOCHS = 5  # --quick: a check that everything runs, in seconds

EXAMPLE = """example:
  axone demo                 # writes ./axone-demo/
  axone demo --out /tmp/demo --quick"""


def add_parser(subparsers) -> None:
    parser = command(
        subparsers, "demo", EXAMPLE, help="train the course's three networks on real data (about a minute)",
        description="Train the course's MNIST classifier, California housing regressor and "
                    "wide-and-deep model; write their models, learning curves and a report.")
    parser.add_argument("--out", default="axone-demo", metavar="DIR",
                        help="output folder (default ./axone-demo)")
    parser.add_argument("--quick", action="store_true",
                        help=f"a few seconds: small parts of the data, {QUICK_EPOCHS} epochs each")
    parser.add_argument("--seed", type=int, default=42, metavar="N", help="random seed (default 42)")
    parser.set_defaults(run=run)


def _requirements() -> None:
    for module, why in (("matplotlib", "learning curves"), ("h5py", ".keras files")):
        try:
            __import__(module)
        except ImportError:
            raise UsageError(f"the demo draws {why} with {module}, which is not installed: "
                             'pip install "axone[cli]"') from None


def load_digits_data():
    """`((x_train, y_train), (x_test, y_test), source)`: MNIST when it is on this machine
    (never downloaded by the demo), else the embedded digits; prints which."""
    from axone import datasets
    mnist = next(row for row in datasets.available() if row["name"] == "mnist")
    if mnist["cached"]:
        source = f"MNIST from {mnist['location']}"
        print(source)
        return (*datasets.mnist.load_data(), source)
    digits = datasets.load_digits()
    images = (digits.data.reshape(-1, 8, 8) * (255 / 16)).round().astype("uint8")
    order = np.random.default_rng(0).permutation(len(images))
    train, test = order[:1400], order[1400:]
    print("MNIST is not on this machine (set AXONE_DATASETS to a folder holding mnist/, or run "
          "axone.datasets.mnist.load_data() once to download it): using the embedded 8x8 "
          "digits instead")
    source = "the embedded 8x8 digits (1,797 images; MNIST is not on this machine)"
    return (images[train], digits.target[train]), (images[test], digits.target[test]), source


def mnist_classifier(keras, quick: bool) -> dict:
    (X_train_full, y_train_full), (X_test, y_test), source = load_digits_data()
    n_valid = len(X_train_full) // 12  # 5,000 of MNIST's 60,000, as in the course
    if quick:
        X_train_full, y_train_full, X_test, y_test = (X_train_full[:2000], y_train_full[:2000],
                                                      X_test[:500], y_test[:500])
        n_valid = 200
    X_valid, X_train = X_train_full[:n_valid] / 255.0, X_train_full[n_valid:] / 255.0
    X_test = X_test / 255.0
    y_valid, y_train = y_train_full[:n_valid], y_train_full[n_valid:]
    model = keras.models.Sequential([
        keras.layers.Flatten(input_shape=list(X_train.shape[1:])),
        keras.layers.Dense(300, activation="relu"),
        keras.layers.Dense(100, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.summary()
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd", metrics=["accuracy"])
    epochs = QUICK_EPOCHS if quick else (5 if "MNIST from" in source else 40)
    history = model.fit(X_train, y_train, epochs=epochs, validation_data=(X_valid, y_valid))
    loss, accuracy = model.evaluate(X_test, y_test, verbose=0)
    print(f"test accuracy: {accuracy:.4f}, test loss: {loss:.4f}")
    return {"model": model, "history": history, "data": source,
            "test_metrics": {"loss": loss, "accuracy": accuracy}}


def housing_data(quick: bool, seed: int):
    """The course's split of California housing: test 25%, then validation 25% of the rest,
    features standardised with the training statistics (StandardScaler's formula)."""
    from axone.datasets import fetch_california_housing
    housing = fetch_california_housing()
    x, y = housing.data, housing.target
    if quick:
        x, y = x[:3000], y[:3000]
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    n_test = len(x) // 4
    test, full = order[:n_test], order[n_test:]
    n_valid = len(full) // 4
    valid, train = full[:n_valid], full[n_valid:]
    mean, std = x[train].mean(axis=0), x[train].std(axis=0)
    scale = lambda rows: ((x[rows] - mean) / std).astype("float32")  # noqa: E731
    return (scale(train), y[train]), (scale(valid), y[valid]), (scale(test), y[test])


def housing_regressor(keras, data, quick: bool) -> dict:
    (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = data
    reg_model = keras.models.Sequential()
    reg_model.add(keras.layers.Input(shape=(8,)))
    reg_model.add(keras.layers.Dense(500, activation="relu"))
    reg_model.add(keras.layers.Dense(1))
    reg_model.summary()
    reg_model.compile(loss="mean_squared_error", optimizer="sgd")
    history = reg_model.fit(X_train, y_train, epochs=QUICK_EPOCHS if quick else 20,
                            validation_data=(X_valid, y_valid))
    return _regression_result(reg_model, history, X_test, y_test)


def wide_and_deep(keras, data, quick: bool) -> dict:
    (X_train, y_train), (X_valid, y_valid), (X_test, y_test) = data
    input_ = keras.layers.Input(shape=X_train.shape[1:])
    hidden1 = keras.layers.Dense(30, activation="relu")(input_)
    hidden2 = keras.layers.Dense(30, activation="relu")(hidden1)
    concat = keras.layers.Concatenate()([input_, hidden2])
    output = keras.layers.Dense(1)(concat)
    model = keras.Model(inputs=[input_], outputs=[output])
    model.summary()
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-3))
    history = model.fit(X_train, y_train, epochs=QUICK_EPOCHS if quick else 20,
                        validation_data=(X_valid, y_valid))
    return _regression_result(model, history, X_test, y_test)


def _regression_result(model, history, X_test, y_test) -> dict:
    mse = float(model.evaluate(X_test, y_test, verbose=0))
    baseline = float(np.mean((y_test - y_test.mean()) ** 2))
    y_pred = model.predict(X_test[:3], verbose=0).ravel().astype(float)
    print(f"test MSE: {mse:.4f} (predicting the mean: {baseline:.4f}); first 3 houses: "
          f"predicted {np.round(y_pred, 2).tolist()}, true {np.round(y_test[:3], 2).tolist()} "
          "(100,000 $)")
    return {"model": model, "history": history, "data": "California housing (embedded)",
            "test_metrics": {"mse": mse}, "baseline_metrics": {"mse_of_the_mean": baseline}}


RUNS = [
    ("mnist_classifier", "4.4: MNIST classifier (Sequential API)", mnist_classifier),
    ("housing_regressor", "4.5: California housing regressor (Sequential API)", housing_regressor),
    ("wide_and_deep", "4.5.1: wide-and-deep regressor (functional API)", wide_and_deep),
]


def run(args) -> None:
    _requirements()
    import axone as keras
    from axone.cli.evaluation import save_learning_curves
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create the output folder {out}: {error.strerror}") from None
    keras.utils.set_random_seed(args.seed)
    housing = None
    report, started = {}, time.perf_counter()
    for index, (name, title, train) in enumerate(RUNS, start=1):
        print(f"\n=== {index}. Section {title} ===")
        begin = time.perf_counter()
        if name == "mnist_classifier":
            result = train(keras, args.quick)
        else:
            housing = housing or housing_data(args.quick, args.seed)
            result = train(keras, housing, args.quick)
        model, history = result.pop("model"), result.pop("history")
        model.save(out / f"{name}.keras")
        save_learning_curves(history, out / f"{name}_learning_curves.png", title=title)
        report[name] = {"title": title, **result, "epochs": len(history.epoch),
                        "seconds": round(time.perf_counter() - begin, 1),
                        "history": history.history}
    write_atomic(out / "report.json", json.dumps(report, indent=2) + "\n")
    write_atomic(out / "report.md", _markdown(report, time.perf_counter() - started))
    print(f"\nDone in {time.perf_counter() - started:.0f} s. In {out.resolve()}:")
    for path in sorted(out.iterdir()):
        if path.suffix in (".keras", ".png", ".json", ".md"):
            print(f"  {path.name}")


def _markdown(report: dict, seconds: float) -> str:
    lines = ["# axone demo", "", f"The course's three networks, trained in {seconds:.0f} s.", ""]
    for name, entry in report.items():
        metrics = ", ".join(f"{k} {v:.4f}" for k, v in entry["test_metrics"].items())
        baseline = entry.get("baseline_metrics")
        lines += [f"## {entry['title']}", "", f"- data: {entry['data']}",
                  f"- {entry['epochs']} epochs in {entry['seconds']} s; test {metrics}"
                  + (f" (the mean's MSE: {baseline['mse_of_the_mean']:.4f})" if baseline else ""),
                  f"- model: `{name}.keras`; curves: `{name}_learning_curves.png`", ""]
    return "\n".join(lines)
