"""SHACL validation of records against shapes/, in the context of a graph.

A record rarely stands alone: it points to regions, organisations and
vocabulary terms that live elsewhere. Validation therefore runs on the record
plus its context, but only the record's problems are what a user must fix,
so results can be restricted to the record's own nodes.
"""

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyshacl_turbo
from pyshacl.graph_abstraction import DataGraph
from pyshacl.monkey import apply_patches
from pyshacl.shapes_graph import ShapesGraph
from pyshacl.validator import Validator, assign_baked_in
from rdflib import BNode, Graph, Literal, URIRef
from rdflib import term as rdflib_term
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.plugins.parsers.notation3 import BadSyntax

from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Engine
from koopgraph.engine.embedded import scratch
from koopgraph import content
from koopgraph.errors import KoopgraphError

# rdflib has no lexical check for xsd:gYear, so pySHACL would accept
# "20x6"^^xsd:gYear under sh:datatype (SHACL says an ill-typed literal
# violates it; pyshacl-turbo reports it). Binding a checking constructor
# makes rdflib mark such literals ill-typed, and both engines agree.
_GYEAR = re.compile(r"-?(?:[1-9][0-9]{3,}|0[0-9]{3})(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))?")


def _gyear(lexical: str) -> str:
    if not _GYEAR.fullmatch(lexical):
        raise ValueError(f"not an xsd:gYear: {lexical!r}")
    return lexical


rdflib_term.bind(XSD.gYear, str, constructor=_gyear, datatype_specific=True)


@dataclass(frozen=True)
class Result:
    """One violation, in the terms a case worker can act on."""

    focus_node: str
    path: str | None
    value: str | None
    severity: str
    messages: dict[str, str] = field(hash=False)
    source_shape: str | None
    component: str
    node: object = field(default=None, hash=False, compare=False, repr=False)  # the result node in the report graph

    def message(self, lang: str = "de") -> str:
        """The shape's message in lang, else any message, else the component."""
        return self.messages.get(lang) or next(iter(self.messages.values()), self.component)


@dataclass(frozen=True)
class Report:
    conforms: bool
    results: tuple[Result, ...]
    graph: Graph = field(hash=False, compare=False)

    def shacl_graph(self) -> Graph:
        """The standard SHACL validation report with exactly these results."""
        out = Graph()
        out.bind("sh", SH)
        report = BNode()
        out.add((report, RDF.type, SH.ValidationReport))
        out.add((report, SH.conforms, Literal(self.conforms)))
        for result in self.results:
            out.add((report, SH.result, result.node))
            todo = [result.node]
            while todo:
                node = todo.pop()
                for p, o in self.graph.predicate_objects(node):
                    out.add((node, p, o))
                    if isinstance(o, BNode):
                        todo.append(o)
        return out


def load_shapes(root: Path | None = None) -> Graph:
    """All shape files of shapes/ as one graph, read once per folder (shape
    files change with a release, and a release restarts the process)."""
    return _shapes((content.root() if root is None else Path(root)) / "shapes")


class ShapesError(KoopgraphError):
    """A shape file cannot be read: nothing could be checked against it."""

    def __init__(self, path: Path, line: int | None, detail: str) -> None:
        where = f"{path}, Zeile {line}" if line else str(path)
        where_en = f"{path}, line {line}" if line else str(path)
        detail = " ".join(detail.split())
        super().__init__(f"Formen-Datei {where}: {detail}", f"Shape file {where_en}: {detail}")


@lru_cache(maxsize=8)
def _shapes(folder: Path) -> Graph:
    shapes = Graph()
    for path in sorted(folder.glob("*.ttl")):
        try:
            shapes.parse(path, format="turtle")
        except BadSyntax as error:  # rdflib counts lines from 0
            raise ShapesError(path, error.lines + 1, error._why) from error
        except (OSError, ValueError, SyntaxError) as error:
            raise ShapesError(path, None, str(error)) from error
    return shapes


