"""`axone playground`: the local page where a small network learns 2-D data live."""

from __future__ import annotations

import argparse

from axone.cli.common import UsageError


def add_parser(subparsers) -> None:
    from axone.playground import launcher

    parser = subparsers.add_parser(
        "playground", help="open the playground page (a local server on 127.0.0.1)",
        description=launcher.parser().description, epilog=launcher.parser().epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    launcher.add_arguments(parser)
    parser.set_defaults(run=run)


def run(args) -> None:
    from axone.playground import launcher

    problem = launcher.check(args)
    if problem:
        raise UsageError(problem)
    launcher.serve(args.port, open_browser=not args.no_browser)
