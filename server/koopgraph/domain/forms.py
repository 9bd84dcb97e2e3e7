"""Forms for people, generated from the SHACL shapes.

The shapes are the single source of truth for what a record needs; this
module reads them and builds, for every kind of record people enter, a form
description: one field per property shape, labelled from the ontology.
The same module turns submitted form data into RDF (for preview, checking,
download and writing alike) and places the SHACL messages next to the fields
they are about. No Flask here: forms_views.py renders and answers.

Which kinds get a form: every class a node shape targets (sh:targetClass)
that is in the koop: namespace and whose shape has property shapes, except
the classes that are not for new records – regions (koop:Region and its
subclasses: official data), the event and its records (schema:Event and its
subclasses, and EVENT_RECORDS: taken from the minutes of 2009) and
provenance (prov:Entity and its subclasses: sources and sections).

How a field is built from a property shape:
- label: sh:name, else the path's rdfs:label in the ontology, else a
  standard label; help: sh:description, else the path's skos:definition;
  the rule shown under it: the shape's sh:message; page language first,
  then German.
- required: sh:minCount >= 1; repeatable: no sh:maxCount or one above 1.
- drop-down (or checkboxes when repeatable): sh:in, or sh:class skos:Concept
  with sh:node requiring skos:inScheme a scheme (all its concepts, narrower
  ones under their broader concept).
- picker (text with suggestions from the graph): sh:class of anything else,
  also inside sh:or (an initiator is an organisation or a cooperation).
- by datatype: numbers for xsd:integer/decimal/gYear, a checkbox for
  xsd:boolean, text with a language for rdf:langString; a web address for
  sh:nodeKind sh:IRI; text (with a language, or an address when it is one)
  when the shape says nothing.
- fields of all shapes that target the class (or a superclass) are merged by
  path; a node-level sh:or of required paths (the source) becomes a group
  with the form's source field, dcterms:source, marked required.
- order: sh:order when given, required fields first, then shape-file order.

One gap of the SHACL engine is closed here: rdflib does not check the
lexical form of xsd:gYear, so pySHACL's sh:datatype lets "20x6"^^xsd:gYear
pass. The form checks it and reports the shape's own sh:message.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD

from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Engine
from koopgraph.domain import descriptions as described, regions
from koopgraph import engine
from koopgraph.namespaces import ID, ONTOLOGY_NS
from koopgraph.domain.validation import Change, Report, check_change

KOOP = ONTOLOGY_NS
NOT_FOR_NEW_RECORDS = (KOOP + "Region", "https://schema.org/Event", "http://www.w3.org/ns/prov#Entity")
EVENT_RECORDS = (KOOP + "Leitfrage", KOOP + "Antwort", KOOP + "Beitrag")
SOURCE = "http://purl.org/dc/terms/source"
SLUG = "kuerzel"  # the form field that makes the record's IRI
LANG_SUFFIX = "@sprache"  # <key>@sprache: the language of a text row
PICKER_LIMIT = 500  # suggestions rendered into the page; beyond that, search
SEARCH_LIMIT = 20

_RDF_TYPE = ox.NamedNode(str(RDF.type))
_INTEGERS = {str(XSD) + n for n in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger",
                               "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong")}
_DECIMALS = {str(XSD.decimal), str(XSD.double), str(XSD.float)}
# Lexical forms rdflib does not check, so pySHACL's sh:datatype accepts anything for them.
_UNCHECKED = {str(XSD.gYear): re.compile(r"-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?")}
# Labels for standard terms the ontology graph does not label (beyond pages_resource's).
FORM_LABELS = {
    "http://www.w3.org/ns/org#subOrganizationOf": ("übergeordnete Organisation", "parent organisation"),
    "https://schema.org/name": ("Name", "name"),
    "http://purl.org/dc/terms/spatial": ("Land bzw. Gebiet", "country or area"),
}
FORM_HELP = {
    SOURCE: ("Woher die Angabe stammt: Dokument, Datum, Aktenzeichen oder Webadresse.",
             "Where the statement comes from: document, date, file number or web address."),
    str(RDFS.label): ("Der Name, unter dem der Eintrag erscheint – eine Bezeichnung je Sprache.",
                      "The name the record appears under – one per language."),
    "http://www.w3.org/ns/prov#wasDerivedFrom": (
        "Adresse (IRI) des Protokollabschnitts, aus dem die Angabe stammt; dann ist ein wörtliches Zitat nötig.",
        "Address (IRI) of the section of the minutes the statement comes from; then a verbatim quote is needed."),
}


def _pick(texts: Mapping[str, str], lang: str) -> str:
    """A text in lang, else German, else untagged, else any."""
    return texts.get(lang) or texts.get("de") or texts.get("") or next(iter(texts.values()), "")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


# ---------------------------------------------------------------- reading the shapes


@dataclass
class Spec:
    """What the shapes say about one path of one kind, language-neutral."""

    path: str
    group: str  # the node shape where the path appears first
    min_count: int = 0
    max_count: int | None = None
    datatype: str | None = None
    node_kind: str | None = None
    classes: list[str] = field(default_factory=list)
    in_list: list[str] = field(default_factory=list)
    schemes: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    minimum: str | None = None
    maximum: str | None = None
    names: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    either_messages: dict[str, str] = field(default_factory=dict)  # of the node-level sh:or, if no own message
    order: float | None = None
    source_of: bool = False  # the path is an alternative of a node-level sh:or of required paths


@dataclass
class Plan:
    """A kind of record as the shapes describe it, language-neutral."""

    key: str
    cls: str
    shape: str
    base: str  # the record's IRI is base + slug
    slug_pattern: str | None
    shape_labels: dict[str, dict[str, str]]  # node shape -> lang -> label
    shape_messages: dict[str, str]  # the main shape's node-level message (the IRI rule)
    groups: list[str]  # node shapes in order
    specs: list[Spec]
    or_shapes: dict[str, list[str]]  # node shape with an sh:or of paths -> those paths


def _items(g: Graph, node) -> list:
    return list(Collection(g, node)) if node is not None else []


def _texts(g: Graph, subject, predicate) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in g.objects(subject, predicate):
        if isinstance(value, Literal):
            out.setdefault(value.language or "", str(value))
    return out


def _absorb(spec: Spec, g: Graph, ps, counts: bool = True) -> None:
    """Merge one property shape into spec (the stricter bound wins)."""
    if counts:
        low, high = g.value(ps, SH.minCount), g.value(ps, SH.maxCount)
        if low is not None:
            spec.min_count = max(spec.min_count, int(low))
        if high is not None:
            spec.max_count = int(high) if spec.max_count is None else min(spec.max_count, int(high))
    spec.datatype = spec.datatype or (str(g.value(ps, SH.datatype)) if g.value(ps, SH.datatype) else None)
    spec.node_kind = spec.node_kind or (str(g.value(ps, SH.nodeKind)) if g.value(ps, SH.nodeKind) else None)
    for cls in g.objects(ps, SH["class"]):
        if str(cls) not in spec.classes:
            spec.classes.append(str(cls))
    for alternative in _items(g, g.value(ps, SH["or"])):
        for cls in g.objects(alternative, SH["class"]):
            if str(cls) not in spec.classes:
                spec.classes.append(str(cls))
        if g.value(alternative, SH.datatype) is not None and spec.datatype is None:
            spec.datatype = str(g.value(alternative, SH.datatype))
    for node in g.objects(ps, SH.node):
        for inner in g.objects(node, SH.property):
            scheme = g.value(inner, SH.hasValue)
            if g.value(inner, SH.path) == SKOS.inScheme and scheme is not None and str(scheme) not in spec.schemes:
                spec.schemes.append(str(scheme))
    spec.in_list = spec.in_list or [str(v) for v in _items(g, g.value(ps, SH["in"]))]
    spec.languages = spec.languages or [str(v) for v in _items(g, g.value(ps, SH.languageIn))]
    for bound, attr in ((SH.minInclusive, "minimum"), (SH.maxInclusive, "maximum")):
        if g.value(ps, bound) is not None and getattr(spec, attr) is None:
            setattr(spec, attr, str(g.value(ps, bound)))
    for source, target in ((SH.name, spec.names), (SH.description, spec.descriptions), (SH.message, spec.messages)):
        for lang, text in _texts(g, ps, source).items():
            target.setdefault(lang, text)
    if g.value(ps, SH.order) is not None and spec.order is None:
        spec.order = float(g.value(ps, SH.order))


def class_hierarchy(store: Engine) -> dict[str, set[str]]:
    """Every class with all its superclasses (itself included)."""
    rows = engine.query(store, "SELECT DISTINCT ?c ?s WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?s "
                                "FILTER(isIRI(?c) && isIRI(?s)) }")
    up: dict[str, set[str]] = {}
    for row in rows:
        up.setdefault(row["c"].value, {row["c"].value}).add(row["s"].value)
    return up


def _supers(hierarchy: dict[str, set[str]], cls: str) -> set[str]:
    return hierarchy.get(cls, {cls})


def kind_classes(shapes: Graph, store: Engine) -> dict[str, str]:
    """key -> class of every kind people enter records of (the rule above)."""
    hierarchy = class_hierarchy(store)
    found: dict[str, str] = {}
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        if next(shapes.objects(shape, SH.property), None) is None:
            continue
        for cls in map(str, shapes.objects(shape, SH.targetClass)):
            if cls.startswith(KOOP) and not _supers(hierarchy, cls) & {*NOT_FOR_NEW_RECORDS, *EVENT_RECORDS}:
                found[_local(cls).lower()] = cls
    return dict(sorted(found.items()))


def _slug_rule(pattern: str | None, key: str) -> tuple[str, str | None]:
    """Base IRI and slug pattern from a focus-node sh:pattern such as
    ^https://w3id\\.org/koopgraph/id/kooperation/[a-z0-9][a-z0-9-]*$."""
    if pattern:
        match = re.fullmatch(r"\^((?:[^\\\[\](){}*+?|^$.]|\\.)*)(.*)\$", pattern)
        if match:
            base = re.sub(r"\\(.)", r"\1", match.group(1))
            if base.startswith(ID) and base.endswith("/"):
                return base, match.group(2) or None
    return ID + key + "/", None


