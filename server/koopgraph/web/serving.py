"""Production WSGI serving with waitress.

One process with a pool of threads: pyoxigraph releases the GIL while it
evaluates and serializes, so threads run queries in parallel, and RocksDB
lets only one process open the on-disk store anyway.
"""

import signal
import threading
from typing import Any

from flask import Flask
from waitress import wasyncore
from waitress.server import create_server

from koopgraph.engine import limits


def make_server(app: Flask, settings: dict[str, Any]):
    """A bound, not yet running waitress server for app.

    Waitress buffers whole bodies before the app sees them, so it refuses
    bodies over twice MAX_BODY_BYTES itself (without reading them); bodies
    just over the limit get the app's own bilingual 413.
    """
    limits.deep_stacks()  # before the worker threads exist: they inherit the stack size
    return create_server(
        app,
        host=settings["HOST"],
        port=settings["PORT"],
        threads=settings["THREADS"],
        max_request_body_size=2 * settings["MAX_BODY_BYTES"] + 1,
        ident="koopgraph",
    )


def url(server) -> str:
    """The address the server really listens on (PORT 0 picks a free one)."""
    host = server.effective_host
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{server.effective_port}/"


def _stop(signum, frame):
    raise SystemExit(0)


def stop_on_signals() -> None:
    """Make SIGTERM end the serving loop cleanly (like Ctrl-C). Call it
    before announcing the server: a supervisor may signal right after."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)


def run(server) -> None:
    """Serve until SIGTERM or Ctrl-C; both end the loop cleanly, so open
    requests are finished and the store is closed properly."""
    stop_on_signals()
    server.run()


def stop(server) -> None:
    """Stop a server running in another thread (tests): the closing happens
    in the server's own loop, which then ends."""

    def _close() -> None:
        server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(server._map)

    server.trigger.pull_trigger(_close)
