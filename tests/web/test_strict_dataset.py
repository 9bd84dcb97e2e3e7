"""Strict mode (STRICT_DATASET): Koopgraph's bookkeeping (the submission
log, the derived graph) is not part of the dataset a query sees unless the
query names it; DROP ALL drops the data, not the log, and the log records
the drop (issue 17, SPARQL 1.1 Query 13.2 and Update 3.2.2)."""

import pytest

from koopgraph.namespaces import DERIVED_GRAPH, SUBMISSIONS_GRAPH
from writeapp import ADMIN, auth, make_app

G1 = "http://example.org/g1"


@pytest.fixture
def web():
    return make_app(STRICT_DATASET=True, CACHE=False).test_client()


def _update(web, text: str) -> int:
    return web.post("/sparql", data=text.encode(), headers=auth(ADMIN, "application/sparql-update")).status_code


def _rows(web, query: str) -> list[dict]:
    response = web.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]["bindings"]


def _graphs(web) -> set[str]:
    return {r["g"]["value"] for r in _rows(web, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}


def test_graph_variable_in_strict_mode_does_not_match_the_log_or_the_derived_graph(web):
    assert _update(web, f'INSERT DATA {{ GRAPH <{G1}> {{ <http://example.org/s> <http://example.org/p> "o" }} }}') in (200, 204)
    graphs = _graphs(web)
    assert G1 in graphs and SUBMISSIONS_GRAPH not in graphs and DERIVED_GRAPH not in graphs


def test_the_log_stays_queryable_by_its_name_in_strict_mode(web):
    _update(web, f'INSERT DATA {{ GRAPH <{G1}> {{ <http://example.org/s> <http://example.org/p> "o" }} }}')
    rows = _rows(web, f'SELECT ?e WHERE {{ GRAPH <{SUBMISSIONS_GRAPH}> {{ ?e <https://w3id.org/koopgraph/ontology#vorgang> "sparql-update" }} }}')
    assert len(rows) == 1
    named = _rows(web, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{SUBMISSIONS_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert int(named[0]["n"]["value"]) > 0


def test_drop_all_drops_the_data_keeps_the_log_and_the_log_records_the_drop(web):
    _update(web, f'INSERT DATA {{ GRAPH <{G1}> {{ <http://example.org/s> <http://example.org/p> "o" }} }}')
    assert _update(web, "DROP ALL") in (200, 204)
    assert G1 not in _graphs(web)
    removed = _rows(web, f"SELECT ?r WHERE {{ GRAPH <{SUBMISSIONS_GRAPH}> {{ ?e <https://w3id.org/koopgraph/ontology#entfernteAussagen> ?r }} }}")
    assert any(f"<{G1}>" in r["r"]["value"] and '"o"' in r["r"]["value"] for r in removed)


@pytest.mark.parametrize("naming", [
    "BASE <{base}> SELECT ?e WHERE {{ GRAPH <{local}> {{ ?e {vorgang} \"sparql-update\" }} }}",
    "PREFIX g: <{base}> SELECT ?e WHERE {{ GRAPH g:{local} {{ ?e {vorgang} \"sparql-update\" }} }}",
    "BASE <{base}> PREFIX g: <> SELECT ?e WHERE {{ GRAPH g:{local} {{ ?e {vorgang} \"sparql-update\" }} }}",
    "SELECT ?e WHERE {{ GRAPH # a comment between the keyword and the name\n <{base}{local}> {{ ?e {vorgang} \"sparql-update\" }} }}",
], ids=["relative-iri-under-base", "prefixed-name", "prefix-relative-to-base", "comment-before-the-name"])
def test_the_log_named_in_any_form_the_engine_reads_is_seen_like_its_full_iri(web, naming):
    """The names a query gives are read as the engine reads them (SPARQL 1.1
    Query 4.1.1: relative IRIs against BASE, prefixed names, comments as
    whitespace): the log is seen exactly when the engine would name it."""
    _update(web, f'INSERT DATA {{ GRAPH <{G1}> {{ <http://example.org/s> <http://example.org/p> "o" }} }}')
    base, local = SUBMISSIONS_GRAPH.rsplit("/", 1)
    query = naming.format(base=base + "/", local=local, vorgang="<https://w3id.org/koopgraph/ontology#vorgang>")
    assert len(_rows(web, query)) == 1, query
