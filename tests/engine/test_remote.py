"""Koopgraph on a remote SPARQL engine (Oxigraph's own server, and OpenLink
Virtuoso where it is installed, both started by the tests on loopback): parameters become terms in the text exactly as the
embedded engine binds them, blank nodes survive a round trip, `koopgraph
build --backend sparql` loads idempotently with progress, several Koopgraph
processes on one engine see each other's writes at once (caches included),
and an engine that is down is a clear 502, never a traceback."""

import http.server
import json
import os
import re
import selectors
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import remotekg
from koopgraph.web.app import create_app
from koopgraph.domain import questions
from koopgraph import content
from koopgraph import engine as kgstore
from koopgraph.cli import koopgraph
from koopgraph.errors import BackendError
from koopgraph.engine.binding import BindError, bind_text
from koopgraph.engine import Delta
from koopgraph.engine.remote import GENID, VERSION_GRAPH, Endpoints, RemoteEngine

SHAPES = Path(__file__).parents[1] / "shapes"
VALID = (SHAPES / "valid" / "kooperation-ostholstein.ttl").read_bytes()
WRITER = "schreiberin-geheimnis-0123456789"
OSTHOLSTEIN = "https://w3id.org/koopgraph/id/region/01055"
CLI = [sys.executable, "-c", "from koopgraph.cli import main; main()"]


# ---------------------------------------------------------------- parameters as terms in the text

def test_every_named_question_answers_the_same_with_text_binding_as_with_engine_substitution(kg):
    for name, question in questions.load_queries().items():
        terms = question.bind({p.name: p.example for p in question.params if p.example})
        bound = kgstore.query(kg, question.sparql, substitutions=terms).serialize(format=ox.QueryResultsFormat.CSV)
        written = kgstore.query(kg, bind_text(question.sparql, terms)).serialize(format=ox.QueryResultsFormat.CSV)
        assert written == bound, name


def test_binding_leaves_strings_iris_comments_and_prefixed_names_alone():
    text = 'SELECT ?x WHERE { ?x <urn:?x> "?x" . # ?x\n ?x ex:x ?y }'
    assert bind_text(text, {"x": ox.Literal("a")}) == \
        'SELECT ("a" AS ?x) WHERE { "a" <urn:?x> "?x" . # ?x\n "a" ex:x ?y }'


def test_binding_in_an_expression_of_the_select_clause_leaves_order_by_to_the_bound_column():
    text = "SELECT ?n (STR(?n) AS ?s) WHERE { ?a ?b ?n } ORDER BY ?n DESC(?n)"
    assert bind_text(text, {"n": ox.Literal("1")}) == \
        'SELECT ("1" AS ?n) (STR("1") AS ?s) WHERE { ?a ?b "1" } ORDER BY ?n DESC(?n)'


GROUPED = [
    # grouped by the parameter itself
    "SELECT ?o (COUNT(*) AS ?c) WHERE { ?s ?p ?o } GROUP BY ?o ORDER BY ?o",
    # grouped by a variable a sub-select gives, the parameter bound inside it
    "SELECT ?s ?o (COUNT(?p) AS ?c) WHERE { { SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?p } } GROUP BY ?s ?o",
    # concatenated per group, with HAVING after GROUP BY
    'SELECT ?o ?s (GROUP_CONCAT(STR(?p); SEPARATOR=",") AS ?ps) WHERE { ?s ?p ?o } GROUP BY ?s ?o HAVING (COUNT(*) > 0)',
]


@pytest.mark.parametrize("text", GROUPED)
def test_grouped_queries_answer_the_same_with_text_binding_as_with_engine_substitution(text):
    store = ox.Store()
    for s, p, o in [("a", "p", "1"), ("a", "q", "1"), ("b", "p", "1"), ("b", "p", "2")]:
        store.add(ox.Quad(ox.NamedNode(f"urn:{s}"), ox.NamedNode(f"urn:{p}"), ox.Literal(o)))
    term = ox.Literal("1")
    engine = store.query(text, substitutions={ox.Variable("o"): term}).serialize(format=ox.QueryResultsFormat.CSV)
    written = store.query(bind_text(text, {"o": term})).serialize(format=ox.QueryResultsFormat.CSV)
    assert written == engine and engine.count(b"\n") > 1


