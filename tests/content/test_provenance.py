"""Every statement can be traced to where it comes from: seed records to a
section of the minutes with a verbatim quote, open-data records to a
source with its licence, and the whole dataset carries version and 'Stand'."""

import re

import pytest

from realkg import SEED_FILE, column, needs_seed, select, short

SEED_GRAPH = "https://w3id.org/koopgraph/id/graph/seed"
RECORD_CLASSES = "koop:Organisation koop:Kooperation koop:Massnahme koop:Zusatzleistung koop:Helferfunktion koop:Antwort koop:Beitrag koop:Leitfrage koop:Arbeitsgruppe koop:Veranstaltung koop:Podium schema:Person"


def _normal(text: str) -> str:
    """The minutes are Markdown with hard line breaks: compare without
    emphasis markers and with runs of whitespace as one space."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


def test_every_seed_record_is_derived_from_a_section_of_the_minutes_and_quotes_it(kg):
    records = f"GRAPH <{SEED_GRAPH}> {{ VALUES ?c {{ {RECORD_CLASSES} }} ?r a ?c }}"
    without_section = select(kg, f"""SELECT ?r WHERE {{ {records} FILTER NOT EXISTS {{ ?r prov:wasDerivedFrom ?a .
        ?a a koop:Abschnitt ; dcterms:isPartOf+ quelle:protokoll-regionale-arbeitsgruppen }} }}""")
    without_quote = select(kg, f"SELECT ?r WHERE {{ {records} FILTER NOT EXISTS {{ ?r koop:zitat ?z }} }}")
    assert without_section == [] and without_quote == []


def test_the_seed_graph_holds_records_of_every_kind(kg):
    rows = select(kg, f"""SELECT ?c (COUNT(?r) AS ?n) WHERE {{ GRAPH <{SEED_GRAPH}> {{ VALUES ?c {{ {RECORD_CLASSES} }} ?r a ?c }} }} GROUP BY ?c""")
    counts = {short(r["c"]).split("#")[-1]: int(r["n"]) for r in rows}
    assert counts["Arbeitsgruppe"] == 4
    assert counts["Leitfrage"] == 13
    assert counts["Person"] == 4
    assert counts["Veranstaltung"] == 1 and counts["Podium"] == 1
    assert counts["Kooperation"] >= 35 and counts["Massnahme"] >= 40 and counts["Antwort"] == 32


@needs_seed
def test_every_quote_appears_verbatim_in_the_minutes(kg):
    minutes = _normal(SEED_FILE.read_text(encoding="utf-8"))
    quotes = column(kg, "SELECT ?z WHERE { ?r koop:zitat ?z }")
    assert len(quotes) > 150
    assert sorted(q for q in quotes if _normal(q) not in minutes) == []


@needs_seed
def test_every_section_title_names_a_heading_of_the_minutes(kg):
    minutes = _normal(SEED_FILE.read_text(encoding="utf-8"))
    titles = column(kg, "SELECT ?t WHERE { ?a a koop:Abschnitt ; dcterms:title ?t }")
    missing = sorted(t for t in titles if _normal(t).removeprefix("Frage ").split(": ", 1)[-1] not in minutes)
    assert missing == []


def test_the_source_is_undated_and_covers_the_arge_era_2005_to_2010(kg):
    rows = select(kg, """SELECT ?start ?end WHERE { quelle:protokoll-regionale-arbeitsgruppen dcterms:temporal ?t .
        ?t dcat:startDate ?start ; dcat:endDate ?end }""")
    assert rows == [{"start": "2005", "end": "2010"}]
    assert column(kg, "SELECT ?d WHERE { quelle:protokoll-regionale-arbeitsgruppen dcterms:date ?d }") == set()


def test_the_dataset_has_a_version_and_a_stand(kg):
    rows = select(kg, "SELECT ?v ?stand WHERE { <https://w3id.org/koopgraph/id/dataset/koopgraph> owl:versionInfo ?v ; dcterms:modified ?stand }")
    assert len(rows) == 1
    assert re.fullmatch(r"\d+\.\d+\.\d+", rows[0]["v"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", rows[0]["stand"])


@pytest.mark.parametrize("source", ["destatis-gemeindeverzeichnis", "bkg-vg5000", "einglmv-2024"])
def test_each_open_data_source_records_publisher_rights_and_where_the_copy_came_from(kg, source):
    rows = select(kg, f"""SELECT ?pub ?src WHERE {{ quelle:{source} dcterms:publisher ?pub ; dcterms:source ?src .
        FILTER EXISTS {{ {{ quelle:{source} dcterms:license ?l }} UNION {{ quelle:{source} dcterms:rights ?r }} }} }}""")
    assert len(rows) == 1


def test_every_open_data_record_points_to_its_source(kg):
    rows = select(kg, """SELECT ?r WHERE { GRAPH <https://w3id.org/koopgraph/id/graph/opendata> {
        VALUES ?c { koop:Region koop:Land koop:Kreis koop:KreisfreieStadt koop:Gemeinde koop:Stadtteil koop:Organisation } ?r a ?c }
        FILTER NOT EXISTS { ?r prov:wasDerivedFrom ?s . ?s a dcat:Dataset } }""")
    assert rows == []


def test_ambiguous_passages_carry_an_editorial_note(kg):
    noted = {short(r) for r in column(kg, "SELECT ?r WHERE { ?r skos:editorialNote ?n }")}
    for record in ["ploen-formale-kooperation", "ostholstein-formale-strukturen", "migrations-und-traegerrunde",
                   "schleswig-flensburg-berufsspezifische-sprachkurse-u25", "ag4-berufsspezifische-sprachkurse",
                   "ag2-alg-i-beziehende", "ag1-lf5-ostholstein"]:
        assert record in noted
