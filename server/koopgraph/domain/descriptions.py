"""What the web pages show about a resource or the ontology: its statements,
labelled and linked for people, and the same statements as triples for
Turtle and JSON-LD.

Only data is prepared here (no Flask); the views in pages.py pick the
language and the template. Statements come from every named graph except
the SHACL shapes, which are validation machinery, not facts about a thing.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field


from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Engine
from koopgraph import engine
from koopgraph.namespaces import BASE, ID, ONTOLOGY_GRAPH, ONTOLOGY_NS, SHAPES_GRAPH

ONTOLOGY_IRI = BASE + "ontology"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
QB = "http://purl.org/linked-data/cube#"
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_ATTRIBUTE = "http://purl.org/linked-data/sdmx/2009/attribute#"

PREFIXES = {
    "koop": ONTOLOGY_NS, "rdf": RDF, "rdfs": RDFS, "skos": SKOS, "prov": PROV, "dcterms": DCTERMS,
    "owl": OWL, "xsd": XSD, "schema": "https://schema.org/", "org": "http://www.w3.org/ns/org#",
    "dcat": "http://www.w3.org/ns/dcat#", "foaf": "http://xmlns.com/foaf/0.1/", "cpov": "http://data.europa.eu/m8g/",
    "vann": "http://purl.org/vocab/vann/", "qb": QB, "sdmx-dimension": SDMX_DIMENSION,
    "sdmx-attribute": SDMX_ATTRIBUTE, "unit": "http://qudt.org/vocab/unit/",
}

Term_ = ox.NamedNode | ox.BlankNode | ox.Literal

TYPE, LABEL, ALT_LABEL, PREF_LABEL = RDF + "type", RDFS + "label", SKOS + "altLabel", SKOS + "prefLabel"
DEFINITION, NOTE, DERIVED_FROM = SKOS + "definition", SKOS + "editorialNote", PROV + "wasDerivedFrom"
ZITAT, TITLE = ONTOLOGY_NS + "zitat", DCTERMS + "title"
PROVENANCE = (DERIVED_FROM, ZITAT, NOTE)
# The name of a thing: rdfs:label, else a concept's prefLabel, else a section's title.
LABEL_PROPERTIES = (LABEL, PREF_LABEL, TITLE)
# These come first in the table of statements; all others follow by label.
FIRST = (LABEL, PREF_LABEL, ALT_LABEL, TITLE, DEFINITION)

# Labels of the standard terms used in the data (the ontology graph labels only koop: terms).
STANDARD_LABELS = {
    TYPE: ("Typ", "type"), LABEL: ("Bezeichnung", "label"), ALT_LABEL: ("andere Schreibweise", "alternative label"),
    PREF_LABEL: ("Bezeichnung (Vokabular)", "preferred label"), DEFINITION: ("Definition", "definition"),
    NOTE: ("Hinweis zur Auslegung", "editorial note"), DERIVED_FROM: ("abgeleitet aus", "derived from"),
    TITLE: ("Titel", "title"), DCTERMS + "isPartOf": ("Teil von", "part of"),
    DCTERMS + "source": ("Quelle", "source"), DCTERMS + "description": ("Beschreibung", "description"),
    SKOS + "broader": ("Oberbegriff", "broader concept"), SKOS + "inScheme": ("Vokabular", "vocabulary"),
    SKOS + "notation": ("Kürzel", "notation"), RDFS + "subClassOf": ("Unterklasse von", "subclass of"),
    RDFS + "subPropertyOf": ("Untereigenschaft von", "subproperty of"), RDFS + "domain": ("Definitionsbereich", "domain"),
    RDFS + "range": ("Wertebereich", "range"), SKOS + "closeMatch": ("entspricht ungefähr", "close match"),
    SDMX_DIMENSION + "refArea": ("Gebiet", "reference area"), SDMX_DIMENSION + "refPeriod": ("Stichtag", "reference date"),
    SDMX_ATTRIBUTE + "unitMeasure": ("Einheit", "unit"), QB + "measureType": ("Messgröße", "measure"),
    QB + "dataSet": ("Datensatz", "dataset"), QB + "Observation": ("statistische Angabe", "statistical observation"),
    "http://qudt.org/vocab/unit/NUM": ("Anzahl", "count"),
    "http://qudt.org/vocab/unit/KiloM2": ("Quadratkilometer", "square kilometres"),
}


@dataclass(frozen=True)
class Shown:
    """One term as a page shows it: text, where it links to, the language
    of the text (for the lang attribute) and a hint (CURIE, datatype)."""

    text: str
    href: str | None = None
    lang: str | None = None
    hint: str | None = None


@dataclass
class Row:
    """One property of a resource with all its values."""

    predicate: Shown
    values: list[Shown]


@dataclass
class Provenance:
    """Where a record comes from: sections or sources, verbatim quotes and notes."""

    sources: list[Shown] = field(default_factory=list)
    quotes: list[Shown] = field(default_factory=list)
    notes: list[Shown] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sources or self.quotes or self.notes)


@dataclass
class Description:
    """Everything the resource page shows."""

    iri: str
    label: Shown
    types: list[Shown]
    rows: list[Row]
    incoming: list[tuple[Shown, Shown]]
    provenance: Provenance
    triples: list[ox.Triple]


# ------------------------------------------------------------------- links and names


def local_href(iri: str) -> str | None:
    """The server path for a Koopgraph IRI (id space and ontology), the IRI
    itself for other web addresses, None for anything else (urn:, mailto:)."""
    if iri.startswith(ID) and len(iri) > len(ID):
        return "/id/" + iri[len(ID):]
    if iri.startswith(ONTOLOGY_NS):
        return "/ontology#" + iri[len(ONTOLOGY_NS):]
    if iri == ONTOLOGY_IRI:
        return "/ontology"
    return iri if iri.startswith(("http://", "https://")) else None


def curie(iri: str) -> str:
    """koop:Kreis for a known namespace, region:01062 for the id space, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return prefix + ":" + iri[len(namespace):]
    if iri.startswith(ID) and "/" in iri[len(ID):]:
        kind, key = iri[len(ID):].split("/", 1)
        return f"{kind}:{key}"
    return iri


