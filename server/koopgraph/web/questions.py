"""Blueprint: the named questions (/queries) and the OpenAPI description.

A question is answered like a SPARQL query (same formats, same engine
serializers), but its parameters are typed and checked first, so a user
gets a clear 400 instead of an empty or surprising answer.
"""

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from koopgraph.engine import rdf as ox
from koopgraph.web import cache, cors
from koopgraph.engine.workers import Ask, bindings_of
from koopgraph.web.context import answers, current_store, language, named_questions, wants_html
from koopgraph.engine import formats, limits
from koopgraph import engine
from koopgraph.domain import openapi, questions
from koopgraph.errors import ApiError

bp = Blueprint("api", __name__)

RESERVED = {"format", "lang"}  # query-string names that are not parameters


DATA_TYPES = ["application/json", "application/sparql-results+json"]


def _wants_html() -> bool:
    return wants_html(DATA_TYPES)


@bp.route("/queries")
@cors.read_endpoint
def index() -> Response | str:
    """The catalogue: every question with title, description and parameters."""
    items = [_describe(q) for q in named_questions().values()]
    if _wants_html():
        return render_template("fragen/liste.html", fragen=items, lang=language())
    return jsonify({"queries": items})


@bp.route("/queries/<name>")
@cors.read_endpoint
def answer(name: str) -> Response | str:
    """One question, answered with the parameters from the query string."""
    query = _find(name)
    raw = parameters(request.args)
    try:
        terms = query.bind(raw)
    except questions.ParameterError as error:
        raise ApiError(400, error.de, error.en, "invalid-parameter", details={"parameter": error.name}) from error
    if _wants_html():
        solutions = limits.parse_tsv(_evaluate(query, terms, ox.QueryResultsFormat.TSV))
        rows = [[("" if term is None else term.value) for term in row] for row in solutions]
        columns = [v.value for v in solutions.variables]
        return render_template("fragen/antwort.html", frage=_describe(query), columns=columns, rows=rows,
                               params=raw, lang=language())
    chosen = negotiate(request.headers.get("Accept"), request.args.getlist("format"))
    key = cache_key(query, terms, chosen)
    return cache.respond(key, lambda: cache.Answer(_evaluate(query, terms, chosen.format), chosen.media_type))


def negotiate(accept: str | None, format_names: list[str]) -> formats.Negotiated:
    """The format of a question's answer (always solutions)."""
    return formats.negotiate(accept, formats.SOLUTIONS, format_names)


def parameters(args) -> dict[str, str]:
    """A question's parameters in the query string (one value each)."""
    return {k: v for k, v in args.items() if k not in RESERVED}


def cache_key(query: questions.NamedQuery, terms: dict, chosen: formats.Negotiated) -> tuple:
    """Everything a question's answer depends on besides the store's version."""
    return ("queries", query.name, tuple(sorted((k, str(v)) for k, v in terms.items())), chosen.media_type)


def _evaluate(query: questions.NamedQuery, terms: dict, fmt) -> bytes:
    """The question's answer written by the engine, within the app's query
    limits (time, concurrent queries, rows), like any query at /sparql."""
    ask = Ask(query.sparql, fmt.media_type, current_app.config["MAX_RESULT_ROWS"], bindings=bindings_of(terms))
    return answers().ask(current_store(), ask).body


@bp.route("/openapi.json")
@cors.read_endpoint
def openapi_json() -> Response:
    return jsonify(openapi.describe(named_questions()))


def _find(name: str) -> questions.NamedQuery:
    query = named_questions().get(name)
    if query is None:
        known = ", ".join(named_questions())
        raise ApiError(404, f"Die Frage „{name}“ gibt es nicht. Vorhanden: {known}",
                       f"There is no question '{name}'. Available: {known}", "unknown-query")
    return query


def _describe(query: questions.NamedQuery) -> dict:
    return {
        "name": query.name,
        "title": dict(query.title),
        "description": dict(query.description),
        "columns": list(query.columns),
        "url": f"/queries/{query.name}",
        "params": [
            {"name": p.name, "type": p.type, "required": p.required, "default": p.default, "example": p.example,
             "pattern": questions.PARAM_TYPES[p.type].pattern, "description": dict(p.description)}
            for p in query.params
        ],
    }
