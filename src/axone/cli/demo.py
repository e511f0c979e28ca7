"""`axone demo`: the course's three networks, end to end."""

from __future__ import annotations

import argparse


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="train the course's networks on real data (about a minute)",
        epilog="example:\n  axone demo --out axone-demo",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="axone-demo", metavar="DIR")
    parser.set_defaults(run=run)


def run(args) -> None:
    from axone.cli.common import UsageError
    raise UsageError("not yet")
