"""Every statement can be traced to where it comes from: seed records to a
section of the minutes with a verbatim quote, open-data records to a
source with its licence, and the whole dataset carries version and 'Stand'."""

import re

import pytest

import minutes
from realkg import column, needs_seed, select, short

SEED_GRAPH = "https://w3id.org/koopgraph/id/graph/seed"
RECORD_CLASSES = "koop:Organisation koop:Kooperation koop:Massnahme koop:Zusatzleistung koop:Helferfunktion koop:Antwort koop:Beitrag koop:Leitfrage koop:Arbeitsgruppe koop:Veranstaltung koop:Podium schema:Person"


# ---------------------------------------------------------------- how quotes are compared with the minutes

@pytest.mark.parametrize(("raw", "reads"), [
    # a word hyphenated across a line break (AG 4: "öffent-" / blank line / "lichen") is one word
    ("dem Jugendamt Flensburg und öffent-\n\nlichen Stellen und", "dem Jugendamt Flensburg und öffentlichen Stellen und"),
    ("Menschen sollen individuell ge-\nfördert werden", "Menschen sollen individuell gefördert werden"),
    # a shortened compound keeps its hyphen, on one line or across a break
    ("Arbeitsmarkt- und Integrationsmaßnahmen", "Arbeitsmarkt- und Integrationsmaßnahmen"),
    ("Migrations-\nund Trägerrunde", "Migrations- und Trägerrunde"),
    # a hyphen before a capital letter is part of the word ("AG- Migration", "ARGE-\nVertreterInnen")
    ("ARGE-\nVertreterInnen", "ARGE- VertreterInnen"),
    # soft hyphens, emphasis and hard line breaks do not count
    ("Migrations\u00adfach\u00addienste", "Migrationsfachdienste"),
    ("In **Kiel** gibt es", "In Kiel gibt es"),
    ("Es wird\n\nangemerkt, dass", "Es wird angemerkt, dass"),
])
def test_the_comparison_reads_the_minutes_as_sentences_not_as_lines(raw, reads):
    assert minutes.normal(raw) == reads


@pytest.mark.parametrize(("quote", "passages"), [
    ("In Lübeck gibt es Maßnahmen. […] Es gibt ein Angebot.", ["In Lübeck gibt es Maßnahmen.", "Es gibt ein Angebot."]),
    ("erste Stelle … zweite Stelle", ["erste Stelle", "zweite Stelle"]),
    ("ohne Auslassung", ["ohne Auslassung"]),
])
def test_an_ellipsis_splits_a_quote_into_passages(quote, passages):
    assert minutes.passages(quote) == passages


def test_passages_must_follow_each_other_in_the_minutes():
    text = "Eins ist hier. Zwei kommt danach. Drei am Ende."
    assert minutes.verbatim("Eins ist hier. […] Drei am Ende.", text)
    assert not minutes.verbatim("Drei am Ende. […] Eins ist hier.", text)  # order reversed
    assert not minutes.verbatim("Eins ist hier. Drei am Ende.", text)  # a gap that is not marked


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
    quotes = column(kg, "SELECT ?z WHERE { ?r koop:zitat ?z }")
    assert len(quotes) > 150
    assert sorted(q for q in quotes if not minutes.verbatim(q)) == []


@needs_seed
def test_every_text_is_the_wording_of_the_minutes_with_every_gap_marked(kg):
    """koop:text (answers, contributions, guiding questions) is one contiguous
    passage of the minutes, or passages in their order with "[…]" where
    something is left out – never sentences joined as if they were adjacent."""
    rows = select(kg, "SELECT ?r ?t WHERE { ?r koop:text ?t }")
    assert len(rows) > 100
    assert sorted((short(r["r"]), r["t"]) for r in rows if not minutes.verbatim(r["t"])) == []


@needs_seed
def test_every_section_title_names_a_heading_of_the_minutes(kg):
    titles = column(kg, "SELECT ?t WHERE { ?a a koop:Abschnitt ; dcterms:title ?t }")
    missing = sorted(t for t in titles if minutes.normal(t).removeprefix("Frage ").split(": ", 1)[-1] not in minutes.text())
    assert missing == []


def test_the_source_is_undated_and_covers_the_arge_era_2005_to_2010(kg):
    rows = select(kg, """SELECT ?start ?end WHERE { quelle:protokoll-regionale-arbeitsgruppen dcterms:temporal ?t .
        ?t dcat:startDate ?start ; dcat:endDate ?end }""")
    assert rows == [{"start": "2005", "end": "2010"}]
    assert column(kg, "SELECT ?d WHERE { quelle:protokoll-regionale-arbeitsgruppen dcterms:date ?d }") == set()


def test_the_dataset_has_a_version_and_a_stand(kg):
    rows = select(kg, "SELECT ?v ?stand WHERE { <https://w3id.org/koopgraph/id/dataset/koopgraph> dcat:version ?v ; dcterms:modified ?stand }")
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