def turtle_prefixes(triples: Iterable[ox.Triple]) -> dict[str, str]:
    """The standard prefixes the triples use, plus one per kind of id
    (region:, kooperation: …)."""
    iris = set()
    for triple in triples:
        iris |= {term.value for term in triple if isinstance(term, ox.NamedNode)}
        if isinstance(triple.object, ox.Literal):
            iris.add(triple.object.datatype.value)
    prefixes = {p: ns for p, ns in PREFIXES.items() if any(iri.startswith(ns) for iri in iris)}
    for iri in sorted(iris):
        kind, _, key = iri[len(ID):].partition("/")
        if iri.startswith(ID) and re.fullmatch(r"[a-z][a-z0-9]*", kind) and key and kind not in PREFIXES:
            prefixes[kind] = ID + kind + "/"
    return prefixes


def _rank(literal: ox.Literal, lang: str) -> int:
    if literal.language == lang:
        return 0
    return {"de": 1, "en": 2}.get(literal.language or "", 3)


def labels(kg: Engine, iris: Iterable[str], lang: str) -> dict[str, ox.Literal]:
    """The best name of each IRI: label property in FIRST order, then the
    page's language, then German, then English."""
    iris = sorted(set(iris))
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(iri)) for iri in iris)
    props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    sparql = f"SELECT DISTINCT ?x ?p ?l WHERE {{ VALUES ?x {{ {values} }} VALUES ?p {{ {props} }} ?x ?p ?l FILTER(isLiteral(?l)) }}"
    best: dict[str, tuple[tuple[int, int, str], ox.Literal]] = {}
    for row in engine.query(kg, sparql):
        key = (LABEL_PROPERTIES.index(row["p"].value), _rank(row["l"], lang), row["l"].value)
        iri = row["x"].value
        if iri not in best or key < best[iri][0]:
            best[iri] = (key, row["l"])
    found = {iri: literal for iri, (_, literal) in best.items()}
    found |= observation_names(kg, [iri for iri in iris if iri not in found], lang)
    for iri in iris:  # standard terms the graph does not label (types, units)
        if iri not in found and iri in STANDARD_LABELS:
            de, en = STANDARD_LABELS[iri]
            found[iri] = ox.Literal(de if lang == "de" else en, language=lang)
    return found


