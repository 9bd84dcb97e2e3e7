"""SERVICE reaches allow-listed endpoints only: a local peer on loopback
answers a federated join, and an endpoint not on the list is never
contacted (a listener records every connection)."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from kgtree import write_tree
from koopgraph.web.app import create_app
from koopgraph import content
from koopgraph.web import serving
from listener import Listener

WDT = "http://www.wikidata.org/prop/direct/"
PEER_DATA = {
    # a stand-in for Wikidata: German district keys (P440) of two Kreise
    "ontology/leer.ttl": "",
    "data/wikidata/kreise.ttl": f"""@prefix wdt: <{WDT}> .
@prefix wd: <http://www.wikidata.org/entity/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
wd:Q4001 wdt:P440 "01062" ; rdfs:label "Kreis Stormarn"@de, "Stormarn District"@en .
wd:Q4002 wdt:P440 "01057" ; rdfs:label "Kreis Plön"@de .
""",
}


@contextmanager
def running(app) -> Iterator[str]:
    settings = dict(app.config) | {"HOST": "127.0.0.1", "PORT": 0, "THREADS": 2}
    server = serving.make_server(app, settings)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield serving.url(server) + "sparql"
    finally:
        serving.stop(server)
        thread.join(10)


@pytest.fixture(scope="module")
def peer(tmp_path_factory) -> Iterator[str]:
    root = write_tree(tmp_path_factory.mktemp("peer"), PEER_DATA)
    with running(create_app({"TESTING": True, "QUERY_PROCESSES": False, "STORE": ":memory:", "RESOURCES": str(root)})) as url:
        yield url


@pytest.fixture
def listener() -> Iterator[Listener]:
    watcher = Listener("sparql")
    yield watcher
    watcher.close()


def _app(allowlist: str):
    return create_app({"TESTING": True, "QUERY_PROCESSES": False, "STORE": ":memory:", "RESOURCES": str(content.root()),
                       "SERVICE_ALLOWLIST": allowlist})


JOIN = """PREFIX koop: <https://w3id.org/koopgraph/ontology#>
SELECT ?ags ?item WHERE {{ ?region koop:kreisschluessel ?ags .
  SERVICE <{peer}> {{ ?item <http://www.wikidata.org/prop/direct/P440> ?ags }} }} ORDER BY ?ags"""


def test_an_allow_listed_peer_answers_a_federated_join(peer):
    client = _app(peer).test_client()
    response = client.get("/sparql", query_string={"query": JOIN.format(peer=peer)})
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = [(b["ags"]["value"], b["item"]["value"]) for b in response.get_json()["results"]["bindings"]]
    assert rows == [("01057", "http://www.wikidata.org/entity/Q4002"), ("01062", "http://www.wikidata.org/entity/Q4001")]


def test_an_endpoint_not_on_the_list_is_refused_and_never_contacted(peer, listener):
    client = _app(peer).test_client()
    response = client.get("/sparql", query_string={"query": JOIN.format(peer=listener.url)})
    assert response.status_code == 403
    error = response.get_json()["error"]
    assert error["code"] == "service-forbidden" and error["endpoint"] == listener.url
    time.sleep(0.3)
    assert listener.connections == 0


def test_the_default_list_allows_wikidata_only(listener):
    client = _app("https://query.wikidata.org/sparql").test_client()
    for target in (listener.url, "http://localhost:9/sparql", "file:///etc/passwd"):
        query = f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}"
        assert client.get("/sparql", query_string={"query": query}).status_code == 403
    time.sleep(0.3)
    assert listener.connections == 0


def test_service_with_a_variable_target_or_hidden_in_a_prefix_is_refused(listener):
    client = _app(listener.url).test_client()
    variable = "SELECT * WHERE { VALUES ?e { <%s> } SERVICE ?e { ?s ?p ?o } }" % listener.url
    assert client.get("/sparql", query_string={"query": variable}).status_code == 403
    prefixed = "PREFIX ep: <http://127.0.0.1:1/> SELECT * WHERE { SERVICE ep:sparql { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": prefixed})
    assert response.status_code == 403 and response.get_json()["error"]["endpoint"] == "http://127.0.0.1:1/sparql"
    time.sleep(0.3)
    assert listener.connections == 0


def test_the_readme_wikidata_example_joins_by_the_district_key(peer):
    from test_readme import example

    query = example("wikidata-join")
    assert "SERVICE <https://query.wikidata.org/sparql>" in query
    client = _app(peer).test_client()
    response = client.get("/sparql", query_string={"query": query.replace("https://query.wikidata.org/sparql", peer)})
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = [(b["kreis"]["value"], b["schluessel"]["value"], b["wikidataName"]["value"])
            for b in response.get_json()["results"]["bindings"]]
    assert rows == [("https://w3id.org/koopgraph/id/region/01057", "01057", "Kreis Plön"),
                    ("https://w3id.org/koopgraph/id/region/01062", "01062", "Kreis Stormarn")]
