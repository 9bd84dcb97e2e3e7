"""One structured line per request on stderr, for the operator.

Each line is a JSON object: time, method, path (without the query string),
status, duration in milliseconds and, where the request carried SPARQL,
a hash of its text, so the same expensive query can be recognised without
storing what anyone asked. The Authorization header, the query string and
the body are never written.
"""

import hashlib
import json
import logging
import sys
import time
from datetime import datetime, timezone

from flask import Flask, Response, g, has_request_context, request

logger = logging.getLogger("koopgraph.requests")


class _Stderr(logging.Handler):
    """Writes to whatever sys.stderr is at the moment (tests capture it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(record.getMessage() + "\n")
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - a log line must never fail a request
            self.handleError(record)


if not any(isinstance(h, _Stderr) for h in logger.handlers):
    logger.addHandler(_Stderr())
logger.setLevel(logging.INFO)
logger.propagate = False


def query_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def note_query(text: str) -> None:
    """Remember the hash of the request's SPARQL text for its log line."""
    if has_request_context():
        g.koopgraph_query_hash = query_hash(text)


def current_query_hash() -> str | None:
    return g.get("koopgraph_query_hash") if has_request_context() else None


def event(name: str, **fields) -> None:
    """A line about something that is not a request (e.g. a query that
    ended after its client had its 503)."""
    write({"time": now(), "event": name, **fields})


def write(line: dict) -> None:
    logger.info(json.dumps(line, ensure_ascii=False))


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def init_app(app: Flask) -> None:
    if not app.config.get("LOG_REQUESTS", True):
        return

    @app.before_request
    def _start() -> None:
        g.koopgraph_started = time.perf_counter()

    @app.after_request
    def _line(response: Response) -> Response:
        started = g.get("koopgraph_started")
        line = {"time": now(), "event": "request", "method": request.method, "path": request.path,
                "status": response.status_code,
                "ms": None if started is None else round((time.perf_counter() - started) * 1000, 1)}
        if (digest := g.get("koopgraph_query_hash")) is not None:
            line["query"] = digest
        write(line)
        return response