def plan(shapes: Graph, store: Engine, key: str) -> Plan | None:
    """The form plan of one kind, or None if key is no kind."""
    cls = kind_classes(shapes, store).get(key)
    if cls is None:
        return None
    hierarchy = class_hierarchy(store)
    targets = _supers(hierarchy, cls)
    relevant = [s for s in set(shapes.subjects(RDF.type, SH.NodeShape))
                if {str(c) for c in shapes.objects(s, SH.targetClass)} & targets]
    # The kind's own shape first (it targets only this class and carries the IRI rule), the
    # shared ones and those for one more rule about the class after.
    relevant.sort(key=lambda s: ({str(c) for c in shapes.objects(s, SH.targetClass)} != {cls},
                                 shapes.value(s, SH.pattern) is None, str(s)))
    main = relevant[0]
    base, slug = _slug_rule(str(shapes.value(main, SH.pattern) or "") or None, key)
    specs: dict[str, Spec] = {}
    or_shapes: dict[str, list[str]] = {}
    for shape in relevant:
        for ps in shapes.objects(shape, SH.property):
            path = shapes.value(ps, SH.path)
            if isinstance(path, URIRef):
                _absorb(specs.setdefault(str(path), Spec(str(path), str(shape))), shapes, ps)
        for either in shapes.objects(shape, SH["or"]):
            alternatives = _items(shapes, either)
            paths = [shapes.value(a, SH.path) for a in alternatives]
            if alternatives and all(isinstance(p, URIRef) for p in paths) and \
                    all(int(shapes.value(a, SH.minCount) or 0) >= 1 for a in alternatives):
                or_shapes[str(shape)] = [str(p) for p in paths]
                for alternative, path in zip(alternatives, paths):
                    spec = specs.setdefault(str(path), Spec(str(path), str(shape)))
                    spec.source_of = True
                    _absorb(spec, shapes, alternative, counts=False)
                    for lang, text in _texts(shapes, shape, SH.message).items():
                        spec.either_messages.setdefault(lang, text)
    groups = list(dict.fromkeys(spec.group for spec in specs.values()))
    return Plan(key=key, cls=cls, shape=str(main), base=base, slug_pattern=slug,
                shape_labels={str(s): _texts(shapes, s, RDFS.label) for s in relevant},
                shape_messages=_texts(shapes, main, SH.message), groups=groups, specs=list(specs.values()),
                or_shapes=or_shapes)


