"""The Graph Store HTTP Protocol at /store over the real graph: anyone reads,
only tokens write, every write passes the SHACL gate in one transaction and
is logged, the graphs built from the files and the log stay untouchable.
Statuses are the ones the GSP specification (and RFC 6750) prescribe."""

from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from writeapp import ADMIN, WRITER, auth, dump, make_app

HERE = Path(__file__).parents[1] / "shapes"
VALID = (HERE / "valid" / "kooperation-ostholstein.ttl").read_bytes()
NO_STATUS = (HERE / "invalid" / "kooperation__ohne-status.ttl").read_bytes()
TURTLE = "text/turtle"
NEW = "https://w3id.org/koopgraph/id/kooperation/ostholstein-neu"
GRAPH = "https://w3id.org/koopgraph/id/graph/"
KOOP = "https://w3id.org/koopgraph/ontology#"


@pytest.fixture
def app():
    return make_app()


def store_url(graph: str) -> str:
    return "/store?graph=" + quote(graph, safe="")


def triples(body: bytes, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> set:
    return {q.triple for q in ox.parse(body, format=fmt)}


def ground(found: set) -> set:
    return {t for t in found if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)}


@pytest.fixture
def submitted(web) -> str:
    """A record submitted through /records; its submission graph's IRI."""
    response = web.post("/records", data=VALID, headers=auth())
    assert response.status_code == 201
    return response.get_json()["graph"]


# ---------------------------------------------------------------- reading


def test_get_of_a_submission_graph_needs_no_token_and_is_turtle_by_default(web, submitted):
    response = web.get(store_url(submitted))
    assert response.status_code == 200 and response.content_type == "text/turtle; charset=utf-8"
    assert ox.Triple(ox.NamedNode(NEW), ox.NamedNode(KOOP + "status"),
                     ox.NamedNode("https://w3id.org/koopgraph/id/kooperationsstatus/besteht")) in triples(response.data)


@pytest.mark.parametrize(("accept", "fmt"), [
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
])
def test_get_negotiates_n_triples_json_ld_and_rdf_xml_with_the_same_triples(web, submitted, accept, fmt):
    turtle = triples(web.get(store_url(submitted)).data)
    response = web.get(store_url(submitted), headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    assert triples(response.data, fmt) == turtle


def test_head_answers_like_get_without_a_body(web, submitted):
    response = web.head(store_url(submitted))
    assert response.status_code == 200 and response.mimetype == TURTLE and response.data == b""


def test_get_of_a_graph_that_does_not_exist_is_404(web):
    assert web.get(store_url(GRAPH + "einreichung/gibt-es-nicht")).status_code == 404
    assert web.head(store_url(GRAPH + "einreichung/gibt-es-nicht")).status_code == 404


def test_get_without_graph_or_with_graph_and_default_together_is_400(web):
    assert web.get("/store").status_code == 400
    assert web.get("/store?default&graph=" + quote(GRAPH + "seed", safe="")).status_code == 400


def test_get_with_an_unacceptable_accept_header_is_406(web, submitted):
    assert web.get(store_url(submitted), headers={"Accept": "application/pdf"}).status_code == 406


# ---------------------------------------------------------------- who may write


def test_put_and_post_and_delete_without_a_token_are_401_with_a_bearer_challenge(app, web, submitted):
    before = dump(app)
    for method in ("PUT", "POST", "DELETE"):
        response = web.open(store_url(submitted), method=method, data=VALID, headers={"Content-Type": TURTLE})
        assert response.status_code == 401, method
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="koopgraph"'
    assert dump(app) == before


def test_a_wrong_token_is_401_invalid_token(app, web, submitted):
    response = web.post(store_url(submitted), data=VALID, headers=auth("falsches-geheimnis-0000000000"))
    assert response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_without_configured_tokens_writes_are_403_read_only():
    web = make_app(TOKENS="").test_client()
    response = web.put("/store?default", data=VALID, headers=auth())
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "read-only"


# ---------------------------------------------------------------- writing a submission graph


def test_post_merges_into_a_submission_graph_with_schreiben_and_is_logged_as_graph_store(web, submitted):
    comment = f'<{NEW}> <http://www.w3.org/2000/01/rdf-schema#comment> "Nachtrag"@de .'.encode()
    response = web.post(store_url(submitted), data=comment, headers=auth(WRITER, "application/n-triples"))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["operation"], body["records"], body["inserted"], body["deleted"]) == ("graph-store", [NEW], 1, 0)
    assert triples(comment, ox.RdfFormat.N_TRIPLES) <= triples(web.get(store_url(submitted)).data)
    logged = {s["id"]: s for s in web.get("/submissions").get_json()["submissions"]}
    assert logged[body["submission"]]["operation"] == "graph-store"
    assert logged[body["submission"]]["agent"] == "fallbearbeitung"


def test_put_over_a_graph_with_content_needs_verwalten_and_replaces_it_atomically(app, web, submitted):
    changed = VALID.replace(b"kstatus:besteht", b"kstatus:in-vorbereitung")
    before = dump(app)
    refused = web.put(store_url(submitted), data=changed, headers=auth(WRITER))
    assert refused.status_code == 403 and 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]
    assert dump(app) == before
    response = web.put(store_url(submitted), data=changed, headers=auth(ADMIN))
    assert response.status_code == 200
    assert response.get_json()["inserted"] == 1 and response.get_json()["deleted"] == 1  # only the status changed
    assert triples(web.get(store_url(submitted)).data) == triples(changed)


def test_put_of_invalid_data_is_422_with_the_report_and_the_store_stays_byte_identical(app, web, submitted):
    before = dump(app)
    response = web.put(store_url(submitted), data=NO_STATUS, headers=auth(ADMIN))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "shacl-violation" and error["conforms"] is False
    assert [(r["focusNode"], r["path"]) for r in error["results"]] == [(NEW, KOOP + "status")]
    assert dump(app) == before


