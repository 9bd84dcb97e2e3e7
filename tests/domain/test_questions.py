"""Named questions: the loader refuses broken files loudly, parameters are
typed and bound as terms, and every question gives the exact answer read
from the minutes."""

from pathlib import Path

import pytest

import remotekg
from koopgraph.domain import questions

NAMES = {
    "kooperation-nach-region", "kreise-ohne-formale-kooperation", "anschlussqualifikation", "zusatzleistungen",
    "frauenhaeuser", "forderungen-an-das-podium", "leitfragen", "arbeitsgruppen", "akteure", "region-suchen",
}


@pytest.fixture(scope="module")
def catalogue() -> dict[str, questions.NamedQuery]:
    return questions.load_queries()


@pytest.fixture(scope="module", params=remotekg.BACKENDS)
def kg(request, kg):
    """Every answer is checked on the embedded store and once more on each
    remote engine (Oxigraph's own server, Virtuoso where installed), reached
    only through the SPARQL protocol."""
    if request.param == "eingebettet":
        return kg
    return remotekg.fresh(remotekg.engine(request, request.param))


def ask(kg, catalogue, name: str, **params: str) -> list[dict[str, str]]:
    query = catalogue[name]
    solutions = questions.run(kg, query, params)
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


def split(value: str | None) -> set[str]:
    return set(value.split("; ")) if value else set()


# ---------------------------------------------------------------- the catalogue

def test_the_catalogue_holds_every_required_question_with_titles_in_both_languages(catalogue):
    assert NAMES <= set(catalogue)
    for query in catalogue.values():
        assert query.title["de"] and query.title["en"] and query.description["de"] and query.description["en"]


@pytest.mark.parametrize(("name", "columns"), [
    ("kooperation-nach-region", ["region", "ags", "name", "vereinbarung", "formaleKooperation", "formen"]),
    ("kreise-ohne-formale-kooperation", ["region", "ags", "name", "stand"]),
    ("anschlussqualifikation", ["ags", "name", "antwort"]),
    ("zusatzleistungen", ["ags", "name", "leistung", "ort"]),
    ("frauenhaeuser", ["organisation", "name", "ags"]),
    ("forderungen-an-das-podium", ["arbeitsgruppe", "text"]),
    ("leitfragen", ["nummer", "themenkomplex", "text"]),
    ("arbeitsgruppen", ["nummer", "moderation", "ags"]),
    ("akteure", ["organisation", "name", "art"]),
    ("region-suchen", ["region", "ags", "name"]),
])
def test_each_question_declares_and_fills_the_columns_the_specification_requires(kg, catalogue, name, columns):
    query = catalogue[name]
    assert set(columns) <= set(query.columns)
    rows = ask(kg, catalogue, name, **{p.name: p.example for p in query.params})
    assert rows and all(set(columns) <= set(row) for row in rows)


# ---------------------------------------------------------------- answers

KOOPERATION = {
    # ags: (vereinbarung, formaleKooperation, existing forms)
    "01001": ("nein", "nein", {"Migrations- bzw. Trägerrunde", "Kooperationsprojekt", "Informelle Zusammenarbeit und Vernetzung"}),
    "01002": ("geplant", "ja", {"Arbeitskreis", "Arbeitstreffen", "Stadtteilkonferenz", "Einzelfallkooperation"}),
    "01003": ("keine-angaben", "ja", {"Arbeitskreis"}),
    "01004": ("geplant", "nein", {"Arbeitstreffen", "Informelle Zusammenarbeit und Vernetzung"}),
    "01051": ("ja", "ja", {"Kooperationsvereinbarung (schriftlich)"}),
    "01053": ("keine-angaben", "nein", {"Hinzuziehung zu Sitzungen bei Bedarf"}),
    "01054": ("nein", "nein", {"Migrations- bzw. Trägerrunde"}),
    "01055": ("keine-angaben", "nein", {"Einzelfallkooperation"}),
    "01056": ("geplant", "nein", {"Arbeitstreffen"}),
    "01057": ("nein", "nein", set()),
    "01058": ("keine-angaben", "nein", {"Arbeitskreis", "Arbeitstreffen", "Einzelfallkooperation", "Informelle Zusammenarbeit und Vernetzung"}),
    "01059": ("keine-angaben", "ja", {"Migrations- bzw. Trägerrunde"}),
    "01060": ("nein", "nein", {"Einzelfallkooperation"}),
    "01061": ("keine-angaben", "keine-angaben", set()),
    "01062": ("nein", "nein", {"Runder Tisch"}),
}


