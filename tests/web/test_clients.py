"""Real SPARQL clients against a real server (waitress, as `koopgraph serve`
runs it) on a free loopback port: SPARQLWrapper, rdflib's SPARQLStore,
requests and pandas."""

import csv
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, XML, SPARQLWrapper

import sparqltree
from kgtree import ID, KG
from koopgraph.web.app import create_app
from koopgraph.engine import formats
from koopgraph.web import serving
from koopgraph.config import load
from sparqltree import COUNTS, LUEBECK_LABEL, SPARQL_PREFIXES

LUEBECK_QUERY = SPARQL_PREFIXES + "SELECT ?jc ?label WHERE { BIND(id:jc-luebeck AS ?jc) ?jc rdfs:label ?label }"
CONSTRUCT_QUERY = SPARQL_PREFIXES + "CONSTRUCT WHERE { id:jc-kiel kg:kooperiertMit ?partner }"
PARTNER = (rdflib.URIRef(ID + "jc-kiel"), rdflib.URIRef(KG + "kooperiertMit"), rdflib.URIRef(ID + "md-kiel"))
TIMEOUT = 10
MAX_BODY = 100_000


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of /sparql on a waitress server in a background thread, stopped
    (and its thread joined) after the module's tests."""
    root = sparqltree.write(tmp_path_factory.mktemp("clients") / "resources")
    config = sparqltree.app_config(root, HOST="127.0.0.1", PORT=0, THREADS=2, MAX_BODY_BYTES=MAX_BODY)
    settings = load(config, environ={})
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("KOOPGRAPH_CONFIG", raising=False)
        app = create_app(settings)
    server = serving.make_server(app, settings)
    thread = threading.Thread(target=server.run, name="koopgraph-test-server", daemon=True)
    thread.start()
    try:
        yield serving.url(server) + "sparql"
    finally:
        serving.stop(server)
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "server thread did not stop"


# --- SPARQLWrapper -------------------------------------------------------------


def _wrapper(endpoint: str, return_format: str, query: str = LUEBECK_QUERY) -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setTimeout(TIMEOUT)
    sparql.setQuery(query)
    sparql.setReturnFormat(return_format)
    return sparql


def test_sparqlwrapper_json(endpoint: str) -> None:
    result = _wrapper(endpoint, JSON).queryAndConvert()
    assert result["head"]["vars"] == ["jc", "label"]
    assert result["results"]["bindings"][0]["label"] == {"type": "literal", "value": LUEBECK_LABEL, "xml:lang": "de"}


def test_sparqlwrapper_json_via_post(endpoint: str) -> None:
    sparql = _wrapper(endpoint, JSON)
    sparql.setMethod(POST)
    assert sparql.queryAndConvert()["results"]["bindings"][0]["jc"]["value"] == ID + "jc-luebeck"


def test_sparqlwrapper_xml(endpoint: str) -> None:
    document = _wrapper(endpoint, XML).queryAndConvert()
    literals = document.getElementsByTagName("literal")
    assert [(n.firstChild.data, n.getAttribute("xml:lang")) for n in literals] == [(LUEBECK_LABEL, "de")]


def test_sparqlwrapper_csv(endpoint: str) -> None:
    body = _wrapper(endpoint, CSV).queryAndConvert()
    assert list(csv.reader(io.StringIO(body.decode()))) == [["jc", "label"], [ID + "jc-luebeck", LUEBECK_LABEL]]


# --- rdflib SPARQLStore ----------------------------------------------------------


def test_rdflib_sparqlstore_select(endpoint: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=endpoint, timeout=TIMEOUT))
    rows = list(graph.query(LUEBECK_QUERY))
    assert [(row.jc, row.label) for row in rows] == [
        (rdflib.URIRef(ID + "jc-luebeck"), rdflib.Literal(LUEBECK_LABEL, lang="de"))
    ]