def _local(iri: URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@lru_cache(maxsize=8)
def _template_languages(shapes: Graph) -> list[tuple[re.Pattern, str]]:
    """Message templates with {?var} placeholders, as patterns per language.

    pySHACL fills in SPARQL constraint messages but drops their language tag;
    matching the filled text against the templates gets the language back.
    """
    patterns = []
    for message in shapes.objects(None, SH.message):
        if isinstance(message, Literal) and message.language and "{" in message:
            parts = re.split(r"\{[?$]\w+\}", str(message))
            patterns.append((re.compile("^" + ".*".join(map(re.escape, parts)) + "$", re.S), message.language))
    return patterns


def _language(message: Literal, templates: list[tuple[re.Pattern, str]]) -> str:
    if message.language:
        return message.language
    return next((lang for pattern, lang in templates if pattern.match(str(message))), "und")


def _named_shape(shapes: Graph, shape) -> str | None:
    """The shape's IRI, or for an anonymous property shape the IRI of the
    node shape it belongs to – something a person can look up."""
    seen = set()
    while shape is not None and not isinstance(shape, URIRef) and shape not in seen:
        seen.add(shape)
        shape = shapes.value(predicate=SH.property, object=shape)
    return str(shape) if isinstance(shape, URIRef) else None


def _results(report: Graph, shapes: Graph) -> list[Result]:
    templates = _template_languages(shapes)
    out = []
    # Only top-level results: nested sh:detail results explain a parent one.
    for node in report.objects(None, SH.result):
        messages: dict[str, str] = {}
        for message in report.objects(node, SH.resultMessage):
            messages.setdefault(_language(message, templates), str(message))
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        shape = report.value(node, SH.sourceShape)
        out.append(
            Result(
                focus_node=str(report.value(node, SH.focusNode)),
                path=str(path) if isinstance(path, URIRef) else None,
                value=None if value is None else str(value),
                severity=_local(report.value(node, SH.resultSeverity)),
                messages=messages,
                source_shape=_named_shape(shapes, shape),
                component=_local(report.value(node, SH.sourceConstraintComponent)),
                node=node,
            )
        )
    return sorted(out, key=lambda r: (r.focus_node, r.path or "", r.component, r.value or ""))


apply_patches()  # what pyshacl.validate() does on every call, once
assign_baked_in()
_per_thread = threading.local()


def _shapes_graph(shapes: Graph) -> ShapesGraph:
    """pySHACL's parsed form of the shapes, built once per thread (pyshacl.validate()
    rebuilds it on every call, about a tenth of checking a record)."""
    cache = _per_thread.__dict__.setdefault("shapes_graphs", {})
    sg = cache.get(id(shapes))
    if sg is None or sg.graph is not shapes:
        sg = cache[id(shapes)] = ShapesGraph(shapes)
        sg.shapes  # harvest the shapes now
    return sg


# Changes touching more nodes than this (imports, bulk updates) are checked by
# pyshacl-turbo, a Rust engine with pySHACL's API: about 30 times faster on
# whole graphs, and tests/test_validation_engines.py proves it reports exactly
# what pySHACL reports on the project's data and every shape fixture. Small
# changes stay with pySHACL, whose per-node path is faster for them.
TURBO_FROM = 200


def validate_turbo(data: Graph, shapes: Graph) -> Report:
    """The whole data graph checked by pyshacl-turbo."""
    conforms, report, _text = pyshacl_turbo.validate(data, shacl_graph=shapes, inference="none",
                                                     abort_on_first=False, allow_warnings=False)
    return Report(conforms=bool(conforms), results=tuple(_results(report, shapes)), graph=report)


def validate(data: Graph, context: Graph | None = None, shapes: Graph | None = None,
             focus: Iterable | None = None) -> Report:
    """Validate data, merged with context, as one graph: every node, or with focus
    only those nodes, each against the shapes that target it (the rest of the graph
    is still read, e.g. for sh:class). Not pySHACL's focus_nodes option: it also
    filters the value nodes that sh:node, sh:or, sh:not … check, and loses their
    violations."""
    shapes = load_shapes() if shapes is None else shapes
    graph = data if context is None else data + context
    options = {"inference": "none", "abort_on_first": False, "allow_warnings": False, "inplace": True}
    # An empty shapes graph keeps the constructor cheap; the cached one replaces it.
    validator = Validator(DataGraph.from_rdflib(graph), shacl_graph=Graph(), options=options)
    validator.shacl_graph = sg = _shapes_graph(shapes)
    if focus is None:
        conforms, report, _text = validator.run()
    else:
        wanted = set(focus)
        executor = validator.make_executor()
        found, conforms = [], True
        for shape in sg.shapes:
            nodes = [n for n in shape.focus_nodes(validator.data_graph) if n in wanted]
            if nodes:
                ok, reports = shape.validate(executor, validator.data_graph, focus=nodes)
                conforms = conforms and ok
                found.extend(reports)
        report, _text = Validator.create_validation_report(sg, conforms, found)
    return Report(conforms=bool(conforms), results=tuple(_results(report, shapes)), graph=report)


def neighbourhood(record: Graph, context: Graph) -> Graph:
    """The part of context a record's shapes can reach.

    Shapes look one step beyond a record: the type of a region it points to,
    the scheme of a vocabulary term, the Kreisschlüssel of a Kreis, the
    regions of a working group. That step, plus the class hierarchy for
    sh:class, is all the context a record needs; validating only this keeps
    checking a record fast however large the graph grows.
    """
    out = Graph()
    for triple in context.triples((None, RDFS.subClassOf, None)):
        out.add(triple)
    referenced = {o for o in record.objects() if isinstance(o, URIRef)} | set(record.subjects())
    for node in referenced:
        for triple in context.triples((node, None, None)):
            out.add(triple)
    return out


def validate_record(record: Graph, context: Graph | None = None, shapes: Graph | None = None) -> Report:
    """Validate a new or changed record in the context of the graph.

    Only the record's own nodes are reported: the context is taken as given
    (it was validated when it entered the graph), and the slice of it that is
    copied in for the check is incomplete by design.
    """
    shapes = load_shapes() if shapes is None else shapes
    data = record if context is None else record + neighbourhood(record, context)
    report = validate(data, shapes=shapes, focus=set(record.subjects()))
    own = {str(s) for s in record.subjects()}
    results = tuple(r for r in report.results if r.focus_node in own)
    return Report(conforms=not results, results=results, graph=report.graph)


# ---------------------------------------------------------------- checking a change to the store

_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))


