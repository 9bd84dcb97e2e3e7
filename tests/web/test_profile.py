"""The Kreisprofil (/id/region/<ags>, issue 16) states exactly what the named
questions answer for the region: for each of the 15 Kreise and kreisfreie
Städte, every region question's answer is read from the question itself
(its CSV, filtered to the region, asked for it, or joined through its
working group) and compared with the profile, code by code and row by row.
Steinburg was not represented (minutes: "der Kreis Steinburg war nicht
vertreten"), so its profile says "keine Angaben" and why."""

import csv
import io
import re
from html import unescape

import openpyxl
import pytest

BROWSER = {"Accept": "text/html"}
KREISE = ["01001", "01002", "01003", "01004", "01051", "01053", "01054", "01055", "01056", "01057", "01058",
          "01059", "01060", "01061", "01062"]
FILTERED = ["kooperation-nach-region", "kreise-ohne-formale-kooperation", "kreise-ohne-formale-kooperation-betroffene",
            "anschlussqualifikation", "massnahmen", "zusatzleistungen", "frauenhaeuser", "arbeitsgruppen",
            "kooperation-und-bevoelkerung"]
CODES = {"vereinbarung", "formaleKooperation", "stand", "antwort", "vertreten", "sammelakteur", "status"}
TEXTS = {"hinweis", "text", "formen", "moderation"}


@pytest.fixture(scope="module")
def answers(real_app) -> dict[str, list[dict[str, str]]]:
    client = real_app.test_client()

    def read(url: str) -> list[dict[str, str]]:
        response = client.get(url, headers={"Accept": "text/csv"})
        assert response.status_code == 200
        return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))

    found = {name: read(f"/queries/{name}") for name in FILTERED + ["forderungen-an-das-podium"]}
    found |= {f"akteure/{ags}": read(f"/queries/akteure?ags={ags}") for ags in KREISE}
    return found


def sections(html: str) -> dict[str, str]:
    """The HTML of each answer section of the profile, by question name."""
    parts = html.split('<section class="antwort"')[1:]
    return {re.search(r'data-frage="([^"]+)"', part).group(1): part.split("</section>", 1)[0] for part in parts}


def values(section: str) -> dict[str, tuple[str | None, str]]:
    """column → (code, visible text) of a one-row answer."""
    found = {}
    for column, attrs, body in re.findall(r'<dd data-spalte="([^"]+)"([^>]*)>(.*?)</dd>', section, re.S):
        code = re.search(r'data-wert="([^"]*)"', attrs)
        found[column] = (code.group(1) if code else None, unescape(re.sub(r"<[^>]+>", "", body)).strip())
    return found


def row_count(section: str) -> int:
    if 'data-zeilen="0"' in section:
        return 0
    if "<dl class=\"werte-liste\">" in section:
        return 1
    return int(re.search(r"\((\d+) Zeilen?\)", section).group(1))


def check(section: str, expected: list[dict[str, str]], listed: tuple[str, ...] = ("leistung", "text")) -> None:
    """The section has the expected rows: codes and texts of a one-row answer
    exactly, the listed columns of every row of a longer one."""
    assert row_count(section) == len(expected)
    if len(expected) == 1:
        shown = values(section)
        for column, value in expected[0].items():
            if column in CODES:
                assert shown[column][0] == value, column
            elif column in TEXTS:
                assert shown[column][1] == (unescape(value) or "–"), column
    for row in expected:
        for column in listed:
            if len(expected) > 1 and row.get(column):
                assert unescape(row[column]) in unescape(section), (column, row[column])


@pytest.mark.parametrize("ags", KREISE)
def test_the_profile_states_what_every_region_question_answers_for_the_kreis(client, answers, ags):
    response = client.get(f"/id/region/{ags}", headers=BROWSER)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = sections(html)
    for name in FILTERED:  # "name" is the region's own name there, except for the women's shelters
        listed = {"frauenhaeuser": ("name",), "massnahmen": ("bezeichnung",)}.get(name, ("leistung", "text"))
        check(found[name], [r for r in answers[name] if r["ags"] == ags], listed)
    check(found["akteure"], answers[f"akteure/{ags}"], ("name",))
    groups = {r["nummer"] for r in answers["arbeitsgruppen"] if r["ags"] == ags}
    check(found["forderungen-an-das-podium"], [r for r in answers["forderungen-an-das-podium"] if r["arbeitsgruppe"] in groups])