# ---------------------------------------------------------------- the form in one language


@dataclass(frozen=True)
class Option:
    value: str
    text: str
    depth: int = 0
    lang: str | None = None


@dataclass
class Field:
    key: str  # the form field's name: the path's CURIE, e.g. koop:region
    path: str
    widget: str  # select, checkboxes, picker, checkbox, number, year, langtext, text, url, freetext
    label: str
    help: str
    rule: str
    required: bool
    repeatable: bool
    datatype: str | None = None
    languages: tuple[str, ...] = ("de", "en")
    options: list[Option] = field(default_factory=list)
    classes: tuple[str, ...] = ()
    minimum: str | None = None
    maximum: str | None = None
    step: str | None = None

    @property
    def dom_id(self) -> str:
        return re.sub(r"[^A-Za-z0-9_-]", "-", self.key)

    @property
    def list_id(self) -> str:
        return "liste-" + "-".join(re.sub(r"[^A-Za-z0-9_-]", "-", described.curie(c)) for c in self.classes)


@dataclass
class Group:
    shape: str
    legend: str
    fields: list[Field]


@dataclass
class Kind:
    key: str
    cls: str
    shape: str
    label: str
    definition: str
    base: str
    slug_pattern: str | None
    slug_rule: str
    groups: list[Group]
    or_fields: dict[str, str]  # node shape with an sh:or -> the field its messages go to

    @property
    def fields(self) -> list[Field]:
        return [f for g in self.groups for f in g.fields]

    def by_path(self) -> dict[str, Field]:
        return {f.path: f for f in self.fields}

    def by_key(self) -> dict[str, Field]:
        return {f.key: f for f in self.fields}