def observation_names(kg: Engine, iris: list[str], lang: str) -> dict[str, ox.Literal]:
    """Statistical observations (qb:Observation) have no label of their own:
    named by their area, measure and date, as a reader says it ("Pinneberg:
    Einwohner, Stand 31.12.2018")."""
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(iri)) for iri in iris)
    sparql = (f"SELECT ?x ?area ?measure ?date WHERE {{ VALUES ?x {{ {values} }} ?x a <{QB}Observation> ; "
              f"<{QB}measureType> ?m ; <{SDMX_DIMENSION}refPeriod> ?date ; <{SDMX_DIMENSION}refArea> ?a . "
              f"?m <{LABEL}> ?measure FILTER(lang(?measure) = \"{lang}\") "
              f"?a <{LABEL}> ?area FILTER(lang(?area) IN (\"{lang}\", \"de\", \"\")) }}")
    names = {}
    for row in engine.query(kg, sparql):
        date = row["date"].value
        if lang == "de" and len(date) == 10 and date[4] == "-" and date[7] == "-":
            date = f"{date[8:10]}.{date[5:7]}.{date[0:4]}"
        stand = "Stand" if lang == "de" else "as of"
        names[row["x"].value] = ox.Literal(f"{row['area'].value}: {row['measure'].value}, {stand} {date}", language=lang)
    return names


def predicate_shown(iri: str, names: dict[str, ox.Literal], lang: str) -> Shown:
    """A property for the table: its label (ontology or STANDARD_LABELS), CURIE as hint."""
    if iri in names:
        return Shown(names[iri].value, local_href(iri), names[iri].language, curie(iri))
    if iri in STANDARD_LABELS:
        de, en = STANDARD_LABELS[iri]
        return Shown(de if lang == "de" else en, local_href(iri), lang, curie(iri))
    return Shown(curie(iri), local_href(iri))


def term_shown(term: Term_, names: dict[str, ox.Literal], with_curie: bool = False) -> Shown:
    """A value: things by their label with a link (and their CURIE when
    with_curie), literals with their language or datatype."""
    if isinstance(term, ox.NamedNode):
        name = names.get(term.value)
        if name is not None:
            return Shown(name.value, local_href(term.value), name.language, curie(term.value) if with_curie else None)
        return Shown(curie(term.value), local_href(term.value))
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        hint = None if term.language or datatype == XSD + "string" else curie(datatype)
        return Shown(term.value, None, term.language, hint)
    return Shown("_:" + term.value)


# ------------------------------------------------------------------- one resource


_OUT = f"SELECT DISTINCT ?r ?p ?o WHERE {{ GRAPH ?g {{ ?r ?p ?o }} FILTER(?g != <{SHAPES_GRAPH}>) }}"
_IN = f"SELECT DISTINCT ?s ?p ?r WHERE {{ GRAPH ?g {{ ?s ?p ?r }} FILTER(?g != <{SHAPES_GRAPH}>) }} LIMIT 2000"


def statements(kg: Engine, iri: str) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """(outgoing, incoming) triples of a resource over all data graphs."""
    node = ox.NamedNode(iri)
    out = [ox.Triple(node, r["p"], r["o"]) for r in engine.query(kg, _OUT, substitutions={"r": node})]
    inc = [ox.Triple(r["s"], r["p"], node) for r in engine.query(kg, _IN, substitutions={"r": node})]
    return sorted(out, key=str), sorted(inc, key=str)


def _sort_key(row: Row, predicate_iri: str) -> tuple[int, str]:
    position = FIRST.index(predicate_iri) if predicate_iri in FIRST else len(FIRST)
    return position, row.predicate.text.casefold()


def _language_first(values: list[tuple[Term_, Shown]], lang: str) -> list[Shown]:
    """Values in the page's language first, then the rest, each by text."""
    return [s for _, s in sorted(values, key=lambda v: (v[1].lang not in (None, lang), v[1].text.casefold()))]


def rows(outgoing: list[ox.Triple], names: dict[str, ox.Literal], lang: str, skip: Iterable[str] = ()) -> list[Row]:
    """The table of statements, one row per property, skipping some properties."""
    grouped: dict[str, list[tuple[Term_, Shown]]] = defaultdict(list)
    for triple in outgoing:
        if triple.predicate.value not in skip:
            grouped[triple.predicate.value].append((triple.object, term_shown(triple.object, names)))
    built = [(iri, Row(predicate_shown(iri, names, lang), _language_first(vals, lang))) for iri, vals in grouped.items()]
    return [row for iri, row in sorted(built, key=lambda item: _sort_key(item[1], item[0]))]