def test_kooperation_nach_region_answers_for_all_fifteen_regions(kg, catalogue):
    rows = ask(kg, catalogue, "kooperation-nach-region")
    got = {r["ags"]: (r["vereinbarung"], r["formaleKooperation"], split(r["formen"])) for r in rows}
    assert got == KOOPERATION
    assert [r["ags"] for r in rows] == sorted(KOOPERATION)
    assert all(r["region"] == f"https://w3id.org/koopgraph/id/region/{r['ags']}" for r in rows)


def test_kooperation_nach_region_returns_the_editorial_note_where_the_minutes_are_ambiguous(kg, catalogue):
    rows = {r["ags"]: r for r in ask(kg, catalogue, "kooperation-nach-region")}
    assert "Vertreterin des Frauenhauses" in rows["01057"]["hinweis"]
    assert "ob eine schriftliche Vereinbarung oder ein Arbeitskreis gemeint ist" in rows["01055"]["hinweis"]
    assert "hinweis" not in rows["01061"]


def test_kreise_ohne_formale_kooperation_lists_what_exists_instead(kg, catalogue):
    rows = ask(kg, catalogue, "kreise-ohne-formale-kooperation")
    got = {r["ags"]: r["stand"] for r in rows}
    expected = {ags: "; ".join(sorted(forms)) for ags, (_, formal, forms) in KOOPERATION.items() if formal != "ja"}
    expected["01057"], expected["01061"] = "keine", "keine-angaben"
    assert {a: split(s) for a, s in got.items()} == {a: split(s) for a, s in expected.items()}


def test_anschlussqualifikation_for_all_fifteen_regions(kg, catalogue):
    rows = ask(kg, catalogue, "anschlussqualifikation")
    assert {r["ags"]: r["antwort"] for r in rows} == {
        "01001": "nein", "01002": "nein", "01003": "keine-angaben", "01004": "teilweise", "01051": "nein",
        "01053": "keine-angaben", "01054": "nein", "01055": "nein", "01056": "nein", "01057": "keine-angaben",
        "01058": "teilweise", "01059": "nein", "01060": "nein", "01061": "keine-angaben", "01062": "nein"}


def test_zusatzleistungen_rolled_up_to_the_kreis_with_the_town_named(kg, catalogue):
    rows = ask(kg, catalogue, "zusatzleistungen")
    assert sorted((r["ags"], r["leistung"], r["ort"]) for r in rows) == sorted([
        ("01001", "Berufsspezifischer Sprachkurs", ""), ("01002", "Fahrtkosten", ""), ("01002", "Kinderbetreuung", ""),
        ("01004", "Fahrtkosten", ""), ("01004", "Kinderbetreuung", ""), ("01051", "Berufsspezifischer Sprachkurs", ""),
        ("01051", "Kosten der Anerkennung ausländischer Abschlüsse", ""), ("01054", "Berufsspezifischer Sprachkurs", ""),
        ("01056", "Fahrtkostenzuschuss", ""), ("01056", "Kinderbetreuung", ""), ("01058", "Fahrtkosten", ""),
        ("01058", "Kinderbetreuung", ""), ("01059", "Berufsspezifischer Sprachkurs", ""),
        ("01060", "Fahrtkostenzuschuss", "Kaltenkirchen"), ("01062", "Fahrtkostenzuschuss", "Bad Oldesloe"),
    ])


def test_frauenhaeuser(kg, catalogue):
    rows = ask(kg, catalogue, "frauenhaeuser")
    assert sorted((r["name"], r["ags"]) for r in rows) == [
        ("Autonomes Frauenhaus Rendsburg", "01058"), ("Frauenhaus Kreis Plön", "01057"), ("Frauenhaus Norderstedt", "01060")]


def test_forderungen_an_das_podium_count_per_working_group(kg, catalogue):
    rows = ask(kg, catalogue, "forderungen-an-das-podium")
    per_group = {}
    for r in rows:
        per_group[r["arbeitsgruppe"]] = per_group.get(r["arbeitsgruppe"], 0) + 1
    assert per_group == {"1": 5, "3": 8, "4": 3}
    assert rows[0]["text"].startswith("Bereitschaft zur Kooperation sollte auch bei der Arbeitsverwaltung")
    assert rows[-1] == {"arbeitsgruppe": "4", "nummer": "3", "art": "Forderung", "text": "Forderung nach Abbau der Bürokratie"}


