"""Downloads for spreadsheets (issue 16), read back as a spreadsheet would:
the Excel CSV with the csv module (UTF-8 BOM, ";", keys with their leading
zero), the XLSX with openpyxl (typed cells, German headers, a sheet with
source and licence). Values from the open data (Destatis) and the
catalogue (data/katalog.ttl)."""

import csv
import datetime
import io

import openpyxl

URL = "/queries/kooperation-und-bevoelkerung"


def test_the_excel_csv_has_a_bom_semicolons_german_headers_and_keys_as_text(client):
    response = client.get(URL + "?format=excel")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="kooperation-und-bevoelkerung.csv"' in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Kreis oder kreisfreie Stadt", "Kreisschlüssel", "Formale Kooperation", "Einwohner",
                       "Stichtag der Einwohnerzahl", "Fläche", "Stichtag der Fläche"]
    flensburg = next(r for r in rows if r[0] == "Flensburg")
    # Destatis: 90164 inhabitants on 31.12.2019, 56.73 km² on 31.12.2018; German Excel reads 56,73 as a number
    assert flensburg == ["Flensburg", "01001", "nein", "90164", "31.12.2019", "56,73", "31.12.2018"]


def test_the_xlsx_has_typed_cells_german_headers_and_a_source_sheet(client):
    response = client.get(URL + "?format=xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    table, about = book.worksheets
    header = [c.value for c in table[1]]
    assert header[:4] == ["Kreis oder kreisfreie Stadt", "Kreisschlüssel", "Formale Kooperation", "Einwohner"]
    flensburg = next(row for row in table.iter_rows(min_row=2, values_only=True) if row[0] == "Flensburg")
    assert flensburg[1] == "01001" and isinstance(flensburg[1], str)
    assert flensburg[3] == 90164 and isinstance(flensburg[3], int)
    assert flensburg[5] == 56.73 and isinstance(flensburg[5], float)
    assert flensburg[4] == datetime.datetime(2019, 12, 31)
    facts = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert facts["Lizenz"] == "Datenlizenz Deutschland – Namensnennung – Version 2.0"
    assert facts["Stand der Daten"] == "2026-11-26"
    assert any("Gemeindeverzeichnis" in str(v) for k, v in about.iter_rows(values_only=True) if k == "Quelle")
    assert about.title == "Quelle und Lizenz"


def test_the_xlsx_in_english_has_english_headers(client):
    book = openpyxl.load_workbook(io.BytesIO(client.get(URL + "?format=xlsx&lang=en").get_data()))
    assert [c.value for c in book.worksheets[0][1]][:2] == ["District or district-free city", "District key"]
    assert book.worksheets[1].title == "Source and licence"


def test_every_question_page_offers_both_downloads(client):
    html = client.get(URL, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f'href="{URL}?format=xlsx"' in html and f'href="{URL}?format=excel"' in html


def test_a_bad_parameter_in_a_download_is_the_json_400(client):
    response = client.get("/queries/akteure?ags=9&format=xlsx")
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "ags"
