"""The Kreisprofil: what every named question about regions answers for one
Kreis or kreisfreie Stadt.

Computed from the named questions themselves – each is run as it is and its
rows are filtered to the region (a question with an `ags` column), asked for
the region (a `kreisschluessel` parameter) or joined through the region's
working group (the demands to the panel) – so the profile can never say
anything the questions do not. What a person needs beside the answer: its
hinweis (a column of the question), the passages of the minutes the records
behind it come from, and, where the region said nothing, why.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from koopgraph import engine
from koopgraph.domain import questions, tables
from koopgraph.domain.dataset import Link
from koopgraph.domain.descriptions import local_href
from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Engine
from koopgraph.namespaces import ID, ONTOLOGY_NS

REGION = ID + "region/"
KOOP = ONTOLOGY_NS
GROUPS = "arbeitsgruppen"  # the question that says which working group a region was in, and whether it came
DEMANDS = "forderungen-an-das-podium"  # rows per working group (column arbeitsgruppe)
FIGURES = "kooperation-und-bevoelkerung"  # population and area with their dates
ORDER = ("kooperation-nach-region", "kreise-ohne-formale-kooperation", "kreise-ohne-formale-kooperation-betroffene",
         "anschlussqualifikation", "massnahmen", "zusatzleistungen", "akteure", "frauenhaeuser", GROUPS, DEMANDS, FIGURES)

# Where the records behind each answer come from: a pattern binding ?r (a record) for ?region.
_IN_REGION = f"?r <{KOOP}region> ?place . ?place <{KOOP}liegtIn>* ?region ."
SOURCES = {
    "kooperation-nach-region": f"?r a <{KOOP}Kooperation> . {_IN_REGION}",
    "kreise-ohne-formale-kooperation": f"?r a <{KOOP}Kooperation> . {_IN_REGION}",
    "anschlussqualifikation": f"?r a <{KOOP}Antwort> ; <{KOOP}leitfrage>/<{KOOP}nummer> 5 . {_IN_REGION}",
    "zusatzleistungen": f"?r a <{KOOP}Zusatzleistung> . {_IN_REGION}",
    "massnahmen": f"?r a <{KOOP}Massnahme> . {_IN_REGION}",
    GROUPS: f"?r a <{KOOP}Arbeitsgruppe> ; <{KOOP}region> ?region .",
    DEMANDS: f"?r <{KOOP}richtetSichAn> ?podium ; <{KOOP}arbeitsgruppe>/<{KOOP}region> ?region .",
}


@dataclass
class Section:
    """One question's answer for the region."""

    name: str
    title: Mapping[str, str]
    url: str
    table: tables.Table
    sources: list[Link] = field(default_factory=list)
    reason: str | None = None  # why there is nothing to say, where the questions tell

    def codes(self) -> dict[str, str]:
        """column → stable code of a one-row answer's code columns (for tests and data attributes)."""
        if len(self.table.rows) != 1:
            return {}
        return {c.name: cell.code for c, cell in zip(self.table.columns, self.table.rows[0]) if cell.code}


@dataclass
class Profile:
    iri: str
    ags: str
    name: str
    sections: list[Section]
    absence: str | None = None  # e.g. not represented in its working group
    population: tables.Cell | None = None
    population_date: tables.Cell | None = None
    area: tables.Cell | None = None
    area_date: tables.Cell | None = None


def region_key(kg: Engine, iri: str) -> str | None:
    """The Kreisschlüssel of a Kreis or kreisfreie Stadt, None for anything else."""
    sparql = f"""SELECT ?k WHERE {{ VALUES ?t {{ <{KOOP}Kreis> <{KOOP}KreisfreieStadt> }}
      <{iri}> a ?t ; <{KOOP}kreisschluessel> ?k }} LIMIT 1"""
    rows = list(engine.query(kg, sparql)) if iri.startswith(REGION) else []
    return rows[0]["k"].value if rows else None


def _params_for(query: questions.NamedQuery, ags: str) -> dict[str, str] | None:
    """The parameters that ask a question about this region; None when it cannot be asked so."""
    raw = {}
    for param in query.params:
        if param.type == "kreisschluessel":
            raw[param.name] = ags
        elif param.type == "land":
            raw[param.name] = ags[:2]
        elif param.required:
            return None
    return raw


def _about_regions(query: questions.NamedQuery) -> bool:
    return "ags" in query.columns or any(p.type == "kreisschluessel" for p in query.params)


def _own_columns(query: questions.NamedQuery) -> list[questions.Column]:
    """The question's shown columns without those that only name the region itself."""
    linked_region = {c.link for c in query.column_specs if c.link}
    return [c for c in tables.shown_columns(query)
            if not (c.name == "ags" or c.kind == "region" or (c.kind == "name" and c.link in linked_region
                                                               and _is_region_column(query, c.link)))]


