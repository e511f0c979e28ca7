"""The `axone` command: train, predict, summary, datasets, demo.

    axone train houses.csv --target price
    axone predict axone-run houses.csv --out predictions.csv

Each subcommand lives in its own module with `add_parser(subparsers)`,
which registers its options and its `run(args)`. A user's mistake raises
`UsageError`: `main` prints it as one line on stderr and exits with status
2, as argparse does for bad options, never with a traceback.
"""

from __future__ import annotations

import argparse
import sys

from axone.cli.common import Interrupted, UsageError

COMMANDS = ("train", "predict", "summary", "datasets", "demo", "playground")

EXAMPLE = """examples:
  axone demo
  axone datasets export houses houses.csv
  axone train houses.csv --target price
  axone predict axone-run houses.csv --out predictions.csv
  axone summary axone-run

'axone COMMAND --help' describes each command."""


def build_parser() -> argparse.ArgumentParser:
    import importlib
    parser = argparse.ArgumentParser(
        prog="axone", description="Neural networks with the Keras API on NumPy, from the shell.",
        epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    from axone import __version__
    parser.add_argument("--version", action="version", version=f"axone {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"axone.cli.{name}").add_parser(subparsers)
    return parser


def main(argv=None) -> int:
    """Run the command line `argv` (default `sys.argv[1:]`); return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        args.run(args)
    except Interrupted as error:
        print(f"axone {args.command}: {error}", file=sys.stderr)
        return error.status
    except UsageError as error:
        print(f"axone {args.command}: error: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print(f"axone {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `axone predict ... | head`
        return 0
    return 0
