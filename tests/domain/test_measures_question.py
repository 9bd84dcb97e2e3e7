"""The named question `massnahmen` (issue 16: the Kreisprofil names the
measures): per Kreis the measures the minutes name, with their status.
Expected answers read from the minutes, AG 3 (Frage 4, 7, 9)."""

import pytest

from koopgraph.domain import questions

# Minutes, AG 3, "Kreis Stormann": "Frauen und Kinder/Alphabetisierungs- und Deutschkurse/
# Orientierungskurse", "Sprachpatenschaften", "ARGE +IB = Maßnahme zur beruflichen Orientierung
# von Frauen"; Frage 7 for the group: "Nötig wären: weitergehende Kurse für Jugendliche mit
# Praktika, Anpassungskurse für AkademikerInnen"; Frage 9: "Derzeit existieren keine."
STORMARN = {
    ("Alphabetisierungskurse für Frauen und Kinder (Stormarn)", "vorhanden"),
    ("Deutschkurse für Frauen und Kinder (Stormarn)", "vorhanden"),
    ("Orientierungskurse für Frauen und Kinder (Stormarn)", "vorhanden"),
    ("Sprachpatenschaften (Stormarn)", "vorhanden"),
    ("Maßnahme zur beruflichen Orientierung von Frauen (ARGE und IB, Stormarn)", "vorhanden"),
    ("Weitergehende Kurse für Jugendliche mit Praktika (gefordert)", "gefordert"),
    ("Anpassungskurse für Akademikerinnen und Akademiker (gefordert)", "gefordert"),
    ("Ausbildung, Arbeit und Weiterbildung für Personen mit ungesichertem Aufenthalt (fehlt)", "fehlt"),
}


@pytest.fixture(scope="module")
def rows(kg) -> list[dict[str, str]]:
    solutions = questions.run(kg, questions.load_queries()["massnahmen"], {})
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def test_stormarn_has_the_measures_of_its_paragraph_and_of_its_group(rows):
    assert {(r["bezeichnung"], r["status"]) for r in rows if r["ags"] == "01062"} == STORMARN


def test_segeberg_names_kaltenkirchen_where_the_courses_are(rows):
    # minutes, AG 3, Kreis Segeberg: "Orientierungskurse in Kaltenkirchen und Bad Bramstedt (4 Kurse)"
    towns = {r["ort"] for r in rows if r["ags"] == "01060" and r["bezeichnung"].startswith("4 Orientierungskurse")}
    assert "Kaltenkirchen" in towns


def test_steinburg_was_not_represented_and_has_no_measure(rows):
    assert [r for r in rows if r["ags"] == "01061"] == []
