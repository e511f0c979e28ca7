"""`axone train DATA --target COL`: a network for a table, trained, measured and saved."""

from __future__ import annotations

import sys
from pathlib import Path

from axone.cli.common import (PREPROCESSING, Interrupted, UsageError, command, missing_values_message,
                              parse_columns, read_table, save_model, suggest, write_json)

EXAMPLE = """example:
  axone train houses.csv --target price --hidden 30,15 --epochs 200 --out houses-run
  axone predict houses-run houses.csv --out predictions.csv"""


def add_parser(subparsers) -> None:
    parser = command(
        subparsers, "train", EXAMPLE, help="train a network on a table (CSV, Parquet, Excel)",
        description="Train a network to predict one column of a table from the others. "
                    "Text feature columns are one-hot encoded, numeric ones standardised; "
                    "training stops early when the validation loss stops improving. Writes "
                    "the model, preprocessing.json, report.json and learning_curves.png to --out.")
    parser.add_argument("data", metavar="DATA", help="the table: .csv, .tsv, .parquet or .xlsx")
    parser.add_argument("--target", required=True, metavar="COL", help="the column to predict")
    parser.add_argument("--task", choices=["auto", "regression", "classification"], default="auto",
                        help="auto (default): text, boolean or few integer values are classes")
    parser.add_argument("--drop", metavar="COLS", help="comma-separated columns to leave out")
    parser.add_argument("--hidden", default="30,15", metavar="UNITS",
                        help="hidden layer sizes, comma-separated (default 30,15; '' for none)")
    parser.add_argument("--activation", default="relu", help="hidden activation (default relu)")
    parser.add_argument("--optimizer", default="adam", help="optimizer name (default adam)")
    parser.add_argument("--lr", type=float, metavar="X", help="learning rate (default: the optimizer's)")
    parser.add_argument("--epochs", type=int, default=100, metavar="N", help="at most N epochs (default 100)")
    parser.add_argument("--patience", type=int, default=10, metavar="N",
                        help="stop after N epochs without a better validation loss (default 10)")
    parser.add_argument("--batch-size", type=int, default=32, metavar="N", help="default 32")
    parser.add_argument("--validation-split", type=float, default=0.2, metavar="F",
                        help="part of the training rows used for validation (default 0.2)")
    parser.add_argument("--test-split", type=float, default=0.2, metavar="F",
                        help="part of the rows held out for the test metrics (default 0.2)")
    parser.add_argument("--no-scale", action="store_true",
                        help="do not standardise the numeric columns (nor a regression target)")
    parser.add_argument("--dropna", action="store_true", help="drop the rows with missing values")
    parser.add_argument("--seed", type=int, default=42, metavar="N", help="random seed (default 42)")
    parser.add_argument("--out", default="axone-run", metavar="DIR",
                        help="output folder (default ./axone-run)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)


def _check_options(args) -> list[int]:
    try:
        hidden = [int(u) for u in args.hidden.split(",") if u.strip()]
    except ValueError:
        raise UsageError(f"--hidden expects sizes like 30,15. Received: {args.hidden!r}") from None
    if any(u <= 0 for u in hidden):
        raise UsageError(f"--hidden sizes must be positive. Received: {args.hidden!r}")
    for name, value in (("--epochs", args.epochs), ("--batch-size", args.batch_size)):
        if value <= 0:
            raise UsageError(f"{name} must be positive. Received: {value}")
    if args.patience < 0:
        raise UsageError(f"--patience must be 0 or more. Received: {args.patience}")
    for name, value in (("--validation-split", args.validation_split), ("--test-split", args.test_split)):
        if not 0 < value < 1:
            raise UsageError(f"{name} must lie strictly between 0 and 1. Received: {value}")
    if args.lr is not None and not args.lr > 0:
        raise UsageError(f"--lr must be positive. Received: {args.lr}")
    return hidden


def _resolve(option: str, name: str, registry):
    """`registry.get(name)`; an unknown name is a usage error with the closest names."""
    try:
        return registry.get(name)
    except (ValueError, TypeError) as error:
        raise UsageError(f"{option}: {error}") from None


def _load_table(args):
    from axone.cli.preprocessing import label_value
    frame = read_table(args.data)
    if args.target not in frame.columns:
        raise UsageError(f"--target: {suggest(args.target, frame.columns)}")
    dropped = parse_columns(args.drop, frame, "--drop")
    if args.target in dropped:
        raise UsageError(f"--drop names the target {args.target!r}")
    frame = frame.drop(columns=dropped)
    if args.dropna:
        before = len(frame)
        frame = frame.dropna().reset_index(drop=True)
        if len(frame) < before:
            print(f"dropped {before - len(frame)} row(s) with missing values")
    else:
        message = missing_values_message(frame)
        if message:
            raise UsageError(message)
    if frame[args.target].nunique() < 2:
        value = label_value(frame[args.target].iloc[0]) if len(frame) else None
        raise UsageError(f"the target {args.target!r} has a single value ({value!r}): "
                         "there is nothing to learn")
    return frame


def split_rows(n: int, test_split: float, validation_split: float, seed: int, labels=None):
    """`(train, validation, test)` row indices from a seeded shuffle: `test_split` of the
    rows for the test, then `validation_split` of the rest for validation.

    With `labels` (classification), each class is split in those proportions on its own
    (stratified), keeping at least one row of every class for training.
    """
    import numpy as np
    rng = np.random.default_rng(seed)
    if labels is None:
        groups = [rng.permutation(n)]
    else:
        codes = np.unique(np.asarray(labels, dtype=str), return_inverse=True)[1]
        groups = [rng.permutation(np.flatnonzero(codes == c)) for c in range(codes.max() + 1)]
    parts = ([], [], [])
    for rows in groups:
        n_test = int(round(len(rows) * test_split))
        n_val = int(round((len(rows) - n_test) * validation_split))
        while len(rows) - n_test - n_val < 1:  # a rare class keeps a training row
            n_test, n_val = (n_test - 1, n_val) if n_test >= n_val else (n_test, n_val - 1)
        for part, chosen in zip(parts, (rows[n_test + n_val:], rows[n_test: n_test + n_val],
                                        rows[:n_test])):
            part.append(chosen)
    train, val, test = (rng.permutation(np.concatenate(part)) for part in parts)
    if len(train) < 2 or len(test) < 1 or len(val) < 1:
        raise UsageError(f"{n} rows are too few to split into training, validation "
                         f"({validation_split}) and test ({test_split}) rows")
    return train, val, test


def run(args) -> None:
    hidden = _check_options(args)
    import axone
    from axone.cli import evaluation
    from axone.cli.preprocessing import PreprocessingError, TablePreprocessor, detect_task

    activation = _resolve("--activation", args.activation, axone.activations)
    optimizer = _resolve("--optimizer", args.optimizer, axone.optimizers)
    if args.lr is not None:
        optimizer.learning_rate = args.lr
    frame = _load_table(args)
    task, reason = detect_task(frame[args.target])
    if args.task != "auto":
        task, reason = args.task, "as asked"
    print(f"task: {task} ({reason}); {len(frame)} rows")
    labels = frame[args.target] if task == "classification" else None
    train_rows, val_rows, test_rows = split_rows(len(frame), args.test_split,
                                                 args.validation_split, args.seed, labels)
    train = frame.iloc[train_rows]
    try:
        prep = TablePreprocessor(args.target, task, scale=not args.no_scale).fit(train)
        x = {part: prep.transform(frame.iloc[rows]) for part, rows in
             (("train", train_rows), ("val", val_rows), ("test", test_rows))}
        y = {part: prep.encode_target(frame[args.target].iloc[rows]) for part, rows in
             (("train", train_rows), ("val", val_rows), ("test", test_rows))}
    except PreprocessingError as error:
        raise UsageError(str(error)) from None

    axone.utils.set_random_seed(args.seed)
    model = _build(axone, prep, hidden, activation)
    if not args.quiet:
        model.summary()
    model.compile(optimizer=optimizer, loss=_loss(task),
                  metrics=["accuracy"] if task == "classification" else ["mae"])
    stopper = axone.callbacks.EarlyStopping(monitor="val_loss", patience=args.patience,
                                            restore_best_weights=True)
    try:
        history = model.fit(x["train"], y["train"], validation_data=(x["val"], y["val"]),
                            epochs=args.epochs, batch_size=args.batch_size, callbacks=[stopper],
                            verbose=0 if args.quiet else "auto")
    except KeyboardInterrupt:
        raise Interrupted("interrupted: training stopped, nothing was written") from None
    epochs_run = len(history.epoch)
    if task == "regression":
        evaluation.fold_target_scaling(model, prep)
    test_metrics, baseline = evaluation.test_report(model, prep, x, y)
    print(f"trained {epochs_run} epoch(s); best validation loss at epoch {stopper.best_epoch + 1}")
    print(evaluation.comparison_table(test_metrics, baseline))
    _write_outputs(Path(args.out), model, prep, history, {
        "task": task, "target": args.target, "features": prep.features,
        "inputs": prep.input_names, "rows": {"train": len(train_rows), "validation": len(val_rows),
                                              "test": len(test_rows)},
        "test_metrics": test_metrics, "baseline_metrics": baseline, "epochs_run": epochs_run,
        "best_epoch": stopper.best_epoch + 1,
        "history": history.history,
        "history_note": ("losses are in standardised target units" if task == "regression"
                         and prep.scale else ""),
    })


def _build(axone, prep, hidden, activation):
    layers = [axone.layers.Input(shape=(prep.n_inputs,))]
    layers += [axone.layers.Dense(units, activation=activation) for units in hidden]
    if prep.task == "classification":
        layers.append(axone.layers.Dense(len(prep.classes), activation="softmax"))
    else:
        layers.append(axone.layers.Dense(1))
    return axone.Sequential(layers)


def _loss(task: str) -> str:
    return "sparse_categorical_crossentropy" if task == "classification" else "mse"


def _write_outputs(out: Path, model, prep, history, report) -> None:
    """Every file is written under a temporary name and renamed when complete."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"cannot create the output folder {out}: {error.strerror}") from None
    model_path = save_model(model, out)
    prep.save(out / PREPROCESSING)
    write_json(out / "report.json", report)
    curves = out / "learning_curves.png"
    try:
        from axone.cli.evaluation import save_learning_curves
        save_learning_curves(history, curves, title=f"{prep.task} of {prep.target!r}")
    except ImportError as error:
        print(f"learning_curves.png not drawn: {error}", file=sys.stderr)
        curves = None
    print(f"wrote {model_path}, {out / PREPROCESSING}, {out / 'report.json'}"
          + (f", {curves}" if curves else ""))
