"""Checking and writing records over HTTP: nothing invalid enters the graph,
nothing valid is lost, nobody without a token writes, and a failed write
leaves the store exactly as it was."""

import json
import threading
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

import remotekg
from writeapp import ADMIN, WRITER, auth, dump, make_app

HERE = Path(__file__).parents[1] / "shapes"
VALID = (HERE / "valid" / "kooperation-ostholstein.ttl").read_bytes()
NO_STATUS = (HERE / "invalid" / "kooperation__ohne-status.ttl").read_bytes()
TURTLE = {"Content-Type": "text/turtle"}
NEW = "https://w3id.org/koopgraph/id/kooperation/ostholstein-neu"


@pytest.fixture(params=remotekg.BACKENDS)
def app(request):
    """The app on the embedded store, and once more on each remote engine
    (Oxigraph's own server, Virtuoso where installed) through the SPARQL
    protocols (issue: remote backend)."""
    if request.param == "eingebettet":
        return make_app()
    engine = remotekg.engine(request, request.param)
    remotekg.fresh(engine)
    return make_app(**remotekg.settings(engine))


def ask(web, query: str) -> bool:
    return web.get("/sparql", query_string={"query": query}).get_json()["boolean"]


# ---------------------------------------------------------------- /validate

def test_validate_accepts_a_good_record_and_stores_nothing(app, web):
    before = dump(app)
    response = web.post("/validate", data=VALID, headers=TURTLE)
    assert response.status_code == 200 and response.get_json() == {"conforms": True, "results": []}
    assert dump(app) == before


def test_validate_reports_focus_node_path_and_german_message(web):
    body = web.post("/validate", data=NO_STATUS, headers=TURTLE).get_json()
    assert body["conforms"] is False
    (result,) = body["results"]
    assert result["focusNode"] == NEW
    assert result["path"] == "https://w3id.org/koopgraph/ontology#status"
    assert result["severity"] == "Violation" and result["message"].startswith("Genau ein Status ist nötig")
    assert result["sourceShape"] is not None and result["message_en"].startswith("Exactly one status")


def test_validate_gives_the_standard_shacl_report_graph_for_turtle(web):
    response = web.post("/validate", data=NO_STATUS, headers=TURTLE | {"Accept": "text/turtle"})
    assert response.mimetype == "text/turtle"
    g = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    (report,) = g.subjects(None, SH.ValidationReport)
    assert g.value(report, SH.conforms).toPython() is False
    assert len(list(g.objects(report, SH.result))) == 1


def test_a_reference_to_a_region_that_does_not_exist_is_a_violation(web):
    body = web.post("/validate", data=VALID.replace(b"region:01055", b"region:01099"), headers=TURTLE).get_json()
    assert [(r["path"].rsplit("#")[-1], r["constraint"]) for r in body["results"]] == [("region", "ClassConstraintComponent")]


@pytest.mark.parametrize(("media_type", "body"), [
    ("text/turtle", b"@prefix koop: <https://w3id.org/koopgraph/ontology#> .\n<a> koop:x \"unterminated ."),
    ("application/n-triples", b"<https://w3id.org/koopgraph/id/x> <p> ."),
    ("application/ld+json", b'{"@id": 1}'),
    ("application/rdf+xml", b"<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'><rdf:Description"),
    ("application/trig", b"GRAPH <g> { <s> <p> "),
    ("application/n-quads", b"<s> <p> <o> <g> <extra> ."),
])
def test_a_malformed_body_of_each_syntax_gets_400_with_the_parsers_message(web, media_type, body):
    for url in ("/validate", "/records"):
        response = web.post(url, data=body, headers={"Content-Type": media_type, "Authorization": f"Bearer {WRITER}"})
        assert response.status_code == 400, (url, media_type)
        error = response.get_json()["error"]
        assert error["code"] == "rdf-syntax" and error["message"].startswith("Anfragekörper: kein gültiges RDF")
        assert error["message_en"].startswith("request body: not valid RDF")


def test_a_syntax_error_names_line_and_column(web):
    error = web.post("/validate", data=b"<a> <b> .", headers=TURTLE).get_json()["error"]
    assert (error["line"], error["column"]) == (1, 9) and "Zeile 1, Spalte 9" in error["message"]


def test_an_unsupported_content_type_gets_415(web):
    assert web.post("/validate", data=b"x", headers={"Content-Type": "application/pdf"}).status_code == 415


