"""/void and /catalog: the dataset described in DCAT-AP.de and VoID.

The hand-written part (title, licence, publisher, sources) lives in
data/katalog.ttl, like every other fact; this module adds what only the
running store knows (sizes, endpoint, where resources live), what the other
graphs say about the things the catalogue names (the sources' title and
publisher, that a place of the graph is a dcterms:Location), and serves it
in the format the client asks for. GovData's DCAT-AP.de shapes accept the
result (tests/web/test_catalog.py).
"""

from flask import Blueprint, Response, render_template, request

from koopgraph.domain import dataset
from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Engine
from koopgraph.web import cors
from koopgraph.web.context import HTML, current_store, language, wants_html
from koopgraph.engine import formats
from koopgraph import engine
from koopgraph.errors import ApiError
from koopgraph.namespaces import GRAPH, ID, KATALOG_GRAPH

bp = Blueprint("void", __name__)

DATASET = ox.NamedNode(ID + "dataset/koopgraph")
EXAMPLES = ("region/01062", "kooperation/dithmarschen-kooperationsvereinbarung", "organisation/frauenhaus-kreis-ploen")
VOCABULARIES = ("https://w3id.org/koopgraph/ontology#", "http://www.w3.org/2004/02/skos/core#",
                "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/org#", "http://purl.org/dc/terms/")
VOID, DCAT, DCT = "http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCT, "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
            "koop": "https://w3id.org/koopgraph/ontology#", "graph": GRAPH, "prov": "http://www.w3.org/ns/prov#",
            "skos": "http://www.w3.org/2004/02/skos/core#", "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#", "dcatde": "http://dcat-ap.de/def/dcatde/"}

_KATALOG = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{KATALOG_GRAPH}> {{ ?s ?p ?o }} }}"
# What the other graphs say about what the catalogue names: each source dataset's type, title
# and publisher (data/opendata/quellen.ttl), and that a place of the graph used as spatial
# coverage is a dcterms:Location (the ontology: koop:Region is one).
_NAMED_ELSEWHERE = f"""PREFIX dcat: <{DCAT}> PREFIX dcterms: <{DCT}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT {{ ?source a dcat:Dataset ; dcterms:title ?title ; dcterms:publisher ?publisher . ?place a dcterms:Location }}
WHERE {{
  {{ GRAPH <{KATALOG_GRAPH}> {{ ?d dcterms:source ?source }}
     ?source a dcat:Dataset ; dcterms:title ?title ; dcterms:publisher ?publisher }}
  UNION
  {{ GRAPH <{KATALOG_GRAPH}> {{ ?d dcterms:spatial ?place }} ?place a/rdfs:subClassOf* dcterms:Location }}
}}"""
_SIZES = f"""SELECT ?entities ?classes WHERE {{
  {{ SELECT (COUNT(DISTINCT ?e) AS ?entities) WHERE {{ ?e ?p ?o FILTER (STRSTARTS(STR(?e), "{ID}")) }} }}
  {{ SELECT (COUNT(DISTINCT ?c) AS ?classes) WHERE {{ ?x a ?c }} }}
}}"""


def _n(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def _statistics(store: Engine, endpoint: ox.NamedNode) -> list[ox.Triple]:
    """What only the running store knows: sizes, subsets, endpoint, examples."""
    sizes = next(iter(engine.query(store, _SIZES)))
    v = lambda name: ox.NamedNode(VOID + name)  # noqa: E731
    triples = [
        ox.Triple(DATASET, RDF_TYPE, v("Dataset")),
        ox.Triple(DATASET, v("sparqlEndpoint"), endpoint),
        ox.Triple(DATASET, v("uriSpace"), ox.Literal(ID)),
        ox.Triple(DATASET, v("triples"), _n(engine.triple_count(store))),
        ox.Triple(DATASET, v("entities"), _n(int(sizes["entities"].value))),
        ox.Triple(DATASET, v("classes"), _n(int(sizes["classes"].value))),
    ]
    triples += [ox.Triple(DATASET, v("vocabulary"), ox.NamedNode(iri)) for iri in VOCABULARIES]
    triples += [ox.Triple(DATASET, v("exampleResource"), ox.NamedNode(ID + key)) for key in EXAMPLES]
    for graph, n in engine.graph_counts(store):
        if graph.startswith(GRAPH):
            subset = ox.NamedNode(graph)
            triples += [ox.Triple(DATASET, v("subset"), subset), ox.Triple(subset, RDF_TYPE, v("Dataset")),
                        ox.Triple(subset, v("triples"), _n(n))]
    return triples


def _endpoint() -> ox.NamedNode:
    try:
        return ox.NamedNode(request.host_url + "sparql")
    except ValueError as error:
        raise ApiError(400, "Ungültiger Host-Header.", "Invalid Host header.", "invalid-host") from error


@bp.route("/void")
@bp.route("/catalog")
@bp.route("/.well-known/void")
@cors.read_endpoint
def void() -> Response:
    """The catalogue and dataset description (DCAT-AP.de with VoID
    statistics) as Turtle, or N-Triples, JSON-LD, RDF/XML on request; a
    browser gets the page "Über die Daten". /.well-known/void is where VoID
    says a dataset's description is found."""
    store = current_store()
    if wants_html([row.media_type for row in formats.offered(formats.GRAPH)]):
        return _page(store)
    described = list(engine.query(store, _KATALOG)) + list(engine.query(store, _NAMED_ELSEWHERE))
    triples = list(dict.fromkeys(described + _statistics(store, _endpoint())))
    chosen = formats.negotiate(request.headers.get("Accept"), formats.GRAPH, request.args.getlist("format"))
    body = formats.serialize_triples(triples, chosen, PREFIXES)
    return Response(body, content_type=chosen.media_type, headers={"Vary": "Accept"})


def _page(store: Engine) -> Response:
    """"Über die Daten": what the catalogue says, with the store's sizes and the downloads."""
    lang = language()
    sizes = [(graph, n) for graph, n in engine.graph_counts(store) if graph.startswith(GRAPH)]
    page = render_template("ueber.html", facts=dataset.facts(store, lang), sizes=dict(sizes),
                           total=engine.triple_count(store), path=request.path)
    response = Response(page, mimetype=HTML)
    response.vary.add("Accept")
    return response
