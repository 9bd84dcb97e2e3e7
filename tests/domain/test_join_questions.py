"""The questions that join the minutes with the official statistics
(kooperation-und-bevoelkerung, kreise-ohne-formale-kooperation-betroffene)
give, for every region of Schleswig-Holstein, the formal-cooperation verdict
read from the minutes (test_queries.KOOPERATION) next to the latest figures
of data/opendata/regions-sh.csv – on the embedded store and on every remote
engine."""

import csv

import pytest

import remotekg
from koopgraph.domain import questions
from koopgraph import content
from test_questions import KOOPERATION, ask

with open(content.root() / "data" / "opendata" / "regions-sh.csv", encoding="utf-8", newline="") as _f:
    REGIONS = {row["kreis_ags"]: row for row in csv.DictReader(_f)}


@pytest.fixture(scope="module")
def catalogue() -> dict[str, questions.NamedQuery]:
    return questions.load_queries()


@pytest.fixture(scope="module", params=remotekg.BACKENDS)
def kg(request, kg):
    if request.param == "eingebettet":
        return kg
    return remotekg.fresh(remotekg.engine(request, request.param))


def test_the_statistics_file_covers_the_fifteen_regions_of_the_minutes():
    assert sorted(REGIONS) == sorted(KOOPERATION)


def test_kooperation_und_bevoelkerung_gives_the_verdict_with_the_latest_population_and_area(kg, catalogue):
    rows = ask(kg, catalogue, "kooperation-und-bevoelkerung")
    assert [r["ags"] for r in rows] == sorted(REGIONS)
    assert {r["ags"]: (r["name"], r["formaleKooperation"], r["einwohner"], r["einwohnerStichtag"],
                       r["flaeche"], r["flaecheStichtag"]) for r in rows} == {
        ags: (row["name"], KOOPERATION[ags][1], row["population_20191231"], "2019-12-31",
              row["area_km2_20181231"], "2018-12-31") for ags, row in REGIONS.items()}


def test_betroffene_counts_municipalities_and_inhabitants_where_formal_cooperation_is_lacking(kg, catalogue):
    rows = ask(kg, catalogue, "kreise-ohne-formale-kooperation-betroffene")
    lacking = sorted(ags for ags, (_, formal, _) in KOOPERATION.items() if formal != "ja")
    assert [r["ags"] for r in rows] == lacking
    assert {r["ags"]: (r["gemeinden"], r["einwohner"], r["einwohnerStichtag"]) for r in rows} == {
        ags: ("1" if REGIONS[ags]["type"] == "kreisfreie Stadt" else REGIONS[ags]["n_gemeinden_gv_2020q4"],
              REGIONS[ags]["population_20191231"], "2019-12-31") for ags in lacking}
