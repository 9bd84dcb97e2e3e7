"""Production WSGI serving: granian (the default of `koopgraph serve`) or
waitress.

One app process with a pool of request threads: queries run in worker
processes (engine/workers.py), RocksDB lets only one process open the
on-disk store, and sessions, answers and throttles live in this process's
memory. granian reads and writes HTTP in Rust and hands each request to one
of THREADS Python threads; measured side by side on the same app it serves
cached answers about four times as fast as waitress (docs/operations.md,
bench/README.md), so it is the default; waitress stays available (SERVER
setting) and runs the in-process servers of the tests.
"""

import json
import os
import signal
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from granian.server.mp import MPServer
from granian.constants import Interfaces
from granian.http import HTTP1Settings
from waitress import wasyncore
from waitress.server import create_server

from koopgraph.engine import limits
from koopgraph.web import stop_signals

SETTINGS_ENV = "KOOPGRAPH_SERVE_SETTINGS"  # the resolved settings, handed to granian's worker process
SERVERS = ("granian", "waitress")
# A worker that has not stopped this long after SIGTERM is killed (its store
# stays consistent: RocksDB's log; the next start removes its snapshots).
WORKER_STOP_SECONDS = 20
# A SPARQL query in a GET URL may be long; the app refuses it in its own words (400) beyond
# MAX_QUERY_TOKENS, so granian's own (empty) 414 only comes for heads beyond this.
MAX_REQUEST_HEAD = 1024 * 1024


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


# ---------------------------------------------------------------- granian

def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _plain(settings: dict[str, Any]) -> dict[str, Any]:
    return {key: str(value) if isinstance(value, os.PathLike) else value for key, value in settings.items()}


def serve_granian(settings: dict[str, Any], announce: Callable[[str], None]) -> None:
    """Serve the app on granian until SIGTERM or Ctrl-C. The app is made in
    granian's worker process from the settings resolved here (web/wsgi.py);
    announce(url) runs once the socket listens."""
    host = settings["HOST"]
    port = settings["PORT"] or free_port(host)
    os.environ[SETTINGS_ENV] = json.dumps(_plain(settings))
    shown = f"[{host}]" if ":" in host else host

    def when_answering() -> None:
        """granian's worker binds the port only once it has made the app:
        the URL is announced when the port takes a connection (a bare one:
        no request, so no line in the request log)."""
        while not _listening(host, port):
            time.sleep(0.05)
        announce(f"http://{shown}:{port}/")

    server = _Announcing("koopgraph.web.wsgi:from_environment", address=host, port=port, interface=Interfaces.WSGI,
                         workers=1, blocking_threads=settings["THREADS"], factory=True, log_enabled=False,
                         http1_settings=HTTP1Settings(max_buffer_size=MAX_REQUEST_HEAD),
                         workers_kill_timeout=WORKER_STOP_SECONDS)
    server.after_spawn = lambda: threading.Thread(target=when_answering, daemon=True).start()
    server.serve()


class _Announcing(MPServer):
    """granian's process server, calling after_spawn once its worker is
    forked: a thread started before the fork could hold a lock the worker
    then waits for forever."""

    after_spawn = None

    def startup(self, spawn_target, target_loader):
        super().startup(spawn_target, target_loader)
        # After the fork: granian's stop, from a relay thread (web/stop_signals.py).
        stop_signals.relay(lambda signum: self.signal_handler_interrupt())
        if self.after_spawn is not None:
            self.after_spawn()


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False
