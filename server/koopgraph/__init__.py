"""Koopgraph: knowledge graph on cooperation between job centres and
migration services in Schleswig-Holstein."""

from typing import Any

from flask import Flask, current_app

__version__ = "0.1.0"

STORE_KEY = "koopgraph.store"
CACHE_KEY = "koopgraph.cache"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The web app: config → store → blueprints → error handlers.

    The store is opened once per app and shared by all threads (pyoxigraph
    stores are thread-safe); an empty store is built from the packaged
    files first, so `koopgraph serve` works on a fresh install.
    """
    from . import (admin, api, auth, cache, config as settings, cors, dumps, errors, forms_views, gsp, headers, health,
                   limits, pages, recordsapi, reqlog, sparql, void)

    app = Flask(__name__)
    app.config.update(settings.load(config))
    # Flask enforces both limits while reading, before a body is parsed.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_BODY_BYTES"]
    app.extensions[STORE_KEY] = _open(app.config)
    app.extensions["koopgraph.tokens"] = auth.load(app.config)
    limits.deep_stacks()
    app.extensions["koopgraph.queries"] = limits.QueryGate(app.config["MAX_CONCURRENT_QUERIES"], app.config["QUERY_TIMEOUT"])
    app.extensions[CACHE_KEY] = cache.AnswerCache(app.config["CACHE_MAX_BYTES"]) if app.config["CACHE"] else None
    app.register_blueprint(sparql.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(void.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(recordsapi.bp)
    app.register_blueprint(gsp.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(forms_views.bp)
    app.register_blueprint(admin.bp)
    cors.init_app(app)
    headers.init_app(app)
    reqlog.init_app(app)
    errors.register(app)
    return app


def _open(config: dict[str, Any]):
    from . import store as kgstore
    from .config import MEMORY

    if config["BACKEND"] == "sparql":
        path, store = None, open_remote(config)
    else:
        path = None if config["STORE"] == MEMORY else config["STORE"]
        store = kgstore.open_store(path)
    if config["BUILD_IF_EMPTY"]:
        # First start: build everything. Later starts (e.g. after an upgrade):
        # rebuild only the graphs whose files changed; submissions stay.
        changed = kgstore.build(store, config["RESOURCES"], store_path=path, only_changed=not kgstore.is_empty(store))
        if changed:
            store.flush()
    return store


def open_remote(config: dict[str, Any]):
    """The SPARQL engine named by QUERY_URL/UPDATE_URL (BACKEND sparql)."""
    from .remote import Endpoints, RemoteStore

    return RemoteStore(Endpoints(config["QUERY_URL"], config["UPDATE_URL"], config["GSP_URL"], config["REMOTE_AUTH"],
                                 timeout=config["QUERY_TIMEOUT"] + 5, union=config["REMOTE_UNION"]))


def current_store():
    """The store of the app handling the current request."""
    return current_app.extensions[STORE_KEY]
