"""What the catalogue says about the dataset, for people: title, licence,
attribution, date, sources, parts and downloads.

The catalogue graph (data/katalog.ttl) is the one place these facts are
written; the "Über die Daten" page and the source sheet of every download
read them here, so a new licence or source needs no code.
"""

from dataclasses import dataclass, field

from koopgraph import engine
from koopgraph.engine.interface import Engine
from koopgraph.namespaces import ID, KATALOG_GRAPH

DATASET = ID + "dataset/koopgraph"
DCT, DCAT = "http://purl.org/dc/terms/", "http://www.w3.org/ns/dcat#"
RDFS, FOAF = "http://www.w3.org/2000/01/rdf-schema#", "http://xmlns.com/foaf/0.1/"
CC, PROV = "http://creativecommons.org/ns#", "http://www.w3.org/ns/prov#"


@dataclass(frozen=True)
class Link:
    text: str
    href: str | None = None
    note: str = ""


@dataclass
class Facts:
    """The dataset as the catalogue describes it, in one language."""

    title: str = "Koopgraph"
    description: str = ""
    version: str = ""
    modified: str = ""
    licence: Link = Link("")
    attribution: str = ""
    sources: list[Link] = field(default_factory=list)
    parts: list[Link] = field(default_factory=list)
    downloads: list[Link] = field(default_factory=list)


def _pick(rows, lang: str) -> dict[str, str]:
    """Per key the literal in lang, else any."""
    found: dict[str, str] = {}
    for key, literal in rows:
        if key not in found or literal.language == lang:
            found[key] = literal.value
    return found


def facts(kg: Engine, lang: str) -> Facts:
    """The dataset's facts from the catalogue graph and the sources it names."""
    g = f"<{KATALOG_GRAPH}>"
    plain = engine.query(kg, f"""SELECT ?key ?v WHERE {{ GRAPH {g} {{
      VALUES (?p ?key) {{ (<{DCT}title> "title") (<{DCT}description> "description") (<{DCAT}version> "version")
                         (<{DCT}modified> "modified") (<{CC}attributionText> "attribution") }}
      <{DATASET}> ?p ?v }} }}""")
    texts = _pick(((r["key"].value, r["v"]) for r in plain), lang)
    result = Facts(**{k: texts.get(k, getattr(Facts, k, "")) for k in ("title", "description", "version", "modified",
                                                                     "attribution")})
    licence = list(engine.query(kg, f"""SELECT ?l ?label ?page WHERE {{ GRAPH {g} {{ <{DATASET}> <{DCT}license> ?l .
      OPTIONAL {{ ?l <{RDFS}label> ?label FILTER (LANG(?label) = "{lang}") }} OPTIONAL {{ ?l <{FOAF}page> ?page }} }} }}"""))
    if licence:
        row = licence[0]
        result.licence = Link(row["label"].value if row["label"] else row["l"].value,
                              (row["page"] or row["l"]).value)
    result.sources = _links(kg, f"""SELECT DISTINCT ?x ?t ?n WHERE {{
      {{ GRAPH {g} {{ <{DATASET}> <{PROV}wasDerivedFrom> ?x }} }} UNION {{ GRAPH {g} {{ <{DATASET}> <{DCT}source> ?x }} }}
      OPTIONAL {{ ?x <{DCT}title> ?t FILTER (LANG(?t) = "{lang}" || LANG(?t) = "de") }}
      OPTIONAL {{ ?x <{DCT}publisher>/(<{FOAF}name>|<{RDFS}label>) ?n FILTER (LANG(?n) = "{lang}" || LANG(?n) = "de") }}
    }}""")
    result.parts = _links(kg, f"""SELECT DISTINCT ?x ?t WHERE {{ GRAPH {g} {{ <{DATASET}> <{DCT}hasPart> ?x .
      OPTIONAL {{ ?x <{DCT}title> ?t FILTER (LANG(?t) = "{lang}") }} }} }}""")
    result.downloads = _links(kg, f"""SELECT DISTINCT ?x ?t ?u WHERE {{ GRAPH {g} {{ <{DATASET}> <{DCAT}distribution> ?x .
      OPTIONAL {{ ?x <{DCT}title> ?t FILTER (LANG(?t) = "{lang}") }} OPTIONAL {{ ?x <{DCAT}downloadURL> ?u }} }} }}""")
    return result


def _links(kg: Engine, sparql: str) -> list[Link]:
    """One link per ?x, named by ?t, pointing to ?u (else ?x), noted with ?n; by name."""
    links: dict[str, Link] = {}
    solutions = engine.query(kg, sparql)
    names = {v.value for v in solutions.variables}
    for row in solutions:
        x = row["x"].value
        title = row["t"].value if row["t"] is not None else x
        href = row["u"].value if "u" in names and row["u"] is not None else x
        note = row["n"].value if "n" in names and row["n"] is not None else ""
        if x not in links or (title != x and links[x].text == x):
            links[x] = Link(title, href, note)
    return sorted(links.values(), key=lambda link: link.text.casefold())