def test_rdflib_sparqlstore_construct(endpoint: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=endpoint, timeout=TIMEOUT))
    result = graph.query(CONSTRUCT_QUERY)
    assert set(result.graph) == {PARTNER}


def test_rdflib_sparqlstore_counts_triples_of_the_union(endpoint: str) -> None:
    graph = rdflib.Graph(store=SPARQLStore(query_endpoint=endpoint, timeout=TIMEOUT))
    rows = list(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert rows[0].n.toPython() == sum(COUNTS.values())


# --- requests with every Accept type ---------------------------------------------


@pytest.mark.parametrize("row", formats.offered(formats.SOLUTIONS), ids=lambda row: row.media_type)
def test_requests_select_with_each_results_type(endpoint: str, row: formats.MediaType) -> None:
    response = requests.get(
        endpoint, params={"query": LUEBECK_QUERY}, headers={"Accept": row.media_type}, timeout=TIMEOUT
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == row.content_type
    if row.format == ox.QueryResultsFormat.CSV:  # lossy: pyoxigraph does not read it back
        assert list(csv.reader(io.StringIO(response.text)))[1] == [ID + "jc-luebeck", LUEBECK_LABEL]
        return
    solutions = list(ox.parse_query_results(response.content, format=row.format))
    assert solutions[0]["jc"] == ox.NamedNode(ID + "jc-luebeck")


@pytest.mark.parametrize("row", formats.offered(formats.GRAPH), ids=lambda row: row.media_type)
def test_requests_construct_with_each_rdf_type(endpoint: str, row: formats.MediaType) -> None:
    response = requests.post(
        endpoint, data={"query": CONSTRUCT_QUERY}, headers={"Accept": row.media_type}, timeout=TIMEOUT
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == row.content_type
    quads = list(ox.parse(response.content, format=row.format))
    assert [(q.subject.value, q.predicate.value, q.object.value) for q in quads] == [tuple(map(str, PARTNER))]


def test_requests_sees_bilingual_json_error_for_a_syntax_error(endpoint: str) -> None:
    response = requests.get(endpoint, params={"query": "SELECT * WHERE {"}, timeout=TIMEOUT)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"].startswith("Syntaxfehler in der SPARQL-Abfrage: ")
    assert error["message_en"].startswith("Syntax error in the SPARQL query: ")


# --- pandas ------------------------------------------------------------------------


def test_pandas_reads_the_csv_result(endpoint: str) -> None:
    # DISTINCT: the Kiel label is in two graphs, and pyoxigraph's union is a bag
    query = SPARQL_PREFIXES + "SELECT DISTINCT ?jc ?label WHERE { ?jc a kg:Jobcenter ; rdfs:label ?label } ORDER BY ?jc"
    frame = pd.read_csv(f"{endpoint}?{urlencode({'query': query})}", storage_options={"Accept": "text/csv"})
    assert list(frame.columns) == ["jc", "label"]
    assert frame.to_dict("records") == [
        {"jc": ID + "jc-kiel", "label": "Jobcenter Kiel"},
        {"jc": ID + "jc-luebeck", "label": LUEBECK_LABEL},
    ]


# --- body limits through the real server ------------------------------------------


def test_body_just_over_the_limit_gets_the_apps_bilingual_413(endpoint: str) -> None:
    body = "ASK {}" + "#" * MAX_BODY
    response = requests.post(
        endpoint, data=body, headers={"Content-Type": "application/sparql-query"}, timeout=TIMEOUT
    )
    assert response.status_code == 413
    assert response.json()["error"]["message_en"] == f"The request body is larger than {MAX_BODY} bytes."


def test_body_over_twice_the_limit_is_refused_by_waitress_unread(endpoint: str) -> None:
    body = "ASK {}" + "#" * (2 * MAX_BODY)
    response = requests.post(
        endpoint, data=body, headers={"Content-Type": "application/sparql-query"}, timeout=TIMEOUT
    )
    assert response.status_code == 413
    assert "exceeds max_body of 200001" in response.text  # waitress's own text, not JSON
