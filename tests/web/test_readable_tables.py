"""A question's page is a table people read (issue 16): names linked to
their pages instead of IRIs, words from the vocabularies instead of codes,
German numbers with units and dates, "1 Zeile"/"n Zeilen", totals, sorting
by links (no script needed) – while CSV and JSON keep the stable codes and
column names. Expected values come from the open data and the vocabularies."""

import csv
import io
import re
from html import unescape

BROWSER = {"Accept": "text/html"}


def page(client, url: str) -> str:
    response = client.get(url, headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == "text/html"
    return response.get_data(as_text=True)


def body_rows(html: str) -> list[list[str]]:
    """The text of every cell of the table body, row by row."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def machine_csv(client, url: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(client.get(url + "format=csv").get_data(as_text=True))))


def test_headers_are_the_declared_german_titles_and_the_key_column_comes_first(client):
    html = page(client, "/queries/kooperation-nach-region")
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    titles = [unescape(re.sub(r"<[^>]+>|[↕▲▼]", "", th)).strip() for th in re.findall(r"<th\b[^>]*>(.*?)</th>", head, re.S)]
    assert titles == ["Kreis oder kreisfreie Stadt", "Kreisschlüssel", "Schriftliche Vereinbarung", "Formale Kooperation",
                      "Bestehende Kooperationsformen", "Hinweis zur Auslegung"]


def test_regions_are_names_linked_to_their_pages_not_iris(client):
    html = page(client, "/queries/kooperation-nach-region")
    assert '<a href="/id/region/01061">Steinburg</a>' in html
    assert "https://w3id.org/koopgraph/id/region/" not in html.split("<table>", 1)[1]


def test_codes_are_shown_as_the_words_of_the_vocabulary_and_kept_as_data_attributes(client):
    html = page(client, "/queries/kooperation-nach-region")
    # antwortwert.ttl: keine-angaben is "keine Angaben"; kooperationsstatus.ttl: geplant is "geplant"
    assert re.search(r'data-wert="keine-angaben">keine Angaben<', html)
    rows = {r[1]: r for r in body_rows(html)}
    assert rows["01061"][2:4] == ["keine Angaben", "keine Angaben"]  # Steinburg: not represented
    assert rows["01056"][2:4] == ["geplant", "nein"]  # Pinneberg
    english = page(client, "/queries/kooperation-nach-region?lang=en")
    assert re.search(r'data-wert="keine-angaben">not reported<', english)


def test_numbers_and_dates_are_german_with_units_and_a_total(client):
    rows = {r[1]: r for r in body_rows(page(client, "/queries/kooperation-und-bevoelkerung"))}
    # data/opendata/statistik.ttl (Destatis): Pinneberg 316103 inhabitants on 2019-12-31; Flensburg 56.73 km²
    assert rows["01056"][3:5] == ["316.103", "31.12.2019"]
    assert rows["01001"][5:7] == ["56,73 km²", "31.12.2018"]
    expected = sum(int(r["einwohner"]) for r in machine_csv(client, "/queries/kooperation-und-bevoelkerung?"))
    html = page(client, "/queries/kooperation-und-bevoelkerung")
    foot = html.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    assert "Summe" in foot and f"{expected:,}".replace(",", ".") in foot


def test_row_counts_are_german_in_singular_and_plural(client):
    assert "(1 Zeile)" in page(client, "/queries/region-suchen?q=stormann")
    assert "(15 Zeilen)" in page(client, "/queries/kooperation-nach-region")
    assert "(1 row)" in page(client, "/queries/region-suchen?q=stormann&lang=en")


def test_columns_sort_by_links_without_script_numbers_by_value(client):
    html = page(client, "/queries/kooperation-und-bevoelkerung?sort=-einwohner")
    rows = body_rows(html)
    assert [r[0] for r in rows[:2]] == ["Pinneberg", "Segeberg"] and rows[-1][0] == "Neumünster"
    assert 'aria-sort="descending"' in html
    assert 'href="/queries/kooperation-und-bevoelkerung?land=01&amp;sort=einwohner"' not in html  # land not asked: not added
    assert 'href="/queries/kooperation-und-bevoelkerung?sort=einwohner"' in html  # the next click sorts ascending


def test_csv_and_json_keep_the_stable_codes_and_column_names(client):
    rows = machine_csv(client, "/queries/kooperation-nach-region?")
    assert list(rows[0]) == ["region", "ags", "name", "vereinbarung", "formaleKooperation", "formen", "hinweis", "land"]
    steinburg = next(r for r in rows if r["ags"] == "01061")
    assert steinburg["region"] == "https://w3id.org/koopgraph/id/region/01061"
    assert steinburg["formaleKooperation"] == "keine-angaben"
    data = client.get("/queries/kooperation-nach-region", headers={"Accept": "application/sparql-results+json"}).get_json()
    assert data["head"]["vars"][:3] == ["region", "ags", "name"]


def test_a_kreis_parameter_is_chosen_by_name(client):
    html = page(client, "/queries/akteure?ags=01056")
    assert '<select id="param-ags" name="ags" required>' in html
    assert '<option value="01056" selected>Kreis Pinneberg</option>' in html
    assert '<option value="01002">Kiel (kreisfreie Stadt)</option>' in html
    assert '<label for="param-ags">' in html


def test_a_missing_or_bad_parameter_in_a_browser_gets_the_form_with_a_german_message(client):
    for url, message in (("/queries/akteure", "Parameter „ags“: fehlt"),
                         ("/queries/akteure?ags=99", "„99“ ist ungültig: erwartet wird ein fünfstelliger Kreisschlüssel")):
        response = client.get(url, headers=BROWSER)
        assert response.status_code == 400 and response.mimetype == "text/html"
        html = response.get_data(as_text=True)
        assert message in unescape(html) and 'role="alert"' in html and '<form class="parameter"' in html


def test_programs_still_get_the_json_400_for_a_missing_parameter(client):
    response = client.get("/queries/akteure", headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 400 and response.mimetype.endswith("json")
    error = response.get_json()["error"]
    assert error["code"] == "invalid-parameter" and error["parameter"] == "ags"
