"""`axone datasets list` and `axone datasets export NAME FILE.csv`."""

from __future__ import annotations


from axone.cli.common import UsageError, command

EXAMPLE = """examples:
  axone datasets list
  axone datasets export houses houses.csv"""


def add_parser(subparsers) -> None:
    parser = command(
        subparsers, "datasets", EXAMPLE, help="list the datasets, or export one as CSV",
        description="List the datasets axone can load (and which are on this machine), or "
                    "write one as a CSV file.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = command(actions, "list", "example:\n  axone datasets list",
                      help="what is available, and what is cached")
    listing.set_defaults(run=run_list)
    export = command(actions, "export", "example:\n  axone datasets export tumors tumors.csv",
                     help="write a dataset as a CSV file")
    export.add_argument("name", metavar="NAME", help="a name from 'axone datasets list'")
    export.add_argument("file", metavar="FILE.csv", help="the CSV file to write")
    export.add_argument("--seed", type=int, default=0, metavar="N",
                        help="seed of the generated sets (default 0: the same file each time)")
    export.set_defaults(run=run_export)


def _size(n_bytes) -> str:
    if n_bytes is None:
        return "-"
    for unit in ("B", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024


def _where(row) -> str:
    if row["source"] == "generated":
        return "generated on demand"
    if row["cached"]:
        return f"{_size(row['size'])} in {row['location']}"
    return (f"not on this machine: downloaded on first use ({_size(row['download_size'])}), "
            "or set AXONE_DATASETS")


def run_list(args) -> None:
    from axone import datasets
    rows = datasets.available()
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        print(f"{row['name']:<{width}}  {row['source']:<9}  {row['shape']:<15}  {row['description']}")
        print(f"{'':<{width}}  {_where(row)}")


def run_export(args) -> None:
    from pathlib import Path

    from axone import datasets
    from axone.cli.common import suggest
    rows = {row["name"]: row for row in datasets.available()}
    if args.name not in rows:
        raise UsageError(suggest(args.name, rows, "dataset"))
    path = Path(args.file)
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: the folder {path.parent} does not exist")
    try:
        header, columns = datasets.table(args.name, seed=args.seed)
        datasets.write_csv(path, header, columns)
    except ValueError as error:  # an image set: not a table
        raise UsageError(str(error)) from None
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    print(f"wrote {path}: {len(columns[0])} rows, columns {', '.join(header)}")