def test_a_variable_a_subquery_already_projects_stays_a_column_of_the_outer_select():
    text = "SELECT ?v ?w WHERE { { SELECT ?v ?w WHERE { ?w ?p ?v } } }"
    assert bind_text(text, {"v": ox.NamedNode("urn:v")}) == \
        "SELECT ?v ?w WHERE { { SELECT (<urn:v> AS ?v) ?w WHERE { ?w ?p <urn:v> } } }"


@pytest.mark.parametrize("text", ["SELECT * WHERE { BIND(1 AS ?v) }", "SELECT * WHERE { VALUES ?v { 1 } }"])
def test_a_variable_the_query_binds_itself_cannot_be_a_parameter(text):
    with pytest.raises(BindError):
        bind_text(text, {"v": ox.Literal("x")})


# ---------------------------------------------------------------- the store through the protocols

@pytest.fixture(scope="module", params=remotekg.REMOTE_BACKENDS)
def engine(request) -> remotekg.Engine:
    """Each remote engine in turn (Virtuoso skips where not installed)."""
    return remotekg.engine(request, request.param)


@pytest.fixture
def remote(engine):
    return remotekg.fresh(engine)


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


def test_blank_nodes_are_stored_as_skolem_iris_and_read_back_as_blank_nodes(remote, engine):
    node, graph = ox.BlankNode("b1"), ox.NamedNode("https://w3id.org/koopgraph/id/graph/test-leer")
    quad = ox.Quad(node, ox.NamedNode("urn:p"), ox.Literal("x"), graph)
    remote.apply(Delta(inserts=[quad]))
    assert remote.quads_for_pattern(None, None, None, graph) == [quad]
    request = urllib.request.Request(engine.query_url + "?" + urllib.parse.urlencode(
        {"query": f"SELECT ?s WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"}),
        headers={"Accept": "application/sparql-results+json"} | engine.endpoints().headers())
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read().decode()
    assert GENID + "b1" in raw
    remote.apply(Delta(deletes=[quad]))
    assert remote.quads_for_pattern(None, None, None, graph) == []


def test_a_record_with_blank_nodes_is_inserted_and_reverted_completely(engine):
    remotekg.fresh(engine)
    app = create_app({"TESTING": True, "QUERY_PROCESSES": False, "RESOURCES": str(content.root()), "TOKENS": f"w:{WRITER}:schreiben+verwalten"}
                     | remotekg.settings(engine))
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

def test_build_into_the_engine_shows_progress_and_a_second_build_changes_nothing(engine):
    options = engine.options()
    first = CliRunner().invoke(koopgraph, ["build", *options])
    assert first.exit_code == 0, first.output
    assert "… https://w3id.org/koopgraph/id/graph/seed" in first.stderr
    remote = remotekg.store_at(engine)
    before = remote.dump(format=ox.RdfFormat.N_QUADS)
    second = CliRunner().invoke(koopgraph, ["build", *options])
    assert second.exit_code == 0 and second.stdout == first.stdout
    assert remote.dump(format=ox.RdfFormat.N_QUADS) == before
    counts = dict(kgstore.graph_counts(remote))
    assert counts["https://w3id.org/koopgraph/id/graph/seed"] > 2000


def test_an_update_request_that_fails_changes_nothing(request, remote):
    if request.node.callspec.params["engine"] == "virtuoso":
        request.applymarker(pytest.mark.xfail(strict=True, reason=(
            "Virtuoso applies the operations of an update request one by one: those before the failing one stay "
            "(README: Tested engines)")))
    graph = ox.NamedNode("https://w3id.org/koopgraph/id/graph/test-atomar")
    before = remote.version()
    with pytest.raises(BackendError):  # the second CREATE of one graph fails on every engine
        remote.update(f'CREATE GRAPH {graph} ; INSERT DATA {{ GRAPH {graph} {{ <urn:s> <urn:p> "x" }} }} ; CREATE GRAPH {graph}')
    assert remote.quads_for_pattern(None, None, None, graph) == [] and remote.version() == before


