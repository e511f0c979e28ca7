"""`axone predict MODEL DATA`: the table with the model's prediction for each row."""

from __future__ import annotations

import sys
from pathlib import Path

from axone.cli.common import (PREPROCESSING, UsageError, command, load_model,
                              missing_values_message, model_folder, read_table, write_atomic)

EXAMPLE = """example:
  axone train tumors.csv --target label --out tumors-run
  axone predict tumors-run new_tumors.csv --proba --out predictions.csv"""


def add_parser(subparsers) -> None:
    parser = command(
        subparsers, "predict", EXAMPLE, help="predict with a model written by axone train",
        description="Read a table with the columns the model was trained on and write it back "
                    "with one more column, predicted_TARGET (class labels as in the training "
                    "file), and with --proba one probability column per class.")
    parser.add_argument("model", metavar="MODEL", help="the folder axone train wrote (or its model file)")
    parser.add_argument("data", metavar="DATA", help="the table to predict: .csv, .parquet, .xlsx")
    parser.add_argument("--out", metavar="FILE", help="write the CSV there (default: standard output)")
    parser.add_argument("--proba", action="store_true", help="add the class probabilities")
    parser.add_argument("--dropna", action="store_true", help="drop the rows with missing values")
    parser.set_defaults(run=run)


def load_preprocessing(model_path):
    from axone.cli.preprocessing import PreprocessingError, TablePreprocessor
    path = model_folder(model_path) / PREPROCESSING
    if not path.is_file():
        raise UsageError(f"{path} is missing: predict needs the preprocessing that axone train "
                         "wrote beside the model")
    try:
        return TablePreprocessor.load(path)
    except PreprocessingError as error:
        raise UsageError(str(error)) from None


def run(args) -> None:
    from axone.cli.preprocessing import PreprocessingError
    prep = load_preprocessing(args.model)
    model = load_model(args.model)
    if args.proba and prep.task != "classification":
        raise UsageError("--proba needs a classifier; this model is a regression")
    frame = read_table(args.data)
    try:
        prep.check_columns(frame)
    except PreprocessingError as error:
        raise UsageError(str(error)) from None
    if args.dropna:
        frame = frame.dropna(subset=prep.features).reset_index(drop=True)
    else:
        message = missing_values_message(frame[prep.features])
        if message:
            raise UsageError(message)
    try:
        x = prep.transform(frame)
    except PreprocessingError as error:
        raise UsageError(str(error)) from None
    if x.shape[1] != model.inputs[0].shape[-1]:
        raise UsageError(f"the model expects {model.inputs[0].shape[-1]} inputs but the "
                         f"preprocessing gives {x.shape[1]}: the two files are from different runs")
    predicted = model.predict(x, verbose=0)
    result = frame.copy()
    if prep.task == "classification":
        result[f"predicted_{prep.target}"] = prep.decode_classes(predicted.argmax(axis=1))
        if args.proba:
            for i, label in enumerate(prep.classes):
                result[f"proba_{label}"] = predicted[:, i]
    else:
        result[f"predicted_{prep.target}"] = predicted[:, 0]
    text = result.to_csv(index=False)
    if args.out:
        write_atomic(Path(args.out), text)
        print(f"wrote {len(result)} predictions to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
