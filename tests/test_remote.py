"""Koopgraph on a remote SPARQL engine (Oxigraph's own server, started by
the tests on loopback): parameters become terms in the text exactly as the
embedded engine binds them, blank nodes survive a round trip, `koopgraph
build --backend sparql` loads idempotently with progress, several Koopgraph
processes on one engine see each other's writes at once (caches included),
and an engine that is down is a clear 502, never a traceback."""

import json
import os
import re
import selectors
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import remotekg
from koopgraph import create_app, queries, resources, store as kgstore
from koopgraph.cli import koopgraph
from koopgraph.remote import GENID, VERSION_GRAPH, BindError, bind_text

SHAPES = Path(__file__).parent / "shapes"
VALID = (SHAPES / "valid" / "kooperation-ostholstein.ttl").read_bytes()
WRITER = "schreiberin-geheimnis-0123456789"
OSTHOLSTEIN = "https://w3id.org/koopgraph/id/region/01055"
CLI = [sys.executable, "-c", "from koopgraph.cli import main; main()"]


# ---------------------------------------------------------------- parameters as terms in the text

def test_every_named_question_answers_the_same_with_text_binding_as_with_engine_substitution(kg):
    for name, question in queries.load_queries().items():
        terms = question.bind({p.name: p.example for p in question.params if p.example})
        bound = kgstore.query(kg, question.sparql, substitutions=terms).serialize(format=ox.QueryResultsFormat.CSV)
        written = kgstore.query(kg, bind_text(question.sparql, terms)).serialize(format=ox.QueryResultsFormat.CSV)
        assert written == bound, name


def test_binding_leaves_strings_iris_comments_and_prefixed_names_alone():
    text = 'SELECT ?x WHERE { ?x <urn:?x> "?x" . # ?x\n ?x ex:x ?y }'
    assert bind_text(text, {"x": ox.Literal("a")}) == \
        'SELECT ("a" AS ?x) WHERE { "a" <urn:?x> "?x" . # ?x\n "a" ex:x ?y }'


def test_binding_in_order_by_and_in_an_expression_of_the_select_clause():
    text = "SELECT ?n (STR(?n) AS ?s) WHERE { ?a ?b ?n } ORDER BY ?n DESC(?n)"
    assert bind_text(text, {"n": ox.Literal("1")}) == \
        'SELECT ("1" AS ?n) (STR("1") AS ?s) WHERE { ?a ?b "1" } ORDER BY ("1") DESC("1")'


def test_a_variable_a_subquery_already_projects_stays_a_column_of_the_outer_select():
    text = "SELECT ?v ?w WHERE { { SELECT ?v ?w WHERE { ?w ?p ?v } } }"
    assert bind_text(text, {"v": ox.NamedNode("urn:v")}) == \
        "SELECT ?v ?w WHERE { { SELECT (<urn:v> AS ?v) ?w WHERE { ?w ?p <urn:v> } } }"


@pytest.mark.parametrize("text", ["SELECT * WHERE { BIND(1 AS ?v) }", "SELECT * WHERE { VALUES ?v { 1 } }"])
def test_a_variable_the_query_binds_itself_cannot_be_a_parameter(text):
    with pytest.raises(BindError):
        bind_text(text, {"v": ox.Literal("x")})


# ---------------------------------------------------------------- the store through the protocols

@pytest.fixture
def remote(oxigraph_server):
    return remotekg.fresh(oxigraph_server)


