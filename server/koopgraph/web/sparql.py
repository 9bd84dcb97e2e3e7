"""Blueprint /sparql: the SPARQL 1.1 Protocol.

The view reads the operation from the request, reads its text once
(engine/sparqltext.py: size, nesting, SERVICE targets), negotiates the
format with the query's form and lets a worker answer it (engine/workers.py:
one of MAX_CONCURRENT_QUERIES, within QUERY_TIMEOUT, at most MAX_RESULT_ROWS
rows). Everything the client got wrong becomes an ApiError with the status
the protocol asks for. Updates go to writes/update: with a token, through
the write gate, in one transaction.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from flask import Blueprint, Response, current_app, jsonify, redirect, request
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from koopgraph.engine import rdf as ox
from koopgraph.web import cache, cors, pages, request_log
from koopgraph.engine.workers import Ask
from koopgraph.web.context import answers, authorization, current_store, shapes, tokens, wants_html
from koopgraph.engine import federation, formats, sparqltext
from koopgraph import engine
from koopgraph.writes import update
from koopgraph.domain import prefixes, service_description
from koopgraph.errors import ApiError, BackendError
from koopgraph.namespaces import BASE

bp = Blueprint("sparql", __name__)
log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
_UTF8 = {"utf-8", "utf8", "us-ascii"}


@dataclass(frozen=True)
class Operation:
    """What the client asked for: a query (None: describe the service), the
    protocol dataset (None: the endpoint's default) and ?format= names."""

    query: str | None
    default_graphs: list[str] | None
    named_graphs: list[str] | None
    format_names: list[str]
    update: str | None = None
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()


@bp.route("/sparql", methods=["GET", "POST"])
@cors.read_endpoint
def endpoint() -> Response:
    """Query via GET or POST; a GET without query describes the service."""
    operation = _read_operation()
    if operation.update is not None:
        request_log.note_query(operation.update)
        sparqltext.read(operation.update, max_tokens=None)  # INSERT DATA may be long; never deep
        return _update(operation)
    if operation.query is None:
        return _service_description(operation)
    operation = replace(operation, query=_with_prefixes(operation.query))
    request_log.note_query(operation.query)
    reading = sparqltext.read(operation.query)
    federation.check(reading, federation.allowed(current_app.config["SERVICE_ALLOWLIST"]))
    if wants_html(["application/sparql-results+json"], format_names=operation.format_names):
        # a browser submitting the start page's form without JavaScript
        return _results_page(operation, reading)
    key = cache_key(operation, current_app.config["STRICT_DATASET"], request.headers.get("Accept"))
    return cache.respond(key, lambda: _evaluated(operation, reading), cacheable=reading.cacheable)


def cache_key(operation: Operation, strict: bool, accept: str | None) -> tuple:
    """Everything a query's answer depends on besides the store's version."""
    return ("sparql", operation.query, _tuple(operation.default_graphs), _tuple(operation.named_graphs), strict,
            accept, tuple(operation.format_names))


def _evaluated(operation: Operation, reading: sparqltext.Reading) -> cache.Answer:
    """The answer written by the engine within the query limits: until
    QUERY_TIMEOUT, at most MAX_RESULT_ROWS, in a worker (engine/workers.py)."""
    ask = _ask(operation, None, current_app.config["MAX_RESULT_ROWS"])
    with _service_errors(reading):
        answer = answers().ask(current_store(), ask, on_overdue=_overdue(request_log.current_query_hash()))
    return cache.Answer(answer.body, answer.media_type)


_KINDS = {"SELECT": formats.SOLUTIONS, "ASK": formats.BOOLEAN, "CONSTRUCT": formats.GRAPH, "DESCRIBE": formats.GRAPH}
# What the results page asks the engine for: the exact line-based formats, so it can show the first rows.
_PAGE_FORMATS = {formats.SOLUTIONS: ox.QueryResultsFormat.TSV, formats.BOOLEAN: ox.QueryResultsFormat.JSON,
                 formats.GRAPH: ox.RdfFormat.N_TRIPLES}


def _kind(reading: sparqltext.Reading) -> str:
    """What the answer can be serialized as, known from the text before it
    runs (a text that is no query fails in the engine with its message)."""
    return _KINDS.get(reading.form, formats.SOLUTIONS)


def _ask(operation: Operation, media_type: str | None, limit: int, truncate: bool = False) -> Ask:
    """The operation as a worker evaluates it: the endpoint's dataset rule,
    relative IRIs against the Koopgraph namespace, wherever the server runs;
    without media_type, the format negotiated from Accept and ?format=."""
    return Ask(operation.query, media_type, limit, accept=request.headers.get("Accept"),
               format_names=tuple(operation.format_names), strict=current_app.config["STRICT_DATASET"],
               default_graphs=_tuple(operation.default_graphs), named_graphs=_tuple(operation.named_graphs),
               base_iri=BASE, truncate=truncate)


def _results_page(operation: Operation, reading: sparqltext.Reading) -> Response:
    """The browser's results page, evaluated within the same limits (it
    shows at most pages.MAX_ROWS rows and says so)."""
    fmt = _PAGE_FORMATS[_kind(reading)]
    ask = _ask(operation, fmt.media_type, pages.MAX_ROWS + 1, truncate=True)
    with _service_errors(reading):
        body = answers().ask(current_store(), ask, on_overdue=_overdue(request_log.current_query_hash())).body
    if isinstance(fmt, ox.RdfFormat):
        result = [quad.triple for quad in ox.parse(body, format=fmt)]
    else:
        result = ox.parse_query_results(body, format=fmt)
    return Response(pages.render_results_html(result, query=operation.query), content_type="text/html; charset=utf-8")


def _tuple(graphs: list[str] | None) -> tuple[str, ...] | None:
    return None if graphs is None else tuple(graphs)


def _overdue(digest: str | None):
    """What the log says about a query past its deadline: when its thread
    ended it, or when its worker was stopped."""
    return lambda seconds, event: request_log.event(event, seconds=round(seconds, 1), query=digest)


@contextmanager
def _service_errors(reading: sparqltext.Reading) -> Iterator[None]:
    """A SERVICE endpoint that fails while the engine reads from it is the
    endpoint's fault, not the server's: 502, and never its words (they may
    describe the network behind it); the log keeps them."""
    try:
        yield
    except (OSError, RuntimeError, BackendError) as error:
        if not reading.services:
            raise
        log.warning("SERVICE failed: %s", error)
        raise ApiError(502, "Ein SERVICE-Endpunkt hat nicht richtig geantwortet.",
                       "A SERVICE endpoint did not answer properly.", "service-failed") from error


def _update(operation: Operation) -> Response:
    """SPARQL Update: the change is computed, checked and applied as a
    whole by update.run; the answer is a JSON summary of the submission."""
    resources_root = current_app.config.get("RESOURCES")
    submission, delta = update.run(
        current_store(),
        operation.update,
        tokens(),
        authorization(),
        shapes=shapes(),
        base_iri=BASE,
        resources_root=resources_root,
        using=list(operation.using_graphs),
        using_named=list(operation.using_named_graphs),
    )
    return jsonify(update.summary(submission, delta))


def _with_prefixes(query: str) -> str:
    """The graph's prefixes a query uses without declaring them (domain/prefixes.py)."""
    try:
        return prefixes.declared(query)
    except prefixes.UnknownPrefix as error:
        raise ApiError(400, error.de, error.en, "unknown-prefix", details={"prefix": error.prefix}) from error


def _service_description(operation: Operation) -> Response:
    if wants_html([row.media_type for row in formats.offered(formats.GRAPH)], format_names=operation.format_names):
        return redirect("/#sparql", 303)  # a person opening /sparql: the query page
    store, strict = current_store(), current_app.config["STRICT_DATASET"]
    triples = service_description.describe(
        request.base_url,
        engine.triple_count(store, strict=strict),
        engine.graph_counts(store),
        union=not strict,
    )
    if tokens():
        triples += _update_language(triples)
    chosen = formats.negotiate(request.headers.get("Accept"), formats.GRAPH, operation.format_names)
    return _answer(formats.serialize_triples(triples, chosen, service_description.PREFIXES), chosen)


_SD = "http://www.w3.org/ns/sparql-service-description#"


def _update_language(triples: list[ox.Triple]) -> list[ox.Triple]:
    """With write tokens configured the service also speaks SPARQL 1.1 Update."""
    language = ox.NamedNode(_SD + "supportedLanguage")
    services = {t.subject for t in triples if t.predicate == language}
    return [ox.Triple(s, language, ox.NamedNode(_SD + "SPARQL11Update")) for s in services]


def _answer(body: bytes, chosen: formats.Negotiated) -> Response:
    return Response(body, content_type=chosen.media_type, headers={"Vary": "Accept"})


def _read_operation() -> Operation:
    """The operation in the request, after the protocol's checks."""
    reading = request.method in ("GET", "HEAD")
    return operation_of(request.args if reading else _post_params(), reading)


def operation_of(params: MultiDict, reading: bool) -> Operation:
    """The operation the parameters ask for (GET: the URL's), after the
    protocol's checks (web/cached.py reads a GET the same way)."""
    queries, updates = params.getlist("query"), params.getlist("update")
    _check_operations(queries, updates, reading)
    defaults, named = params.getlist("default-graph-uri"), params.getlist("named-graph-uri")
    using, using_named = params.getlist("using-graph-uri"), params.getlist("using-named-graph-uri")
    _check_dataset_parameters(bool(updates), bool(defaults or named), bool(using or using_named))
    explicit = bool(defaults or named)
    return Operation(
        query=queries[0] if queries else None,
        default_graphs=defaults if explicit else None,
        named_graphs=named if explicit else None,
        format_names=params.getlist("format"),
        update=updates[0] if updates else None,
        using_graphs=tuple(using),
        using_named_graphs=tuple(using_named),
    )


def _check_dataset_parameters(is_update: bool, query_dataset: bool, update_dataset: bool) -> None:
    """default-graph-uri/named-graph-uri belong to queries,
    using-graph-uri/using-named-graph-uri to updates."""
    if (is_update and query_dataset) or (not is_update and update_dataset):
        raise ApiError(
            400,
            "default-graph-uri/named-graph-uri gelten nur für Abfragen, using-graph-uri/using-named-graph-uri nur für Updates.",
            "default-graph-uri/named-graph-uri are for queries, using-graph-uri/using-named-graph-uri for updates.",
            "dataset-parameters",
        )


def _check_operations(queries: list[str], updates: list[str], reading: bool) -> None:
    """Malformed requests (400) before forbidden ones (403), so a client
    learns what is wrong with its request even where updates are refused."""
    if updates and reading:
        raise ApiError(400, "Updates gehen nur per POST.", "Updates must be sent with POST.", "update-via-get")
    if queries and updates:
        raise ApiError(
            400,
            "Eine Anfrage darf nicht zugleich query und update enthalten.",
            "A request must not contain both query and update.",
            "query-and-update",
        )
    if len(queries) > 1 or len(updates) > 1:
        raise ApiError(
            400, "Genau eine Abfrage pro Anfrage, bitte.", "Exactly one operation per request, please.", "several-operations"
        )
    if not queries and not updates and not reading:
        raise ApiError(400, "Der Parameter query fehlt.", "The query parameter is missing.", "missing-query")


def _post_params() -> MultiDict:
    """Parameters of a POST: URL-encoded form, or the query as body with the
    other parameters in the URL. The size is checked before any parsing."""
    limit = current_app.config["MAX_BODY_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    if request.mimetype == FORM:
        return CombinedMultiDict([request.args, request.form])
    if request.mimetype in (QUERY, UPDATE):
        params = MultiDict(request.args)
        params.add("query" if request.mimetype == QUERY else "update", _utf8_body())
        return params
    received = request.mimetype or "keiner / none"
    raise ApiError(
        415,
        f"Content-Type {received} wird nicht unterstützt; erlaubt: {FORM}, {QUERY}, {UPDATE}.",
        f"Content-Type {received} is not supported; allowed: {FORM}, {QUERY}, {UPDATE}.",
        "unsupported-media-type",
    )


def _utf8_body() -> str:
    charset = request.mimetype_params.get("charset", "utf-8").strip().lower()
    if charset not in _UTF8:
        raise ApiError(
            415,
            f"Nur UTF-8 wird unterstützt, nicht {charset}.",
            f"Only UTF-8 is supported, not {charset}.",
            "unsupported-charset",
        )
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(400, "Der Text ist kein gültiges UTF-8.", "The text is not valid UTF-8.", "invalid-utf8") from error
