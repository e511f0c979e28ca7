"""`axone summary MODEL`: the Keras table of a saved model's layers, and what it predicts."""

from __future__ import annotations


from axone.cli.common import MODEL_FILE, PREPROCESSING, command, load_model, model_folder

EXAMPLE = """example:
  axone summary axone-run"""


def add_parser(subparsers) -> None:
    parser = command(
        subparsers, "summary", EXAMPLE, help="print the layers of a saved model",
        description="Print model.summary() of a model written by axone train, and the task, "
                    "target and input columns recorded beside it.")
    parser.add_argument("model", metavar="MODEL", help="the folder axone train wrote (or its model file)")
    parser.set_defaults(run=run)


def run(args) -> None:
    model = load_model(args.model)
    model.summary()
    print(f"written by: {_writer(args.model)}")
    if (model_folder(args.model) / PREPROCESSING).is_file():
        from axone.cli.predict import load_preprocessing
        prep = load_preprocessing(args.model)
        print(f"task: {prep.task}; target: {prep.target!r}; columns: {', '.join(prep.features)}")
        if prep.classes:
            print(f"classes: {', '.join(map(str, prep.classes))}")


def _writer(path) -> str:
    """Who wrote the model file and when, from its metadata (`axone.saving.inspect`)."""
    from pathlib import Path
    from axone.saving import inspect
    path = Path(path)
    info = inspect(path / MODEL_FILE if path.is_dir() else path)
    return info["writer"] + (f" on {info['date_saved']}" if info.get("date_saved") else "")
