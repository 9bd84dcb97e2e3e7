"""HTTP access to the named questions: catalogue, answers in every format,
parameters checked with a clear 400, and the OpenAPI description."""

import csv
import io
import json

import pytest


def test_the_catalogue_lists_every_question_as_json(client):
    response = client.get("/queries", headers={"Accept": "application/json"})
    assert response.status_code == 200
    names = {q["name"] for q in response.get_json()["queries"]}
    assert {"kooperation-nach-region", "kreise-ohne-formale-kooperation", "anschlussqualifikation", "zusatzleistungen",
            "frauenhaeuser", "forderungen-an-das-podium", "leitfragen", "arbeitsgruppen", "akteure", "region-suchen"} <= names


def test_a_question_is_answered_as_sparql_json_by_default(client):
    response = client.get("/queries/kreise-ohne-formale-kooperation")
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    bindings = response.get_json()["results"]["bindings"]
    assert sorted(b["ags"]["value"] for b in bindings) == [
        "01001", "01004", "01053", "01054", "01055", "01056", "01057", "01058", "01060", "01061", "01062"]


@pytest.mark.parametrize("how", [{"headers": {"Accept": "text/csv"}}, {"query_string": {"format": "csv"}}])
def test_a_question_is_answered_as_csv_on_request(client, how):
    response = client.get("/queries/frauenhaeuser", **how)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert sorted((r["name"], r["ags"]) for r in rows) == [
        ("Autonomes Frauenhaus Rendsburg", "01058"), ("Frauenhaus Kreis Plön", "01057"), ("Frauenhaus Norderstedt", "01060")]


def test_parameters_come_from_the_query_string(client):
    response = client.get("/queries/akteure?ags=01062&format=csv")
    names = {r["name"] for r in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    assert {"ARGE Stormarn", "IB (Internationaler Bund), Stormarn", "Jobcenter Stormarn"} <= names


@pytest.mark.parametrize(("url", "parameter"), [
    ("/queries/akteure", "ags"),
    ("/queries/akteure?ags=1062", "ags"),
    ("/queries/akteure?ags=01062%22%20%7D%20UNION%20%7B", "ags"),
    ("/queries/kooperation-nach-region?land=99", "land"),
    ("/queries/leitfragen?nummer=1", "nummer"),
    ("/queries/region-suchen?q=" + "x" * 101, "q"),
])
def test_a_bad_parameter_gets_400_naming_the_parameter_in_german_and_english(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid-parameter" and error["parameter"] == parameter
    assert parameter in error["message"] and parameter in error["message_en"]


def test_an_unknown_question_gets_404_with_the_available_ones(client):
    response = client.get("/queries/gibt-es-nicht")
    assert response.status_code == 404
    assert "leitfragen" in response.get_json()["error"]["message"]


def test_an_unavailable_format_gets_406(client):
    assert client.get("/queries/leitfragen", headers={"Accept": "image/png"}).status_code == 406


def test_questions_are_readable_cross_origin(client):
    response = client.get("/queries/leitfragen", headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_openapi_describes_every_question_with_its_typed_parameters(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    akteure = spec["paths"]["/queries/akteure"]["get"]
    (ags,) = [p for p in akteure["parameters"] if p["name"] == "ags"]
    assert ags["required"] is True and ags["schema"]["pattern"] == "^(?:(0[1-9]|1[0-6])[0-9]{3})$"
    land = [p for p in spec["paths"]["/queries/kooperation-nach-region"]["get"]["parameters"] if p["name"] == "land"][0]
    assert land["schema"]["default"] == "01" and land["required"] is False
    assert {"/sparql", "/queries", "/healthz"} <= set(spec["paths"])
    json.dumps(spec)  # plain JSON, no custom types
