"""Query limits: a query over QUERY_TIMEOUT gets 503 at its deadline while
other clients are served; beyond MAX_CONCURRENT_QUERIES queries get 429
with Retry-After; answers over MAX_RESULT_ROWS get 422 and are never cut
off; inputs that would crash or stall the engine's parsers get 400 and the
server stays up."""

import json
import threading
import time
import urllib.parse

import pyoxigraph as ox
import pytest

from . import helpers
from .helpers import Answer, Served, call

# ~1.3 s of engine time on the development machine (the count walks 25
# million rows), well over the tests' 0.3 s limit, without output to stop it.
SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { VALUES ?a { %s } VALUES ?b { %s } VALUES ?c { %s } }"
        % (" ".join(map(str, range(1000))), " ".join(map(str, range(1000))), " ".join(map(str, range(25)))))
# Writes output all the time and would run for many minutes.
ENDLESS = ("SELECT * WHERE { VALUES ?a { %s } VALUES ?b { %s } VALUES ?c { %s } }"
           % ((" ".join(map(str, range(1000))),) * 3))
FAST = "ASK { ?s ?p ?o }"


def query(base: str, text: str, accept: str = "application/sparql-results+json", timeout: float = 30) -> Answer:
    """GET, or a POSTed form when the URL would pass the 64 KiB an HTTP server reads (granian: 414)."""
    encoded = urllib.parse.urlencode({"query": text})
    if len(encoded) < 32_000:
        return call(base + "sparql?" + encoded, headers={"Accept": accept}, timeout=timeout)
    return call(base + "sparql", method="POST", body=encoded.encode(), timeout=timeout,
                headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})


def timed(function, *args, **kwargs) -> tuple[Answer, float]:
    started = time.monotonic()
    answer = function(*args, **kwargs)
    return answer, time.monotonic() - started


def in_background(function, *args):
    box: dict = {}

    def run() -> None:
        box["answer"], box["seconds"] = timed(function, *args)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def wait_until_idle(application, seconds: float = 60) -> None:
    """Let an overdue query finish, so it does not slow the next tests."""
    gate = application.extensions["koopgraph.queries"].gate  # threads: an overdue query runs on
    deadline = time.monotonic() + seconds
    while gate.running and time.monotonic() < deadline:
        time.sleep(0.05)
    assert gate.running == 0, "an overdue query is still running"


def test_a_query_over_the_time_limit_gets_503_at_its_deadline_while_others_are_served():
    application = helpers.app(QUERY_TIMEOUT=0.3, MAX_CONCURRENT_QUERIES=2)
    with helpers.live(application) as base:
        slow, box = in_background(query, base, SLOW)
        time.sleep(0.05)
        health, health_seconds = timed(call, base + "healthz")
        fast, fast_seconds = timed(query, base, FAST)
        slow.join(30)
        assert health.status == 200 and health_seconds < 1.0
        assert fast.status == 200 and fast.json()["boolean"] is True and fast_seconds < 1.0
        answer, seconds = box["answer"], box["seconds"]
        assert answer.status == 503, answer.body
        assert 0.28 <= seconds < 1.5
        error = answer.json()["error"]
        assert error["code"] == "query-timeout" and error["timeout"] == 0.3
        assert "Zeitlimit von 0.3 s" in error["message"] and "time limit of 0.3 s" in error["message_en"]
        wait_until_idle(application)


def test_an_overdue_query_keeps_its_slot_and_further_queries_get_429_with_retry_after(capfd):
    application = helpers.app(QUERY_TIMEOUT=0.3, MAX_CONCURRENT_QUERIES=1, LOG_REQUESTS=True)
    with helpers.live(application) as base:
        first = query(base, SLOW)
        assert first.status == 503
        refused, seconds = timed(query, base, FAST)
        assert refused.status == 429, refused.body
        assert refused.headers["Retry-After"] == "5"
        assert refused.json()["error"]["code"] == "too-many-queries"
        assert seconds < 1.0  # waited at most min(1 s, QUERY_TIMEOUT) for a slot
        assert call(base + "healthz").status == 200  # only queries wait for slots
        wait_until_idle(application)
        assert query(base, FAST).status == 200
    overdue = [json.loads(line) for line in capfd.readouterr().err.splitlines() if '"query-overdue-finished"' in line]
    assert len(overdue) == 1 and overdue[0]["query"].startswith("sha256:") and overdue[0]["seconds"] > 0.3


def test_a_runaway_query_that_writes_output_is_stopped_at_its_deadline_and_frees_its_slot():
    application = helpers.app(QUERY_TIMEOUT=0.3, MAX_CONCURRENT_QUERIES=1, MAX_RESULT_ROWS=10**12)
    with helpers.live(application) as base:
        runaway, seconds = timed(query, base, ENDLESS)
        assert runaway.status == 503 and seconds < 1.0
        freed = time.monotonic()
        wait_until_idle(application, seconds=5)
        assert time.monotonic() - freed < 1.0  # the engine stopped at its next write
        assert query(base, FAST).status == 200


