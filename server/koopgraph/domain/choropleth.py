"""The map of Schleswig-Holstein's Kreise as server-rendered SVG, and the
named questions it can show.

A choropleth needs no JavaScript library: the 15 polygons are projected once
and coloured per answer. Every category also has a hatch or dot pattern and
a text label, so the map can be read without telling colours apart.
"""

import json
import math
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

from koopgraph import content
from koopgraph.domain import questions
from koopgraph.engine.interface import Engine

ATTRIBUTION = "© GeoBasis-DE / BKG 2020 (Daten verändert)"
ATTRIBUTION_URL = "https://www.bkg.bund.de"
WIDTH = 640


@dataclass(frozen=True)
class Category:
    """One legend entry: the answer value, its label and how it is drawn."""

    value: str
    label_de: str
    label_en: str
    colour: str
    pattern: str  # "solid" | "hatch" | "dots" | "cross"
    mark: str  # a one- or two-letter mark drawn on each region


# The first question: formal cooperation (kooperation-nach-region.formaleKooperation).
FORMALE_KOOPERATION = (
    Category("ja", "formale Kooperation", "formal cooperation", "#1b7837", "solid", "J"),
    Category("nein", "keine formale Kooperation", "no formal cooperation", "#c51b7d", "hatch", "N"),
    Category("keine-angaben", "keine Angaben", "not reported", "#bdbdbd", "dots", "?"),
)


@dataclass(frozen=True)
class Region:
    ags: str
    name: str
    path: str  # SVG path data in map coordinates
    label_at: tuple[float, float]


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def _area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """Signed area and centroid of a ring (shoelace formula)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if area == 0:
        return 0.0, ring[0][0], ring[0][1]
    return area, cx / (6 * area), cy / (6 * area)


@cache
def regions(path: Path | None = None) -> tuple[tuple[Region, ...], float]:
    """The projected regions and the map height for WIDTH.

    An equirectangular projection scaled by cos(latitude) is exact enough
    for an area the size of one Land and keeps the code free of GIS
    dependencies.
    """
    path = path or content.root() / "data" / "geo" / "kreise-sh.geojson"
    features = json.loads(Path(path).read_text(encoding="utf-8"))["features"]
    points = [p for f in features for ring in _rings(f["geometry"]) for p in ring]
    lon0, lon1 = min(p[0] for p in points), max(p[0] for p in points)
    lat0, lat1 = min(p[1] for p in points), max(p[1] for p in points)
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    scale = (WIDTH - 20) / ((lon1 - lon0) * kx)
    height = (lat1 - lat0) * scale + 20

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return 10 + (lon - lon0) * kx * scale, 10 + (lat1 - lat) * scale

    out = []
    for feature in sorted(features, key=lambda f: f["properties"]["ags"]):
        rings = _rings(feature["geometry"])
        d = " ".join(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (xy(*p) for p in ring)) + " Z" for ring in rings
        )
        _, cx, cy = max((_area_centroid(r) for r in rings), key=lambda a: abs(a[0]))
        props = feature["properties"]
        out.append(Region(props["ags"], props["name"], d, xy(cx, cy)))
    return tuple(out), height


def _pattern_defs(categories: tuple[Category, ...]) -> str:
    defs = []
    for i, c in enumerate(categories):
        pid = f"muster-{i}"
        if c.pattern == "hatch":
            body = f'<rect width="8" height="8" fill="{c.colour}"/><path d="M0,8 L8,0" stroke="#fff" stroke-width="2"/>'
        elif c.pattern == "dots":
            body = f'<rect width="8" height="8" fill="{c.colour}"/><circle cx="4" cy="4" r="1.6" fill="#333"/>'
        elif c.pattern == "cross":
            body = f'<rect width="8" height="8" fill="{c.colour}"/><path d="M0,0 L8,8 M8,0 L0,8" stroke="#fff" stroke-width="1.2"/>'
        else:
            body = f'<rect width="8" height="8" fill="{c.colour}"/>'
        defs.append(f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">{body}</pattern>')
    return "<defs>" + "".join(defs) + "</defs>"


def render(answers: dict[str, str], categories: tuple[Category, ...] = FORMALE_KOOPERATION,
           title: str = "Formale Kooperation", lang: str = "de", link: str | None = "/id/region/") -> str:
    """An SVG map: each region filled and marked by its answer's category,
    with its name, a legend in the chosen language and the BKG attribution.

    With link, every region is a link to its page (link + key), reachable by
    keyboard and named for screen readers by its name and answer; the map is
    then a group of links, not an image (an image's links are unreachable;
    the attribution is a link too)."""
    shapes, height = regions()
    index = {c.value: i for i, c in enumerate(categories)}
    legend_y = height + 10
    role = 'role="group"'
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {legend_y + 30 * len(categories) + 40:.0f}" '
        f'{role} aria-labelledby="karte-titel" class="karte">',
        f'<title id="karte-titel">{escape(title)}</title>',
        _pattern_defs(categories),
    ]
    for region in shapes:
        value = answers.get(region.ags, "keine-angaben")
        i = index.get(value, index.get("keine-angaben", 0))
        category = categories[i]
        label = category.label_de if lang == "de" else category.label_en
        x, y = region.label_at
        group = (
            f'<g class="region" data-ags="{region.ags}" data-wert="{escape(value)}">'
            f'<title>{escape(region.name)}: {escape(label)}</title>'
            f'<path d="{region.path}" fill="url(#muster-{i})" stroke="#222" stroke-width="0.8"/>'
            f'<text x="{x:.1f}" y="{y:.1f}" class="marke" text-anchor="middle" '
            f'font-size="13" font-weight="bold" paint-order="stroke" stroke="#fff" stroke-width="3">'
            f'{escape(category.mark)}</text></g>'
        )
        if link:
            group = (f'<a href="{escape(link + region.ags)}" class="region-link" '
                     f'aria-label="{escape(region.name)}: {escape(label)}">{group}</a>')
        parts.append(group)
    parts.append(_names(shapes))
    for i, c in enumerate(categories):
        y = legend_y + 30 * i
        label = c.label_de if lang == "de" else c.label_en
        parts.append(
            f'<g class="legende" data-wert="{escape(c.value)}"><rect x="10" y="{y:.0f}" width="24" height="20" '
            f'fill="url(#muster-{i})" stroke="#222"/><text x="44" y="{y + 15:.0f}" font-size="14">'
            f'{escape(c.mark)} = {escape(label)}</text></g>'
        )
    parts.append(
        f'<a href="{ATTRIBUTION_URL}"><text x="10" y="{legend_y + 30 * len(categories) + 25:.0f}" font-size="12">'
        f'{escape(ATTRIBUTION)}</text></a></svg>'
    )
    return "".join(parts)


# The four kreisfreie Städte are too small to hold their name: it stands beside them.
NAME_BESIDE = {"01001": (0, -12, "middle"), "01002": (12, 4, "start"), "01003": (12, 4, "start"),
               "01004": (-12, 14, "end")}


def _names(shapes: tuple[Region, ...]) -> str:
    """The Kreis names, drawn after every region so no neighbour covers them;
    hidden from screen readers, which hear each region's link instead."""
    texts = []
    for region in shapes:
        dx, dy, anchor = NAME_BESIDE.get(region.ags, (0, 15, "middle"))
        x, y = region.label_at
        texts.append(f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" class="name" text-anchor="{anchor}" font-size="11.5" '
                     f'paint-order="stroke" stroke="#fff" stroke-width="3.5" fill="#111">{escape(region.name)}</text>')
    return '<g class="namen" aria-hidden="true">' + "".join(texts) + "</g>"