def test_leitfragen(kg, catalogue):
    rows = ask(kg, catalogue, "leitfragen")
    assert [(r["nummer"], r["themenkomplex"]) for r in rows] == [
        ("1", "Kooperationen"), ("2", "Kooperationen"), ("3", "Kooperationen"), ("4", "Inhalte"), ("5", "Inhalte"),
        ("6", "Inhalte"), ("7", "Inhalte"), ("8", "Inhalte"), ("9", "Inhalte"), ("10", "Leistungsbereich"),
        ("11", "Leistungsbereich"), ("12", ""), ("13", "")]
    assert rows[8]["text"].startswith("Welche Möglichkeiten der Ausbildung, Arbeitsaufnahme")


def test_arbeitsgruppen_one_row_per_region(kg, catalogue):
    rows = ask(kg, catalogue, "arbeitsgruppen")
    assert sorted((r["nummer"], r["moderation"], r["ags"], r["vertreten"]) for r in rows) == sorted([
        ("1", "Astrid Willer", "01003", "ja"), ("1", "Astrid Willer", "01053", "ja"),
        ("1", "Astrid Willer", "01055", "ja"), ("1", "Astrid Willer", "01057", "ja"),
        ("2", "Torsten Döhring", "01002", "ja"), ("2", "Torsten Döhring", "01004", "ja"),
        ("2", "Torsten Döhring", "01058", "ja"),
        ("3", "Doris Kratz-Hinrichsen", "01056", "ja"), ("3", "Doris Kratz-Hinrichsen", "01060", "ja"),
        ("3", "Doris Kratz-Hinrichsen", "01061", "nein"), ("3", "Doris Kratz-Hinrichsen", "01062", "ja"),
        ("4", "Naciye Demirbilek", "01001", "ja"), ("4", "Naciye Demirbilek", "01051", "ja"),
        ("4", "Naciye Demirbilek", "01054", "ja"), ("4", "Naciye Demirbilek", "01059", "ja")])


def test_akteure_in_luebeck(kg, catalogue):
    rows = ask(kg, catalogue, "akteure", ags="01003")
    assert sorted((r["name"], r["art"]) for r in rows) == sorted([
        ("ARGE Lübeck", "ARGE"), ("Ausländerbehörde Lübeck", "Ausländerbehörde"),
        ("Jobcenter Lübeck, Hansestadt", "Jobcenter"), ("Jugendamt Lübeck", "Jugendamt"),
        ("Jugendmigrationsdienste in Lübeck", "Jugendmigrationsdienst (JMD)"),
        ("Migrationserstberatung in Lübeck", "Migrationserstberatung (MBE)"),
        ("Migrationsfachdienste in Lübeck", "Migrationsfachdienst"), ("Schulamt Lübeck", "Schulamt")])


def test_akteure_in_segeberg_include_those_in_its_towns(kg, catalogue):
    names = {r["name"] for r in ask(kg, catalogue, "akteure", ags="01060")}
    assert {"Frauenhaus Norderstedt", "Migrationsberatung Norderstedt", "ARGE Segeberg"} <= names


@pytest.mark.parametrize(("q", "expected"), [
    ("stormann", {("01062", "01062", "Stormarn")}),
    ("Kreis Bad Segeberg", {("01060", "01060", "Segeberg")}),
    ("herzogtum-lauenburg", {("01053", "01053", "Herzogtum Lauenburg")}),
    ("METTENHOF", {("01002000-mettenhof", "01002", "Mettenhof")}),
    ("kiel", {("01002", "01002", "Kiel")}),
    ("Kaltenkirchen", {("01060044", "01060044", "Kaltenkirchen")}),
    ("xyz", set()),
])
def test_region_suchen_finds_official_and_seed_spellings_ignoring_case(kg, catalogue, q, expected):
    rows = ask(kg, catalogue, "region-suchen", q=q)
    assert {(r["region"].rsplit("/", 1)[-1], r["ags"], r["name"]) for r in rows} == expected


def test_questions_about_another_land_return_no_rows_for_schleswig_holstein(kg, catalogue):
    assert ask(kg, catalogue, "kooperation-nach-region", land="02") == []


# ---------------------------------------------------------------- parameters

