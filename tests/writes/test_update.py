"""SPARQL Update at /sparql over the real graph: the change is computed
before anything is written, checked against the shapes as the store would
be, and applied in one transaction only if it conforms. LOAD never reaches
the network; graph management needs "verwalten"."""

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from listener import Listener
from writeapp import ADMIN, WRITER, dump, make_app

HERE = Path(__file__).parents[1] / "shapes"
VALID = (HERE / "valid" / "kooperation-ostholstein.ttl").read_text(encoding="utf-8")
UPDATE = "application/sparql-update"
ID = "https://w3id.org/koopgraph/id/"
NEW = ID + "kooperation/ostholstein-neu"
GRAPH = ID + "graph/"
PREFIXES = """PREFIX koop: <https://w3id.org/koopgraph/ontology#>
PREFIX kstatus: <https://w3id.org/koopgraph/id/kooperationsstatus/>
PREFIX astatus: <https://w3id.org/koopgraph/id/angebotsstatus/>
"""


@pytest.fixture
def app():
    return make_app()


def update(web, text: str, secret: str | None = WRITER, **query):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return web.post("/sparql", query_string=query, data=text.encode("utf-8"), content_type=UPDATE, headers=headers)


def ask(web, query: str) -> bool:
    return web.get("/sparql", query_string={"query": PREFIXES + query}).get_json()["boolean"]


def insert_data(turtle: str, graph: str) -> str:
    """A Turtle record as INSERT DATA into graph (its @prefix lines as PREFIX)."""
    lines = [line for line in turtle.splitlines() if not line.startswith("#")]
    prefixes = [re.sub(r"^@prefix\s+(\S+)\s+(<[^>]*>)\s*\.\s*$", r"PREFIX \1 \2", line)
                for line in lines if line.startswith("@prefix")]
    body = "\n".join(line for line in lines if not line.startswith("@prefix"))
    return "\n".join(prefixes) + f"\nINSERT DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"


def submit(web, key: str) -> None:
    """A valid record submitted through /records (a submission graph of its own)."""
    body = VALID.replace("ostholstein-neu", key).encode("utf-8")
    response = web.post("/records", data=body, headers={"Authorization": f"Bearer {WRITER}",
                                                         "Content-Type": "text/turtle"})
    assert response.status_code == 201


# ---------------------------------------------------------------- writing records


def test_insert_data_of_a_valid_record_is_stored_logged_and_visible_at_once(web):
    response = update(web, insert_data(VALID, GRAPH + "arbeitsstand/ostholstein"))
    assert response.status_code == 200
    body = response.get_json()
    assert (body["operation"], body["records"]) == ("sparql-update", [NEW])
    assert ask(web, f"ASK {{ <{NEW}> koop:status kstatus:besteht }}")
    logged = {s["id"]: s["operation"] for s in web.get("/submissions").get_json()["submissions"]}
    assert logged[body["submission"]] == "sparql-update"


def test_insert_data_of_an_invalid_record_is_422_with_the_report_and_stores_nothing(app, web):
    before = dump(app)
    response = update(web, insert_data(VALID.replace("koop:status kstatus:besteht ;", ""), GRAPH + "arbeitsstand/x"))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "shacl-violation"
    assert [(r["focusNode"], r["path"].rsplit("#")[-1]) for r in error["results"]] == [(NEW, "status")]
    assert dump(app) == before


def test_an_update_that_makes_a_submitted_record_invalid_is_422_and_changes_nothing(app, web):
    submit(web, "ostholstein-neu")
    before = dump(app)
    response = update(web, PREFIXES + f"DELETE WHERE {{ GRAPH ?g {{ <{NEW}> koop:status ?status }} }}")
    assert response.status_code == 422
    assert response.get_json()["error"]["results"][0]["focusNode"] == NEW
    assert dump(app) == before