# ---------------------------------------------------------------- rows

def values(n: int, literal: str = "x") -> str:
    escaped = literal.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    rows = " ".join(f'("{escaped}{i}")' for i in range(n))
    return f"SELECT ?v WHERE {{ VALUES (?v) {{ {rows} }} }}"


def triples(n: int, literal: bool = False) -> str:
    value = 'CONCAT(STR(?i), " , \\" ; ", " , ")' if literal else "?i"  # the literal looks like more triples in Turtle
    return f"CONSTRUCT {{ ?s <http://example.org/p> ?o }} WHERE {{ VALUES ?i {{ {' '.join(map(str, range(n)))} }} " \
           f"BIND(IRI(CONCAT(\"http://example.org/s\", STR(?i))) AS ?s) BIND({value} AS ?o) }}"


SELECT_TYPES = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"]
GRAPH_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
               "application/trig", "application/n-quads"]


@pytest.fixture(scope="module")
def five_rows():
    application = helpers.app(MAX_RESULT_ROWS=5)
    return application, application.test_client()


def direct(text: str, media_type: str) -> bytes:
    from koopgraph.engine import formats

    row = next(r for r in formats.TABLE if r.media_type == media_type)
    return ox.Store().query(text).serialize(format=row.format)


@pytest.mark.parametrize("media_type", SELECT_TYPES)
@pytest.mark.parametrize("literal", ["x", ',{},{"x":1}\n[{'])  # the second looks like rows to a JSON or CSV count
def test_solutions_up_to_the_limit_come_whole_and_one_more_is_422(five_rows, media_type, literal):
    _, client = five_rows
    ok = client.get("/sparql", query_string={"query": values(5, literal)}, headers={"Accept": media_type})
    assert ok.status_code == 200 and ok.get_data() == direct(values(5, literal), media_type)
    over = client.get("/sparql", query_string={"query": values(6, literal)}, headers={"Accept": media_type})
    assert over.status_code == 422
    assert over.get_json()["error"] | {"message": "", "message_en": ""} == {
        "status": 422, "code": "result-too-large", "limit": 5, "message": "", "message_en": ""}
    assert "MAX_RESULT_ROWS" in over.get_json()["error"]["message_en"]


@pytest.mark.parametrize("media_type", GRAPH_TYPES)
@pytest.mark.parametrize("literal", [False, True])
def test_triples_up_to_the_limit_come_whole_and_one_more_is_422(five_rows, media_type, literal):
    _, client = five_rows
    ok = client.get("/sparql", query_string={"query": triples(5, literal)}, headers={"Accept": media_type})
    assert ok.status_code == 200 and ok.get_data() == direct(triples(5, literal), media_type)
    over = client.get("/sparql", query_string={"query": triples(6, literal)}, headers={"Accept": media_type})
    assert over.status_code == 422 and over.get_json()["error"]["code"] == "result-too-large"


def test_named_questions_keep_the_row_limit_too():
    client = helpers.app(MAX_RESULT_ROWS=1).test_client()
    answer = client.get("/queries/kooperation-nach-region", query_string={"land": "01"})
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "result-too-large"
    assert client.get("/queries/kooperation-nach-region", query_string={"land": "01", "format": "html"},
                      headers={"Accept": "text/html"}).status_code == 422


@pytest.mark.parametrize("media_type", SELECT_TYPES + ["application/json"])
def test_answers_are_the_bytes_the_engine_writes(client, real_app, media_type):
    text = ("SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
            "ORDER BY ?s ?label")
    answer = client.get("/sparql", query_string={"query": text}, headers={"Accept": media_type})
    store = real_app.extensions["koopgraph.store"]
    from koopgraph.engine import formats
    from koopgraph import engine as kgstore

    row = next(r for r in formats.TABLE if r.media_type == media_type)
    assert answer.status_code == 200
    assert answer.get_data() == kgstore.query(store, text).serialize(format=row.format)


# ---------------------------------------------------------------- inputs the engine must never see

def nested_braces(depth: int) -> str:
    return "SELECT * WHERE " + "{" * depth + "}" * depth


def binds(n: int) -> str:
    return "SELECT * WHERE { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(n)) + " }"


def jsonld(depth: int) -> bytes:
    return ('{"@id": "https://w3id.org/koopgraph/id/x", "http://example.org/p": '
            + '{"http://example.org/p": ' * depth + "1" + "}" * depth + "}").encode()


def rdfxml_nested(depth: int) -> bytes:
    return ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://example.org/">'
            '<rdf:Description rdf:about="https://w3id.org/koopgraph/id/x">'
            + "<e:p><rdf:Description>" * depth + "</rdf:Description></e:p>" * depth
            + "</rdf:Description></rdf:RDF>").encode()


