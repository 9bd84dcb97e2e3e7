"""Every named question declares its columns for people – German and
English title and kind – and the loader refuses a declaration it cannot
use, with the file and the reason (docs: queries/README.md)."""

from pathlib import Path

import pytest

from koopgraph.domain import questions

HEAD = "#+ title: {de: T, en: T}\n#+ description: {de: D, en: D}\n"


def test_every_shipped_question_declares_title_and_kind_of_every_column():
    for query in questions.load_queries().values():
        header = query.path.read_text(encoding="utf-8").split("\nPREFIX", 1)[0]
        assert "#+ columns:\n" in header, query.name  # the mapping form, not a bare list
        for column in query.column_specs:
            assert column.title["de"] and column.title["en"], (query.name, column.name)
            assert column.kind in questions.COLUMN_KINDS


def test_the_area_column_declares_square_kilometres_and_a_total():
    area = questions.load_queries()["kooperation-und-bevoelkerung"].column("flaeche")
    assert (area.kind, dict(area.unit), area.total) == ("number", {"de": "km²", "en": "km²"}, True)


def test_a_name_column_links_to_the_iri_column_of_its_row():
    query = questions.load_queries()["kooperation-nach-region"]
    assert query.column("name").link == "region" and query.column("region").kind == "region"


@pytest.mark.parametrize("columns, reason", [
    ("#+ columns:\n#+   x: {de: X, kind: text}\n", "de and en"),
    ("#+ columns:\n#+   x: {de: X, en: X, kind: colour}\n", "'kind' must be one of"),
    ("#+ columns:\n#+   x: {de: X, en: X}\n", "'kind' must be one of"),
    ("#+ columns:\n#+   x: {de: X, en: X, kind: text, unit: {de: km, en: km}}\n", "'unit' and 'total' belong to number"),
    ("#+ columns:\n#+   x: {de: X, en: X, kind: name}\n", "'link' (required)"),
    ("#+ columns:\n#+   x: {de: X, en: X, kind: number, colour: red}\n", "allowed keys"),
    ("#+ columns:\n#+   x: {de: X, en: X, kind: name, link: y}\n", "columns missing from SELECT: ['y']"),
    ("#+ columns:\n#+   x: {de: X, en: X, kind: code, scheme: [Antwort Wert]}\n", "'scheme' names vocabularies"),
])
def test_a_broken_column_declaration_stops_loading_with_the_reason(tmp_path: Path, columns, reason):
    path = tmp_path / "kaputt.rq"
    path.write_text(HEAD + columns + "SELECT ?x WHERE { ?x ?p ?o }\n", encoding="utf-8")
    with pytest.raises(questions.QueryDefinitionError) as caught:
        questions.load_query(path)
    assert reason in caught.value.en and "kaputt.rq" in caught.value.en
