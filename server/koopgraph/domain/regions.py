"""Regions by the names people use: "Kreis Pinneberg" and "Stadt Pinneberg
(Kreis Pinneberg)" instead of two bare "Pinneberg", and the choices of a
question's Kreis or Land parameter by name instead of by key.

Only the graph's labels and keys are read; the words around them ("Kreis",
"kreisfreie Stadt") come from the class, so a new region needs no code.
"""

from dataclasses import dataclass

from koopgraph import engine
from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Engine
from koopgraph.namespaces import ONTOLOGY_NS

KOOP = ONTOLOGY_NS
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"


@dataclass(frozen=True)
class Choice:
    """One value a parameter can take, with the name people know it by."""

    value: str
    label: str


def kreis_name(name: str, kind: str, lang: str) -> str:
    """Kreis Pinneberg / Kiel (kreisfreie Stadt); District of Pinneberg / Kiel (district-free city)."""
    if kind == "KreisfreieStadt":
        return f"{name} (kreisfreie Stadt)" if lang == "de" else f"{name} (district-free city)"
    if kind == "Kreis":
        return f"Kreis {name}" if lang == "de" else f"District of {name}"
    return name


def place_name(name: str, is_town: bool, kreis: str | None, lang: str) -> str:
    """Stadt Pinneberg (Kreis Pinneberg), Tornesch (Kreis Pinneberg): the Kreis says which place is meant."""
    town = (f"Stadt {name}" if lang == "de" else f"Town of {name}") if is_town else name
    if not kreis:
        return town
    return f"{town} ({'Kreis' if lang == 'de' else 'District of'} {kreis})"


_KREISE = f"""SELECT ?key ?name ?kind WHERE {{
  VALUES ?kind {{ <{KOOP}Kreis> <{KOOP}KreisfreieStadt> }}
  ?r a ?kind ; <{KOOP}kreisschluessel> ?key ; <{RDFS_LABEL}> ?name FILTER (LANG(?name) = "de")
  FILTER (STRSTARTS(?key, ?land))
}} ORDER BY ?name"""
_LAENDER = f"""SELECT ?key ?name WHERE {{
  ?r <{KOOP}landesschluessel> ?key ; <{RDFS_LABEL}> ?name FILTER (LANG(?name) = "de")
}} ORDER BY ?key"""


def choices(kg: Engine, param_type: str, lang: str, land: str = "") -> list[Choice]:
    """The values of a `kreisschluessel` or `land` parameter by name (empty for other types)."""
    if param_type == "kreisschluessel":
        rows = engine.query(kg, _KREISE, substitutions={"land": ox.Literal(land)})
        return [Choice(r["key"].value, kreis_name(r["name"].value, r["kind"].value[len(KOOP):], lang)) for r in rows]
    if param_type == "land":
        return [Choice(r["key"].value, r["name"].value) for r in engine.query(kg, _LAENDER)]
    return []



def place_descriptions(kg: Engine, iris: list[str], lang: str) -> dict[str, str]:
    """For the Gemeinden and Stadtteile among iris: "Stadt Pinneberg (Kreis
    Pinneberg)", "Tornesch (Kreis Pinneberg)" – which place is meant, by its Kreis."""
    if not iris:
        return {}
    values = " ".join(f"<{iri}>" for iri in sorted(set(iris)))
    sparql = f"""SELECT ?p ?name ?kreisName (SAMPLE(?alt) AS ?town) WHERE {{
      VALUES ?p {{ {values} }} VALUES ?kind {{ <{KOOP}Gemeinde> <{KOOP}Stadtteil> }}
      ?p a ?kind ; <{RDFS_LABEL}> ?name FILTER (LANG(?name) = "de")
      OPTIONAL {{ ?p <{KOOP}liegtIn>+ ?kreis . VALUES ?kreisKind {{ <{KOOP}Kreis> }}
                 ?kreis a ?kreisKind ; <{RDFS_LABEL}> ?kreisName FILTER (LANG(?kreisName) = "de") }}
      OPTIONAL {{ ?p <{ALT_LABEL}> ?alt FILTER (CONTAINS(?alt, ", Stadt")) }}
    }} GROUP BY ?p ?name ?kreisName"""
    found = {}
    for row in engine.query(kg, sparql):
        kreis = row["kreisName"].value if row["kreisName"] is not None else None
        found[row["p"].value] = place_name(row["name"].value, row["town"] is not None, kreis, lang)
    return found