def _definitions(store: Engine, iris: Iterable[str]) -> dict[str, dict[str, str]]:
    iris = sorted(set(iris))
    if not iris:
        return {}
    values = " ".join(str(ox.NamedNode(i)) for i in iris)
    out: dict[str, dict[str, str]] = {}
    for row in engine.query(store, f"SELECT ?x ?d WHERE {{ VALUES ?x {{ {values} }} "
                                    f"?x <{SKOS.definition}> ?d FILTER(isLiteral(?d)) }}"):
        out.setdefault(row["x"].value, {}).setdefault(row["d"].language or "", row["d"].value)
    return out


def _widget(spec: Spec) -> str:
    choice = spec.in_list or (spec.schemes and str(SKOS.Concept) in spec.classes)
    if choice:
        return "select" if spec.max_count == 1 else "checkboxes"
    if spec.classes:
        return "picker"
    if spec.datatype == str(XSD.boolean):
        return "checkbox"
    if spec.datatype in _INTEGERS or spec.datatype in _DECIMALS:
        return "number"
    if spec.datatype == str(XSD.gYear):
        return "year"
    if spec.datatype == str(RDF.langString):
        return "langtext"
    if spec.datatype:
        return "text"
    if spec.node_kind == str(SH.IRI):
        return "url"
    return "freetext"


def _scheme_options(store: Engine, schemes: list[str], lang: str) -> list[Option]:
    """The concepts of the schemes, narrower ones right under their broader one."""
    values = " ".join(str(ox.NamedNode(s)) for s in schemes)
    rows = engine.query(store, f"""SELECT DISTINCT ?c ?b WHERE {{ VALUES ?scheme {{ {values} }}
        ?c <{SKOS.inScheme}> ?scheme . OPTIONAL {{ ?c <{SKOS.broader}> ?b . ?b <{SKOS.inScheme}> ?scheme }} }}""")
    broader: dict[str, str | None] = {}
    for row in rows:
        concept = row["c"].value
        if broader.get(concept) is None:
            broader[concept] = row["b"].value if row["b"] is not None else None
    names = described.labels(store, broader, lang)
    text = {c: names[c].value if c in names else described.curie(c) for c in broader}
    children: dict[str | None, list[str]] = {}
    for concept, parent in broader.items():
        children.setdefault(parent if parent in broader and parent != concept else None, []).append(concept)
    out: list[Option] = []

    def walk(parent: str | None, depth: int) -> None:
        for concept in sorted(children.get(parent, []), key=lambda c: text[c].casefold()):
            if all(o.value != concept for o in out):
                out.append(Option(concept, text[concept], depth, names[concept].language if concept in names else None))
                walk(concept, depth + 1)

    walk(None, 0)
    return out


def _options(store: Engine, spec: Spec, lang: str) -> list[Option]:
    if spec.in_list:
        names = described.labels(store, spec.in_list, lang)
        return [Option(v, names[v].value if v in names else described.curie(v), 0,
                       names[v].language if v in names else None) for v in spec.in_list]
    if spec.schemes:
        return _scheme_options(store, spec.schemes, lang)
    return []


