"""Short summaries for the pages of municipalities, city districts and
organisations, in the spirit of the Kreisprofil: where the thing is (with
a link to its Kreis's profile), what kind it is, and what the minutes
record about it, grouped by kind of record and linked – before the full
list of statements.
"""

from dataclasses import dataclass, field

from koopgraph import engine
from koopgraph.domain import regions
from koopgraph.domain.dataset import Link
from koopgraph.domain.descriptions import local_href
from koopgraph.engine.interface import Engine
from koopgraph.namespaces import ONTOLOGY_NS

KOOP = ONTOLOGY_NS
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
PLACES = ("Gemeinde", "Stadtteil")
MAX_PER_KIND = 25


@dataclass
class Summary:
    """What a summary says: a headline sentence, facts, records by kind."""

    headline: str
    facts: list[tuple[str, Link]] = field(default_factory=list)
    records: list[tuple[str, list[Link]]] = field(default_factory=list)


def _records(kg: Engine, pattern: str, lang: str) -> list[tuple[str, list[Link]]]:
    """Records ?r found by pattern, by the label of their class, each by its name."""
    sparql = f"""SELECT DISTINCT ?r ?name ?kind WHERE {{ {pattern}
      ?r a ?class . ?class <{LABEL}> ?kind FILTER (LANG(?kind) = "{lang}" && STRSTARTS(STR(?class), "{KOOP}"))
      OPTIONAL {{ ?r <{LABEL}> ?name FILTER (LANG(?name) = "de") }} }} ORDER BY ?kind ?name"""
    grouped: dict[str, list[Link]] = {}
    for row in engine.query(kg, sparql):
        name = row["name"].value if row["name"] is not None else row["r"].value.rsplit("/", 1)[-1]
        links = grouped.setdefault(row["kind"].value, [])
        if len(links) < MAX_PER_KIND and all(link.href != local_href(row["r"].value) for link in links):
            links.append(Link(name, local_href(row["r"].value)))
    return list(grouped.items())


def place(kg: Engine, iri: str, lang: str) -> Summary | None:
    """A Gemeinde or Stadtteil: which Kreis it lies in, and the records about it."""
    sparql = f"""SELECT ?name ?kind ?kreis ?kreisName ?kreisKind ?alt WHERE {{
      VALUES ?kind {{ {' '.join(f'<{KOOP}{k}>' for k in PLACES)} }}
      <{iri}> a ?kind ; <{LABEL}> ?name FILTER (LANG(?name) = "de")
      OPTIONAL {{ <{iri}> <{KOOP}liegtIn>+ ?kreis . VALUES ?kreisKind {{ <{KOOP}Kreis> <{KOOP}KreisfreieStadt> }}
                 ?kreis a ?kreisKind ; <{LABEL}> ?kreisName FILTER (LANG(?kreisName) = "de") }}
      OPTIONAL {{ <{iri}> <{ALT}> ?alt FILTER (CONTAINS(?alt, ", Stadt")) }}
    }} LIMIT 1"""
    rows = list(engine.query(kg, sparql))
    if not rows:
        return None
    row = rows[0]
    kind = row["kind"].value[len(KOOP):]
    kreis = row["kreisName"].value if row["kreisName"] is not None else None
    headline = regions.place_name(row["name"].value, row["alt"] is not None, None, lang)
    summary = Summary(f"{headline} – {_kind_word(kind, lang)}")
    if kreis:
        kreis_kind = row["kreisKind"].value[len(KOOP):]
        summary.facts.append(("Liegt in" if lang == "de" else "Lies in",
                              Link(regions.kreis_name(kreis, kreis_kind, lang), local_href(row["kreis"].value))))
    summary.records = _records(kg, f"?r <{KOOP}region> <{iri}> .", lang)
    return summary


def organisation(kg: Engine, iri: str, lang: str) -> Summary | None:
    """An organisation: its kind and region, and the records it takes part in."""
    sparql = f"""SELECT ?name ?art ?region ?regionName WHERE {{
      <{iri}> a <{KOOP}Organisation> ; <{LABEL}> ?name FILTER (LANG(?name) = "de")
      OPTIONAL {{ <{iri}> <{KOOP}organisationsart>/<{PREF}> ?art FILTER (LANG(?art) = "{lang}") }}
      OPTIONAL {{ <{iri}> <{KOOP}region> ?region . ?region <{LABEL}> ?regionName FILTER (LANG(?regionName) = "de") }}
    }} LIMIT 1"""
    rows = list(engine.query(kg, sparql))
    if not rows:
        return None
    row = rows[0]
    summary = Summary(row["name"].value + (f" – {row['art'].value}" if row["art"] is not None else ""))
    if row["region"] is not None:
        summary.facts.append(("Region", Link(row["regionName"].value, local_href(row["region"].value))))
    summary.records = _records(kg, f"?r ?link <{iri}> . FILTER (?link != <{KOOP}region>)", lang)
    return summary


def _kind_word(kind: str, lang: str) -> str:
    words = {"Gemeinde": ("Gemeinde", "municipality"), "Stadtteil": ("Stadtteil", "city district")}
    de, en = words.get(kind, (kind, kind))
    return de if lang == "de" else en
