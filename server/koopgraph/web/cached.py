"""Answers already given, served as bytes from memory before Flask runs.

A cached answer is fully determined by its cache key and the store's
version (web/cache.py), so serving it needs neither routing nor views nor
hooks. This WSGI middleware reads a GET of /sparql or /queries/<name> with
werkzeug's Request (the parser Flask itself uses), computes the key with the
very functions the views use (sparql.operation_of and cache_key,
questions.cache_key), and when the cache holds an answer for the current
version it sends it with the headers Flask's path would send (CORS, the
security headers, ETag, Vary; 304 for a current If-None-Match) and writes
the same log line. Everything else – a miss, a page for a browser, any
question about the request – goes to Flask unchanged; a test compares both
paths header by header.
"""

import time
from collections.abc import Callable, Iterable

from flask import Flask
from werkzeug.wrappers import Request

from koopgraph.errors import KoopgraphError
from koopgraph.web import cache, cors, downloads, headers, questions as question_views, request_log, sparql
from koopgraph.web.context import CACHE_KEY, QUESTIONS_KEY, STORE_KEY, wants_html

_STATUS = {200: "200 OK", 304: "304 NOT MODIFIED"}


class CachedAnswers:
    """WSGI middleware in front of the Flask app's own wsgi_app."""

    def __init__(self, app: Flask, following: Callable) -> None:
        self.app, self.following = app, following
        self.answers: cache.AnswerCache | None = app.extensions.get(CACHE_KEY)
        self.store = app.extensions[STORE_KEY]
        self.questions = app.extensions[QUESTIONS_KEY]
        self.strict = app.config["STRICT_DATASET"]
        self.origins = app.config["CORS_ORIGINS"]
        self.log = app.config.get("LOG_REQUESTS", True)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")
        if self.answers is None or method not in ("GET", "HEAD") or not environ.get("QUERY_STRING") \
                and not path.startswith("/queries/"):
            return self.following(environ, start_response)
        if path != "/sparql" and not path.startswith("/queries/"):
            return self.following(environ, start_response)
        started = time.perf_counter()
        request = Request(environ)
        try:
            key, digest = self._key(request, path)
        except Exception:  # noqa: BLE001 - anything unusual is Flask's to answer
            return self.following(environ, start_response)
        if key is None:
            return self.following(environ, start_response)
        try:
            version = self.store.version()
        except KoopgraphError:  # an engine that is down: Flask answers 502 in the one place errors are rendered
            return self.following(environ, start_response)
        found = self.answers.get(version, key)
        if found is None:
            return self.following(environ, start_response)
        tag = cache.etag(version, key)
        status = 304 if cache.matches(request.headers.get("If-None-Match"), tag) else 200
        start_response(_STATUS[status], self._headers(request, found, tag, status))
        if self.log:
            line = {"time": request_log.now(), "event": "request", "method": method, "path": request.path,
                    "status": status, "ms": round((time.perf_counter() - started) * 1000, 1)}
            if digest is not None:
                line["query"] = digest
            request_log.write(line)
        return [] if status == 304 or method == "HEAD" else [found.body]

    def _key(self, request: Request, path: str) -> tuple[tuple | None, str | None]:
        accept = request.headers.get("Accept")
        if path == "/sparql":
            operation = sparql.operation_of(request.args, reading=True)
            if operation.query is None or operation.update is not None:
                return None, None
            if wants_html(["application/sparql-results+json"], format_names=operation.format_names, of=request):
                return None, None
            return sparql.cache_key(operation, self.strict, accept), request_log.query_hash(operation.query)
        query = self.questions.get(path[len("/queries/"):])
        if query is None or downloads.asked_spreadsheet(of=request) or wants_html(question_views.DATA_TYPES, of=request):
            return None, None
        terms = query.bind(question_views.parameters(request.args))
        chosen = question_views.negotiate(accept, request.args.getlist("format"))
        return question_views.cache_key(query, terms, chosen), None

    def _headers(self, request: Request, found: cache.Answer, tag: str, status: int) -> list[tuple[str, str]]:
        out = []
        if status == 200:
            out += [("Content-Type", found.content_type), ("Content-Length", str(len(found.body)))]
        vary = ["Accept"]
        origin = cors.allowed_origin(self.origins, request.headers.get("Origin"))
        if origin is not None:
            out.append(("Access-Control-Allow-Origin", origin))
            if origin != "*":
                vary.append("Origin")
        out += [("Vary", ", ".join(vary)), ("ETag", tag), ("Cache-Control", cache.CACHE_CONTROL)]
        out += headers.security_headers(found.content_type if status == 200 else "text/html")
        return out


def init_app(app: Flask) -> None:
    """Put the middleware in front of the app (after every other set-up)."""
    app.wsgi_app = CachedAnswers(app, app.wsgi_app)