def describe(kg: Engine, iri: str, lang: str) -> Description | None:
    """The resource page's content, or None when no graph mentions the IRI
    (or it is no IRI at all: an address with a quote, a space, a control
    character … names nothing)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        return None
    outgoing, incoming = statements(kg, iri)
    if not outgoing and not incoming:
        return None
    mentioned = {iri} | {t.predicate.value for t in outgoing + incoming}
    mentioned |= {t.object.value for t in outgoing if isinstance(t.object, ox.NamedNode)}
    mentioned |= {t.subject.value for t in incoming if isinstance(t.subject, ox.NamedNode)}
    names = labels(kg, mentioned, lang)
    by_predicate = defaultdict(list)
    for triple in outgoing:
        by_predicate[triple.predicate.value].append(triple.object)
    own = names.get(iri)
    label = Shown(own.value, None, own.language) if own else Shown(curie(iri))
    provenance = Provenance(
        sources=[term_shown(o, names) for o in by_predicate[DERIVED_FROM]],
        quotes=[term_shown(o, names) for o in by_predicate[ZITAT]],
        notes=_language_first([(o, term_shown(o, names)) for o in by_predicate[NOTE]], lang),
    )
    incoming_shown = sorted(
        ((term_shown(t.subject, names), predicate_shown(t.predicate.value, names, lang)) for t in incoming),
        key=lambda pair: (pair[1].text.casefold(), pair[0].text.casefold()),
    )
    return Description(
        iri=iri, label=label, types=[term_shown(o, names, with_curie=True) for o in by_predicate[TYPE]],
        rows=rows(outgoing, names, lang, skip=(TYPE, *PROVENANCE)), incoming=incoming_shown,
        provenance=provenance, triples=outgoing + incoming,
    )


# ------------------------------------------------------------------- the ontology


@dataclass
class Term:
    """One class or property of the ontology, as its anchor section shows it."""

    anchor: str
    curie: str
    label: Shown
    definitions: list[Shown]
    rows: list[Row]


@dataclass
class Ontology:
    header: list[Row]
    classes: list[Term]
    properties: list[Term]
    vocabularies: list[Shown]
    triples: list[ox.Triple]


_ONTOLOGY = f"""SELECT DISTINCT ?s ?p ?o WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }}
  FILTER(?s = <{ONTOLOGY_IRI}> || STRSTARTS(STR(?s), "{ONTOLOGY_NS}"))
}}"""
_SCHEMES = f"SELECT DISTINCT ?s WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s a <{SKOS}ConceptScheme> }} }}"


def version_iri(kg: Engine) -> str | None:
    """The ontology's owl:versionIRI, as the ontology graph states it."""
    sparql = f"SELECT ?v WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ <{ONTOLOGY_IRI}> <{OWL}versionIRI> ?v }} }} LIMIT 1"
    rows = list(engine.query(kg, sparql))
    return rows[0]["v"].value if rows else None


def ontology_triples(kg: Engine) -> list[ox.Triple]:
    """The ontology document: the ontology resource and every koop: term
    (the SKOS vocabularies in the same graph have their own /id pages)."""
    return sorted((ox.Triple(r["s"], r["p"], r["o"]) for r in engine.query(kg, _ONTOLOGY)), key=str)


def _term(iri: str, triples: list[ox.Triple], names: dict[str, ox.Literal], lang: str) -> Term:
    definitions = [(t.object, term_shown(t.object, names)) for t in triples if t.predicate.value == DEFINITION]
    name = names.get(iri)
    label = Shown(name.value, None, name.language) if name else Shown(curie(iri))
    return Term(iri[len(ONTOLOGY_NS):], curie(iri), label, _language_first(definitions, lang)[:1],
                rows(triples, names, lang, skip=(LABEL, DEFINITION)))


def ontology(kg: Engine, lang: str) -> Ontology:
    """The ontology page: header statements, classes and properties by label, vocabularies."""
    triples = ontology_triples(kg)
    schemes = [r["s"].value for r in engine.query(kg, _SCHEMES)]
    mentioned = {t.subject.value for t in triples} | {t.predicate.value for t in triples} | set(schemes)
    mentioned |= {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}
    names = labels(kg, mentioned, lang)
    by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
    for triple in triples:
        by_subject[triple.subject.value].append(triple)
    terms = [_term(iri, ts, names, lang) for iri, ts in by_subject.items() if iri != ONTOLOGY_IRI]
    is_class = {t.subject.value[len(ONTOLOGY_NS):] for t in triples
                if t.predicate.value == TYPE and t.object.value in (OWL + "Class", RDFS + "Class")}
    terms.sort(key=lambda term: term.label.text.casefold())
    vocabularies = sorted((term_shown(ox.NamedNode(s), names) for s in schemes), key=lambda s: s.text.casefold())
    return Ontology(rows(by_subject[ONTOLOGY_IRI], names, lang), [t for t in terms if t.anchor in is_class],
                    [t for t in terms if t.anchor not in is_class], vocabularies, triples)
