"""Blueprint /store: the SPARQL 1.1 Graph Store HTTP Protocol.

A graph is named with ?graph=<iri> (indirect identification) or ?default
(the store's own default graph). Anyone may read (GET, HEAD); writes need a
token and go through the same gate as every other write (writes/graph_store.py):
the change is computed from the graph's current and new content, checked
against protected graphs and the SHACL shapes, applied in one transaction
and logged as a submission with operation "graph-store".
"""

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from koopgraph.engine import rdf as ox
from koopgraph.domain import access
from koopgraph.web import cors
from koopgraph.web.context import authorization, current_store, resources_root, shapes, tokens
from koopgraph.engine import formats, rdf_input
from koopgraph.writes import graph_store, update
from koopgraph.writes.submissions import new_id
from koopgraph.errors import ApiError
from koopgraph.namespaces import BASE, SUBMISSION_PREFIX

bp = Blueprint("gsp", __name__)

# A graph is a graph: dataset syntaxes would silently lose their graph names.
GRAPH_MEDIA_TYPES = ("text/turtle", "application/x-turtle", "application/n-triples", "text/plain",
                     "application/ld+json", "application/rdf+xml")
MULTIPART = "multipart/form-data"


def _target() -> ox.NamedNode | ox.DefaultGraph | None:
    """The graph the request names; None when it names none (only POST may)."""
    graphs = request.args.getlist("graph")
    default = "default" in request.args
    if len(graphs) > 1 or (graphs and default):
        raise ApiError(400, "Bitte genau einen Graphen nennen: ?graph=<IRI> oder ?default.",
                       "Name exactly one graph: ?graph=<IRI> or ?default.", "graph-parameters")
    if default:
        return ox.DefaultGraph()
    if not graphs:
        return None
    try:
        return ox.NamedNode(graphs[0])
    except ValueError as error:
        raise ApiError(400, f"Ungültige Graph-IRI {graphs[0]!r}: {error}", f"Invalid graph IRI {graphs[0]!r}: {error}",
                       "invalid-graph-iri") from error


def _required_target() -> ox.NamedNode | ox.DefaultGraph:
    target = _target()
    if target is None:
        raise ApiError(400, "Welcher Graph? ?graph=<IRI> oder ?default fehlt.",
                       "Which graph? ?graph=<IRI> or ?default is missing.", "missing-graph")
    return target


# ---------------------------------------------------------------- reading

@bp.get("/store")
@cors.read_endpoint
def read() -> Response:
    """The graph's triples, Turtle unless Accept or ?format= asks otherwise."""
    store, graph = current_store(), _required_target()
    if not graph_store.exists(store, graph):
        raise graph_store.not_found(graph)
    chosen = formats.negotiate(request.headers.get("Accept"), formats.GRAPH, request.args.getlist("format"))
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
    return Response(formats.serialize_triples(triples, chosen), content_type=chosen.media_type,
                    headers={"Vary": "Accept"})


# ---------------------------------------------------------------- the request body

def _parse(data: bytes, media_type: str | None, where: str, base_iri: str) -> list[ox.Triple]:
    kind = (media_type or "").split(";")[0].strip().lower()
    if kind not in GRAPH_MEDIA_TYPES:
        offered = ", ".join(GRAPH_MEDIA_TYPES)
        raise ApiError(415, f"Content-Type „{media_type or '–'}“ wird hier nicht unterstützt; möglich: {offered}, {MULTIPART}",
                       f"Content-Type '{media_type or '–'}' is not supported here; possible: {offered}, {MULTIPART}",
                       "unsupported-media-type")
    try:
        return [q.triple for q in ox.parse(data, format=rdf_input.format_for_media_type(kind), base_iri=base_iri)]
    except SyntaxError as error:
        message = error.msg if isinstance(error.msg, str) else str(error)
        failure = rdf_input.RdfSyntaxError(where, message, error.lineno, error.offset)
    except (ValueError, UnicodeDecodeError) as error:
        failure = rdf_input.RdfSyntaxError(where, str(error), None, None)
    raise ApiError(400, failure.de, failure.en, "rdf-syntax", details={"line": failure.line, "column": failure.column})


def _body_quads(graph) -> list[ox.Quad]:
    """The RDF in the body as quads of graph, every blank node a new one.
    multipart/form-data (GSP 5.5) merges its parts, each parsed on its own.
    Relative IRIs resolve against the graph's IRI (the graph is the
    document), in the default graph against the Koopgraph namespace."""
    limit = current_app.config["MAX_BODY_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    if request.mimetype == MULTIPART:
        parts = [(f.read(), f.mimetype, f"Teil {f.filename or name}") for name in request.files
                 for f in request.files.getlist(name)]
    else:
        data = request.get_data()
        if not data and not request.mimetype:
            return []  # an empty body is an empty graph, whatever its (missing) type
        parts = [(data, request.content_type, "Anfragekörper")]
    quads: list[ox.Quad] = []
    for data, media_type, where in parts:
        triples = _parse(data, media_type, where, BASE if isinstance(graph, ox.DefaultGraph) else graph.value)
        quads += update.fresh_blank_nodes(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)
    return list(dict.fromkeys(quads))


# ---------------------------------------------------------------- writing

def _writable(graph) -> None:
    """Protected graphs are refused before the body is even read."""
    graph_store.writable(graph, resources_root())


def _logged() -> dict:
    return {"body": request.get_data(), "media_type": request.mimetype or None, "shapes": shapes(),
            "resources_root": resources_root()}


def _answer(written: graph_store.Written, graph) -> Response:
    """201 with Location for a new graph, 200 with the submission, 204 when
    nothing changed (and so nothing was logged)."""
    if written.submission is None and not written.created:
        return Response(status=204)
    body = update.summary(written.submission, written.delta) | {
        "target": None if isinstance(graph, ox.DefaultGraph) else graph.value}
    response = jsonify(body)
    if written.created:
        response.status_code = 201
        response.headers["Location"] = graph.value
    return response


@bp.put("/store")
def replace() -> Response:
    """Replace the graph's content (GSP 5.3)."""
    credentials = authorization()
    token = update.caller(tokens(), credentials)
    graph = _required_target()
    _writable(graph)
    new = _body_quads(graph)
    written = graph_store.replace(current_store(), graph, new, token, tokens(), credentials, **_logged())
    return _answer(written, graph)


@bp.post("/store")
def merge() -> Response:
    """Merge the body into the graph (GSP 5.5); without ?graph= or ?default
    a new graph is made – the submission's own – and named in Location."""
    token = update.caller(tokens(), authorization())
    graph, sid = _target(), None
    if graph is None:
        sid = new_id()
        graph = ox.NamedNode(SUBMISSION_PREFIX + sid)
    _writable(graph)
    new = _body_quads(graph)
    written = graph_store.merge(current_store(), graph, new, token, sid=sid, **_logged())
    return _answer(written, graph)


@bp.delete("/store")
def drop() -> Response:
    """Drop the graph (GSP 5.4); ?default empties the default graph."""
    update.caller(tokens(), authorization())
    token = access.require(tokens(), authorization(), access.ADMIN)
    graph = _required_target()
    _writable(graph)
    written = graph_store.drop(current_store(), graph, token, **_logged())
    return _answer(written, graph)