_RESTATE = PREFIXES + """
DELETE { GRAPH ?g { ?k koop:status kstatus:besteht } }
INSERT { GRAPH ?g { ?k koop:status %s } }
WHERE { GRAPH ?g { ?k a koop:Kooperation ; koop:status kstatus:besteht }
        FILTER(STRSTARTS(STR(?k), "https://w3id.org/koopgraph/id/kooperation/testfall-")) }"""


def test_delete_insert_where_over_several_records_validates_each_of_them(app, web):
    keys = [f"testfall-{i}" for i in range(3)]
    for key in keys:
        submit(web, key)
    before = dump(app)
    refused = update(web, _RESTATE % "astatus:vorhanden")  # a status from the wrong vocabulary
    assert refused.status_code == 422
    results = refused.get_json()["error"]["results"]
    assert sorted(r["focusNode"] for r in results) == [ID + "kooperation/" + k for k in keys]
    assert {r["constraint"] for r in results} == {"InConstraintComponent"}
    assert dump(app) == before
    response = update(web, _RESTATE % "kstatus:in-vorbereitung")
    assert response.status_code == 200 and sorted(response.get_json()["records"]) == [ID + "kooperation/" + k for k in keys]
    for key in keys:
        assert ask(web, f"ASK {{ <{ID}kooperation/{key}> koop:status kstatus:in-vorbereitung }}")
        assert not ask(web, f"ASK {{ <{ID}kooperation/{key}> koop:status kstatus:besteht }}")


def test_an_update_reaching_records_from_the_files_is_403_as_a_whole(app, web):
    submit(web, "ostholstein-neu")
    before = dump(app)
    response = update(web, PREFIXES + "DELETE { GRAPH ?g { ?k koop:status kstatus:besteht } } "
                      "INSERT { GRAPH ?g { ?k koop:status kstatus:in-vorbereitung } } "
                      "WHERE { GRAPH ?g { ?k koop:status kstatus:besteht } }")
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "protected-graph"
    assert dump(app) == before


# ---------------------------------------------------------------- rights


def test_an_update_without_a_token_is_401_and_with_a_wrong_one_401_invalid_token(app, web):
    before = dump(app)
    response = update(web, "INSERT DATA { <urn:x:s> <urn:x:p> 1 }", secret=None)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == 'Bearer realm="koopgraph"'
    response = update(web, "INSERT DATA { <urn:x:s> <urn:x:p> 1 }", secret="falsches-geheimnis-0000000000")
    assert response.status_code == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert dump(app) == before


@pytest.mark.parametrize("operation", [
    "CLEAR ALL", "CLEAR GRAPH <urn:x:g>", "DROP ALL", "DROP SILENT GRAPH <urn:x:g>", "CREATE GRAPH <urn:x:neu>",
    "COPY DEFAULT TO <urn:x:g>", "MOVE DEFAULT TO <urn:x:g>", "ADD DEFAULT TO <urn:x:g>",
    "INSERT DATA { <urn:x:s> <urn:x:p> 1 } ; CLEAR DEFAULT",
])
def test_graph_management_without_verwalten_is_403(app, web, operation):
    before = dump(app)
    response = update(web, operation, secret=WRITER)
    assert response.status_code == 403
    assert "verwalten" in response.get_json()["error"]["message"]
    assert dump(app) == before


def test_clear_all_by_an_administrator_leaves_the_file_graphs_and_the_log_alone(app, web):
    submit(web, "ostholstein-neu")
    store = app.extensions["koopgraph.store"]
    kept = {g: sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH + g)))
            for g in ("ontology", "shapes", "katalog", "seed", "opendata")}
    response = update(web, "CLEAR ALL", secret=ADMIN)
    assert response.status_code == 200
    assert not ask(web, f"ASK {{ <{NEW}> ?p ?o }}")
    for g, n in kept.items():
        assert sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH + g))) == n
    assert len(web.get("/submissions").get_json()["submissions"]) == 2


