"""The web app's factory: config → store → questions and shapes →
blueprints → error handlers.

Everything a request needs is made here, once: a broken named question or
shape file stops the start (with the file and line) instead of failing at a
user's first click.
"""

import multiprocessing.util
from pathlib import Path
from typing import Any

from flask import Flask

from koopgraph import config as settings, content, engine
from koopgraph.domain import access, questions, search, validation
from koopgraph.engine import embedded, limits, workers
from koopgraph.web import (admin, cache, cached, catalog, cors, dumps, errors, forms, graph_store, headers, health, hooks, map_page,
                           pages, records, redirects, request_log, sparql, throttle)
from koopgraph.web import questions as question_views
from koopgraph.web.context import ANSWERS_KEY, CACHE_KEY, QUESTIONS_KEY, SEARCH_KEY, SHAPES_KEY, STORE_KEY, TOKENS_KEY
from koopgraph.web import search_page
from koopgraph.writes.build import build

BLUEPRINTS = (sparql, question_views, catalog, dumps, records, graph_store, health, pages, map_page, forms, admin,
              redirects, search_page)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The web app. The store is opened once per app and shared by all
    threads (pyoxigraph stores are thread-safe); an empty store is built
    from the packaged files first, so `koopgraph serve` works on a fresh
    install."""
    app = Flask(__name__)
    app.config.update(settings.load(config))
    # Flask enforces both limits while reading, before a body is parsed.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_BODY_BYTES"]
    root = Path(app.config["RESOURCES"]) if app.config.get("RESOURCES") else content.root()
    app.extensions[QUESTIONS_KEY] = questions.load_queries(root / "queries")
    app.extensions[SHAPES_KEY] = validation.load_shapes(root)
    app.extensions[STORE_KEY] = _open(app.config)
    app.extensions[TOKENS_KEY] = access.load(app.config)
    app.extensions[SEARCH_KEY] = _search_index(app.extensions[STORE_KEY])
    limits.deep_stacks()
    app.extensions[ANSWERS_KEY] = _answers(app.extensions[STORE_KEY], app.config)
    app.extensions[CACHE_KEY] = cache.AnswerCache(app.config["CACHE_MAX_BYTES"]) if app.config["CACHE"] else None
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint.bp)
    hooks.init_app(app)
    throttle.init_app(app)
    cors.init_app(app)
    headers.init_app(app)
    request_log.init_app(app)
    errors.register(app)
    cached.init_app(app)  # last: it answers before everything above, for cached answers only
    return app


def check(config: dict[str, Any]) -> None:
    """What would stop create_app, found without starting anything: a
    broken named question or shape file (with file and line), a store held
    by another process. For `koopgraph serve`, whose app is made in another
    process (web/serving.py), so that it can exit 2 before it listens."""
    settings_ = settings.load(config)
    root = Path(settings_["RESOURCES"]) if settings_.get("RESOURCES") else content.root()
    questions.load_queries(root / "queries")
    validation.load_shapes(root)
    if settings_["BACKEND"] != "sparql" and settings_["STORE"] != settings.MEMORY:
        embedded.refuse_if_held(settings_["STORE"])  # never opened here: granian forks this process


def _answers(store: engine.Engine, config: dict[str, Any]):
    """Where queries from users are answered: worker processes over
    replicas of an embedded store, else threads of this process (a remote
    engine is a process of its own)."""
    if config["QUERY_PROCESSES"] and isinstance(store, engine.EmbeddedEngine):
        pool = workers.QueryPool(store, config["MAX_CONCURRENT_QUERIES"], config["QUERY_TIMEOUT"])
        pool.start()
        # On the way out of this process, also where it is granian's worker
        # process (a multiprocessing child, which runs no atexit handlers).
        multiprocessing.util.Finalize(None, pool.close, exitpriority=10)
        return pool
    return workers.ThreadAnswers(limits.QueryGate(config["MAX_CONCURRENT_QUERIES"], config["QUERY_TIMEOUT"]))


def _search_index(store: engine.Engine) -> search.SearchIndex:
    """The full-text index beside the store, told every write of an embedded
    store; for a remote engine built at the first search (context.search_index),
    so a server whose engine is down still starts and says so per request."""
    if not isinstance(store, engine.EmbeddedEngine):
        return search.SearchIndex()
    index = search.open_index(store, store.path)
    store.listeners.append(index.listener(store))
    return index


def _open(config: dict[str, Any]) -> engine.Engine:
    if config["BACKEND"] == "sparql":
        store = engine.open_remote(config)
    else:
        store = engine.open_store(None if config["STORE"] == settings.MEMORY else config["STORE"])
    if config["BUILD_IF_EMPTY"]:
        # First start: build everything. Later starts (e.g. after an upgrade):
        # rebuild only the graphs whose files changed; submissions stay.
        if build(store, config["RESOURCES"], only_changed=not engine.is_empty(store)):
            store.flush()
    return store
