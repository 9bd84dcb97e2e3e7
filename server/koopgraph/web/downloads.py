"""Spreadsheet downloads of readable tables (a question's answer, a Kreis
profile): ?format=xlsx or ?format=excel (the CSV German Excel opens).

Not a content type of the SPARQL formats table on purpose: the machine
formats keep the stable codes and column names, while these carry what a
person reads – names, words, German headers (domain/spreadsheets.py).
"""

from collections.abc import Sequence

from flask import Response, request

from koopgraph.domain import dataset, spreadsheets
from koopgraph.domain.tables import Table
from koopgraph.web.context import current_store, language

KINDS = {"xlsx": spreadsheets.XLSX_TYPE, "excel": spreadsheets.CSV_TYPE}


def asked_spreadsheet(of=None) -> str | None:
    """"xlsx" or "excel" when ?format= asks for one (or Accept names XLSX), else
    None; of the current request or of `of` (the cached-answer middleware's)."""
    request_ = request if of is None else of
    names = request_.args.getlist("format")
    if names:
        name = names[0].strip().lower()
        return name if name in KINDS else None
    best = request_.accept_mimetypes.best
    return "xlsx" if best == spreadsheets.XLSX_TYPE else None


def spreadsheet(kind: str, sheets: Sequence[tuple[str, Table]], filename: str) -> Response:
    """The download, named <filename>.xlsx or <filename>.csv."""
    lang = language()
    parts = [spreadsheets.Sheet(title, table) for title, table in sheets]
    if kind == "xlsx":
        facts = dataset.facts(current_store(), lang)
        url = request.base_url
        body = spreadsheets.xlsx(parts, facts, url, lang)
        suffix = "xlsx"
    else:
        body = spreadsheets.excel_csv(parts, lang)
        suffix = "csv"
    return Response(body, content_type=KINDS[kind],
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{suffix}"', "Vary": "Accept"})