def test_steinburg_says_keine_angaben_and_why(client):
    html = client.get("/id/region/01061", headers=BROWSER).get_data(as_text=True)
    cooperation = sections(html)["kooperation-nach-region"]
    assert values(cooperation)["formaleKooperation"] == ("keine-angaben", "keine Angaben")
    assert values(cooperation)["vereinbarung"] == ("keine-angaben", "keine Angaben")
    reason = "Die Region war in Arbeitsgruppe 3 nicht vertreten"
    assert reason in cooperation and reason in sections(html)["anschlussqualifikation"]
    assert reason in html.split('<section class="antwort"', 1)[0]  # and at the top of the profile


def test_pinneberg_shows_population_and_area_with_their_dates_and_the_source_passages(client):
    html = client.get("/id/region/01056", headers=BROWSER).get_data(as_text=True)
    # Destatis: 316103 inhabitants on 31.12.2019, 664.25 km² on 31.12.2018
    assert re.search(r'data-spalte="einwohner">316\.103 <small>\(Stand 31\.12\.2019\)</small>', html)
    assert re.search(r'data-spalte="flaeche">664,25 km² <small>\(Stand 31\.12\.2018\)</small>', html)
    cooperation = sections(html)["kooperation-nach-region"]
    assert '<a href="/id/abschnitt/ag3-frage-1-2">' in cooperation  # where the minutes report it
    assert '<a href="/id/abschnitt/ag3-frage-5">' in sections(html)["anschlussqualifikation"]
    assert '<svg' in html and 'class="lagekarte"' in html and "Lage von Pinneberg in Schleswig-Holstein" in html


def test_the_profile_downloads_as_xlsx_with_one_sheet_per_question(client):
    response = client.get("/id/region/01056?format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert "Kooperation nach Region" in book.sheetnames and book.sheetnames[-1] == "Quelle und Lizenz"
    sheet = book["Kooperation nach Region"]
    assert [c.value for c in sheet[1]][:2] == ["Schriftliche Vereinbarung", "Formale Kooperation"]
    assert [c.value for c in sheet[2]][:2] == ["geplant", "nein"]
    html = client.get("/id/region/01056", headers=BROWSER).get_data(as_text=True)
    assert 'href="/id/region/01056?format=xlsx"' in html and 'href="/id/region/01056?format=excel"' in html


def test_rdf_clients_still_get_the_statements_of_a_kreis(client):
    response = client.get("/id/region/01056", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    assert "Kreisprofil" not in response.get_data(as_text=True)


def test_a_municipality_says_which_kreis_it_lies_in(client):
    html = client.get("/id/region/01056039", headers=BROWSER).get_data(as_text=True)
    assert "Stadt Pinneberg – Gemeinde" in html and '<a href="/id/region/01056">Kreis Pinneberg</a>' in html


def test_an_organisation_says_its_kind_and_what_it_takes_part_in(client):
    html = client.get("/id/organisation/arge-luebeck", headers=BROWSER).get_data(as_text=True)
    brief = html.split('<section class="kurz"', 1)[1].split("</section>", 1)[0]
    assert "ARGE Lübeck – ARGE" in brief and '<a href="/id/kooperation/luebeck-arbeitskreise">' in brief


def test_a_printed_profile_leaves_out_the_statement_lists_and_the_navigation(client):
    html = client.get("/id/region/01056", headers=BROWSER).get_data(as_text=True)
    assert '<div class="alle-angaben nur-bildschirm">' in html
    css = client.get("/static/koopgraph.css").get_data(as_text=True)
    printed = css.split("@media print", 1)[1]
    assert ".nur-bildschirm" in printed and ".kopf" in printed and ".downloads" in printed
    municipality = client.get("/id/region/01056039", headers=BROWSER).get_data(as_text=True)
    assert '<div class="alle-angaben">' in municipality  # without a profile the statements are the page
