"""What the commands share: the user-error type, reading tables, naming columns, model files."""

from __future__ import annotations

import csv
import difflib
import json
import os
from pathlib import Path

PANDAS_HINT = 'the axone command reads tables with pandas: pip install "axone[cli]"'
MODEL_FILE = "model.keras"
PREPROCESSING = "preprocessing.json"


class UsageError(Exception):
    """A mistake of the user's: `main` prints its message on one line and exits with `status`."""

    status = 2


class Interrupted(UsageError):
    """Ctrl-C: the command stopped cleanly (exit status 130, the shell's for SIGINT)."""

    status = 130


def command(subparsers, name: str, example: str, **kwargs):
    """A subcommand's parser whose `--help` ends with `example`, kept as written."""
    import argparse
    return subparsers.add_parser(name, epilog=example,
                                 formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)


def pandas():
    try:
        import pandas as pd
    except ImportError:
        raise UsageError(PANDAS_HINT) from None
    return pd


def suggest(name: str, choices, what: str = "column") -> str:
    """`unknown column 'prise'; did you mean 'price'? (columns: ...)`."""
    choices = [str(c) for c in choices]
    close = difflib.get_close_matches(str(name), choices, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    return f"unknown {what} {name!r}{hint} ({what}s: {', '.join(choices)})"


def read_table(path):
    """A DataFrame from a CSV (or TSV), Parquet or Excel file, by its extension."""
    pd = pandas()
    path = Path(path)
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    if path.is_dir():
        raise UsageError(f"{path} is a folder; expected a data file (.csv, .parquet, .xlsx)")
    suffix = path.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        elif suffix in (".xlsx", ".xls", ".xlsm", ".ods"):
            frame = pd.read_excel(path)
        elif suffix == ".tsv":
            frame = pd.read_csv(path, sep="\t")
        else:  # .csv, .txt or no extension: commas, or semicolons as spreadsheets write them
            frame = pd.read_csv(path)
            if len(frame.columns) == 1 and ";" in str(frame.columns[0]):
                frame = pd.read_csv(path, sep=";")
    except ImportError as error:  # pyarrow, openpyxl, ... missing
        first = str(error).strip().splitlines()[0]
        raise UsageError(f"cannot read {path}: {first} (pandas reads Parquet with pyarrow, "
                         "Excel with openpyxl)") from None
    except (ValueError, OSError, UnicodeDecodeError, csv.Error, pd.errors.ParserError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UsageError(f"cannot read {path} as a table: {first}") from None
    if frame.empty or len(frame.columns) == 0:
        raise UsageError(f"{path} holds no data rows")
    frame.columns = [str(c) for c in frame.columns]
    return frame


def parse_columns(text: str | None, frame, option: str) -> list[str]:
    """The comma-separated column names of an option, each checked against the table."""
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    for name in names:
        if name not in frame.columns:
            raise UsageError(f"{option}: {suggest(name, frame.columns)}")
    return names


def _rows(rows) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    return shown + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")


def missing_values_message(frame) -> str | None:
    """Where the table has NaN (columns and rows, counted from 1 after the header), or None."""
    mask = frame.isna()
    if not mask.to_numpy().any():
        return None
    parts = []
    for column in frame.columns[mask.any().to_numpy()]:
        rows = [int(i) + 1 for i in mask.index[mask[column].to_numpy()].map(frame.index.get_loc)]
        parts.append(f"column {column!r} at row{'s' if len(rows) > 1 else ''} {_rows(rows)}")
    return ("the data has missing values: " + "; ".join(parts)
            + " (rows counted from 1 after the header); fill them in, or pass --dropna "
              "to drop those rows")


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write through a temporary file and a rename, so a crash never leaves half a file."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data.encode() if isinstance(data, str) else data)
    os.replace(temporary, path)


def write_json(path: Path, value) -> None:
    write_atomic(path, json.dumps(value, indent=2, allow_nan=False) + "\n")


# ------------------------------------------------------------------ model files
def save_model(model, folder: Path) -> Path:
    """Store the network as `folder/model.keras` (Keras 3's format; written atomically)."""
    path = folder / MODEL_FILE
    try:
        model.save(path)
    except ImportError as error:
        raise UsageError(f"cannot write {path}: {error}") from None
    return path


def model_folder(path) -> Path:
    """The run folder of a model argument: the folder itself, or the one holding the file."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"no such model: {path}")
    return path if path.is_dir() else path.parent


def load_model(path):
    """The network that `axone train` wrote, from its folder or its `.keras` file."""
    import axone
    path = Path(path)
    file = path / MODEL_FILE if model_folder(path) == path else path
    if not file.is_file():
        raise UsageError(f"{path} holds no {MODEL_FILE}: not a folder written by axone train")
    try:
        return axone.models.load_model(file)
    except ImportError as error:
        raise UsageError(f"cannot read {file}: {error}") from None
    except (ValueError, TypeError, KeyError, OSError) as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UsageError(f"{file} is not an axone model file ({detail})") from None