@pytest.mark.parametrize("value", ['01" } ; DROP ALL #', "0", "1", "17", "01\n", "x" * 500, "01 ", "<http://x>"])
def test_a_land_value_that_is_not_a_state_key_is_refused(catalogue, value):
    with pytest.raises(questions.ParameterError) as error:
        catalogue["kooperation-nach-region"].bind({"land": value})
    assert "Landesschlüssel" in error.value.de and "state key" in error.value.en


@pytest.mark.parametrize("value", ['"} UNION { ?s ?p ?o } #', "Bad Segeberg'", "a;b", "x} #"])
def test_search_text_with_sparql_syntax_is_searched_for_literally(kg, catalogue, value):
    assert ask(kg, catalogue, "region-suchen", q=value) == []


@pytest.mark.parametrize("value", ["", "a\nb", "x" * 101])
def test_search_text_that_is_empty_overlong_or_has_control_characters_is_refused(catalogue, value):
    with pytest.raises(questions.ParameterError):
        catalogue["region-suchen"].bind({"q": value})


def test_a_required_parameter_that_is_missing_is_named_with_an_example(catalogue):
    with pytest.raises(questions.ParameterError) as error:
        catalogue["akteure"].bind({})
    assert error.value.name == "ags" and "01003" in error.value.de


def test_an_unknown_parameter_is_refused(catalogue):
    with pytest.raises(questions.ParameterError) as error:
        catalogue["leitfragen"].bind({"land": "01"})
    assert error.value.name == "land"


def test_an_iri_parameter_with_spaces_or_brackets_is_refused():
    for bad in ["http://x y", "http://x>", "ftp://x", "javascript:alert(1)"]:
        with pytest.raises(questions.ParameterError):
            questions.PARAM_TYPES["iri"].bind("p", bad)
    assert questions.PARAM_TYPES["iri"].bind("p", "https://w3id.org/koopgraph/id/region/01062").value.endswith("01062")


# ---------------------------------------------------------------- the loader fails loudly

GOOD_HEAD = """#+ title:
#+   de: T
#+   en: T
#+ description:
#+   de: D
#+   en: D
"""


@pytest.mark.parametrize(("text", "reason"), [
    ("SELECT ?x WHERE { ?x ?p ?o }", "#+"),
    ("#+ title: [unclosed\nSELECT ?x WHERE {}", "YAML"),
    (GOOD_HEAD + "#+ columns: [x]\n#+ summary: a: b\nSELECT ?x WHERE { ?x ?p ?o }", "YAML"),
    (GOOD_HEAD + "#+ columns: [x]\n#+ colour: red\nSELECT ?x WHERE { ?x ?p ?o }", "colour"),
    ("#+ title: {de: T}\n#+ description: {de: D, en: D}\n#+ columns: [x]\nSELECT ?x WHERE {}", "title"),
    (GOOD_HEAD + "#+ columns: [y]\nSELECT ?x WHERE { ?x ?p ?o }", "['y']"),
    (GOOD_HEAD + "#+ columns: [x]\nSELECT ?x WHERE { ?x ?p }", "SPARQL"),
    (GOOD_HEAD + "#+ columns: [x]\n#+ params:\n#+   land: {type: land, example: '99', description: {de: a, en: b}}\nSELECT ?x ?land WHERE { ?x ?p ?land }", "99"),
    (GOOD_HEAD + "#+ columns: [x]\n#+ params:\n#+   land: {type: colour, example: '01', description: {de: a, en: b}}\nSELECT ?x ?land WHERE {}", "colour"),
    (GOOD_HEAD + "#+ columns: [x]\n#+ params:\n#+   land: {type: land, example: '01', description: {de: a, en: b}}\nSELECT ?x WHERE { ?x ?p ?land }", "SPARQL"),
    (GOOD_HEAD + "#+ columns: [x]\nASK { ?x ?p ?o }", "SELECT"),
    (GOOD_HEAD + "# a comment\n#+ columns: [x]\nSELECT ?x WHERE { ?x ?p ?o }", "#+"),
])
def test_a_broken_query_file_stops_loading_and_names_file_and_reason(tmp_path: Path, text, reason):
    (tmp_path / "good.rq").write_text(GOOD_HEAD + "#+ columns: [x]\nSELECT ?x WHERE { ?x ?p ?o }\n")
    (tmp_path / "broken.rq").write_text(text)
    with pytest.raises(questions.QueryDefinitionError) as error:
        questions.load_queries(tmp_path)
    assert error.value.path.name == "broken.rq"
    assert "broken.rq" in str(error.value) and reason in str(error.value)
