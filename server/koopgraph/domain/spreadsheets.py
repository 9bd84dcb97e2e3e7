"""Downloads for spreadsheets: a CSV that German Excel opens cleanly and an
XLSX with typed cells.

German Excel reads a CSV as Windows-1252 with ";" unless it starts with a
byte-order mark, and turns "01001" into the number 1001 – so the Excel CSV
has the BOM, ";" and German decimal commas, and the XLSX stores keys as
text, numbers as numbers and dates as dates. Both carry the readable table
(domain/tables.py: names, words, German headers); the XLSX has a second
sheet with the source and licence, as the licence's attribution asks.
"""

import csv
import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from koopgraph.domain.dataset import Facts
from koopgraph.domain.tables import Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8; header=present"
BOM = "\ufeff"


@dataclass(frozen=True)
class Sheet:
    """One table of a download, with the title of its sheet."""

    title: str
    table: Table


def _csv_value(value, text: str) -> str:
    if isinstance(value, (int, Decimal)):
        return str(value).replace(".", ",")  # no thousands separator: Excel reads it as a number
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    return text


def excel_csv(sheets: Sequence[Sheet], lang: str) -> bytes:
    """UTF-8 with BOM, ";" between fields, CRLF, German headers; several
    tables follow one another with an empty line and a title line between."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for i, sheet in enumerate(sheets):
        if len(sheets) > 1:
            if i:
                writer.writerow([])
            writer.writerow([sheet.title])
        writer.writerow([c.title[lang] for c in sheet.table.columns])
        for row in sheet.table.rows:
            writer.writerow([_csv_value(cell.value, cell.text) for cell in row])
    return (BOM + out.getvalue()).encode("utf-8")


def _xlsx_value(value, text: str):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (int, datetime.date)):
        return value
    return text


def _sheet_name(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique."""
    name = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31].strip() or "Tabelle"
    base, n = name, 2
    while name in taken:
        name = f"{base[:28]} {n}"
        n += 1
    taken.add(name)
    return name


def xlsx(sheets: Sequence[Sheet], facts: Facts, url: str, lang: str) -> bytes:
    """A workbook: one sheet per table (bold header row, frozen, typed
    cells, keys as text) and a last sheet with the source and licence."""
    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(_sheet_name(sheet.title, taken))
        ws.append([c.title[lang] for c in sheet.table.columns])
        for cell in ws[1]:
            cell.font = bold
        for row in sheet.table.rows:
            ws.append([_xlsx_value(cell.value, cell.text) for cell in row])
        for column, spec in zip(ws.iter_cols(min_row=2), sheet.table.columns):
            for cell in column:
                if spec.kind == "key":
                    cell.number_format = "@"
                elif spec.kind == "date" and isinstance(cell.value, datetime.date):
                    cell.number_format = "DD.MM.YYYY"
        ws.freeze_panes = "A2"
        for letter, spec in zip((c[0].column_letter for c in ws.iter_cols(max_row=1)), sheet.table.columns):
            ws.column_dimensions[letter].width = max(12, min(60, len(spec.title[lang]) + 4))
    about = book.create_sheet(_sheet_name("Quelle und Lizenz" if lang == "de" else "Source and licence", taken))
    de = lang == "de"
    for key, value in (
        ("Datenbestand" if de else "Dataset", facts.title),
        ("Abgerufen von" if de else "Retrieved from", url),
        ("Abgerufen am" if de else "Retrieved on", datetime.date.today()),
        ("Stand der Daten" if de else "Data as of", facts.modified),
        ("Lizenz" if de else "Licence", facts.licence.text),
        ("Lizenztext" if de else "Licence text", facts.licence.href or ""),
        ("Namensnennung" if de else "Attribution", facts.attribution),
        *((("Quelle" if de else "Source"), f"{s.text}{' – ' + s.note if s.note else ''}") for s in facts.sources),
    ):
        about.append([key, value])
        about.cell(about.max_row, 1).font = bold
        if isinstance(value, datetime.date):
            about.cell(about.max_row, 2).number_format = "DD.MM.YYYY"
    about.column_dimensions["A"].width = 20
    about.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
