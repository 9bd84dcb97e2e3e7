"""The map: all fifteen regions drawn from the BKG geometry, each category
told apart by pattern and mark as well as colour, legend and attribution."""

import re
import xml.etree.ElementTree as ET

from koopgraph.domain import choropleth

SVG = "{http://www.w3.org/2000/svg}"
ALL = ["01001", "01002", "01003", "01004", "01051", "01053", "01054", "01055", "01056", "01057", "01058",
       "01059", "01060", "01061", "01062"]


def test_the_geometry_holds_exactly_the_fifteen_kreise_and_kreisfreie_staedte():
    shapes, height = choropleth.regions()
    assert [r.ags for r in shapes] == ALL
    assert 500 < height < 1000
    assert all(0 <= r.label_at[0] <= choropleth.WIDTH and 0 <= r.label_at[1] <= height for r in shapes)


def test_each_region_is_filled_and_marked_by_its_answer_and_unknown_regions_fall_back_to_not_reported():
    svg = ET.fromstring(choropleth.render({"01051": "ja", "01057": "nein"}))
    groups = {g.get("data-ags"): g for g in svg.iter(SVG + "g") if g.get("data-ags")}
    assert sorted(groups) == ALL
    assert groups["01051"].get("data-wert") == "ja" and groups["01051"].find(SVG + "text").text == "J"
    assert groups["01057"].find(SVG + "text").text == "N"
    assert groups["01061"].get("data-wert") == "keine-angaben" and groups["01061"].find(SVG + "text").text == "?"
    fills = {groups[a].find(SVG + "path").get("fill") for a in ("01051", "01057", "01061")}
    assert len(fills) == 3


def test_every_category_has_its_own_pattern_not_only_a_colour():
    svg = choropleth.render({})
    patterns = re.findall(r'<pattern id="muster-(\d)"[^>]*>(.*?)</pattern>', svg)
    assert len(patterns) == 3
    assert len({body.replace(c.colour, "") for (_, body), c in zip(patterns, choropleth.FORMALE_KOOPERATION)}) == 3


def test_the_legend_names_each_category_in_german_or_english():
    de = choropleth.render({}, lang="de")
    en = choropleth.render({}, lang="en")
    for c in choropleth.FORMALE_KOOPERATION:
        assert f"{c.mark} = {c.label_de}" in de and f"{c.mark} = {c.label_en}" in en


def test_the_map_shows_the_bkg_attribution_linked_to_bkg():
    svg = choropleth.render({})
    assert '<a href="https://www.bkg.bund.de">' in svg and "© GeoBasis-DE / BKG 2020 (Daten verändert)" in svg


def test_region_titles_give_name_and_answer_for_screen_readers():
    svg = ET.fromstring(choropleth.render({"01062": "nein"}))
    titles = {g.get("data-ags"): g.find(SVG + "title").text for g in svg.iter(SVG + "g") if g.get("data-ags")}
    assert titles["01062"] == "Stormarn: keine formale Kooperation"