def _step(spec: Spec) -> str | None:
    if spec.datatype in _INTEGERS or spec.datatype == str(XSD.gYear):
        return "1"
    if spec.datatype in _DECIMALS:
        return "any"
    return None


def _ordered(specs: list[Spec], position: dict[str, int]) -> list[Spec]:
    return sorted(specs, key=lambda s: (s.order is None, s.order or 0, not _required(s), position[s.path]))


def _required(spec: Spec) -> bool:
    return spec.min_count >= 1 or (spec.source_of and spec.path == SOURCE)


def build(the_plan: Plan, store: Engine, lang: str) -> Kind:
    """The plan with labels, help texts and options in lang."""
    paths = [s.path for s in the_plan.specs]
    names = described.labels(store, paths + [the_plan.cls], lang)
    definitions = _definitions(store, paths + [the_plan.cls])
    fields_by_group: dict[str, list[Field]] = {g: [] for g in the_plan.groups}
    position = {s.path: i for i, s in enumerate(the_plan.specs)}
    for spec in _ordered(the_plan.specs, position):
        if spec.names:
            label = _pick(spec.names, lang)
        elif spec.path in names and spec.path.startswith(KOOP):
            label = names[spec.path].value
        elif spec.path in described.STANDARD_LABELS or spec.path in FORM_LABELS:
            de, en = described.STANDARD_LABELS.get(spec.path) or FORM_LABELS[spec.path]
            label = de if lang == "de" else en
        elif spec.path in names:
            label = names[spec.path].value
        else:
            label = described.curie(spec.path)
        help_text = _pick(spec.descriptions, lang) if spec.descriptions else _pick(definitions.get(spec.path, {}), lang)
        if not help_text and spec.path in FORM_HELP:
            help_text = FORM_HELP[spec.path][0 if lang == "de" else 1]
        widget = _widget(spec)
        fields_by_group[spec.group].append(Field(
            key=described.curie(spec.path), path=spec.path, widget=widget, label=_capital(label), help=help_text,
            rule=_pick(spec.messages or spec.either_messages, lang), required=_required(spec),
            repeatable=spec.max_count is None or spec.max_count > 1, datatype=spec.datatype,
            languages=tuple(spec.languages) or ("de", "en"), options=_options(store, spec, lang),
            classes=tuple(c for c in spec.classes if c != str(SKOS.Concept)) if widget == "picker" else (),
            minimum=spec.minimum, maximum=spec.maximum, step=_step(spec)))
    groups = []
    for shape in the_plan.groups:
        if fields_by_group[shape]:
            legend = _pick(the_plan.shape_labels.get(shape, {}), lang) or _local(shape)
            groups.append(Group(shape, legend, fields_by_group[shape]))
    by_path = {f.path: f for g in groups for f in g.fields}
    or_fields = {}
    for shape, alternatives in the_plan.or_shapes.items():
        chosen = [by_path[p] for p in alternatives if p in by_path]
        chosen.sort(key=lambda f: not f.required)
        if chosen:
            or_fields[shape] = chosen[0].key
    class_label = names[the_plan.cls].value if the_plan.cls in names else _local(the_plan.cls)
    return Kind(key=the_plan.key, cls=the_plan.cls, shape=the_plan.shape,
                label=_pick(the_plan.shape_labels.get(the_plan.shape, {}), lang) or class_label,
                definition=_pick(definitions.get(the_plan.cls, {}), lang), base=the_plan.base,
                slug_pattern=the_plan.slug_pattern, slug_rule=_pick(the_plan.shape_messages, lang),
                groups=groups, or_fields=or_fields)


def kind(shapes: Graph, store: Engine, key: str, lang: str) -> Kind | None:
    the_plan = plan(shapes, store, key)
    return None if the_plan is None else build(the_plan, store, lang)


@dataclass(frozen=True)
class KindSummary:
    key: str
    cls: str
    label: str
    definition: str


def kinds(shapes: Graph, store: Engine, lang: str) -> list[KindSummary]:
    """Every kind with its label and definition, by label."""
    classes = kind_classes(shapes, store)
    names = described.labels(store, classes.values(), lang)
    definitions = _definitions(store, classes.values())
    shape_labels: dict[str, dict[str, str]] = {}
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        targets = {str(c) for c in shapes.objects(shape, SH.targetClass)}
        if len(targets) == 1 and next(shapes.objects(shape, SH.property), None) is not None:
            shape_labels.setdefault(targets.pop(), _texts(shapes, shape, RDFS.label))
    out = [KindSummary(key, cls, _pick(shape_labels.get(cls, {}), lang) or (names[cls].value if cls in names else _local(cls)),
                       _pick(definitions.get(cls, {}), lang)) for key, cls in classes.items()]
    return sorted(out, key=lambda k: k.label.casefold())


