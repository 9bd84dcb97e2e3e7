"""Blueprint: the web pages for people – the start page with the SPARQL
editor, one page per resource (/id/…) and the ontology (/ontology), and the
HTML page of a SPARQL result.

German first; ?lang=en (remembered in a cookie) switches to English. Every
page is complete HTML without JavaScript; static/editor.js only makes the
editor answer in place. No inline scripts or event handlers, so a strict
Content-Security-Policy (script-src 'self') can be switched on.
"""

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request

from koopgraph import engine
from koopgraph.domain import choropleth, descriptions as described, forms, origin, profile as profiles, summaries
from koopgraph.domain.examples import BY_KEY as EXAMPLES_BY_KEY, EXAMPLES
from koopgraph.engine import formats, rdf as ox
from koopgraph.errors import ApiError
from koopgraph.namespaces import DATASET, ID, KATALOG_GRAPH
from koopgraph.web import downloads
from koopgraph.web.context import HTML, SAVED_COOKIE, current_store, language, named_questions, shapes, wants_html

bp = Blueprint("pages", __name__)

MAX_ROWS = 1000  # rows an HTML result table shows; CSV has them all


# ------------------------------------------------------------------- start page


def _dataset_text(lang: str) -> dict[str, str]:
    """Title and description of the dataset from the catalogue graph, in lang."""
    sparql = f"""SELECT ?p ?text WHERE {{ GRAPH <{KATALOG_GRAPH}> {{ <{DATASET}> ?p ?text }}
      VALUES ?p {{ <{described.TITLE}> <{described.DCTERMS}description> }} FILTER(LANG(?text) = "{lang}") }}"""
    found = {row["p"].value.rsplit("/", 1)[-1]: row["text"].value for row in engine.query(current_store(), sparql)}
    return {"title": found.get("title", "Koopgraph"), "description": found.get("description", "")}


@bp.get("/")
def start() -> str:
    """What the graph is, the named questions, the map and the SPARQL editor."""
    chosen = EXAMPLES_BY_KEY.get(request.args.get("beispiel", ""), EXAMPLES[0])
    return render_template(
        "start.html", dataset=_dataset_text(language()), fragen=list(named_questions().values()),
        examples=EXAMPLES, chosen=chosen, query=request.args.get("query", chosen.sparql.strip()),
    )


# ------------------------------------------------------------------- SPARQL results as HTML


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> described.Shown:
    if term is None:
        return described.Shown("")
    if isinstance(term, ox.NamedNode):
        return described.Shown(term.value, described.local_href(term.value))
    if isinstance(term, ox.Literal):
        return described.Shown(term.value, None, term.language)
    return described.Shown("_:" + term.value)


def render_results_html(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, query: str | None = None) -> str:
    """A whole HTML page for a SPARQL result (table, yes/no, or triples),
    with the query in an editor form and a CSV link. For /sparql when the
    client prefers text/html; call it inside a request."""
    boolean, columns, rows = None, [], []
    if isinstance(result, ox.QueryBoolean):
        boolean = bool(result)
    elif isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows = [[_cell(term) for term in row] for _, row in zip(range(MAX_ROWS + 1), result)]
    else:
        columns = ["subject", "predicate", "object"]
        rows = [[_cell(t.subject), _cell(t.predicate), _cell(t.object)] for _, t in zip(range(MAX_ROWS + 1), result)]
    csv_url = "/sparql?" + urlencode({"query": query, "format": "csv"}) if query and not isinstance(result, ox.QueryTriples) else None
    return render_template("sparql_ergebnis.html", query=query or "", boolean=boolean, columns=columns,
                           rows=rows[:MAX_ROWS], truncated=len(rows) > MAX_ROWS, csv_url=csv_url, limit=MAX_ROWS)


# ------------------------------------------------------------------- resources and the ontology