def test_the_remote_store_holds_exactly_what_the_embedded_build_holds(remote, kg):
    assert kgstore.graph_counts(remote) == kgstore.graph_counts(kg)
    embedded = set(ox.parse(kgstore.export(kg, ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES))
    served = set(ox.parse(kgstore.export(remote, ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES))
    blank = [t for t in embedded if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)]
    assert blank, "the shapes use blank nodes, so the comparison covers them"
    assert len(served) == len(embedded)
    assert {t for t in served if not _has_blank(t)} == {t for t in embedded if not _has_blank(t)}


def _has_blank(triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def test_blank_nodes_are_stored_as_skolem_iris_and_read_back_as_blank_nodes(remote, oxigraph_server):
    node, graph = ox.BlankNode("b1"), ox.NamedNode("https://w3id.org/koopgraph/id/graph/test-leer")
    quad = ox.Quad(node, ox.NamedNode("urn:p"), ox.Literal("x"), graph)
    remote.apply(inserts=[quad])
    assert remote.quads_for_pattern(None, None, None, graph) == [quad]
    with urllib.request.urlopen(oxigraph_server + "/query?" + urllib.parse.urlencode(
            {"query": f"SELECT ?s WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"}), timeout=10) as response:
        raw = response.read().decode()
    assert GENID + "b1" in raw
    remote.apply(deletes=[quad])
    assert remote.quads_for_pattern(None, None, None, graph) == []


def test_a_record_with_blank_nodes_is_inserted_and_reverted_completely(oxigraph_server):
    remotekg.fresh(oxigraph_server)
    app = create_app({"TESTING": True, "RESOURCES": str(resources.root()), "TOKENS": f"w:{WRITER}:schreiben+verwalten"}
                     | remotekg.settings(oxigraph_server))
    web, auth = app.test_client(), {"Authorization": f"Bearer {WRITER}", "Content-Type": "text/turtle"}
    with_blank = VALID + b'\n<https://w3id.org/koopgraph/id/kooperation/ostholstein-neu> <urn:notiz> [ <urn:text> "x" ] .\n'
    created = web.post("/records", data=with_blank, headers=auth)
    assert created.status_code == 201, created.get_data(as_text=True)
    graph = created.get_json()["graph"]
    assert len(app.extensions["koopgraph.store"].quads_for_pattern(None, None, None, ox.NamedNode(graph))) > 8
    reverted = web.post(f"/submissions/{created.get_json()['submission']}/revert", headers=auth)
    assert reverted.status_code == 200
    assert app.extensions["koopgraph.store"].quads_for_pattern(None, None, None, ox.NamedNode(graph)) == []


def test_the_version_graph_stays_hidden_from_listings_and_union_queries(remote):
    assert VERSION_GRAPH not in {g.value for g in remote.named_graphs()}
    assert VERSION_GRAPH not in {g for g, _ in kgstore.graph_counts(remote)}
    rows = kgstore.query(remote, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert VERSION_GRAPH not in {r["g"].value for r in rows}
    assert remote.version() != "0"


# ---------------------------------------------------------------- build into the engine

def test_build_into_the_engine_shows_progress_and_a_second_build_changes_nothing(oxigraph_server):
    options = ["--backend", "sparql", "--query-url", oxigraph_server + "/query", "--update-url", oxigraph_server + "/update"]
    first = CliRunner().invoke(koopgraph, ["build", *options])
    assert first.exit_code == 0, first.output
    assert "… https://w3id.org/koopgraph/id/graph/seed" in first.stderr
    remote = remotekg.store_at(oxigraph_server)
    before = remote.dump(format=ox.RdfFormat.N_QUADS)
    second = CliRunner().invoke(koopgraph, ["build", *options])
    assert second.exit_code == 0 and second.stdout == first.stdout
    assert remote.dump(format=ox.RdfFormat.N_QUADS) == before
    counts = dict(kgstore.graph_counts(remote))
    assert counts["https://w3id.org/koopgraph/id/graph/seed"] > 2000


def test_an_engine_that_is_down_is_a_502_for_clients_and_exit_2_for_the_cli(oxigraph_server):
    down = {"BACKEND": "sparql", "QUERY_URL": "http://127.0.0.1:9/query", "UPDATE_URL": "http://127.0.0.1:9/update",
            "BUILD_IF_EMPTY": False}
    app = create_app({"TESTING": True, "RESOURCES": str(resources.root())} | down)
    response = app.test_client().get("/queries/kreise-ohne-formale-kooperation")
    assert response.status_code == 502
    error = response.get_json()["error"]
    assert error["code"] == "store-unavailable" and "nicht erreichbar" in error["message"]
    result = CliRunner().invoke(koopgraph, ["stats", "--backend", "sparql", "--query-url", "http://127.0.0.1:9/query",
                                            "--update-url", "http://127.0.0.1:9/update"])
    assert result.exit_code == 2 and "cannot be reached" in result.stderr and "Traceback" not in result.output


# ---------------------------------------------------------------- several Koopgraph processes, one engine

@contextmanager
def served(base: str, tmp: Path) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOOPGRAPH_")}
    env |= {"KOOPGRAPH_TOKENS": f"w:{WRITER}", "PYTHONUNBUFFERED": "1", "KOOPGRAPH_RESOURCES": str(resources.root())}
    process = subprocess.Popen([*CLI, "serve", "--port", "0", "--threads", "2", "--backend", "sparql",
                                "--query-url", base + "/query", "--update-url", base + "/update"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            assert selector.select(60), "serve printed nothing within 60 s"
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        assert match, line
        yield match.group(1)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(15)


def _gaps(url: str) -> tuple[set[str], str]:
    request = urllib.request.Request(url + "queries/kreise-ohne-formale-kooperation",
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.load(response)["results"]["bindings"]
        return {r["region"]["value"] for r in rows}, response.headers["ETag"]


def test_a_write_through_one_instance_is_visible_through_another_at_once(oxigraph_server, tmp_path):
    remotekg.fresh(oxigraph_server)
    with served(oxigraph_server, tmp_path) as a, served(oxigraph_server, tmp_path) as b:
        before, tag = _gaps(b)
        assert OSTHOLSTEIN in before and _gaps(b) == (before, tag)  # b now has it cached
        request = urllib.request.Request(a + "records", data=VALID, method="POST",
                                         headers={"Authorization": f"Bearer {WRITER}", "Content-Type": "text/turtle"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201
        after, new_tag = _gaps(b)
        assert OSTHOLSTEIN not in after and after == before - {OSTHOLSTEIN}
        assert new_tag != tag


def test_a_graph_read_through_the_graph_store_protocol_equals_the_same_graph_read_by_query(remote, oxigraph_server):
    seed = ox.NamedNode("https://w3id.org/koopgraph/id/graph/shapes")
    by_gsp = remote.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=seed)
    without = remotekg.RemoteStore(remotekg.Endpoints(oxigraph_server + "/query", oxigraph_server + "/update"))
    by_query = without.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=seed)
    assert set(by_gsp.splitlines()) == set(by_query.splitlines()) and len(by_gsp.splitlines()) > 1000
