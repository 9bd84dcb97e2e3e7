"""SHACL validation of records against shapes/, in the context of a graph.

A record rarely stands alone: it points to regions, organisations and
vocabulary terms that live elsewhere. Validation therefore runs on the record
plus its context, but only the record's problems are what a user must fix,
so results can be restricted to the record's own nodes.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from . import resources


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

    def message(self, lang: str = "de") -> str:
        """The shape's message in lang, else any message, else the component."""
        return self.messages.get(lang) or next(iter(self.messages.values()), self.component)


@dataclass(frozen=True)
class Report:
    conforms: bool
    results: tuple[Result, ...]
    graph: Graph = field(hash=False, compare=False)


def load_shapes(root: Path | None = None) -> Graph:
    """All shape files of shapes/ as one graph."""
    folder = (resources.root() if root is None else Path(root)) / "shapes"
    shapes = Graph()
    for path in sorted(folder.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    return shapes


def _local(iri: URIRef) -> str:
    text = str(iri)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


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
                source_shape=str(shape) if isinstance(shape, URIRef) else None,
                component=_local(report.value(node, SH.sourceConstraintComponent)),
            )
        )
    return sorted(out, key=lambda r: (r.focus_node, r.path or "", r.component, r.value or ""))


def validate(data: Graph, context: Graph | None = None, shapes: Graph | None = None) -> Report:
    """Validate data, merged with context, as one graph (every node is checked)."""
    shapes = load_shapes() if shapes is None else shapes
    graph = data if context is None else data + context
    conforms, report, _text = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=False
    )
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
    report = validate(data, shapes=shapes)
    own = {str(s) for s in record.subjects()}
    results = tuple(r for r in report.results if r.focus_node in own)
    return Report(conforms=not results, results=results, graph=report.graph)