def _html_or_rdf() -> formats.Negotiated | None:
    """None for an HTML page, else the RDF format: ?format= (html, ttl,
    jsonld …) wins; otherwise HTML when the client takes it at least as
    gladly as any RDF type (browsers, */*, no Accept), else formats.negotiate."""
    rdf_types = [row.media_type for row in formats.offered(formats.GRAPH)]
    if wants_html(rdf_types, html_on_tie=True):
        return None
    names = request.args.getlist("format")
    if names:
        return formats.negotiate(None, formats.GRAPH, names)
    header = request.headers.get("Accept", "")
    if max(request.accept_mimetypes.quality(t) for t in rdf_types) > 0:
        return formats.negotiate(header, formats.GRAPH)
    offered = [HTML] + rdf_types
    raise ApiError(406, f"Kein angebotenes Format passt zu Accept: {header}. Angeboten: {', '.join(offered)}",
                   f"No offered format matches Accept: {header}. Offered: {', '.join(offered)}",
                   "not-acceptable", details={"offered": offered})


def _rdf_answer(triples: list[ox.Triple], chosen: formats.Negotiated) -> Response:
    body = formats.serialize_triples(triples, chosen, described.turtle_prefixes(triples))
    return Response(body, content_type=chosen.media_type, headers={"Vary": "Accept"})


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Response | str:
    """The resource https://w3id.org/koopgraph/id/<rest>: HTML, Turtle or JSON-LD."""
    description = described.describe(current_store(), ID + rest, language())
    if description is None:
        raise ApiError(404, f"Die Ressource {ID + rest} gibt es im Koopgraph nicht.",
                       f"The resource {ID + rest} does not exist in Koopgraph.", "unknown-resource")
    lang = language()
    sheet = downloads.asked_spreadsheet()
    profile = profiles.build(current_store(), named_questions(), ID + rest, lang) if sheet or _wants_page() else None
    if sheet and profile:
        return downloads.spreadsheet(sheet, [(s.title[lang], s.table) for s in profile.sections], "kreisprofil-" + profile.ags)
    chosen = _html_or_rdf()
    if chosen is not None:
        return _rdf_answer(description.triples, chosen)
    summary = None if profile else (summaries.place(current_store(), ID + rest, lang)
                                    or summaries.organisation(current_store(), ID + rest, lang))
    locator = choropleth.locator(profile.ags, lang) if profile else None
    saved = request.cookies.get(SAVED_COOKIE) == rest
    response = Response(render_template("ressource.html", r=description, path=request.path, profile=profile,
                                        summary=summary, locator=locator, saved=saved,
                                        edit=_edit_link(ID + rest, rest)), mimetype=HTML)
    response.vary.add("Accept")
    if saved:
        response.delete_cookie(SAVED_COOKIE, path="/id/", samesite="Strict", httponly=True)
        response.headers["Cache-Control"] = "no-store"
    return response


def _wants_page() -> bool:
    """The resource's HTML page is asked for (the same rule as _html_or_rdf)."""
    return wants_html([row.media_type for row in formats.offered(formats.GRAPH)], html_on_tie=True)


def _edit_link(iri: str, rest: str) -> str | None:
    """/forms/edit/… for a submitted record of a kind with a form;
    records from the source files are changed in the files, so they get none."""
    store = current_store()
    if origin.is_file_backed(store, iri):
        return None
    if forms.kind_of(store, shapes(), iri) is None:
        return None
    return "/forms/edit/" + rest


@bp.get("/ontology/<version>")
def ontology_version(version: str) -> Response | str:
    """owl:versionIRI (…/ontology/0.1.0) dereferences to the ontology while it is the current version."""
    if described.version_iri(current_store()) != described.ONTOLOGY_IRI + "/" + version:
        raise ApiError(404, f"Die Ontologie-Version „{version}“ gibt es hier nicht; die aktuelle steht unter /ontology.",
                       f"There is no ontology version '{version}' here; the current one is at /ontology.",
                       "unknown-resource")
    return ontology()


@bp.get("/ontology")
def ontology() -> Response | str:
    """The ontology document: one anchor per term in HTML (…/ontology#Kreis), or as RDF."""
    chosen = _html_or_rdf()
    if chosen is not None:
        return _rdf_answer(described.ontology_triples(current_store()), chosen)
    page = render_template("ontologie.html", o=described.ontology(current_store(), language()))
    response = Response(page, mimetype=HTML)
    response.vary.add("Accept")
    return response