def _term(term):
    """pyoxigraph term -> rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


@dataclass(frozen=True)
class Change:
    """Triples a write would add and remove (graph names do not matter for
    validation: every query sees the union of all graphs)."""

    inserts: tuple[ox.Triple, ...] = ()
    deletes: tuple[ox.Triple, ...] = ()


class _After:
    """The store as it would be after a change, looked up node by node."""

    def __init__(self, store: Engine, change: Change) -> None:
        self.store = store
        self.added: dict = {}
        self.removed: dict = {}
        for t in change.inserts:
            self.added.setdefault(t.subject, set()).add(t)
        for t in change.deletes:
            self.removed.setdefault(t.subject, set()).add(t)
        self.cache: dict = {}

    def about(self, node) -> set[ox.Triple]:
        """The triples about node once the change is applied. A deleted
        triple is gone from every graph: deletes here are per triple, which is
        what the union graph shows."""
        if node not in self.cache:
            now = {q.triple for q in self.store.quads_for_pattern(node, None, None, None)}
            self.cache[node] = (now - self.removed.get(node, set())) | self.added.get(node, set())
        return self.cache[node]


def focus_of(store: Engine, change: Change) -> set:
    """Nodes whose validity the change can affect: the subjects it touches,
    and the nodes that point to a subject losing statements."""
    touched = {t.subject for t in change.inserts} | {t.subject for t in change.deletes}
    losing = {t.subject for t in change.deletes}
    referrers = {q.subject for node in losing for q in store.quads_for_pattern(None, None, node, None)}
    referrers |= {t.subject for t in change.inserts if t.object in losing}
    return touched | referrers


def _view(store: Engine, change: Change, focus: set) -> set[ox.Triple]:
    """The affected nodes as they would be, one step of context around them,
    and the class hierarchy (for sh:class)."""
    after = _After(store, change)
    triples = {q.triple for q in store.quads_for_pattern(None, _SUBCLASS, None, None)}
    seen = set()
    for node in focus:
        for t in after.about(node):
            triples.add(t)
            if not isinstance(t.object, ox.Literal) and t.object not in seen:
                seen.add(t.object)
                triples.update(after.about(t.object))
    return triples


def check_change(store: Engine, change: Change, shapes: Graph | None = None) -> Report:
    """Validate the store as it would be after the change, looking only at
    the affected nodes and the one step of context their shapes can reach."""
    shapes = load_shapes() if shapes is None else shapes
    focus = focus_of(store, change)
    triples = _view(store, change, focus)
    if len(focus) >= TURBO_FROM:
        report = validate_turbo(scratch(triples).native, shapes)
    else:
        graph = Graph()
        for t in triples:
            graph.add((_term(t.subject), _term(t.predicate), _term(t.object)))
        report = validate(graph, shapes=shapes, focus={_term(n) for n in focus})
    wanted = {str(_term(n)) for n in focus}
    results = tuple(r for r in report.results if r.focus_node in wanted)
    return Report(conforms=not results, results=results, graph=report.graph)