def test_an_explicit_write_to_a_graph_built_from_the_files_is_403(app, web):
    before = dump(app)
    response = update(web, f"INSERT DATA {{ GRAPH <{GRAPH}ontology> {{ <urn:x:s> <urn:x:p> 1 }} }}")
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "protected-graph"
    assert update(web, f"CLEAR GRAPH <{GRAPH}shapes>", secret=ADMIN).status_code == 403
    assert dump(app) == before


# ---------------------------------------------------------------- LOAD and SERVICE never leave the server


def test_load_is_403_and_no_connection_reaches_a_local_listener(app, web):
    with Listener() as listener:
        url = f"http://127.0.0.1:{listener.port}/daten.ttl"
        before = dump(app)
        for text in (f"LOAD <{url}>", f"LOAD SILENT <{url}> INTO GRAPH <urn:x:g>",
                     f"INSERT DATA {{ <urn:x:s> <urn:x:p> 1 }} ; LOAD <{url}>"):
            for secret in (WRITER, ADMIN):
                response = update(web, text, secret=secret)
                assert response.status_code == 403, text
                error = response.get_json()["error"]
                assert error["code"] == "load-forbidden" and error["message"].startswith("LOAD ist abgeschaltet")
        response = update(web, f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}")
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "service-forbidden"
        assert listener.settle() == 0
        assert dump(app) == before


# ---------------------------------------------------------------- the update language


def test_later_operations_see_what_earlier_ones_did(web):
    response = update(web, """
        INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:p> 1 } } ;
        INSERT { GRAPH <urn:x:h> { ?s <urn:x:q> ?o } } WHERE { GRAPH <urn:x:g> { ?s <urn:x:p> ?o } } ;
        DELETE DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:p> 1 } }""")
    assert response.status_code == 200
    assert ask(web, "ASK { GRAPH <urn:x:h> { <urn:x:a> <urn:x:q> 1 } }")
    assert not ask(web, "ASK { GRAPH <urn:x:g> { ?s ?p ?o } }")


def test_with_and_using_choose_the_graphs_of_template_and_pattern(web):
    update(web, "INSERT DATA { GRAPH <urn:x:quelle> { <urn:x:a> <urn:x:p> 1 } GRAPH <urn:x:ziel> { <urn:x:b> <urn:x:p> 2 } }")
    response = update(web, "WITH <urn:x:ziel> DELETE { ?s <urn:x:p> ?o } INSERT { ?s <urn:x:r> ?o } WHERE { ?s <urn:x:p> ?o }")
    assert response.status_code == 200
    assert ask(web, "ASK { GRAPH <urn:x:ziel> { <urn:x:b> <urn:x:r> 2 } }")
    assert ask(web, "ASK { GRAPH <urn:x:quelle> { <urn:x:a> <urn:x:p> 1 } }")
    response = update(web, "WITH <urn:x:ziel> INSERT { ?s <urn:x:kopie> ?o } USING <urn:x:quelle> WHERE { ?s <urn:x:p> ?o }")
    assert response.status_code == 200
    assert ask(web, "ASK { GRAPH <urn:x:ziel> { <urn:x:a> <urn:x:kopie> 1 } }")


def test_using_graph_uri_of_the_protocol_sets_the_pattern_dataset_and_conflicts_with_with(web):
    update(web, "INSERT DATA { GRAPH <urn:x:quelle> { <urn:x:a> <urn:x:p> 1 } }")
    text = "INSERT { GRAPH <urn:x:ziel> { ?s <urn:x:q> ?o } } WHERE { ?s <urn:x:p> ?o }"
    assert update(web, text, **{"using-graph-uri": "urn:x:quelle"}).status_code == 200
    assert ask(web, "ASK { GRAPH <urn:x:ziel> { <urn:x:a> <urn:x:q> 1 } }")
    conflict = update(web, "WITH <urn:x:ziel> INSERT { ?s <urn:x:q> ?o } WHERE { ?s <urn:x:p> ?o }",
                      **{"using-graph-uri": "urn:x:quelle"})
    assert conflict.status_code == 400 and conflict.get_json()["error"]["code"] == "dataset-conflict"


