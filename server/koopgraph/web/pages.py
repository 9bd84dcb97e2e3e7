"""Blueprint: the web pages for people – start page with the SPARQL editor,
one page per resource (/id/…), the ontology (/ontology) and the map (/karte).

German first; ?lang=en (remembered in a cookie) switches to English. Every
page is complete HTML without JavaScript; static/editor.js only makes the
editor answer in place. No inline scripts or event handlers, so a strict
Content-Security-Policy (script-src 'self') can be switched on.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request

from koopgraph.engine import rdf as ox
from koopgraph.web.context import current_store
from koopgraph.domain import origin
from koopgraph.engine import formats
from koopgraph import engine
from koopgraph.domain import forms, map, questions
from koopgraph import content
from koopgraph.domain import descriptions as described
from koopgraph.errors import ApiError
from koopgraph.domain.map import Category
from koopgraph.domain.examples import BY_KEY as EXAMPLES_BY_KEY, EXAMPLES
from koopgraph.namespaces import ID, KATALOG_GRAPH
from koopgraph.domain.validation import load_shapes

bp = Blueprint("pages", __name__)

LANGS = ("de", "en")
COOKIE = "lang"
HTML = "text/html"
MAX_ROWS = 1000  # rows an HTML result table shows; CSV has them all
DATASET = ID + "dataset/koopgraph"

NAVIGATION = (  # path, German, English
    ("/", "Start", "Home"),
    ("/queries", "Fragen", "Questions"),
    ("/karte", "Karte", "Map"),
    ("/#sparql", "SPARQL", "SPARQL"),
    ("/erfassen", "Erfassen", "Enter records"),
    ("/void", "Über die Daten", "About the data"),
)


# ------------------------------------------------------------------- language


def current_lang() -> str:
    """?lang= wins, then the cookie, then German."""
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    remembered = request.cookies.get(COOKIE)
    return remembered if remembered in LANGS else "de"


def t(de: str, en: str) -> str:
    """The text in the page's language (templates call it as t("…", "…"))."""
    return de if current_lang() == "de" else en


def _switch_url() -> str:
    args = request.args.copy()
    args["lang"] = "en" if current_lang() == "de" else "de"
    return request.path + "?" + urlencode(list(args.items(multi=True)))


@bp.app_context_processor
def _page_context() -> dict:
    return {"lang": current_lang(), "t": t, "switch_url": _switch_url, "navigation": NAVIGATION}


@bp.app_template_global()
def url_with(path: str, params: dict[str, str] | None = None, **extra: str) -> str:
    """path with the query string of params and extra (extra wins)."""
    query = urlencode({**(params or {}), **extra})
    return path + ("?" + query if query else "")


@bp.app_template_global()
def question_url(question: questions.NamedQuery | dict, fmt: str | None = None) -> str:
    """/queries/<name> with example values for required parameters, so the
    link always answers (a NamedQuery or the dict /queries lists)."""
    get = question.get if isinstance(question, dict) else lambda key: getattr(question, key)
    params = [p if isinstance(p, dict) else vars(p) for p in get("params")]
    args = {p["name"]: p["example"] for p in params if p["default"] is None}
    return url_with("/queries/" + get("name"), args, **({"format": fmt} if fmt else {}))


bp.add_app_template_filter(described.local_href, "local_href")


@bp.after_app_request
def _remember_lang(response: Response) -> Response:
    """An explicit ?lang= on an HTML page is kept in a cookie for the next pages."""
    asked = request.args.get("lang")
    if response.mimetype == HTML and asked in LANGS and request.cookies.get(COOKIE) != asked:
        response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    if response.mimetype == HTML:
        response.vary.add("Cookie")
    return response


# ------------------------------------------------------------------- start page


@cache
def _catalogue(folder: str) -> dict[str, questions.NamedQuery]:
    return questions.load_queries(Path(folder)) if Path(folder).is_dir() else {}


