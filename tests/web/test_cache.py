"""The answer cache never serves stale data: a second identical request is
answered from the cache with exactly the bytes the engine wrote, and every
write path (records, SPARQL Update, Graph Store Protocol, import, build)
makes the next answer fresh. ETags let clients revalidate with 304; queries
whose answer changes without a write (NOW(), RAND(), SERVICE) are never
cached."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from koopgraph.web.context import CACHE_KEY
from koopgraph.writes import build
from koopgraph.engine import sparqltext
from koopgraph.web import cache
from koopgraph.writes.imports import csv as csv_import
from koopgraph import content
from koopgraph import engine as kgstore
from koopgraph.domain import mappings
from koopgraph.cli import koopgraph
from writeapp import ADMIN, auth, make_app

SHAPES = Path(__file__).parents[1] / "shapes"
VALID = (SHAPES / "valid" / "kooperation-ostholstein.ttl").read_bytes()
OSTHOLSTEIN = "https://w3id.org/koopgraph/id/region/01055"
NEW = "https://w3id.org/koopgraph/id/kooperation/ostholstein-neu"
GAPS = "/queries/kreise-ohne-formale-kooperation"
MINI = Path(__file__).parents[1] / "fixtures" / "gemeindeverzeichnis-mini.csv"


@pytest.fixture
def app():
    return make_app()


def gap_regions(web) -> set[str]:
    response = web.get(GAPS, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    return {b["region"]["value"] for b in response.get_json()["results"]["bindings"]}


def warmed(web, app) -> int:
    """Ask twice so the answer is certainly in the cache; return the hits."""
    assert OSTHOLSTEIN in gap_regions(web)
    hits = app.extensions[CACHE_KEY].hits
    assert OSTHOLSTEIN in gap_regions(web)
    assert app.extensions[CACHE_KEY].hits == hits + 1
    return hits + 1


# ---------------------------------------------------------------- identical answers

def uncached(app, ask):
    """ask() answered by the same app and store with the cache switched off."""
    kept, app.extensions[CACHE_KEY] = app.extensions[CACHE_KEY], None
    try:
        return ask()
    finally:
        app.extensions[CACHE_KEY] = kept


@pytest.mark.parametrize("fmt", ["json", "csv", "tsv", "xml"])
def test_every_named_question_answers_the_same_bytes_cached_and_uncached(fmt):
    app = make_app()
    web, answers = app.test_client(), app.extensions[CACHE_KEY]
    described = web.get("/queries").get_json()["queries"]
    assert len(described) >= 12
    for question in described:
        name = question["name"]
        args = {p["name"]: p["example"] for p in question["params"]} | {"format": fmt}
        hits = answers.hits
        first = web.get(f"/queries/{name}", query_string=args)
        second = web.get(f"/queries/{name}", query_string=args)
        assert answers.hits == hits + 1, name
        reference = uncached(app, lambda: web.get(f"/queries/{name}", query_string=args))
        assert first.status_code == second.status_code == reference.status_code == 200, name
        assert first.data == second.data == reference.data, name
        assert first.content_type == second.content_type == reference.content_type


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv", "application/sparql-results+xml"])
def test_a_sparql_query_answers_the_same_bytes_from_the_cache(accept):
    app = make_app()
    web = app.test_client()
    query = {"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"}
    first = web.get("/sparql", query_string=query, headers={"Accept": accept})
    second = web.get("/sparql", query_string=query, headers={"Accept": accept})
    assert app.extensions[CACHE_KEY].hits == 1
    reference = uncached(app, lambda: web.get("/sparql", query_string=query, headers={"Accept": accept}))
    assert first.data == second.data == reference.data and b"graph/seed" in first.data
    assert second.content_type == first.content_type


def test_the_key_tells_apart_parameters_formats_and_datasets(app, web):
    sh = web.get("/queries/kooperation-und-bevoelkerung?land=01&format=csv").data
    hh = web.get("/queries/kooperation-und-bevoelkerung?land=02&format=csv").data
    assert sh.count(b"\n") == 16 and hh.count(b"\n") == 1  # 15 regions of SH; Hamburg is not in the graph
    assert web.get("/queries/kooperation-und-bevoelkerung?land=01&format=tsv").data != sh
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = web.get("/sparql", query_string={"query": count}).get_json()
    seed_only = web.get("/sparql", query_string={"query": count,
                                                 "default-graph-uri": "https://w3id.org/koopgraph/id/graph/seed"}).get_json()
    assert union != seed_only


# ---------------------------------------------------------------- fresh after every write path

def test_a_new_record_makes_the_next_answer_fresh(app, web):
    warmed(web, app)
    assert web.post("/records", data=VALID, headers=auth()).status_code == 201
    assert OSTHOLSTEIN not in gap_regions(web)


def test_replacing_deleting_and_reverting_records_make_the_next_answer_fresh(app, web):
    created = web.post("/records", data=VALID, headers=auth()).get_json()
    assert OSTHOLSTEIN not in gap_regions(web)
    gap_regions(web)
    planned = VALID.replace(b"kstatus:besteht", b"kstatus:in-vorbereitung")
    assert web.put("/records/kooperation/ostholstein-neu", data=planned, headers=auth()).status_code == 200
    assert OSTHOLSTEIN in gap_regions(web)
    assert web.put("/records/kooperation/ostholstein-neu", data=VALID, headers=auth()).status_code == 200
    assert OSTHOLSTEIN not in gap_regions(web)
    assert web.delete("/records/kooperation/ostholstein-neu", headers=auth()).status_code == 200
    assert OSTHOLSTEIN in gap_regions(web)
    again = web.post("/records", data=VALID, headers=auth()).get_json()
    assert OSTHOLSTEIN not in gap_regions(web)
    assert web.post(f"/submissions/{again['submission']}/revert", headers=auth(ADMIN, None)).status_code == 200
    assert OSTHOLSTEIN in gap_regions(web)
    assert created["submission"] != again["submission"]


def test_sparql_update_makes_the_next_answer_fresh(app, web):
    warmed(web, app)
    triples = Graph().parse(data=VALID, format="turtle").serialize(format="nt")
    update = f"INSERT DATA {{ GRAPH <https://w3id.org/koopgraph/id/graph/test-update> {{ {triples} }} }}"
    response = web.post("/sparql", data=update.encode(), headers=auth(content_type="application/sparql-update"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert OSTHOLSTEIN not in gap_regions(web)


def test_graph_store_writes_make_the_next_answer_fresh(app, web):
    warmed(web, app)
    target = {"graph": "https://w3id.org/koopgraph/id/graph/test-gsp"}
    assert web.put("/store", query_string=target, data=VALID, headers=auth()).status_code == 201
    assert OSTHOLSTEIN not in gap_regions(web)
    assert web.delete("/store", query_string=target, headers=auth(ADMIN, None)).status_code in (200, 204)
    assert OSTHOLSTEIN in gap_regions(web)


def test_an_import_makes_the_next_answer_fresh(app, web):
    ask = "/queries/kooperation-und-bevoelkerung?land=02&format=csv"
    assert web.get(ask).data.count(b"\n") == 1 and web.get(ask).data.count(b"\n") == 1
    mapping = mappings.load_mapping(mappings.mapping_path("gemeindeverzeichnis"))
    csv_import.run(app.extensions["koopgraph.store"], mapping, MINI, "test")
    assert b"Hamburg" in web.get(ask).data


def test_a_build_that_changes_graphs_changes_the_version_and_one_that_changes_nothing_keeps_it(tmp_path):
    store = kgstore.open_store(None)
    before = store.version()
    build.build(store, content.root())
    built = store.version()
    assert built != before
    build.build(store, content.root(), only_changed=True)
    assert store.version() == built


# ---------------------------------------------------------------- HTTP caching

def test_etag_revalidation_gives_304_until_a_write_changes_the_answer(app, web):
    first = web.get(GAPS)
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache" and "Accept" in first.headers["Vary"]
    revalidated = web.get(GAPS, headers={"If-None-Match": tag})
    assert revalidated.status_code == 304 and revalidated.data == b"" and revalidated.headers["ETag"] == tag
    assert web.get(GAPS, headers={"If-None-Match": '"something-else"'}).status_code == 200
    web.post("/records", data=VALID, headers=auth())
    after = web.get(GAPS, headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag and after.data != first.data


@pytest.mark.parametrize("query", [
    'SELECT (NOW() AS ?t) WHERE {}',
    'SELECT (RAND() AS ?r) WHERE {}',
    'SELECT (STRUUID() AS ?u) WHERE {}',
])
def test_queries_whose_answer_changes_without_a_write_are_never_cached(app, web, query):
    answers = [web.get("/sparql", query_string={"query": query}) for _ in range(2)]
    assert all(a.status_code == 200 and a.headers["Cache-Control"] == "no-store" and "ETag" not in a.headers
               for a in answers)
    assert app.extensions[CACHE_KEY].hits == 0 and len(app.extensions[CACHE_KEY]) == 0


def test_a_variable_or_string_named_like_a_volatile_function_does_not_stop_caching():
    assert sparqltext.read('SELECT ?now ?rand WHERE { ?s <urn:uuid> "NOW()" }').cacheable
    assert not sparqltext.read("SELECT * WHERE { BIND(now() AS ?t) }").cacheable
    assert not sparqltext.read("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }").cacheable


def test_answers_larger_than_an_eighth_of_the_cache_are_not_kept():
    store_cache = cache.AnswerCache(800)
    store_cache.get("v1", ("k",))
    store_cache.put("v1", ("small",), cache.Answer(b"x" * 100, "text/csv"))
    store_cache.put("v1", ("large",), cache.Answer(b"x" * 101, "text/csv"))
    assert store_cache.get("v1", ("small",)) is not None and store_cache.get("v1", ("large",)) is None


def test_an_answer_made_from_an_older_version_is_not_kept():
    store_cache = cache.AnswerCache(1 << 20)
    store_cache.get("v2", ("k",))  # a request has already seen the newer version
    store_cache.put("v1", ("k",), cache.Answer(b"old", "text/csv"))
    assert store_cache.get("v2", ("k",)) is None


def test_no_cache_option_and_setting_switch_the_cache_off(tmp_path, monkeypatch):
    assert make_app(CACHE=False).extensions[CACHE_KEY] is None
    from koopgraph.web import serving

    seen = {}
    make_server = serving.make_server

    def spy(app, settings):
        seen["cache"] = app.extensions[CACHE_KEY]
        return make_server(app, settings)

    monkeypatch.delenv("KOOPGRAPH_CONFIG", raising=False)
    monkeypatch.setattr(serving, "make_server", spy)
    monkeypatch.setattr(serving, "run", lambda server: (server.task_dispatcher.shutdown(), server.close()))
    result = CliRunner().invoke(koopgraph, ["serve", "--port", "0", "--store", str(tmp_path / "s"), "--no-cache",
                                                  "--server", "waitress"])
    assert result.exit_code == 0, result.output
    assert seen == {"cache": None}
