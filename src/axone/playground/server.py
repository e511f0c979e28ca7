"""The playground's local web server: one static page and a small JSON + SSE API.

Routes (every body and answer is JSON unless said otherwise):
  GET  /                               the page
  GET  /api/options                    the choices and limits the page offers
  POST /api/sessions                   body: a configuration -> {id, setup, state}
  POST /api/sessions/{id}/config       rebuild the session from a new configuration
  POST /api/sessions/{id}/{action}     action: play, pause, step, reset
  GET  /api/sessions/{id}/state        the current state
  GET  /api/sessions/{id}/events       Server-Sent Events: a `state` event after each change
  GET  /api/sessions/{id}/model        the trained network as a `.keras` file
  DELETE /api/sessions/{id}            stop and forget the session

A refused configuration answers 400 with `{"error": message}`. The server
binds to 127.0.0.1 only and reads no file but its own page; uploaded CSV
files arrive as text inside the configuration.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
from importlib import resources

from axone.playground import config as options
from axone.playground.config import ConfigError, PlaygroundConfig
from axone.playground.session import PlaygroundSession

MAX_SESSIONS = 16  # tabs open at once; the oldest is closed past that
STREAM_INTERVAL = 0.2  # seconds between two state events at most 5 per second


class SessionStore:
    """The open sessions by id, each built from a validated configuration."""

    def __init__(self, max_sessions: int = MAX_SESSIONS):
        self.max_sessions = max_sessions
        self._sessions: dict[str, PlaygroundSession] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def create(self, payload) -> tuple[str, PlaygroundSession]:
        session = PlaygroundSession(PlaygroundConfig.from_dict(payload))
        with self._lock:
            session_id = f"s{next(self._ids)}"
            self._sessions[session_id] = session
            while len(self._sessions) > self.max_sessions:
                oldest = next(iter(self._sessions))
                self._sessions.pop(oldest).close()
        return session_id, session

    def get(self, session_id: str) -> PlaygroundSession:
        with self._lock:
            session = self._sessions.get(session_id)
        if session is None:
            raise KeyError(session_id)
        return session

    def replace(self, session_id: str, payload) -> PlaygroundSession:
        """Rebuild `session_id` from `payload`; the old one keeps running if `payload` is refused."""
        old = self.get(session_id)
        new = PlaygroundSession(PlaygroundConfig.from_dict(payload))
        with self._lock:
            self._sessions[session_id] = new
        old.close()
        return new

    def close(self, session_id: str) -> None:
        with self._lock:
            session = self._sessions.pop(session_id, None)
        if session is not None:
            session.close()

    def close_all(self) -> None:
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), {}
        for session in sessions:
            session.close()

    def __len__(self) -> int:
        return len(self._sessions)


def create_app(store: SessionStore | None = None):
    """The Starlette application (`starlette` and `uvicorn` come with `axone[playground]`)."""
    try:
        from starlette.applications import Starlette
        from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
        from starlette.routing import Mount, Route
        from starlette.staticfiles import StaticFiles
    except ImportError:
        raise ImportError('The playground needs Starlette and uvicorn: pip install "axone[playground]"') from None

    store = SessionStore() if store is None else store
    static = resources.files("axone.playground") / "static"

    def error(message: str, status: int = 400):
        return JSONResponse({"error": message}, status_code=status)

    async def body(request):
        try:
            return await request.json()
        except (ValueError, UnicodeDecodeError):
            raise ConfigError("The request body must be JSON.") from None

    def lookup(request):
        return store.get(request.path_params["session_id"])

    def guarded(handler):
        """Answer refused settings with 400, unknown sessions with 404, failures with 500, as JSON."""
        async def wrapper(request):
            try:
                return await handler(request)
            except ConfigError as refused:
                return error(str(refused))
            except KeyError:
                return error(f"No session {request.path_params.get('session_id')!r}: create one first.", 404)
            except Exception as failure:  # shown on the page rather than a bare "500"
                return error(f"The playground failed: {type(failure).__name__}: {failure}", 500)
        return wrapper

    async def page(request):
        return HTMLResponse((static / "index.html").read_text(encoding="utf-8"))

    async def list_options(request):
        return JSONResponse({
            "datasets": options.DATASETS, "features": options.FEATURES, "activations": options.ACTIVATIONS,
            "optimizers": options.OPTIMIZERS, "outputs": options.OUTPUTS,
            "regularizations": options.REGULARIZATIONS, "max_hidden_layers": options.MAX_HIDDEN_LAYERS,
            "max_neurons": options.MAX_NEURONS, "defaults": PlaygroundConfig().to_dict(),
        })

    @guarded
    async def create(request):
        payload = await body(request)
        session_id, session = await asyncio.to_thread(store.create, payload)
        return JSONResponse({"id": session_id, "setup": session.setup(),
                             "state": await asyncio.to_thread(session.snapshot)})

    @guarded
    async def reconfigure(request):
        payload = await body(request)
        session = await asyncio.to_thread(store.replace, request.path_params["session_id"], payload)
        return JSONResponse({"id": request.path_params["session_id"], "setup": session.setup(),
                             "state": await asyncio.to_thread(session.snapshot)})

    @guarded
    async def act(request):
        action = request.path_params["action"]
        session = lookup(request)
        if action == "play":
            session.play()
        elif action == "pause":
            session.pause()
        elif action == "step":
            await asyncio.to_thread(session.step, 1)
        elif action == "reset":
            session = await asyncio.to_thread(store.replace, request.path_params["session_id"],
                                              session.config.to_dict())
            return JSONResponse({"id": request.path_params["session_id"], "setup": session.setup(),
                                 "state": await asyncio.to_thread(session.snapshot)})
        else:
            return error(f"Unknown action {action!r}. Expected play, pause, step or reset.", 404)
        return JSONResponse(await asyncio.to_thread(session.snapshot))

    @guarded
    async def state(request):
        return JSONResponse(await asyncio.to_thread(lookup(request).snapshot))

    @guarded
    async def events(request):
        session_id = request.path_params["session_id"]
        lookup(request)

        async def stream():
            sent = None
            try:
                while True:
                    try:
                        session = store.get(session_id)  # a reset swaps the session behind the id
                    except KeyError:
                        return
                    if sent != (id(session), session.version):
                        sent = (id(session), session.version)
                        snapshot = await asyncio.to_thread(session.snapshot)
                        yield f"event: state\ndata: {json.dumps(snapshot)}\n\n"
                    await asyncio.sleep(STREAM_INTERVAL)
            finally:  # the tab closed (or reloaded): its training stops
                store.close(session_id)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    @guarded
    async def download(request):
        session = lookup(request)
        if session.config.perceptron:
            return error("Perceptron mode has no Keras model to download; add a hidden layer.", 409)
        content = await asyncio.to_thread(session.keras_file)
        return Response(content, media_type="application/octet-stream",
                        headers={"Content-Disposition": 'attachment; filename="playground.keras"'})

    @guarded
    async def delete(request):
        store.close(request.path_params["session_id"])
        return JSONResponse({"closed": request.path_params["session_id"]})

    routes = [
        Route("/", page),
        Route("/api/options", list_options),
        Route("/api/sessions", create, methods=["POST"]),
        Route("/api/sessions/{session_id}", delete, methods=["DELETE"]),
        Route("/api/sessions/{session_id}/config", reconfigure, methods=["POST"]),
        Route("/api/sessions/{session_id}/state", state),
        Route("/api/sessions/{session_id}/events", events),
        Route("/api/sessions/{session_id}/model", download),
        Route("/api/sessions/{session_id}/{action}", act, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=str(static)), name="static"),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        store.close_all()  # the server stops: every training thread with it

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.sessions = store
    return app