def test_many_statements_with_language_tags_in_many_graphs_are_written_and_deleted_exactly(remote):
    """More statements than one DATA operation holds, tagged literals
    across graphs: Virtuoso's parser and its quad delete are the cases."""
    graphs = [ox.NamedNode(f"https://w3id.org/koopgraph/id/graph/test-viele-{n}") for n in range(3)]
    quads = [ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal(f"Wert {i} – ä", language="de"),
                     graphs[i % 3]) for i in range(7000)]
    remote.apply(Delta(inserts=quads))
    assert {q for g in graphs for q in remote.quads_for_pattern(None, None, None, g)} == set(quads)
    remote.apply(Delta(deletes=quads))
    assert [q for g in graphs for q in remote.quads_for_pattern(None, None, None, g)] == []


def test_clear_empties_the_engine_and_forgets_what_was_built(remote):
    before = remote.version()
    remote.clear()
    assert list(remote.named_graphs()) == [] and len(remote) == 0 and remote.fingerprints() == {}
    assert remote.version() != before  # caches of every Koopgraph instance see the change


def test_an_engine_that_is_down_is_a_502_for_clients_and_exit_2_for_the_cli(oxigraph_server):
    down = {"BACKEND": "sparql", "QUERY_URL": "http://127.0.0.1:9/query", "UPDATE_URL": "http://127.0.0.1:9/update",
            "BUILD_IF_EMPTY": False}
    app = create_app({"TESTING": True, "QUERY_PROCESSES": False, "RESOURCES": str(content.root())} | down)
    response = app.test_client().get("/queries/kreise-ohne-formale-kooperation")
    assert response.status_code == 502
    error = response.get_json()["error"]
    assert error["code"] == "store-unavailable" and "nicht erreichbar" in error["message"]
    result = CliRunner().invoke(koopgraph, ["stats", "--backend", "sparql", "--query-url", "http://127.0.0.1:9/query",
                                            "--update-url", "http://127.0.0.1:9/update"])
    assert result.exit_code == 2 and "cannot be reached" in result.stderr and "Traceback" not in result.output


# ---------------------------------------------------------------- several Koopgraph processes, one engine