def rdfxml_laughs(levels: int) -> bytes:
    entities = ['<!ENTITY e0 "aaaaaaaaaa">'] + [f'<!ENTITY e{i} "' + f"&e{i - 1};" * 10 + '">' for i in range(1, levels)]
    return ('<?xml version="1.0"?><!DOCTYPE rdf:RDF [' + "".join(entities) + ']>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            f'<rdf:Description rdf:about="https://w3id.org/koopgraph/id/x"><rdf:value>&e{levels - 1};</rdf:value>'
            '</rdf:Description></rdf:RDF>').encode()


RDFXML_FILE_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                      b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
                      b'<rdf:Description rdf:about="https://w3id.org/koopgraph/id/x"><rdf:value>&x;</rdf:value>'
                      b'</rdf:Description></rdf:RDF>')


def test_inputs_that_crash_or_stall_the_engine_are_refused_and_the_server_stays_up(built_store):
    """Each of these took the process down (segfault: stack overflow in the
    engine's parser or planner) or held a CPU for minutes before the checks
    in limits.py; a child process proves the server survives them."""
    with Served(built_store, extra_env={"KOOPGRAPH_QUERY_TIMEOUT": "5"}) as server:
        base, token = server.url, {"Authorization": f"Bearer {helpers.WRITER}"}
        refused = {
            "101 nested groups": query(base, nested_braces(101)),
            "5000 nested groups (segfault)": query(base, nested_braces(5000)),
            "20001 tokens": query(base, "SELECT * WHERE { " + "?s ?p ?o . " * 5000 + "}"),
            "update 5000 deep": call(base + "sparql", method="POST", body=("INSERT DATA " + "{" * 5000 + "}" * 5000).encode(),
                                     headers=token | {"Content-Type": "application/sparql-update"}),
            "JSON-LD 10000 deep (segfault)": call(base + "validate", method="POST", body=jsonld(10_000),
                                                  headers={"Content-Type": "application/ld+json"}),
            "RDF/XML 40000 deep (25 s of CPU)": call(base + "validate", method="POST", body=rdfxml_nested(40_000),
                                                     headers={"Content-Type": "application/rdf+xml"}),
            "RDF/XML entities expanding to 10 GB": call(base + "records", method="POST", body=rdfxml_laughs(10),
                                                        headers=token | {"Content-Type": "application/rdf+xml"}),
            "RDF/XML external entity": call(base + "validate", method="POST", body=RDFXML_FILE_ENTITY,
                                            headers={"Content-Type": "application/rdf+xml"}),
        }
        for what, answer in refused.items():
            assert answer.status == 400, (what, answer.status, answer.body[:300])
            assert answer.json()["error"]["code"] in {"query-too-complex", "rdf-syntax"}, what
            assert b"root:" not in answer.body, what
        # 3000 BINDs overflow an 8 MiB thread stack; with 64 MiB the engine answers.
        deep = query(base, binds(3000))
        assert deep.status in (200, 503), deep.body[:300]
        assert call(base + "healthz").status == 200
        assert server.alive()


def test_sigterm_ends_the_server_at_once_even_while_an_overdue_query_runs(built_store):
    """The remedy for slots held by runaways is a restart: it must not wait for them."""
    endless_count = SLOW.replace(" ".join(map(str, range(25))), " ".join(map(str, range(1000))))  # minutes of counting
    with Served(built_store, extra_env={"KOOPGRAPH_QUERY_TIMEOUT": "0.3"}) as server:
        assert query(server.url, endless_count).status == 503
        started = time.monotonic()
        server.stop()
        assert server.process.returncode == 0 and time.monotonic() - started < 5
    with Served(built_store) as again:
        assert call(again.url + "healthz").status == 200


def test_the_gate_hands_back_results_and_errors_and_counts_overdue_work_until_it_ends():
    from koopgraph.errors import ApiError
    from koopgraph.engine.limits import QueryGate

    gate = QueryGate(slots=1, timeout=0.2)
    assert gate.run(lambda job: 42) == 42
    with pytest.raises(KeyError):
        gate.run(lambda job: {}["missing"])
    release = threading.Event()
    ended = []
    with pytest.raises(ApiError) as timeout:
        gate.run(lambda job: release.wait(5), on_overdue_end=ended.append)
    assert timeout.value.status == 503
    assert (gate.running, gate.overdue) == (1, 1)
    with pytest.raises(ApiError) as busy:
        gate.run(lambda job: 1)
    assert busy.value.status == 429 and busy.value.headers == {"Retry-After": "5"}
    release.set()
    deadline = time.monotonic() + 5
    while gate.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (gate.running, gate.overdue) == (0, 0) and len(ended) == 1 and ended[0] >= 0.2
    assert gate.run(lambda job: job.cancelled) is False