# ---------------------------------------------------------------- write access

def test_writing_without_a_token_gets_401_with_a_bearer_challenge(web):
    response = web.post("/records", data=VALID, headers=TURTLE)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="koopgraph"'


def test_a_wrong_token_gets_401_invalid_token_and_is_never_echoed(web):
    response = web.post("/records", data=VALID, headers=auth("falsches-geheimnis-0000000000"))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert b"falsches-geheimnis" not in response.get_data()


def test_a_valid_token_without_the_right_gets_403(web):
    response = web.post("/submissions/20260101-000000000-abcd/revert", headers=auth(WRITER))
    assert response.status_code == 403 and "verwalten" in response.get_json()["error"]["message"]


def test_without_configured_tokens_the_server_is_read_only(tmp_path):
    web = make_app(TOKENS="").test_client()
    response = web.post("/records", data=VALID, headers=auth())
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "read-only"


# ---------------------------------------------------------------- inserting

def test_a_valid_record_is_stored_and_answers_change_at_once(web):
    response = web.post("/records", data=VALID, headers=auth())
    assert response.status_code == 201
    body = response.get_json()
    assert body["records"] == [NEW] and body["graph"].startswith("https://w3id.org/koopgraph/id/graph/einreichung/")
    assert response.headers["Location"] == "/id/kooperation/ostholstein-neu"
    rows = {r["ags"]["value"]: r for r in web.get("/queries/kooperation-nach-region").get_json()["results"]["bindings"]}
    assert rows["01055"]["vereinbarung"]["value"] == "ja" and rows["01055"]["formaleKooperation"]["value"] == "ja"


def test_a_record_failing_validation_leaves_the_store_byte_for_byte_as_it_was(app, web):
    before = dump(app)
    response = web.post("/records", data=NO_STATUS, headers=auth())
    assert response.status_code == 422
    assert response.get_json()["error"]["results"][0]["path"].endswith("#status")
    assert dump(app) == before


def test_a_record_whose_iri_exists_gets_409(web):
    assert web.post("/records", data=VALID, headers=auth()).status_code == 201
    response = web.post("/records", data=VALID, headers=auth())
    assert response.status_code == 409 and response.get_json()["error"]["iris"] == [NEW]


