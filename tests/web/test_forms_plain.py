"""Forms without jargon (issue 16): the rules under the fields are the
shapes' messages in plain words, the RDF terms they name kept behind a
"technische Details" toggle after the form (so Tab goes from field to field); the address field is called "Adresse"; after
saving, the record's page says "Gespeichert" once. The messages are read
from shapes/*.shacl.ttl."""

import re
from html import unescape

from writeapp import make_app

from koopgraph.domain.plain_words import plain

SECRET = "fallbearbeitung-geheimnis-0123456789"
BROWSER = {"Accept": "text/html"}
FILLED = {  # a new written agreement in Ostholstein, as in tests/domain/test_forms.py
    "kuerzel": "ostholstein-vereinbarung-2026",
    "rdfs:label": "Kooperationsvereinbarung ARGE und Migrationsfachdienste Ostholstein", "rdfs:label@sprache": "de",
    "koop:region": "Ostholstein (region/01055)",
    "koop:kooperationsform": "https://w3id.org/koopgraph/id/kooperationsform/kooperationsvereinbarung",
    "koop:status": "https://w3id.org/koopgraph/id/kooperationsstatus/besteht",
    "dcterms:source": "Unterzeichnete Vereinbarung vom 2. März 2026", "dcterms:source@sprache": "de",
}


def page(web, path: str) -> str:
    response = web.get(path, headers=BROWSER)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def post(web, path: str, data: dict):
    token = re.search(r'name="csrf" value="([^"]+)"', page(web, path)).group(1)
    return web.post(path, data={**data, "csrf": token}, headers=BROWSER)

JARGON = ("rdfs:label", "xsd:gYear", '"@de', "^^xsd", "prov:wasDerivedFrom", "koop:liegtIn", "(SHACL)", "(IRI)")


def visible_rules(html: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", r)) for r in re.findall(r'<p class="(?:regel|hilfe)"[^>]*>(.*?)</p>', html, re.S)]


def test_no_rule_or_help_under_a_field_names_an_rdf_term(client):
    for kind in ("kooperation", "massnahme", "organisation"):
        html = client.get(f"/forms/{kind}", headers={"Accept": "text/html"}).get_data(as_text=True)
        for text in visible_rules(html):
            assert not any(j in text for j in JARGON), (kind, text)


def test_the_terms_stay_behind_a_technical_details_toggle(client):
    html = unescape(client.get("/forms/kooperation", headers={"Accept": "text/html"}).get_data(as_text=True))
    # shapes/kooperationen.shacl.ttl: the rule for koop:seit names xsd:gYear
    assert "„Besteht seit“ ist höchstens eine Jahreszahl (z. B. 2000)." in html
    details = re.search(r'<details class="technik" id="technik">\s*<summary>technische Details</summary>(.*?)</details>',
                        html, re.S).group(1)
    assert '(xsd:gYear, z. B. "2000"^^xsd:gYear)' in details and "(rdfs:label)" in details


def test_the_address_field_is_called_adresse(client):
    html = client.get("/forms/kooperation", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert re.search(r'<label for="f-kuerzel">Adresse<span class="pflicht"', html)


def test_plain_words_keep_the_sentence_and_drop_the_technique():
    assert plain('Eine Bezeichnung (rdfs:label) mit Sprachangabe ist nötig (z. B. "Frauenhaus Norderstedt"@de).') == \
        "Eine Bezeichnung mit Sprachangabe ist nötig (z. B. „Frauenhaus Norderstedt“)."
    assert plain("Quelle fehlt: Bitte angeben, woher die Angabe stammt (prov:wasDerivedFrom oder dcterms:source).") == \
        "Quelle fehlt: Bitte angeben, woher die Angabe stammt."


def test_after_saving_the_records_page_says_saved_once():
    web = make_app(TOKENS=f"fallbearbeitung:{SECRET}").test_client()
    assert post(web, "/login", {"token": SECRET, "weiter": "/forms"}).status_code == 303
    response = post(web, "/forms/kooperation", FILLED | {"aktion": "speichern"})
    assert response.status_code == 303
    first = page(web, response.headers["Location"])
    assert '<p class="bestaetigung" role="status">Gespeichert.' in first
    assert '<p class="bestaetigung"' not in page(web, response.headers["Location"])


def test_suggestions_say_which_pinneberg_is_the_kreis_and_which_the_town(client):
    found = client.get("/forms/search", query_string={"klasse": "koop:Region", "q": "pinneberg"},
                       headers={"Accept": "application/json"}).get_json()["results"]
    kinds = {r["iri"].rsplit("/", 1)[-1]: r["kind"] for r in found}
    # regionen.ttl: 01056 is the Kreis, 01056039 the town ("Pinneberg, Stadt") in it
    assert kinds["01056"] == "Kreis" and kinds["01056039"] == "Stadt Pinneberg (Kreis Pinneberg)"
    html = client.get("/forms/kooperation", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<option value="Pinneberg (region/01056039)" label="Stadt Pinneberg (Kreis Pinneberg)">' in html
