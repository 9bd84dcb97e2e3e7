"""Search (issue 16): one box on every page, over names, other spellings,
places, organisations, measures and the quotes of the minutes, grouped by
kind and linked; kept current by every write and rebuilt by `koopgraph
build`. What it must find is read from the minutes and the open data."""

import re
from html import unescape
from pathlib import Path

import pytest

import remotekg
from writeapp import auth, make_app

from koopgraph.domain import questions, search

BROWSER = {"Accept": "text/html"}
VALID = Path(__file__).resolve().parents[1] / "shapes" / "valid"


def groups(client, text: str, lang: str = "de") -> dict[str, list[tuple[str, str]]]:
    data = client.get("/search", query_string={"q": text, "lang": lang}, headers={"Accept": "application/json"}).get_json()
    return {g["kind"]: [(h["name"], h["href"]) for h in g["hits"]] for g in data["groups"]}


def test_kaltenkirchen_is_found_as_a_place_and_in_the_records_located_there(client):
    found = groups(client, "Kaltenkirchen")
    assert ("Kaltenkirchen", "/id/region/01060044") in found["ort"]  # Gemeinde, Kreis Segeberg (Destatis)
    assert any("Kaltenkirchen" in name for name, _ in found["massnahme"])  # AG 3: Orientierungskurse


def test_bequa_finds_the_organisation_and_what_it_does(client):
    found = groups(client, "bequa")  # minutes, AG 4: "der bequa Flensburg"
    assert ("bequa Flensburg GmbH", "/id/organisation/bequa-flensburg") in found["organisation"]
    assert found["massnahme"] and found["kooperation"]


def test_the_minutes_spelling_stormann_finds_stormarn(client):
    assert ("Stormarn", "/id/region/01062") in groups(client, "Stormann")["ort"]


def test_a_slip_of_the_keyboard_still_finds_the_kreis(client):
    assert ("Stormarn", "/id/region/01062") in groups(client, "Stormarm")["ort"]


def test_a_phrase_from_a_quote_finds_the_statement(client):
    # AG 1: "die Entwicklung von regelmäßigen, formalen Strukturen wie in Lübeck hilfreich und nötig"
    found = groups(client, "regelmäßigen, formalen Strukturen")
    assert ("Arbeitskreise in Lübeck", "/id/kooperation/luebeck-arbeitskreise") in found["kooperation"]


def test_the_page_groups_results_by_kind_with_headings_and_links(client):
    response = client.get("/search?q=bequa", headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = unescape(response.get_data(as_text=True))
    assert re.search(r'<h2 id="treffer-organisation">Organisationen \(1\)</h2>', html)
    assert '<a href="/id/organisation/bequa-flensburg">bequa Flensburg GmbH</a>' in html


def test_nothing_found_is_said_in_german(client):
    html = client.get("/search?q=xyzxyzxyz", headers=BROWSER).get_data(as_text=True)
    assert "Keine Treffer für „xyzxyzxyz“." in html


def test_every_page_has_the_search_box(client):
    for path in ("/", "/queries", "/map", "/id/region/01056", "/void", "/forms"):
        html = client.get(path, headers=BROWSER).get_data(as_text=True)
        assert '<form class="suche" role="search" method="get" action="/search">' in html, path
        assert '<label for="suche-kopf">Suche</label>' in html


def test_an_overlong_search_text_is_a_clear_400(client):
    response = client.get("/search?q=" + "a" * 101, headers={"Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "q"


def test_a_new_record_is_found_right_after_it_is_written_and_gone_after_it_is_deleted():
    app = make_app()
    client = app.test_client()
    new = ("Frauenhaus Stormarn", "/id/organisation/frauenhaus-stormarn")
    assert new not in groups(client, "Frauenhaus Stormarn").get("organisation", [])
    created = client.post("/records", data=(VALID / "organisation-frauenhaus.ttl").read_bytes(), headers=auth())
    assert created.status_code == 201, created.get_data(as_text=True)
    assert new in groups(client, "Frauenhaus Stormarn")["organisation"]
    deleted = client.delete("/records/organisation/frauenhaus-stormarn", headers=auth(content_type=None))
    assert deleted.status_code in (200, 204), deleted.get_data(as_text=True)
    assert new not in groups(client, "Frauenhaus Stormarn").get("organisation", [])


def test_the_index_beside_a_store_is_rebuilt_when_the_store_changed_without_it(tmp_path, kg):
    index = search.open_index(kg, tmp_path)
    assert (tmp_path / search.FILE_NAME).is_file() and index.signature() == search.signature(kg)
    with (index._lock, index._db):
        index._db.execute("DELETE FROM docs")
        index._db.execute("UPDATE meta SET value = 'other' WHERE key = 'signature'")
    again = search.open_index(kg, tmp_path)
    assert again.regions("kaltenkirchen") == ["https://w3id.org/koopgraph/id/region/01060044"]


@pytest.mark.parametrize("q", ["stormann", "STORMARN", "kreis bad segeberg", "Kaltenkirchen", "berg", "ü", "a", "Stadt",
                               "gibt-es-nicht", "Lübeck", 'x"y', "01"])
def test_region_suchen_from_the_index_answers_exactly_as_the_sparql_scan(client, real_app, q):
    query = real_app.extensions["koopgraph.questions"]["region-suchen"]
    store = real_app.extensions["koopgraph.store"]
    response = client.get("/queries/region-suchen", query_string={"q": q}, headers={"Accept": "text/tab-separated-values"})
    assert response.status_code == 200
    lines = response.get_data(as_text=True).splitlines()[1:]
    expected = sorted("\t".join(str(t) if t is not None else "" for t in row)
                      for row in questions.run(store, query, {"q": q}))
    assert sorted(lines) == expected


def test_region_suchen_is_narrowed_to_the_index_hits():
    text = "SELECT ?region ?q WHERE {\n  # search-index: begin\n  { ?region ?p ?o }\n  # search-index: end\n}"
    assert search.narrowed(text, ["https://w3id.org/koopgraph/id/region/01062"]) == \
        "SELECT ?region ?q WHERE {\n  VALUES ?region { <https://w3id.org/koopgraph/id/region/01062> }\n}"
    assert search.narrowed("SELECT * WHERE {}", []) is None


def test_on_a_remote_engine_the_index_is_built_at_the_first_search_and_again_after_a_write(oxigraph_server):
    remotekg.fresh(oxigraph_server)
    client = make_app(**remotekg.settings(oxigraph_server)).test_client()
    assert ("Kaltenkirchen", "/id/region/01060044") in groups(client, "Kaltenkirchen")["ort"]
    new = ("Frauenhaus Stormarn", "/id/organisation/frauenhaus-stormarn")
    created = client.post("/records", data=(VALID / "organisation-frauenhaus.ttl").read_bytes(), headers=auth())
    assert created.status_code == 201, created.get_data(as_text=True)
    assert new in groups(client, "Frauenhaus Stormarn")["organisation"]
