"""Passages of the minutes that a second, line-by-line reading found misread
(issue 17): each test first finds the wording in the minutes
(../shared/seed/000_b24577efa543cd49.txt, read through minutes.normal: soft
and line-break hyphens joined, whitespace collapsed) and then checks that
the graph says what that wording says. Without the minutes beside the
repository the tests are skipped."""

import pytest

import minutes
from koopgraph.domain import questions
from realkg import ID, column, needs_seed, select, short

pytestmark = needs_seed


def ask(kg, name: str) -> dict[str, dict[str, str]]:
    """A named question's rows by Kreisschlüssel (default parameters)."""
    solutions = questions.run(kg, questions.load_queries()[name], {})
    names = [v.value for v in solutions.variables]
    return {row["ags"].value: {n: row[n].value for n in names if row[n] is not None} for row in solutions}


def quotes(kg, record: str) -> set[str]:
    return column(kg, f"SELECT ?z WHERE {{ <{ID}{record}> koop:zitat ?z }}")


def one(kg, record: str, prop: str) -> str:
    (value,) = column(kg, f"SELECT ?v WHERE {{ <{ID}{record}> {prop} ?v }}")
    return value


# ---------------------------------------------------------------- Plön: what one person knew

PLOEN_SAID = "Aus Plön ist eine Vertreterin des Frauenhauses anwesend. Ihr ist keine formale Kooperationsstruktur bekannt."


def test_the_only_person_from_ploen_was_the_frauenhaus_representative_and_she_knew_of_no_formal_structure():
    said = minutes.sentence("Aus Plön ist") + " " + minutes.sentence("Ihr ist keine formale")
    assert said == PLOEN_SAID
    participants = minutes.between("TeilnehmerInnen waren VertreterInnen von Migrationsfachdiensten in Ostholstein",
                                   "In der Arbeitsgruppe wurden")
    assert participants.count("Plön") == 1 and "vom Frauenhaus Kreis Plön" in participants


def test_ploen_is_recorded_as_none_known_to_the_reporter_not_as_none(kg):
    record = "kooperation/ploen-formale-kooperation"
    assert PLOEN_SAID in quotes(kg, record)
    assert short(one(kg, record, "koop:status")) == "keine-bekannt"
    note = one(kg, record, "skos:editorialNote")
    assert "Kenntnisstand der Vertreterin des Frauenhauses Kreis Plön" in note


def test_none_known_is_a_concept_of_its_own_in_german_and_english(kg):
    rows = select(kg, """SELECT ?label ?definition WHERE { <https://w3id.org/koopgraph/id/kooperationsstatus/keine-bekannt>
        skos:inScheme vok:kooperationsstatus ; skos:prefLabel ?label ; skos:definition ?definition }""")
    labels = {r["label"] for r in rows}
    assert labels == {"keine bekannt", "none known"}
    assert any("Kenntnisstand" in r["definition"] for r in rows) and any("knows" in r["definition"] for r in rows)


def test_the_named_questions_answer_for_ploen_as_before_and_say_whose_knowledge_it_is(kg):
    # Nothing formal is known in Plön: no agreement ("nein"), no formal cooperation ("nein"),
    # no existing form; among the districts without formal cooperation with "keine".
    row = ask(kg, "kooperation-nach-region")["01057"]
    assert (row["vereinbarung"], row["formaleKooperation"], row["formen"]) == ("nein", "nein", "")
    assert "Frauenhauses Kreis Plön" in row["hinweis"] and "Kenntnis" in row["hinweis"]
    row = ask(kg, "kreise-ohne-formale-kooperation")["01057"]
    assert row["stand"] == "keine" and "Frauenhauses Kreis Plön" in row["hinweis"]
    assert ask(kg, "kooperation-und-bevoelkerung")["01057"]["formaleKooperation"] == "nein"
    assert "01057" in ask(kg, "kreise-ohne-formale-kooperation-betroffene")


# ---------------------------------------------------------------- AG 4: words across a hyphenated line break

def test_the_flensburg_example_names_public_bodies_across_a_line_break_and_the_graph_quotes_them(kg):
    example = minutes.sentence("Als Beispiel wurde die gute Kooperation/Zusammenarbeit")
    assert "dem Jugendamt Flensburg und öffentlichen Stellen und dem Bildungsträger bequa" in example
    assert example in quotes(kg, "kooperation/flensburg-zusammenarbeit")
    named_as = {"arge-flensburg": "ARGE – Flensburg", "jugendamt-flensburg": "Jugendamt Flensburg",
                "oeffentliche-stellen-flensburg": "öffentlichen Stellen", "bequa-flensburg": "bequa"}
    participants = {short(o) for o in column(kg, "SELECT ?o WHERE { kooperation:flensburg-zusammenarbeit koop:beteiligt ?o }")}
    assert participants == set(named_as)
    cited = " ".join(quotes(kg, "kooperation/flensburg-zusammenarbeit"))
    assert all(words in cited for words in named_as.values())


def test_the_public_bodies_of_flensburg_are_quoted_where_the_minutes_name_them(kg):
    found = quotes(kg, "organisation/oeffentliche-stellen-flensburg")
    assert found and all("öffentlichen Stellen" in q and minutes.verbatim(q) for q in found)


def test_individual_support_regardless_of_origin_is_quoted_across_its_line_break(kg):
    said = minutes.sentence("Menschen sollen individuell")
    assert said == "Menschen sollen individuell gefördert werden unabhängig von der Herkunft."
    assert said in quotes(kg, "beitrag/ag4-individuelle-loesungen")
    assert one(kg, "beitrag/ag4-individuelle-loesungen", "koop:text").endswith(said)