def test_blank_nodes_of_insert_data_are_new_nodes_and_can_be_deleted_again(app, web):
    for _ in range(2):
        assert update(web, "INSERT DATA { GRAPH <urn:x:g> { _:a <urn:x:p> 1 . _:a <urn:x:q> 2 } }").status_code == 200
    store = app.extensions["koopgraph.store"]
    nodes = {q.subject for q in store.quads_for_pattern(None, None, None, ox.NamedNode("urn:x:g"))}
    assert len(nodes) == 2 and all(isinstance(n, ox.BlankNode) for n in nodes)
    response = update(web, "DELETE WHERE { GRAPH <urn:x:g> { ?b <urn:x:p> 1 ; <urn:x:q> 2 } }")
    assert response.status_code == 200 and response.get_json()["deleted"] == 4
    assert not list(store.quads_for_pattern(None, None, None, ox.NamedNode("urn:x:g")))


def test_literals_keep_the_form_they_were_sent_in(app, web):
    update(web, 'INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> "a7"^^<http://www.w3.org/2001/XMLSchema#hexBinary> } }')
    store = app.extensions["koopgraph.store"]
    (quad,) = store.quads_for_pattern(ox.NamedNode("urn:x:s"), None, None, None)
    assert quad.object.value == "a7"
    response = update(web, 'DELETE DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> "a7"^^<http://www.w3.org/2001/XMLSchema#hexBinary> } }')
    assert response.get_json()["deleted"] == 1


def test_the_default_graph_of_an_update_is_the_stores_default_graph_visible_in_the_union(web):
    assert update(web, "INSERT DATA { <urn:x:s> <urn:x:p> 1 }").status_code == 200
    assert ask(web, "ASK { <urn:x:s> <urn:x:p> 1 }")  # union mode: every graph, the default one included
    assert not ask(web, "ASK { GRAPH ?g { <urn:x:s> <urn:x:p> 1 } }")
    strict = make_app(STRICT_DATASET=True).test_client()
    assert update(strict, "INSERT DATA { <urn:x:s> <urn:x:p> 1 }").status_code == 200
    assert ask(strict, "ASK { <urn:x:s> <urn:x:p> 1 }")


def test_an_update_that_changes_nothing_is_200_and_not_logged(web):
    response = update(web, "DELETE WHERE { GRAPH <urn:x:leer> { ?s ?p ?o } }")
    assert response.status_code == 200 and response.get_json()["submission"] is None
    assert web.get("/submissions").get_json()["submissions"] == []


def test_an_update_with_a_syntax_error_is_400_with_the_parsers_message(web):
    response = update(web, "INSERT DATA { <urn:x:s> <urn:x:p> }")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "update-syntax" and "line:1" in error["message_en"]


def test_clear_of_a_graph_that_does_not_exist_fails_with_400_unless_silent(web):
    assert update(web, "CLEAR GRAPH <urn:x:nie>", secret=ADMIN).status_code == 400
    assert update(web, "CLEAR SILENT GRAPH <urn:x:nie>", secret=ADMIN).status_code == 200


def test_an_update_submission_can_be_reverted(web):
    submit(web, "testfall-0")
    record = ID + "kooperation/testfall-0"
    sid = update(web, _RESTATE % "kstatus:in-vorbereitung").get_json()["submission"]
    assert web.post(f"/submissions/{sid}/revert", headers={"Authorization": f"Bearer {ADMIN}"}).status_code == 200
    assert ask(web, f"ASK {{ <{record}> koop:status kstatus:besteht }}")
    assert not ask(web, f"ASK {{ <{record}> koop:status kstatus:in-vorbereitung }}")