def picker_classes(shapes: Graph, store: Engine) -> set[str]:
    """Every class a picker of some kind searches (for /forms/search)."""
    out: set[str] = set()
    for key in kind_classes(shapes, store):
        the_plan = plan(shapes, store, key)
        for spec in the_plan.specs if the_plan else ():
            if _widget(spec) == "picker":
                out |= {c for c in spec.classes if c != str(SKOS.Concept)}
    return out


# ---------------------------------------------------------------- things in the graph to pick


@dataclass(frozen=True)
class Candidate:
    iri: str
    label: str
    kind: str  # the label of its most specific type

    @property
    def shown(self) -> str:
        """What the input holds: the name with the record's key in brackets."""
        return f"{self.label} ({ref(self.iri)})" if self.label else ref(self.iri)


def _natural(text: str) -> list:
    """Leitfrage 2 before Leitfrage 10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text.casefold())]


def ref(iri: str) -> str:
    return iri[len(ID):] if iri.startswith(ID) else iri


_CANDIDATES = """SELECT ?s ?label ?type {projection} WHERE {{
  VALUES ?klasse {{ {classes} }}
  ?s a ?type . ?type <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?klasse .
  OPTIONAL {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
  {filter}
}}"""


PLACE_TYPES = {ONTOLOGY_NS + "Gemeinde", ONTOLOGY_NS + "Stadtteil"}


def candidates(store: Engine, classes: Iterable[str], lang: str, query: str | None = None,
               limit: int = PICKER_LIMIT) -> list[Candidate]:
    """Things of the classes in the graph, best label in lang; with query,
    only those whose name or address contains it (bound as a parameter,
    never pasted into the SPARQL text), shortest match first."""
    classes = sorted(set(classes))
    if not classes:
        return []
    values = " ".join(str(ox.NamedNode(c)) for c in classes)
    condition, bindings = "", {}
    if query:
        condition = "FILTER(CONTAINS(LCASE(STR(?label)), LCASE(STR(?q))) || CONTAINS(LCASE(STR(?s)), LCASE(STR(?q))))"
        bindings = {"q": ox.Literal(query)}
    sparql = _CANDIDATES.format(classes=values, filter=condition, projection="?q" if query else "")
    rows = engine.query(store, sparql, substitutions=bindings)
    best: dict[str, tuple[int, str]] = {}
    types: dict[str, set[str]] = {}
    for row in rows:
        iri = row["s"].value
        if not isinstance(row["s"], ox.NamedNode):
            continue
        types.setdefault(iri, set()).add(row["type"].value)
        label = row["label"]
        if label is not None:
            rank = 0 if label.language == lang else {"de": 1, "en": 2}.get(label.language or "", 3)
            if iri not in best or (rank, label.value) < best[iri]:
                best[iri] = (rank, label.value)
    hierarchy = class_hierarchy(store)
    type_names = described.labels(store, {t for ts in types.values() for t in ts}, lang)
    # a town says which it is: "Stadt Pinneberg (Kreis Pinneberg)" beside the Kreis "Pinneberg"
    places = regions.place_descriptions(store, [i for i, ts in types.items() if ts & PLACE_TYPES], lang)
    found = []
    for iri, ts in types.items():
        specific = sorted((t for t in ts if not any(t != o and t in _supers(hierarchy, o) for o in ts)), key=str)
        kind_text = places.get(iri) or next((type_names[t].value for t in specific if t in type_names), "")
        found.append(Candidate(iri, best.get(iri, (9, ""))[1], kind_text))
    needle = (query or "").casefold()
    found.sort(key=lambda c: (not c.label.casefold().startswith(needle), len(c.label) if needle else 0,
                              _natural(c.label), c.iri))
    return found[:limit]


def resolve(store: Engine, text: str, classes: Iterable[str], lang: str) -> tuple[str | None, tuple[str, str] | None]:
    """The IRI a picker's text means: "Name (kind/key)" as suggested, an
    IRI, /id/… or kind/key, or exactly the name of one thing of the classes.
    Otherwise a problem in German and English."""
    text = text.strip()
    bracket = re.search(r"\(([^()\s]+)\)\s*$", text)
    iri = None
    if bracket:
        inner = bracket.group(1)
        iri = inner if inner.startswith(("http://", "https://")) else ID + inner
    elif text.startswith(("http://", "https://")):
        iri = text
    elif text.startswith("/id/"):
        iri = ID + text[4:]
    elif re.fullmatch(r"[a-z][a-z0-9]*/\S+", text):
        iri = ID + text
    if iri is not None:
        try:
            return ox.NamedNode(iri).value, None
        except ValueError:
            return None, (f"„{text}“ ist keine gültige Adresse.", f"'{text}' is not a valid address.")
    exact = [c for c in candidates(store, classes, lang, text, limit=50) if c.label.casefold() == text.casefold()
             or ref(c.iri).casefold() == text.casefold() or c.iri.rsplit("/", 1)[-1] == text]
    if len(exact) == 1:
        return exact[0].iri, None
    if len(exact) > 1:
        shown = "; ".join(c.shown for c in exact[:5])
        return None, (f"„{text}“ ist mehrdeutig – bitte einen Vorschlag wählen: {shown}",
                      f"'{text}' is ambiguous – please pick a suggestion: {shown}")
    return None, (f"„{text}“ gibt es im Graphen nicht – bitte einen Vorschlag aus der Liste wählen.",
                  f"'{text}' is not in the graph – please pick a suggestion from the list.")


# ---------------------------------------------------------------- form data <-> RDF

State = dict[str, list[str]]  # field name -> submitted values, in order


@dataclass
class Built:
    """A form turned into RDF: the record's IRI, its triples and what could
    not be turned into RDF at all (per field, German and English)."""

    iri: str | None
    triples: list[ox.Triple]
    problems: dict[str, list[tuple[str, str]]]


def record_iri(kind: Kind, slug: str) -> str | None:
    """base + slug; characters an IRI cannot hold are percent-encoded, so
    the shape's own pattern message tells the user what is wrong."""
    slug = slug.strip()
    return kind.base + quote(slug, safe="-._~") if slug else None


def _literal(value: str, datatype: str | None) -> ox.Literal:
    if datatype in _DECIMALS:
        value = value.replace(",", ".")
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def _text(value: str, lang: str, languages: tuple[str, ...]) -> ox.Literal:
    return ox.Literal(value, language=lang if lang in languages else languages[0])


def values_of(f: Field, state: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    """(value, language) per row, empty rows included."""
    values = list(state.get(f.key, []))
    langs = list(state.get(f.key + LANG_SUFFIX, []))
    return [(v, langs[i] if i < len(langs) and langs[i] else f.languages[0]) for i, v in enumerate(values)]


def to_rdf(kind: Kind, state: Mapping[str, list[str]], store: Engine, lang: str, iri: str | None = None,
           keep: Iterable[ox.Triple] = ()) -> Built:
    """The record the form describes: rdf:type from the shape's target
    class, one triple per filled value; keep: statements the form does not
    show (editing), carried over unchanged."""
    problems: dict[str, list[tuple[str, str]]] = {}
    if iri is None:
        iri = record_iri(kind, (state.get(SLUG) or [""])[0])
        if iri is None:
            problems[SLUG] = [("Bitte ein Kürzel angeben: es bildet die Adresse des Eintrags.",
                               "Please give a short name: it makes the record's address.")]
    subject = ox.NamedNode(iri or kind.base + "ohne-kuerzel")
    triples = [ox.Triple(subject, _RDF_TYPE, ox.NamedNode(kind.cls))]
    for f in kind.fields:
        predicate = ox.NamedNode(f.path)
        for raw, language in values_of(f, state):
            value = raw.strip()
            if not value:
                continue
            obj: ox.NamedNode | ox.Literal | None = None
            if f.widget == "checkbox":
                obj = ox.Literal("true", datatype=ox.NamedNode(str(XSD.boolean))) if value in ("true", "on") else None
            elif f.widget in ("select", "checkboxes", "url"):
                try:
                    obj = ox.NamedNode(value)
                except ValueError:
                    problems.setdefault(f.key, []).append((f"„{value}“ ist keine gültige Adresse.",
                                                           f"'{value}' is not a valid address."))
            elif f.widget == "picker":
                found, problem = resolve(store, value, f.classes, lang)
                if problem:
                    problems.setdefault(f.key, []).append(problem)
                obj = ox.NamedNode(found) if found else None
            elif f.widget in ("langtext",):
                obj = _text(value, language, f.languages)
            elif f.widget == "freetext":
                obj = ox.NamedNode(value) if re.fullmatch(r"https?://\S+", value) else _text(value, language, f.languages)
            else:  # number, year, text: a typed literal; SHACL judges the lexical form …
                obj = _literal(value, f.datatype)
                if f.datatype in _UNCHECKED and not _UNCHECKED[f.datatype].fullmatch(obj.value):
                    # … except where rdflib cannot (pySHACL then lets "20x6"^^xsd:gYear pass):
                    # the shape's own message, so the shapes still say what is wrong.
                    problems.setdefault(f.key, []).append((f.rule or value, f.rule or value))
            if obj is not None:
                triples.append(ox.Triple(subject, predicate, obj))
    triples.extend(t for t in keep if t not in triples)
    return Built(iri, list(dict.fromkeys(triples)), problems)


def record_triples(store: Engine, iri: str) -> list[ox.Triple]:
    return list(dict.fromkeys(q.triple for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, None)))


def kind_of(store: Engine, shapes: Graph, iri: str) -> str | None:
    """The key of the kind an existing record belongs to."""
    types = {t.object.value for t in record_triples(store, iri) if t.predicate == _RDF_TYPE}
    return next((key for key, cls in kind_classes(shapes, store).items() if cls in types), None)


def prefill(kind: Kind, store: Engine, iri: str, lang: str) -> tuple[State, list[ox.Triple]]:
    """The form state showing an existing record, and the statements the
    form has no field for (kept as they are when saving)."""
    by_path = kind.by_path()
    state: State = {}
    rest: list[ox.Triple] = []
    triples = record_triples(store, iri)
    names = described.labels(store, [t.object.value for t in triples if isinstance(t.object, ox.NamedNode)], lang)
    for t in triples:
        f = by_path.get(t.predicate.value)
        if f is None:
            if not (t.predicate == _RDF_TYPE and t.object.value == kind.cls):
                rest.append(t)
            continue
        obj = t.object
        if f.widget == "checkbox" and obj.value not in ("true", "1"):
            rest.append(t)  # a checkbox cannot say "false": kept as it is, not lost
            continue
        if f.widget == "picker" and isinstance(obj, ox.NamedNode):
            value = Candidate(obj.value, names[obj.value].value if obj.value in names else "", "").shown
        elif f.widget == "checkbox":
            value = "true"
        else:
            value = obj.value
        state.setdefault(f.key, []).append(value)
        if f.widget in ("langtext", "freetext"):
            language = obj.language if isinstance(obj, ox.Literal) and obj.language else f.languages[0]
            state.setdefault(f.key + LANG_SUFFIX, []).append(language)
    return state, rest


def check(store: Engine, built: Built, shapes: Graph, replacing: str | None = None) -> Report:
    """The SHACL report for the record as it would be stored (replacing: the
    record it replaces); nothing is written."""
    deletes = tuple(record_triples(store, replacing)) if replacing else ()
    return check_change(store, Change(inserts=tuple(built.triples), deletes=deletes), shapes)


def placed(kind: Kind, report: Report, lang: str, with_slug: bool = True) -> tuple[dict[str, list[str]], list[str]]:
    """Each message next to its field: by sh:resultPath; results about the
    whole record go to the field of the node-level sh:or they come from (the
    source) or, for the IRI pattern, to the slug. The rest is general."""
    by_path = kind.by_path()
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    for result in report.results:
        key = by_path[result.path].key if result.path in by_path else None
        if key is None and result.path is None and result.source_shape in kind.or_fields:
            key = kind.or_fields[result.source_shape]
        if key is None and result.path is None and with_slug and result.value == result.focus_node:
            key = SLUG
        message = result.message(lang)
        target = fields.setdefault(key, []) if key else general
        if message not in target:
            target.append(message)
    return fields, general


def turtle(triples: list[ox.Triple], header: Iterable[str] = ()) -> str:
    """The record as Turtle with readable prefixes, after comment lines."""
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=described.turtle_prefixes(triples)).decode("utf-8")
    comments = "".join("# " + line + "\n" for text in header for line in text.splitlines())
    return comments + ("\n" if comments else "") + body
