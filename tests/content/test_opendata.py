"""Official identifiers in the graph equal the open-data files they come
from: the copies in data/opendata (always there) and, where ../shared is
beside the repository, the originals."""

import csv
import filecmp

import pytest

from koopgraph import content
from realkg import SHARED, needs_shared_opendata, select, short

OPENDATA = content.root() / "data" / "opendata"


def _rows(name: str) -> list[dict[str, str]]:
    with open(OPENDATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("row", _rows("regions-sh.csv"), ids=lambda r: r["kreis_ags"])
def test_each_kreis_carries_the_official_keys_of_regions_sh_csv(kg, row):
    rows = select(kg, f"""SELECT ?label ?ks ?ars ?nuts ?type ?in WHERE {{
        <https://w3id.org/koopgraph/id/region/{row['kreis_ags']}> rdfs:label ?label ; koop:kreisschluessel ?ks ;
            koop:regionalschluessel ?ars ; koop:nuts3 ?nuts ; a ?type ; koop:liegtIn ?in }}""")
    expected_type = "KreisfreieStadt" if row["type"] == "kreisfreie Stadt" else "Kreis"
    assert rows == [{"label": row["name"], "ks": row["kreis_ags"], "ars": row["ars_12"], "nuts": row["nuts3"],
                     "type": "https://w3id.org/koopgraph/ontology#" + expected_type,
                     "in": "https://w3id.org/koopgraph/id/region/01"}]


def test_the_region_with_kreisschluessel_01062_is_stormarn_with_nuts_def0f(kg):
    rows = select(kg, 'SELECT ?r ?l ?n WHERE { ?r koop:kreisschluessel "01062" ; rdfs:label ?l ; koop:nuts3 ?n }')
    assert rows == [{"r": "https://w3id.org/koopgraph/id/region/01062", "l": "Stormarn", "n": "DEF0F"}]


def test_a_kreisfreie_stadt_is_one_resource_with_kreisschluessel_and_ags(kg):
    rows = select(kg, "SELECT ?ks ?ags WHERE { region:01002 koop:kreisschluessel ?ks ; koop:ags ?ags }")
    assert rows == [{"ks": "01002", "ags": "01002000"}]
    assert select(kg, 'SELECT ?r WHERE { ?r koop:ags "01002000" }') == [{"r": "https://w3id.org/koopgraph/id/region/01002"}]


MUNICIPALITIES = [r for r in _rows("places-of-interest-sh.csv") if r["place_type"] == "Gemeinde (Stadt)"]


@pytest.mark.parametrize("row", MUNICIPALITIES, ids=lambda r: r["place"])
def test_each_named_municipality_has_its_ags_and_lies_in_its_kreis(kg, row):
    rows = select(kg, f"""SELECT ?label ?ags ?ars ?kreis WHERE {{
        <https://w3id.org/koopgraph/id/region/{row['ags']}> a koop:Gemeinde ; rdfs:label ?label ; koop:ags ?ags ;
            koop:regionalschluessel ?ars ; koop:liegtIn ?kreis }}""")
    assert rows == [{"label": row["place"], "ags": row["ags"], "ars": row["ars"],
                     "kreis": f"https://w3id.org/koopgraph/id/region/{row['kreis_ags']}"}]


@pytest.mark.parametrize(("town", "ags", "kreis"), [
    ("Wedel", "01056050", "01056"), ("Uetersen", "01056049", "01056"), ("Pinneberg", "01056039", "01056"),
    ("Norderstedt", "01060063", "01060"), ("Kaltenkirchen", "01060044", "01060"), ("Bad Bramstedt", "01060004", "01060"),
    ("Bad Oldesloe", "01062004", "01062"), ("Kappeln", "01059045", "01059"), ("Rendsburg", "01058135", "01058"),
])
def test_towns_the_minutes_name_are_linked_to_ags_and_kreis(kg, town, ags, kreis):
    rows = select(kg, f'SELECT ?r ?k WHERE {{ ?r a koop:Gemeinde ; rdfs:label "{town}"@de ; koop:liegtIn ?k }}')
    assert [(short(r["r"]), short(r["k"])) for r in rows] == [(ags, kreis)]


@pytest.mark.parametrize("row", _rows("jobcenters-sh.csv"), ids=lambda r: r["kreis_ags"])
def test_each_jobcenter_has_its_number_form_and_region(kg, row):
    rows = select(kg, f"""SELECT ?nr ?form WHERE {{ ?jc koop:organisationsart oart:jobcenter ;
        koop:region <https://w3id.org/koopgraph/id/region/{row['kreis_ags']}> ; koop:traegernummer ?nr ; koop:traegerform ?form }}""")
    assert [(r["nr"], short(r["form"])) for r in rows] == [(row["traeger_nr_2024"], row["traeger_form"].lower())]


@needs_shared_opendata
@pytest.mark.parametrize("name", ["regions-sh.csv", "places-of-interest-sh.csv", "jobcenters-sh.csv"])
def test_the_copies_in_data_equal_the_shared_originals(name):
    assert filecmp.cmp(OPENDATA / name, SHARED / "opendata" / name, shallow=False)


def test_the_copied_files_record_source_and_licence_in_the_folder_readme():
    text = (OPENDATA / "README.md").read_text(encoding="utf-8")
    for name in ["regions-sh.csv", "places-of-interest-sh.csv", "jobcenters-sh.csv"]:
        assert name in text
    for licence in ["dl-de/by-2-0", "§ 5 UrhG", "Destatis"]:
        assert licence in text


@pytest.mark.parametrize("row", _rows("regions-sh.csv"), ids=lambda r: r["kreis_ags"])
def test_each_kreis_has_its_seat_population_and_area_with_reference_dates(kg, row):
    key = row["kreis_ags"]
    seat = key if row["type"] == "kreisfreie Stadt" else row["seat_ags"]
    assert select(kg, f"SELECT ?s WHERE {{ region:{key} koop:verwaltungssitz ?s }}") == [
        {"s": f"https://w3id.org/koopgraph/id/region/{seat}"}]
    rows = select(kg, f"""PREFIX qb: <http://purl.org/linked-data/cube#>
        PREFIX sdmxd: <http://purl.org/linked-data/sdmx/2009/dimension#>
        SELECT ?date ?measure ?value WHERE {{ ?o a qb:Observation ; sdmxd:refArea region:{key} ;
          sdmxd:refPeriod ?date ; qb:measureType ?m ; ?m ?value . BIND(STRAFTER(STR(?m), "#") AS ?measure) }}""")
    assert sorted((r["date"], r["measure"], r["value"]) for r in rows) == sorted([
        ("2018-12-31", "einwohner", row["population_20181231"]), ("2018-12-31", "flaeche", row["area_km2_20181231"]),
        ("2019-12-31", "einwohner", row["population_20191231"]),
        ("2020-12-31", "anzahlGemeinden", row["n_gemeinden_gv_2020q4"])])


@pytest.mark.parametrize("row", MUNICIPALITIES, ids=lambda r: r["place"])
def test_each_named_municipality_has_population_2019_and_area(kg, row):
    rows = select(kg, f"""PREFIX qb: <http://purl.org/linked-data/cube#>
        PREFIX sdmxd: <http://purl.org/linked-data/sdmx/2009/dimension#>
        SELECT ?date ?value WHERE {{ ?o sdmxd:refArea <https://w3id.org/koopgraph/id/region/{row['ags']}> ;
          qb:measureType koop:einwohner ; koop:einwohner ?value ; sdmxd:refPeriod ?date }}""")
    assert rows == [{"date": "2019-12-31", "value": row["population_20191231"]}]
