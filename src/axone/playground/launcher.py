"""Start the playground: `axone playground [--port 8765] [--no-browser]`."""

from __future__ import annotations

import argparse
import socket
import sys
import threading
import webbrowser

HOST = "127.0.0.1"  # never reachable from another machine
DEFAULT_PORT = 8765


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The playground's options, shared by `axone playground` and `python -m axone.playground`."""
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port on {HOST} to serve the page on (default: {DEFAULT_PORT})")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser tab")


def parser() -> argparse.ArgumentParser:
    result = argparse.ArgumentParser(
        prog="axone playground",
        description="Build a small network in your browser and watch axone train it, offline.",
        epilog="example: axone playground --port 8765 --no-browser   (then open http://127.0.0.1:8765/)")
    add_arguments(result)
    return result


def check(arguments: argparse.Namespace) -> str | None:
    """What is wrong with the options or the machine before serving, or None."""
    if not 1 <= arguments.port <= 65535:
        return f"--port must be between 1 and 65535. Received: {arguments.port}"
    for module in ("starlette", "uvicorn"):
        try:
            __import__(module)
        except ImportError:
            return 'the playground needs Starlette and uvicorn: pip install "axone[playground]"'
    with socket.socket() as probe:  # uvicorn would log and exit; say it in one line instead
        try:
            probe.bind((HOST, arguments.port))
        except OSError as failure:
            return f"cannot listen on {HOST}:{arguments.port} ({failure.strerror}); pick another --port"
    return None


def serve(port: int = DEFAULT_PORT, open_browser: bool = True) -> None:
    """Run the server on 127.0.0.1:`port` until Ctrl-C."""
    import uvicorn

    from axone.playground.server import create_app

    url = f"http://{HOST}:{port}/"
    print(f"axone playground: {url}  (Ctrl-C to stop)", flush=True)
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(), host=HOST, port=port, log_level="warning")


def main(argv: list[str] | None = None) -> int:
    """`python -m axone.playground`: the same as `axone playground`."""
    arguments = parser().parse_args(argv)
    problem = check(arguments)
    if problem:
        print(f"axone playground: error: {problem}", file=sys.stderr)
        return 2
    try:
        serve(arguments.port, open_browser=not arguments.no_browser)
    except KeyboardInterrupt:
        pass
    return 0
