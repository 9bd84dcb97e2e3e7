"""One structured line per request on stderr: method, path, status,
duration and the hash of the SPARQL text – never the token, never the
body, never the query itself."""

import json
import urllib.parse

from . import helpers
from .helpers import ADMIN, WRITER, Served, call

SECRET_WORD = "Geheimwort4711"


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_each_request_logs_one_line_without_token_body_or_query(capsys):
    web = helpers.app(LOG_REQUESTS=True).test_client()
    capsys.readouterr()
    body = helpers.record("protokoll").replace(b"Ostholstein", SECRET_WORD.encode())
    web.post("/records", data=body, headers={"Authorization": f"Bearer {WRITER}", "Content-Type": "text/turtle"})
    query = f'SELECT * WHERE {{ ?s ?p "{SECRET_WORD}" }}'
    web.get("/sparql", query_string={"query": query})
    web.post("/sparql", data=f'INSERT DATA {{ GRAPH <urn:x:g> {{ <urn:a> <urn:b> "{SECRET_WORD}" }} }}'.encode(),
             headers={"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/sparql-update"})
    web.post("/records", data=body, headers={"Authorization": "Bearer falsches-geheimnis-0123456789",
                                            "Content-Type": "text/turtle"})
    err = capsys.readouterr().err
    for forbidden in (WRITER, ADMIN, "falsches-geheimnis", SECRET_WORD, "Bearer", "INSERT", "SELECT"):
        assert forbidden not in err, forbidden
    logged = [line for line in lines(err) if line["event"] == "request"]
    assert [(line["method"], line["path"], line["status"]) for line in logged] == [
        ("POST", "/records", 201), ("GET", "/sparql", 200), ("POST", "/sparql", 200), ("POST", "/records", 401)]
    assert all(isinstance(line["ms"], float) and line["time"].endswith("Z") for line in logged)
    assert "query" not in logged[0] and "query" not in logged[3]
    assert logged[1]["query"].startswith("sha256:") and logged[2]["query"] != logged[1]["query"]
    web.get("/sparql", query_string={"query": query})
    assert lines(capsys.readouterr().err)[0]["query"] == logged[1]["query"]  # the same text, the same hash


def test_logging_can_be_switched_off(capsys):
    web = helpers.app(LOG_REQUESTS=False).test_client()
    capsys.readouterr()
    web.get("/healthz")
    assert lines(capsys.readouterr().err) == []


def test_the_served_process_writes_its_lines_to_stderr(built_store):
    with Served(built_store) as server:
        call(server.url + "healthz")
        call(server.url + "sparql?" + urllib.parse.urlencode({"query": "ASK {}"}))
        call(server.url + "records", method="POST", body=b"kaputt", headers={"Authorization": f"Bearer {WRITER}",
                                                                              "Content-Type": "text/turtle"})
        err = server.stop()
    logged = lines(err)
    assert [(line["method"], line["path"], line["status"]) for line in logged] == [
        ("GET", "/healthz", 200), ("GET", "/sparql", 200), ("POST", "/records", 400)]
    assert WRITER not in err and "kaputt" not in err