def catalogue() -> dict[str, questions.NamedQuery]:
    """The named questions of the app's resources, loaded once per folder."""
    root = current_app.config.get("RESOURCES") or content.root()
    return _catalogue(str(Path(root) / "queries"))


def _dataset_text(lang: str) -> dict[str, str]:
    """Title and description of the dataset from the catalogue graph, in lang."""
    sparql = f"""SELECT ?p ?text WHERE {{ GRAPH <{KATALOG_GRAPH}> {{ <{DATASET}> ?p ?text }}
      VALUES ?p {{ <{described.TITLE}> <{described.DCTERMS}description> }} FILTER(LANG(?text) = "{lang}") }}"""
    found = {row["p"].value.rsplit("/", 1)[-1]: row["text"].value for row in engine.query(current_store(), sparql)}
    return {"title": found.get("title", "Koopgraph"), "description": found.get("description", "")}


@bp.get("/")
def start() -> str:
    """What the graph is, the named questions, the map and the SPARQL editor."""
    lang = current_lang()
    chosen = EXAMPLES_BY_KEY.get(request.args.get("beispiel", ""), EXAMPLES[0])
    return render_template(
        "start.html", dataset=_dataset_text(lang), fragen=list(catalogue().values()),
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
    names = request.args.getlist("format")
    if names:
        return None if names[0].strip().lower() == "html" else formats.negotiate(None, formats.GRAPH, names)
    header = request.headers.get("Accept", "")
    accept = request.accept_mimetypes
    rdf = max(accept.quality(row.media_type) for row in formats.offered(formats.GRAPH))
    if not header.strip() or (accept.quality(HTML) > 0 and accept.quality(HTML) >= rdf):
        return None
    if rdf > 0:
        return formats.negotiate(header, formats.GRAPH)
    offered = [HTML] + [row.media_type for row in formats.offered(formats.GRAPH)]
    raise ApiError(406, f"Kein angebotenes Format passt zu Accept: {header}. Angeboten: {', '.join(offered)}",
                   f"No offered format matches Accept: {header}. Offered: {', '.join(offered)}",
                   "not-acceptable", details={"offered": offered})


def _rdf_answer(triples: list[ox.Triple], chosen: formats.Negotiated) -> Response:
    body = formats.serialize_triples(triples, chosen, described.turtle_prefixes(triples))
    return Response(body, content_type=chosen.media_type, headers={"Vary": "Accept"})


@bp.get("/id/<path:rest>")
def resource(rest: str) -> Response | str:
    """The resource https://w3id.org/koopgraph/id/<rest>: HTML, Turtle or JSON-LD."""
    description = described.describe(current_store(), ID + rest, current_lang())
    if description is None:
        raise ApiError(404, f"Die Ressource {ID + rest} gibt es im Koopgraph nicht.",
                       f"The resource {ID + rest} does not exist in Koopgraph.", "unknown-resource")
    chosen = _html_or_rdf()
    if chosen is not None:
        return _rdf_answer(description.triples, chosen)
    response = Response(render_template("ressource.html", r=description, path=request.path,
                                        edit=_edit_link(ID + rest, rest)), mimetype=HTML)
    response.vary.add("Accept")
    return response


def _edit_link(iri: str, rest: str) -> str | None:
    """/erfassen/bearbeiten/… for a submitted record of a kind with a form;
    records from the source files are changed in the files, so they get none."""
    store = current_store()
    if origin.is_file_backed(store, iri):
        return None
    if forms.kind_of(store, load_shapes(current_app.config.get("RESOURCES")), iri) is None:
        return None
    return "/erfassen/bearbeiten/" + rest


@bp.get("/ontology")
def ontology() -> Response | str:
    """The ontology document: one anchor per term in HTML (…/ontology#Kreis), or as RDF."""
    chosen = _html_or_rdf()
    if chosen is not None:
        return _rdf_answer(described.ontology_triples(current_store()), chosen)
    page = render_template("ontologie.html", o=described.ontology(current_store(), current_lang()))
    response = Response(page, mimetype=HTML)
    response.vary.add("Accept")
    return response


# ------------------------------------------------------------------- the map


@dataclass(frozen=True)
class MapQuestion:
    """A question the map can show: which named query and column answer it, and how to draw it."""

    key: str
    query: str
    column: str
    categories: tuple[Category, ...]
    title_de: str
    title_en: str

    def title(self, lang: str) -> str:
        return self.title_de if lang == "de" else self.title_en


VEREINBARUNG = (
    Category("ja", "schriftliche Vereinbarung", "written agreement", "#1b7837", "solid", "J"),
    Category("geplant", "Vereinbarung geplant", "agreement planned", "#a6dba0", "cross", "G"),
    Category("nein", "keine Vereinbarung", "no agreement", "#c51b7d", "hatch", "N"),
    Category("keine-angaben", "keine Angaben", "not reported", "#bdbdbd", "dots", "?"),
)
ANSCHLUSSQUALIFIKATION = (
    Category("ja", "ja", "yes", "#1b7837", "solid", "J"),
    Category("teilweise", "teilweise", "partly", "#a6dba0", "cross", "T"),
    Category("nein", "nein", "no", "#c51b7d", "hatch", "N"),
    Category("keine-angaben", "keine Angaben", "not reported", "#bdbdbd", "dots", "?"),
)
MAP_QUESTIONS = {
    q.key: q
    for q in (
        MapQuestion("formaleKooperation", "kooperation-nach-region", "formaleKooperation", map.FORMALE_KOOPERATION,
                    "Formale Kooperation mit dem Jobcenter (ARGE)", "Formal cooperation with the job centre (ARGE)"),
        MapQuestion("vereinbarung", "kooperation-nach-region", "vereinbarung", VEREINBARUNG,
                    "Schriftliche Kooperationsvereinbarung", "Written cooperation agreement"),
        MapQuestion("anschlussqualifikation", "anschlussqualifikation", "antwort", ANSCHLUSSQUALIFIKATION,
                    "Sofortige Anschlussqualifikation nach dem Integrationskurs (Leitfrage 5)",
                    "Immediate follow-up qualification after the integration course (question 5)"),
    )
}


def map_answers(question: MapQuestion) -> list[tuple[str, str, str]]:
    """(ags, name, answer) per region, in key order, from the named query."""
    named = catalogue().get(question.query)
    if named is None:
        raise ApiError(404, f"Die Frage „{question.query}“ fehlt.", f"The question '{question.query}' is missing.",
                       "unknown-query")
    answers = {}
    for row in questions.run(current_store(), named, {}):
        answers[row["ags"].value] = (row["name"].value, row[question.column].value)
    return [(ags, name, value) for ags, (name, value) in sorted(answers.items())]


@bp.get("/karte")
def map_page() -> str:
    """The map for the chosen question, with a table of the same answers."""
    lang, key = current_lang(), request.args.get("frage", "formaleKooperation")
    question = MAP_QUESTIONS.get(key)
    if question is None:
        raise ApiError(400, f"Unbekannte Frage „{key}“; möglich: {', '.join(MAP_QUESTIONS)}",
                       f"Unknown question '{key}'; possible: {', '.join(MAP_QUESTIONS)}", "unknown-map-question")
    rows = map_answers(question)
    svg = map.render({ags: value for ags, _, value in rows}, question.categories, question.title(lang), lang)
    labels = {c.value: c for c in question.categories}
    table = [(ags, name, value, labels.get(value)) for ags, name, value in rows]
    return render_template("karte.html", svg=svg, question=question, questions=MAP_QUESTIONS.values(),
                           table=table, attribution=(map.ATTRIBUTION, map.ATTRIBUTION_URL))