def _is_region_column(query: questions.NamedQuery, name: str) -> bool:
    declared = [c for c in query.column_specs if c.name == name]
    return (declared[0].kind == "region") if declared else name == "region"


def _rows(kg: Engine, query: questions.NamedQuery, raw: dict[str, str], keep) -> list[dict]:
    return [row for row in tables.solution_rows(questions.run(kg, query, raw)) if keep(row)]


def _value(row: dict, name: str) -> str | None:
    term = row.get(name)
    return None if term is None else term.value


def build(kg: Engine, catalogue: Mapping[str, questions.NamedQuery], iri: str, lang: str) -> Profile | None:
    """The profile of the Kreis or kreisfreie Stadt iri, None for other resources."""
    ags = region_key(kg, iri)
    if ags is None:
        return None
    names = [n for n in ORDER if n in catalogue] + sorted(n for n in catalogue if n not in ORDER)
    answered: dict[str, list[dict]] = {}
    for name in names:
        query = catalogue[name]
        raw = _params_for(query, ags)
        if raw is None or not (_about_regions(query) or name == DEMANDS):
            continue
        if name == DEMANDS:
            groups = {_value(r, "nummer") for r in answered.get(GROUPS, [])}
            answered[name] = _rows(kg, query, raw, lambda row: _value(row, "arbeitsgruppe") in groups)
        elif "ags" in query.columns:
            answered[name] = _rows(kg, query, raw, lambda row: _value(row, "ags") == ags)
        else:
            answered[name] = _rows(kg, query, raw, lambda row: True)
    absence = _absence(answered.get(GROUPS, []), lang)
    region_name = _region_name(answered) or ags
    sections = []
    for name, rows in answered.items():
        query = catalogue[name]
        table = tables.build(kg, query, rows, lang)
        keep = [i for i, c in enumerate(table.columns) if c in _own_columns(query)]
        table = tables.Table([table.columns[i] for i in keep], [[row[i] for i in keep] for row in table.rows])
        section = Section(name, query.title, "/queries/" + name, table, _sources(kg, name, iri, lang))
        if absence and (not rows or any(cell.code == "keine-angaben" for row in table.rows for cell in row)):
            section.reason = absence
        sections.append(section)
    profile = Profile(iri, ags, region_name, sections, absence)
    _figures(kg, profile, catalogue, answered.get(FIGURES, []), lang)
    return profile


def _region_name(answered: dict[str, list[dict]]) -> str | None:
    for rows in answered.values():
        for row in rows:
            if isinstance(row.get("region"), ox.NamedNode) and row.get("name") is not None:
                return row["name"].value
    return None


def _absence(group_rows: list[dict], lang: str) -> str | None:
    """"Not represented in working group 3", from the working-group question's own answer."""
    absent = [_value(r, "nummer") for r in group_rows if _value(r, "vertreten") == "nein"]
    if not absent:
        return None
    groups = ", ".join(absent)
    if lang == "de":
        return f"Die Region war in Arbeitsgruppe {groups} nicht vertreten; das Protokoll enthält daher keine Aussage über sie."
    return f"The region was not represented in working group {groups}; the minutes therefore say nothing about it."


def _figures(kg: Engine, profile: Profile, catalogue, rows: list[dict], lang: str) -> None:
    """Population and area with their reference dates, as the figures question gives them."""
    if not rows or FIGURES not in catalogue:
        return
    table = tables.build(kg, catalogue[FIGURES], rows[:1], lang)
    cells = {c.name: cell for c, cell in zip(table.columns, table.rows[0])}
    profile.population, profile.population_date = cells.get("einwohner"), cells.get("einwohnerStichtag")
    profile.area, profile.area_date = cells.get("flaeche"), cells.get("flaecheStichtag")


_TITLE = "http://purl.org/dc/terms/title"
_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"


def _sources(kg: Engine, name: str, iri: str, lang: str) -> list[Link]:
    """The passages of the minutes the records behind an answer come from."""
    pattern = SOURCES.get(name)
    if pattern is None:
        return []
    sparql = f"""SELECT DISTINCT ?s ?title WHERE {{ {pattern.replace('?region', f'<{iri}>')}
      ?r <{_DERIVED}> ?s . OPTIONAL {{ ?s <{_TITLE}> ?title FILTER (LANG(?title) = "{lang}" || LANG(?title) = "de") }}
    }} ORDER BY ?s"""
    found: dict[str, Link] = {}
    for row in engine.query(kg, sparql):
        s = row["s"].value
        title = row["title"].value if row["title"] is not None else s.rsplit("/", 1)[-1]
        found.setdefault(s, Link(title, local_href(s)))
    return list(found.values())
