"""store.query: the dataset a query sees (union, strict, protocol dataset,
FROM) and the errors it raises."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from kgtree import GRAPH, ID, KG
from koopgraph.writes import gate
from koopgraph import engine as kgstore
from koopgraph.writes import build
from koopgraph.engine import InvalidIriError, QueryNotSupportedError, QuerySyntaxError

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture
def store(fake_root: Path) -> ox.Store:
    s = kgstore.open_store(None)
    build.build(s, fake_root)
    gate.add_trusted(s, [ox.Quad(ox.NamedNode(ID + "x"), ox.NamedNode(KG + "im"), ox.Literal("Default-Graph"))])
    return s


def _n(result) -> int:
    return int(next(iter(result))["n"].value)


def test_union_of_all_graphs_is_the_default(store: ox.Store) -> None:
    # pyoxigraph's union takes in the store's own default graph as well
    assert _n(kgstore.query(store, COUNT)) == 14 + 1


def test_strict_sees_only_the_store_default_graph(store: ox.Store) -> None:
    assert _n(kgstore.query(store, COUNT, strict=True)) == 1


def test_explicit_default_graphs_replace_union_and_strict(store: ox.Store) -> None:
    graphs = [GRAPH + "seed", GRAPH + "katalog"]
    assert _n(kgstore.query(store, COUNT, default_graphs=graphs)) == 5
    assert _n(kgstore.query(store, COUNT, strict=True, default_graphs=graphs)) == 5


def test_named_graphs_only_means_an_empty_default_graph(store: ox.Store) -> None:
    assert _n(kgstore.query(store, COUNT, named_graphs=[GRAPH + "seed"])) == 0
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = kgstore.query(store, graphs, named_graphs=[GRAPH + "seed"])
    assert [r["g"].value for r in rows] == [GRAPH + "seed"]


def test_default_graphs_only_means_no_named_graphs(store: ox.Store) -> None:
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert list(kgstore.query(store, graphs, default_graphs=[GRAPH + "seed"])) == []


def test_protocol_dataset_overrides_from_in_the_query(store: ox.Store) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{GRAPH}ontology> WHERE {{ ?s ?p ?o }}"
    assert _n(kgstore.query(store, query)) == 6
    assert _n(kgstore.query(store, query, default_graphs=[GRAPH + "seed"])) == 2


def test_substitutions_bind_variables_by_name(store: ox.Store) -> None:
    query = "SELECT ?s ?o WHERE { ?s ?p ?o }"  # pyoxigraph binds projected variables only
    rows = kgstore.query(store, query, substitutions={"s": ox.NamedNode(ID + "md-kiel")})
    assert [r["o"].value for r in rows] == [KG + "Migrationsdienst"]


def test_base_iri_resolves_relative_iris(store: ox.Store) -> None:
    rows = kgstore.query(store, "SELECT ?o WHERE { <md-kiel> ?p ?o }", base_iri=ID)
    assert [r["o"].value for r in rows] == [KG + "Migrationsdienst"]


def test_syntax_error_carries_the_parsers_message(store: ox.Store) -> None:
    with pytest.raises(SyntaxError) as parser:
        ox.Store().query("SELECT ?x WHERE {")
    with pytest.raises(QuerySyntaxError) as caught:
        kgstore.query(store, "SELECT ?x WHERE {")
    assert caught.value.detail == parser.value.msg
    assert caught.value.en == f"Syntax error in the SPARQL query: {parser.value.msg}"


def test_unknown_function_is_query_not_supported(store: ox.Store) -> None:
    with pytest.raises(QueryNotSupportedError, match="http://example.org/f"):
        kgstore.query(store, "SELECT (<http://example.org/f>(1) AS ?x) {}")


def test_invalid_graph_iri_is_a_koopgraph_error(store: ox.Store) -> None:
    with pytest.raises(InvalidIriError, match="Invalid graph IRI"):
        kgstore.query(store, COUNT, default_graphs=["no iri"])


def test_result_kind_names_each_query_form(store: ox.Store) -> None:
    assert kgstore.result_kind(kgstore.query(store, "SELECT * {}")) == "solutions"
    assert kgstore.result_kind(kgstore.query(store, "ASK {}")) == "boolean"
    assert kgstore.result_kind(kgstore.query(store, "CONSTRUCT WHERE { ?s ?p ?o }")) == "graph"
    assert kgstore.result_kind(kgstore.query(store, "DESCRIBE <urn:x>")) == "graph"


def test_triple_count_counts_a_triple_in_two_graphs_once(store: ox.Store) -> None:
    triple = (ox.NamedNode(ID + "jc-kiel"), ox.NamedNode(KG + "ort"), ox.Literal("Kiel"))
    gate.add_trusted(store, [ox.Quad(*triple, ox.NamedNode(GRAPH + "seed"))])  # already in opendata
    assert _n(kgstore.query(store, COUNT)) == 16  # pyoxigraph's union is a bag
    assert kgstore.triple_count(store) == 15
    assert kgstore.triple_count(store, strict=True) == 1


def test_load_triples_into_default_or_named_graph(store: ox.Store, tmp_path: Path) -> None:
    path = tmp_path / "d.nt"
    path.write_text("<urn:a> <urn:b> <urn:c> .\n")
    build.load_file(store, path)
    build.load_file(store, path, "urn:g")
    assert ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c"), ox.DefaultGraph()) in store
    assert ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.NamedNode("urn:c"), ox.NamedNode("urn:g")) in store
