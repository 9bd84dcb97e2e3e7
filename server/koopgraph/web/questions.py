"""Blueprint: the named questions (/queries) and the OpenAPI description.

A question is answered like a SPARQL query (same formats, same engine
serializers), but its parameters are typed and checked first, so a user
gets a clear 400 instead of an empty or surprising answer.
"""

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from koopgraph.engine import rdf as ox
from koopgraph.web import cache, cors, downloads
from koopgraph.engine.workers import Ask, bindings_of
from koopgraph.web.context import HTML, answers, current_store, language, named_questions, search_index, t, wants_html
from koopgraph.engine import formats, limits
from koopgraph.domain import openapi, questions, regions, search, tables
from koopgraph.errors import ApiError

bp = Blueprint("api", __name__)

RESERVED = {"format", "lang", "sort"}  # query-string names that are not parameters


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
    sheet = downloads.asked_spreadsheet()
    if sheet is None and _wants_html():
        return _page(query, raw)
    try:
        terms = query.bind(raw)
    except questions.ParameterError as error:
        raise ApiError(400, error.de, error.en, "invalid-parameter", details={"parameter": error.name}) from error
    if sheet is not None:
        table = readable_table(query, terms, language())
        return downloads.spreadsheet(sheet, [(query.title[language()], table)], query.name)
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


def _page(query: questions.NamedQuery, raw: dict[str, str]) -> Response:
    """The question as a page: its form (choosers by name), and the readable
    table – or, for a missing or bad parameter, the form with the reason (400)."""
    lang = language()
    form = [(p, regions.choices(current_store(), p.type, lang, raw.get("land", "01"))) for p in query.params]
    try:
        terms = query.bind(raw)
    except questions.ParameterError as error:
        page = render_template("fragen/antwort.html", frage=_describe(query), form=form, params=raw, table=None,
                               error=t(error.de, error.en))
        return Response(page, 400, mimetype=HTML)
    table = readable_table(query, terms, lang, request.args.get("sort"))
    page = render_template("fragen/antwort.html", frage=_describe(query), form=form, params=raw, table=table,
                           error=None, sort=request.args.get("sort", ""))
    return Response(page, mimetype=HTML)


def readable_table(query: questions.NamedQuery, terms: dict, lang: str, sort: str | None = None) -> tables.Table:
    """The answer as people read it (domain/tables.py), evaluated like any answer."""
    solutions = limits.parse_tsv(_evaluate(query, terms, ox.QueryResultsFormat.TSV))
    return tables.build(current_store(), query, tables.solution_rows(solutions), lang, sort)


def _text(query: questions.NamedQuery, terms: dict) -> str:
    """The question's SPARQL; a region search (the block marked in the .rq)
    narrowed to the regions the full-text index finds for ?q."""
    q = terms.get("q")
    if q is not None and search.BEGIN in query.sparql:
        return search.narrowed(query.sparql, search_index().regions(q.value)) or query.sparql
    return query.sparql


def _evaluate(query: questions.NamedQuery, terms: dict, fmt) -> bytes:
    """The question's answer written by the engine, within the app's query
    limits (time, concurrent queries, rows), like any query at /sparql."""
    ask = Ask(_text(query, terms), fmt.media_type, current_app.config["MAX_RESULT_ROWS"], bindings=bindings_of(terms))
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
