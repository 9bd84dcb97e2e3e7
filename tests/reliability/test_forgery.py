"""No request forgery: nothing a client sends – query, update, upload,
graph name, base IRI or parameter – makes the server open a connection or
read a file. A listener on loopback counts every connection attempt; it
must count none. (pyoxigraph itself fetches for SERVICE and LOAD – measured:
it connects – but never for FROM, FROM NAMED, BASE or a graph name.)"""

import json
import urllib.parse

import pytest

from listener import Listener

from . import helpers
from .helpers import ADMIN, WRITER

TURTLE = {"Content-Type": "text/turtle"}


@pytest.fixture
def listener():
    watcher = Listener()
    yield watcher
    watcher.close()


@pytest.fixture(scope="module")
def web():
    return helpers.app().test_client()


def bearer(secret: str = ADMIN) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def sparql_query(web, text: str, **params):
    return web.get("/sparql", query_string={"query": text, **params})


def sparql_update(web, text: str, **params):
    return web.post("/sparql?" + urllib.parse.urlencode(params, doseq=True), data=text.encode(),
                    headers=bearer() | {"Content-Type": "application/sparql-update"})


def no_passwd(response) -> bool:
    return b"root:" not in response.get_data()


def test_queries_never_fetch_service_targets_datasets_or_base_iris(web, listener):
    url = listener.url
    refused = [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }} }}",
        f"PREFIX x: <{url}> SELECT * WHERE {{ SERVICE x:sparql {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
        f"ASK {{ SERVICE <{url}> {{ }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    ]
    for text in refused:
        response = sparql_query(web, text)
        assert response.status_code == 403, (text, response.get_data())
        assert response.get_json()["error"]["code"] == "service-forbidden"
    answered = [
        (f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}", {}),
        (f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", {}),
        (f"BASE <{url}> SELECT * WHERE {{ <x> ?p ?o }}", {}),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"default-graph-uri": url, "named-graph-uri": url + "n"}),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"default-graph-uri": "file:///etc/passwd"}),
        (f"SELECT (IRI(\"{url}\") AS ?i) (STR(<{url}>) AS ?s) WHERE {{}}", {}),
    ]
    for text, params in answered:
        response = sparql_query(web, text, **params)
        assert response.status_code == 200, (text, response.get_data())
        assert no_passwd(response)
    assert listener.settle() == 0


def test_updates_never_load_or_fetch_using_graphs(listener):
    web = helpers.app().test_client()
    url = listener.url
    for text in (f"LOAD <{url}>", f"LOAD SILENT <{url}> INTO GRAPH <{url}g>", "LOAD <file:///etc/passwd>",
                 f"INSERT DATA {{ <urn:a> <urn:b> <urn:c> }} ; LOAD <{url}>",
                 f"INSERT {{ GRAPH <urn:g> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"):
        response = sparql_update(web, text)
        assert response.status_code == 403, (text, response.get_data())
        assert response.get_json()["error"]["code"] in {"load-forbidden", "service-forbidden"}
    for text, params in (
        (f"INSERT {{ GRAPH <urn:x:g> {{ <urn:s> <urn:p> ?o }} }} USING <{url}> WHERE {{ ?s ?p ?o }}", {}),
        (f"INSERT {{ GRAPH <urn:x:g> {{ <urn:s> <urn:p> ?o }} }} USING NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", {}),
        (f"WITH <{url}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}", {}),
        ("INSERT { GRAPH <urn:x:g> { <urn:s> <urn:p> ?o } } WHERE { ?s ?p ?o }",
         {"using-graph-uri": url, "using-named-graph-uri": "file:///etc/passwd"}),
        (f"CREATE SILENT GRAPH <{url}c> ; CLEAR SILENT GRAPH <{url}> ; DROP SILENT GRAPH <file:///etc/passwd>", {}),
        (f"INSERT DATA {{ GRAPH <{url}d> {{ <{url}s> <{url}p> <file:///etc/passwd> }} }}", {}),
    ):
        response = sparql_update(web, text, **params)
        assert response.status_code in (200, 204), (text, response.get_data())
        assert no_passwd(response)
    assert listener.settle() == 0


def test_graph_store_names_and_uploaded_bases_are_only_names(listener):
    web = helpers.app().test_client()
    url = listener.url
    assert web.get("/store", query_string={"graph": url}).status_code == 404
    assert web.get("/store", query_string={"graph": "file:///etc/passwd"}).status_code == 404
    body = f"@base <{url}> . <s> <p> <file:///etc/passwd> .".encode()
    put = web.put("/store", query_string={"graph": url + "g"}, data=body, headers=bearer(WRITER) | TURTLE)
    assert put.status_code == 201, put.get_data()
    stored = web.get("/store", query_string={"graph": url + "g"}, headers={"Accept": "application/n-triples"})
    assert stored.get_data() == f"<{url}s> <{url}p> <file:///etc/passwd> .\n".encode()
    assert web.delete("/store", query_string={"graph": url + "g"}, headers=bearer()).status_code == 200
    assert listener.settle() == 0


def uploads(url: str) -> list[tuple[str, bytes]]:
    """Bodies that would make a careless parser fetch something."""
    return [
        ("application/ld+json", json.dumps({"@context": url, "@id": "https://w3id.org/koopgraph/id/x",
                                            "name": "x"}).encode()),
        ("application/ld+json", json.dumps({"@context": [url + "ctx.jsonld"], "@id": "https://w3id.org/koopgraph/id/x"}).encode()),
        ("application/ld+json", json.dumps({"@context": {"@import": url}, "@id": "https://w3id.org/koopgraph/id/x"}).encode()),
        ("application/ld+json", json.dumps({"@context": "file:///etc/passwd", "@id": "https://w3id.org/koopgraph/id/x"}).encode()),
        ("application/rdf+xml", f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{url}">]>'
                                '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
                                'rdf:about="https://w3id.org/koopgraph/id/x"><rdf:value>&x;</rdf:value></rdf:Description>'
                                '</rdf:RDF>'.encode()),
        ("application/rdf+xml", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'
                                b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'),
        ("application/rdf+xml", f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xml:base="{url}">'
                                '<rdf:Description rdf:about="x"><rdf:value>1</rdf:value></rdf:Description></rdf:RDF>'.encode()),
        ("text/turtle", f"@base <{url}> . @prefix owl: <http://www.w3.org/2002/07/owl#> . "
                        f"<https://w3id.org/koopgraph/id/x> owl:imports <{url}>, <file:///etc/passwd> .".encode()),
    ]


@pytest.mark.parametrize("path", ["/validate", "/records", "/store"])
def test_uploads_never_fetch_contexts_entities_imports_or_files(listener, path):
    web = helpers.app().test_client()
    for media_type, body in uploads(listener.url):
        response = web.post(path, data=body, headers=bearer(WRITER) | {"Content-Type": media_type})
        assert response.status_code < 500, (media_type, body[:80], response.get_data())
        assert no_passwd(response)
    assert listener.settle() == 0


def test_named_question_parameters_are_only_values(web, listener):
    for name, param in (("region-suchen", "q"), ("akteure", "ags"), ("kooperation-nach-region", "land")):
        for value in (listener.url, "file:///etc/passwd", f"<{listener.url}>"):
            response = web.get(f"/queries/{name}", query_string={param: value})
            assert response.status_code in (200, 400)
            assert no_passwd(response)
    assert listener.settle() == 0
