"""`axone datasets list` and `axone datasets export NAME FILE.csv`."""

from __future__ import annotations

import argparse

from axone.cli.common import UsageError

EXAMPLE = """examples:
  axone datasets list
  axone datasets export houses houses.csv"""


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "datasets", help="list the datasets, or export one as CSV",
        description="List the datasets axone can load (and which are on this machine), or "
                    "write one as a CSV file.",
        epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="what is available, and what is cached",
                                 epilog="example:\n  axone datasets list",
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    listing.set_defaults(run=run_list)
    export = actions.add_parser("export", help="write a dataset as a CSV file",
                                epilog="example:\n  axone datasets export tumors tumors.csv",
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    export.add_argument("name", metavar="NAME", help="a name from 'axone datasets list'")
    export.add_argument("file", metavar="FILE.csv", help="the CSV file to write")
    export.set_defaults(run=run_export)


def _datasets():
    try:
        from axone import datasets
    except ImportError:
        raise UsageError("this axone has no datasets module") from None
    return datasets


def run_list(args) -> None:
    raise UsageError("not yet")


def run_export(args) -> None:
    raise UsageError("not yet")
