"""The map people can use (issue 16): every Kreis a keyboard-reachable link
to its profile with a name for screen readers (so the map is a group of
links, never an image with links inside), the Kreis names on the map, an
SVG download, and the question chooser kept."""

import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
KREISE = {"01001": "Flensburg", "01002": "Kiel", "01003": "Lübeck", "01004": "Neumünster", "01051": "Dithmarschen",
          "01053": "Herzogtum Lauenburg", "01054": "Nordfriesland", "01055": "Ostholstein", "01056": "Pinneberg",
          "01057": "Plön", "01058": "Rendsburg-Eckernförde", "01059": "Schleswig-Flensburg", "01060": "Segeberg",
          "01061": "Steinburg", "01062": "Stormarn"}


def svg_of(client, url: str) -> ET.Element:
    page = client.get(url, headers={"Accept": "text/html"}).get_data(as_text=True)
    return ET.fromstring(re.search(r"<svg .*?</svg>", page, re.S).group(0))


def test_every_region_is_a_link_to_its_profile_named_by_region_and_answer(client):
    svg = svg_of(client, "/map")
    links = {a.get("href"): a.get("aria-label") for a in svg.iter(SVG + "a") if a.get("class") == "region-link"}
    assert sorted(links) == [f"/id/region/{ags}" for ags in sorted(KREISE)]
    assert links["/id/region/01061"] == "Steinburg: keine Angaben"  # not represented in AG 3
    assert links["/id/region/01002"] == "Kiel: formale Kooperation"


def test_the_map_is_a_group_of_links_not_an_image(client):
    svg = svg_of(client, "/map")
    assert svg.get("role") == "group" and svg.get("aria-labelledby") == "karte-titel"
    assert not [e for e in svg.iter() if e.get("role") == "img"]


def test_the_kreis_names_are_written_on_the_map(client):
    svg = svg_of(client, "/map")
    names = {t.text for t in svg.iter(SVG + "text") if t.get("class") == "name"}
    assert names == set(KREISE.values())


def test_the_map_downloads_as_an_svg_file_with_links_to_this_server(client):
    response = client.get("/map.svg?frage=vereinbarung")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert 'filename="karte-vereinbarung.svg"' in response.headers["Content-Disposition"]
    svg = ET.fromstring(response.get_data(as_text=True))
    assert len([g for g in svg.iter(SVG + "g") if g.get("class") == "region"]) == 15
    assert "http://localhost/id/region/01056" in {a.get("href") for a in svg.iter(SVG + "a")}
    page = client.get("/map?frage=vereinbarung", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/map.svg?frage=vereinbarung" download' in page and '<select id="frage" name="frage">' in page


def test_the_stylesheet_has_a_phone_layout_and_a_print_view(client):
    css = client.get("/static/koopgraph.css").get_data(as_text=True)
    assert "@media (max-width: 40rem)" in css and "@media print" in css
    assert ".karte-figur svg { width: 100%; max-width: 56rem;" in css  # ~900 px at the full content width
