"""The web app's factory: config → store → blueprints → error handlers."""

from typing import Any

from flask import Flask

from koopgraph import config as settings
from koopgraph.writes import build
from koopgraph.web import errors
from koopgraph.domain import access
from koopgraph.engine import limits
from koopgraph import engine
from koopgraph.engine.remote import open_remote
from koopgraph.web import (admin, cache, catalog, cors, dumps, forms, graph_store, headers, health, pages, questions,
                           records, request_log, sparql)
from koopgraph.web.context import CACHE_KEY, STORE_KEY


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The web app: config → store → blueprints → error handlers.

    The store is opened once per app and shared by all threads (pyoxigraph
    stores are thread-safe); an empty store is built from the packaged
    files first, so `koopgraph serve` works on a fresh install.
    """
    app = Flask(__name__)
    app.config.update(settings.load(config))
    # Flask enforces both limits while reading, before a body is parsed.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_BODY_BYTES"]
    app.extensions[STORE_KEY] = _open(app.config)
    app.extensions["koopgraph.tokens"] = access.load(app.config)
    limits.deep_stacks()
    app.extensions["koopgraph.queries"] = limits.QueryGate(app.config["MAX_CONCURRENT_QUERIES"], app.config["QUERY_TIMEOUT"])
    app.extensions[CACHE_KEY] = cache.AnswerCache(app.config["CACHE_MAX_BYTES"]) if app.config["CACHE"] else None
    app.register_blueprint(sparql.bp)
    app.register_blueprint(questions.bp)
    app.register_blueprint(catalog.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(records.bp)
    app.register_blueprint(graph_store.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(forms.bp)
    app.register_blueprint(admin.bp)
    cors.init_app(app)
    headers.init_app(app)
    request_log.init_app(app)
    errors.register(app)
    return app


def _open(config: dict[str, Any]):
    if config["BACKEND"] == "sparql":
        path, store = None, open_remote(config)
    else:
        path = None if config["STORE"] == settings.MEMORY else config["STORE"]
        store = engine.open_store(path)
    if config["BUILD_IF_EMPTY"]:
        # First start: build everything. Later starts (e.g. after an upgrade):
        # rebuild only the graphs whose files changed; submissions stay.
        changed = build.build(store, config["RESOURCES"], only_changed=not engine.is_empty(store))
        if changed:
            store.flush()
    return store