def test_records_outside_the_koopgraph_id_space_are_refused(web):
    body = b"<http://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> \"x\" ."
    response = web.post("/records", data=body, headers=auth() | {"Content-Type": "application/n-triples"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "outside-id-space"


def test_a_body_over_the_limit_is_refused_with_413_before_parsing(app):
    web = make_app(MAX_BODY_BYTES=1000).test_client()
    response = web.post("/records", data=b"#" * 2000, headers=auth())
    assert response.status_code == 413


def test_concurrent_submissions_store_all_valid_ones_and_no_invalid_one(app, web):
    def body(i: int, valid: bool) -> bytes:
        text = VALID.replace(b"ostholstein-neu", f"ostholstein-{i}".encode())
        return text if valid else text.replace(b"koop:status kstatus:besteht ;", b"")

    statuses = {}

    def submit(i: int) -> None:
        statuses[i] = web.post("/records", data=body(i, i % 3 != 0), headers=auth()).status_code

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == {i: (422 if i % 3 == 0 else 201) for i in range(12)}
    for i in range(12):
        assert ask(web, f"ASK {{ <https://w3id.org/koopgraph/id/kooperation/ostholstein-{i}> ?p ?o }}") == (i % 3 != 0)


# ---------------------------------------------------------------- replacing, deleting, reverting

def test_put_replaces_a_submitted_record_atomically(web):
    web.post("/records", data=VALID, headers=auth())
    changed = VALID.replace(b"kstatus:besteht", b"kstatus:in-vorbereitung")
    response = web.put("/records/kooperation/ostholstein-neu", data=changed, headers=auth())
    assert response.status_code == 200
    assert ask(web, f"ASK {{ <{NEW}> <https://w3id.org/koopgraph/ontology#status> <https://w3id.org/koopgraph/id/kooperationsstatus/in-vorbereitung> }}")
    assert not ask(web, f"ASK {{ <{NEW}> <https://w3id.org/koopgraph/ontology#status> <https://w3id.org/koopgraph/id/kooperationsstatus/besteht> }}")


def test_a_year_that_is_not_a_year_is_refused_although_typed_as_gyear(app, web):
    before = dump(app)
    body = VALID.replace(b"koop:status kstatus:besteht", b'koop:status kstatus:besteht ; koop:seit "20x6"^^xsd:gYear')
    assert b"20x6" in body
    response = web.post("/records", data=body, headers=auth())
    assert response.status_code == 422
    assert [(r["path"], r["value"]) for r in response.get_json()["error"]["results"]] == [
        ("https://w3id.org/koopgraph/ontology#seit", "20x6")]
    assert dump(app) == before


def test_put_and_delete_accept_the_path_of_the_location_header(web):
    location = web.post("/records", data=VALID, headers=auth()).headers["Location"]
    assert location == "/id/kooperation/ostholstein-neu"
    changed = VALID.replace(b"kstatus:besteht", b"kstatus:in-vorbereitung")
    assert web.put("/records" + location, data=changed, headers=auth()).status_code == 200
    assert web.delete("/records" + location, headers=auth()).status_code == 200
    assert not ask(web, f"ASK {{ <{NEW}> ?p ?o }}")


def test_an_invalid_put_changes_nothing(app, web):
    web.post("/records", data=VALID, headers=auth())
    before = dump(app)
    assert web.put("/records/kooperation/ostholstein-neu", data=NO_STATUS, headers=auth()).status_code == 422
    assert dump(app) == before


def test_records_from_the_minutes_cannot_be_changed_through_the_api(web):
    response = web.delete("/records/organisation/arge-ostholstein", headers=auth())
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "file-backed"


def test_deleting_a_record_others_point_to_is_refused(web):
    org = (b"@prefix koop: <https://w3id.org/koopgraph/ontology#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
           b"<https://w3id.org/koopgraph/id/organisation/traeger-neu> a koop:Organisation ; rdfs:label \"Neuer Traeger\"@de ;\n"
           b"  koop:organisationsart <https://w3id.org/koopgraph/id/organisationsart/bildungstraeger> ;\n"
           b"  <http://purl.org/dc/terms/source> \"Test\"@de .\n")
    assert web.post("/records", data=org, headers=auth()).status_code == 201
    coop = VALID.replace(b"organisation:migrationsfachdienste-ostholstein", b"organisation:traeger-neu")
    assert web.post("/records", data=coop, headers=auth()).status_code == 201
    response = web.delete("/records/organisation/traeger-neu", headers=auth())
    assert response.status_code == 422
    assert response.get_json()["error"]["results"][0]["focusNode"] == NEW


def test_every_write_is_listed_with_who_and_when_and_can_be_reverted(app, web):
    before = dump(app)
    created = web.post("/records", data=VALID, headers=auth()).get_json()
    listed = web.get("/submissions").get_json()["submissions"]
    assert [(s["id"], s["agent"], s["operation"], s["records"]) for s in listed] == [
        (created["submission"], "fallbearbeitung", "einfuegen", [NEW])]
    response = web.post(f"/submissions/{created['submission']}/revert", headers=auth(ADMIN))
    assert response.status_code == 200
    assert not ask(web, f"ASK {{ <{NEW}> ?p ?o }}")
    listed = {s["id"]: s for s in web.get("/submissions").get_json()["submissions"]}
    assert listed[created["submission"]]["reverted"] is True
    assert web.post(f"/submissions/{created['submission']}/revert", headers=auth(ADMIN)).status_code == 409
    assert before != dump(app)  # the log keeps the history


def test_a_submission_records_its_provenance_in_prov(app, web):
    created = web.post("/records", data=VALID, headers=auth()).get_json()
    query = f"""PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX koop: <https://w3id.org/koopgraph/ontology#>
        SELECT ?who ?time ?sum WHERE {{ <{created['graph']}> prov:wasAttributedTo/<http://www.w3.org/2000/01/rdf-schema#label> ?who ;
          prov:generatedAtTime ?time ; koop:pruefsumme ?sum }}"""
    (row,) = web.get("/sparql", query_string={"query": query}).get_json()["results"]["bindings"]
    assert row["who"]["value"] == "fallbearbeitung"
    assert row["sum"]["value"].startswith("sha256:") and row["time"]["value"].endswith("Z")
    graph_has_record = f"ASK {{ GRAPH <{created['graph']}> {{ <{NEW}> ?p ?o }} }}"
    assert ask(web, graph_has_record)
    json.dumps(created)
