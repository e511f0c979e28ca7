"""The playground: a local page where a small axone network learns 2-D data live.

    axone playground            # or: python -m axone.playground
    axone playground --port 8765 --no-browser

Every setting on the page maps to a line of axone code shown beside it;
training runs in axone itself, in the server process (see `session.py`).
Needs `pip install "axone[playground]"` (Starlette and uvicorn).
"""

from axone.playground.config import ConfigError, PlaygroundConfig
from axone.playground.launcher import main, serve
from axone.playground.session import PlaygroundSession

__all__ = ["ConfigError", "PlaygroundConfig", "PlaygroundSession", "main", "serve"]