@contextmanager
def served(engine: remotekg.Engine, tmp: Path) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOOPGRAPH_")}
    env |= {"KOOPGRAPH_TOKENS": f"w:{WRITER}", "PYTHONUNBUFFERED": "1", "KOOPGRAPH_RESOURCES": str(content.root())}
    if engine.auth:
        env["KOOPGRAPH_REMOTE_AUTH"] = engine.auth  # the engine's password, as the CLI help advises: not in argv
    process = subprocess.Popen([*CLI, "serve", "--port", "0", "--threads", "2", *engine.options(auth=False)],
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


def test_a_write_through_one_instance_is_visible_through_another_at_once(engine, tmp_path):
    remotekg.fresh(engine)
    with served(engine, tmp_path) as a, served(engine, tmp_path) as b:
        before, tag = _gaps(b)
        assert OSTHOLSTEIN in before and _gaps(b) == (before, tag)  # b now has it cached
        request = urllib.request.Request(a + "records", data=VALID, method="POST",
                                         headers={"Authorization": f"Bearer {WRITER}", "Content-Type": "text/turtle"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201
        after, new_tag = _gaps(b)
        assert OSTHOLSTEIN not in after and after == before - {OSTHOLSTEIN}
        assert new_tag != tag


def test_a_graph_read_through_the_graph_store_protocol_equals_the_same_graph_read_by_query(remote, engine):
    seed = ox.NamedNode("https://w3id.org/koopgraph/id/graph/shapes")
    by_gsp = remote.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=seed)
    without = remotekg.RemoteEngine(engine.endpoints(gsp=False))
    by_query = without.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=seed)
    assert set(by_gsp.splitlines()) == set(by_query.splitlines()) and len(by_gsp.splitlines()) > 1000


# ---------------------------------------------------------------- engine quirks, without the engine

class _Canned(http.server.BaseHTTPRequestHandler):
    """Answers every POST with the body and headers a test set, and keeps
    the Accept header it was sent."""

    answer: tuple[bytes, dict[str, str]] = (b"", {})
    accepts: list[str] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        type(self).accepts.append(self.headers.get("Accept", ""))
        body, headers = type(self).answer
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def canned() -> Iterator[tuple[type[_Canned], RemoteEngine]]:
    handler = type("Handler", (_Canned,), {"accepts": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    try:
        yield handler, RemoteEngine(Endpoints(url, url))
    finally:
        server.shutdown()
        server.server_close()


JSON_RESULTS = {"Content-Type": "application/sparql-results+json"}


def _table(name: str, *values: dict) -> bytes:
    return json.dumps({"head": {"vars": [name]}, "results": {"bindings": [{name: v} for v in values]}}).encode()


@pytest.mark.parametrize("rows, answer", [((), False), (({"type": "literal", "value": "1"},), True)])
def test_an_ask_answered_as_a_table_of_ask_retval_is_a_boolean(canned, rows, answer):
    handler, store = canned
    handler.answer = (_table("__ASK_RETVAL", *rows), JSON_RESULTS)  # Virtuoso 7.2
    assert isinstance(store.query("ASK { ?s ?p ?o }"), ox.QueryBoolean)
    assert bool(store.query("ASK { ?s ?p ?o }")) is answer
    assert store.contains_named_graph(ox.NamedNode("urn:g")) is answer


def test_booleans_written_as_1_and_0_in_json_results_are_read_as_true_and_false(canned):
    handler, store = canned
    boolean = "http://www.w3.org/2001/XMLSchema#boolean"
    handler.answer = (_table("b", {"type": "typed-literal", "datatype": boolean, "value": "1"},
                             {"type": "typed-literal", "datatype": boolean, "value": "0"}), JSON_RESULTS)
    assert [r["b"] for r in store.query("SELECT ?b WHERE { ?s ?p ?b }")] == [
        ox.Literal("true", datatype=ox.NamedNode(boolean)), ox.Literal("false", datatype=ox.NamedNode(boolean))]


def test_an_answer_the_engine_cut_off_at_its_row_limit_is_an_error_not_a_silent_part(canned):
    handler, store = canned
    handler.answer = (_table("s", {"type": "uri", "value": "urn:s"}), JSON_RESULTS | {"X-SPARQL-MaxRows": "1"})
    with pytest.raises(BackendError, match="ResultSetMaxRows"):
        store.query("SELECT ?s WHERE { ?s ?p ?o }")


def test_construct_asks_only_for_rdf_and_select_only_for_results(canned):
    handler, store = canned
    handler.answer = (b"<urn:s> <urn:p> <urn:o> .\n", {"Content-Type": "application/n-triples"})
    assert [str(t) for t in store.query("PREFIX select: <urn:x> CONSTRUCT WHERE { ?s ?p ?o }")] == ["<urn:s> <urn:p> <urn:o>"]
    handler.answer = (_table("s"), JSON_RESULTS)
    store.query("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }")
    construct, select = handler.accepts
    assert "sparql-results" not in construct and "n-triples" in construct
    assert "sparql-results+json" in select and "n-triples" not in select


def test_with_the_engines_own_union_default_graph_every_question_answers_as_on_the_embedded_store(kg, tmp_path):
    """REMOTE_UNION engine: oxigraph serve --union-default-graph, no graph list sent."""
    with remotekg.oxigraph_server(tmp_path / "union", extra=("--union-default-graph",)) as base:
        app = create_app({"TESTING": True, "QUERY_PROCESSES": False, "RESOURCES": str(content.root()), "CACHE": False, "LOG_REQUESTS": False,
                          "REMOTE_UNION": "engine"} | remotekg.settings(base))
        store = app.extensions["koopgraph.store"]
        assert store.endpoints.union == "engine"
        for name, question in questions.load_queries().items():
            raw = {p.name: p.example for p in question.params if p.example}
            expected = _cells(questions.run(kg, question, raw).serialize(format=ox.QueryResultsFormat.CSV))
            assert _cells(questions.run(store, question, raw).serialize(format=ox.QueryResultsFormat.CSV)) == expected, name


def _cells(csv_bytes: bytes) -> list[tuple]:
    """Rows in order; a multi-valued cell ("a; b", notes joined by " | ") as
    the set of its values: GROUP_CONCAT's order follows each store's
    internal ids, the values do not."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8"))))
    return [tuple(frozenset(v for part in cell.split(" | ") for v in part.split("; ")) for cell in row) for row in rows]