def test_delete_of_a_submission_graph_needs_verwalten_then_the_graph_is_gone(app, web, submitted):
    before = dump(app)
    assert web.delete(store_url(submitted), headers=auth(WRITER, None)).status_code == 403
    assert dump(app) == before
    response = web.delete(store_url(submitted), headers=auth(ADMIN, None))
    assert response.status_code == 200 and response.get_json()["deleted"] > 0
    assert web.get(store_url(submitted)).status_code == 404
    assert web.delete(store_url(submitted), headers=auth(ADMIN, None)).status_code == 404
    assert web.get("/sparql", query_string={"query": f"ASK {{ <{NEW}> ?p ?o }}"}).get_json()["boolean"] is False


def test_post_without_a_graph_creates_a_new_submission_graph_201_with_its_iri_in_location(web):
    response = web.post("/store", data=VALID, headers=auth(WRITER))
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location.startswith(GRAPH + "einreichung/") and response.get_json()["graph"] == location
    assert triples(web.get(store_url(location)).data) == triples(VALID)


def test_put_into_a_new_graph_is_201_with_schreiben(web):
    graph = GRAPH + "arbeitsstand/ostholstein"
    response = web.put(store_url(graph), data=VALID, headers=auth(WRITER))
    assert response.status_code == 201 and response.headers["Location"] == graph
    assert triples(web.get(store_url(graph)).data) == triples(VALID)


def test_invalid_data_posted_to_a_new_graph_is_422_and_creates_nothing(app, web):
    before = dump(app)
    response = web.post("/store", data=NO_STATUS, headers=auth(WRITER))
    assert response.status_code == 422
    assert dump(app) == before


def test_a_graph_store_write_can_be_reverted_by_an_administrator(web, submitted):
    original = triples(web.get(store_url(submitted)).data)
    changed = VALID.replace(b"kstatus:besteht", b"kstatus:in-vorbereitung")
    sid = web.put(store_url(submitted), data=changed, headers=auth(ADMIN)).get_json()["submission"]
    assert web.post(f"/submissions/{sid}/revert", headers=auth(ADMIN, None)).status_code == 200
    assert triples(web.get(store_url(submitted)).data) == original


def test_replacing_blank_nodes_leaves_none_behind(web):
    graph = GRAPH + "arbeitsstand/leere-knoten"
    data = b'<https://w3id.org/koopgraph/id/x> <http://xmlns.com/foaf/0.1/knows> [ <http://xmlns.com/foaf/0.1/name> "A" ] .'
    assert web.put(store_url(graph), data=data, headers=auth(ADMIN)).status_code == 201
    assert web.put(store_url(graph), data=data, headers=auth(ADMIN)).status_code == 200
    assert len(triples(web.get(store_url(graph)).data)) == 2


# ---------------------------------------------------------------- what no one may write


@pytest.mark.parametrize("name", ["ontology", "shapes", "katalog", "seed", "opendata", "einreichungen"])
def test_writes_to_graphs_built_from_files_and_to_the_submissions_log_are_403(app, web, submitted, name):
    before = dump(app)
    for method in ("PUT", "POST", "DELETE"):
        response = web.open(store_url(GRAPH + name), method=method, data=VALID, headers=auth(ADMIN))
        assert response.status_code == 403, method
        assert response.get_json()["error"]["code"] == "protected-graph"
    assert dump(app) == before
    assert web.get(store_url(GRAPH + name)).status_code == 200  # reading stays open


# ---------------------------------------------------------------- the default graph


def test_default_graph_can_be_written_and_read_with_default(web):
    data = b'<https://w3id.org/koopgraph/id/notiz/1> <http://www.w3.org/2000/01/rdf-schema#label> "Notiz"@de .'
    response = web.put("/store?default", data=data, headers=auth(WRITER, "application/n-triples"))
    assert response.status_code == 200 and response.get_json()["target"] is None
    assert triples(web.get("/store?default").data) == triples(data, ox.RdfFormat.N_TRIPLES)
    assert web.delete("/store?default", headers=auth(ADMIN, None)).status_code == 200
    assert web.get("/store?default").data.strip() == b""


# ---------------------------------------------------------------- malformed requests


def test_bad_rdf_is_400_with_the_parsers_line_and_column(app, web, submitted):
    before = dump(app)
    response = web.post(store_url(submitted), data=b"<a> <b> .", headers=auth(WRITER))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["line"], error["column"]) == ("rdf-syntax", 1, 9)
    assert dump(app) == before


@pytest.mark.parametrize("content_type", ["application/trig", "application/n-quads", "application/pdf"])
def test_a_body_that_is_not_a_graph_syntax_is_415(web, submitted, content_type):
    response = web.post(store_url(submitted), data=b"x", headers=auth(WRITER, content_type))
    assert response.status_code == 415


def test_a_body_over_max_body_bytes_is_413_before_parsing():
    web = make_app(MAX_BODY_BYTES=1000).test_client()
    response = web.put("/store?default", data=b"#" * 2000, headers=auth(ADMIN))
    assert response.status_code == 413


def test_an_invalid_graph_iri_is_400(web):
    response = web.put("/store?graph=kein%20iri", data=VALID, headers=auth(ADMIN))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid-graph-iri"


def test_openapi_describes_the_graph_store_and_sparql_update(web):
    spec = web.get("/openapi.json").get_json()
    assert set(spec["paths"]["/store"]) == {"get", "put", "post", "delete"}
    assert "application/sparql-update" in spec["paths"]["/sparql"]["post"]["requestBody"]["content"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