# ---------------------------------------------------------------- what the map shows

@dataclass(frozen=True)
class MapQuestion:
    """A question the map can show: which named query and column answer it, and how to draw it."""

    key: str
    query: str
    column: str
    categories: tuple[Category, ...]
    title_de: str
    title_en: str

    def title(self, lang: str) -> str:
        return self.title_de if lang == "de" else self.title_en


VEREINBARUNG = (
    Category("ja", "schriftliche Vereinbarung", "written agreement", "#1b7837", "solid", "J"),
    Category("geplant", "Vereinbarung geplant", "agreement planned", "#a6dba0", "cross", "G"),
    Category("nein", "keine Vereinbarung", "no agreement", "#c51b7d", "hatch", "N"),
    Category("keine-angaben", "keine Angaben", "not reported", "#bdbdbd", "dots", "?"),
)
ANSCHLUSSQUALIFIKATION = (
    Category("ja", "ja", "yes", "#1b7837", "solid", "J"),
    Category("teilweise", "teilweise", "partly", "#a6dba0", "cross", "T"),
    Category("nein", "nein", "no", "#c51b7d", "hatch", "N"),
    Category("keine-angaben", "keine Angaben", "not reported", "#bdbdbd", "dots", "?"),
)
MAP_QUESTIONS = {
    q.key: q
    for q in (
        MapQuestion("formaleKooperation", "kooperation-nach-region", "formaleKooperation", FORMALE_KOOPERATION,
                    "Formale Kooperation mit dem Jobcenter (ARGE)", "Formal cooperation with the job centre (ARGE)"),
        MapQuestion("vereinbarung", "kooperation-nach-region", "vereinbarung", VEREINBARUNG,
                    "Schriftliche Kooperationsvereinbarung", "Written cooperation agreement"),
        MapQuestion("anschlussqualifikation", "anschlussqualifikation", "antwort", ANSCHLUSSQUALIFIKATION,
                    "Sofortige Anschlussqualifikation nach dem Integrationskurs (Leitfrage 5)",
                    "Immediate follow-up qualification after the integration course (question 5)"),
    )
}


def answers(store: Engine, named: questions.NamedQuery, question: MapQuestion) -> list[tuple[str, str, str]]:
    """(ags, name, answer) per region, in key order, from the named question."""
    found = {}
    for row in questions.run(store, named, {}):
        found[row["ags"].value] = (row["name"].value, row[question.column].value)
    return [(ags, name, value) for ags, (name, value) in sorted(found.items())]


def locator(ags: str, lang: str = "de") -> str:
    """A small map that shows where one Kreis lies: it filled, the others
    outlined, its name on it; an image with a title, no links in it."""
    shapes, height = regions()
    here = next((r for r in shapes if r.ags == ags), None)
    title = (f"Lage von {here.name} in Schleswig-Holstein" if lang == "de" else f"Where {here.name} lies in Schleswig-Holstein") \
        if here else "Schleswig-Holstein"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
             f'aria-labelledby="lage-titel" class="lagekarte"><title id="lage-titel">{escape(title)}</title>']
    for region in shapes:
        chosen = region.ags == ags
        parts.append(f'<path d="{region.path}" fill="{"#0b5394" if chosen else "#eef1f5"}" stroke="#555" '
                     f'stroke-width="{1.6 if chosen else 0.6}"/>')
    if here:
        parts.append(f'<text x="{here.label_at[0]:.1f}" y="{here.label_at[1]:.1f}" text-anchor="middle" font-size="26" '
                     f'font-weight="bold" fill="#111" paint-order="stroke" stroke="#fff" stroke-width="5">'
                     f'{escape(here.name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
