"""The overlay an update is evaluated against: a copy-on-write view of the
store that reads through to it and keeps what the request adds and removes
in memory, readable by rdflib's SPARQL engine (an rdflib Store). A later
operation sees what an earlier one did, while the real store is not
touched; what the overlay holds at the end is the delta.

Its cost is what the request reads and changes, not the size of the store:
a triple pattern becomes one indexed lookup in the engine plus a scan of
the (small) added set.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, Dataset, Graph
from rdflib.store import Store

from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Delta, Engine
from koopgraph.namespaces import RDF, XSD

XSD_STRING = XSD + "string"
RDF_LANG_STRING = RDF + "langString"


# ---------------------------------------------------------------- terms

# ---------------------------------------------------------------- terms

def to_ox(term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """rdflib term -> pyoxigraph term; ValueError for what RDF does not allow."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"not an RDF term: {term!r}")


def to_rdf(term):
    """pyoxigraph term -> rdflib term, keeping the lexical form unchanged
    (rdflib would otherwise normalise "01"^^xsd:integer to "1", and a
    statement read from the store could no longer be removed)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language, normalize=False)
        datatype = term.datatype.value
        if datatype in (XSD_STRING, RDF_LANG_STRING):
            return Literal(term.value, normalize=False)
        return Literal(term.value, datatype=URIRef(datatype), normalize=False)
    raise ValueError(f"not supported here: {term!r}")


def _graph_to_rdf(graph) -> URIRef | BNode:
    return DATASET_DEFAULT_GRAPH_ID if isinstance(graph, ox.DefaultGraph) else to_rdf(graph)


def _graph_to_ox(identifier):
    return ox.DefaultGraph() if identifier == DATASET_DEFAULT_GRAPH_ID else to_ox(identifier)


# ---------------------------------------------------------------- the overlay

@dataclass
class Reading:
    """The dataset a WHERE clause sees: graphs merged into its default
    graph, and the named graphs it may address (None: all of them)."""

    default: list = field(default_factory=lambda: [ox.DefaultGraph()])
    named: frozenset | None = None


class Overlay(Store):
    """A copy-on-write view of a pyoxigraph store, readable by rdflib.

    Writes (add, remove, create, drop) go only into memory; reads combine
    the store with them. As an rdflib Store it serves the triple patterns of
    rdflib's SPARQL engine; the engine never writes through it.
    """

    context_aware = True
    graph_aware = True
    formula_aware = False
    transaction_aware = False

    def __init__(self, base: Engine) -> None:
        super().__init__()
        self.base = base
        self.added: dict = {}  # graph name -> set of quads the base does not have
        self.removed: set[ox.Quad] = set()  # quads of the base that are gone
        self.created: set = set()  # named graphs that exist now, not in the base
        self.dropped: set = set()  # named graphs of the base that are gone
        self.reading = Reading()

    # -- state

    def quads(self, s=None, p=None, o=None, g=None) -> Iterator[ox.Quad]:
        """The current quads matching the pattern (g None: every graph)."""
        for quad in self.base.quads_for_pattern(s, p, o, g):
            if quad not in self.removed:
                yield quad
        groups = self.added.values() if g is None else [self.added.get(g, ())]
        for group in groups:
            for quad in list(group):
                if ((s is None or quad.subject == s) and (p is None or quad.predicate == p)
                        and (o is None or quad.object == o)):
                    yield quad

    def exists(self, graph) -> bool:
        if isinstance(graph, ox.DefaultGraph):
            return True
        return graph in self.created or (graph not in self.dropped and self.base.contains_named_graph(graph))

    def named_graphs(self) -> list:
        names = {g for g in self.base.named_graphs() if g not in self.dropped} | self.created
        return sorted(names, key=str)

    def _in_base(self, quad: ox.Quad) -> bool:
        return quad in self.base

    def add(self, quad: ox.Quad) -> None:  # type: ignore[override]
        if quad in self.removed:
            self.removed.discard(quad)
        elif not self._in_base(quad):
            self.added.setdefault(quad.graph_name, set()).add(quad)
        self.create(quad.graph_name)

    def remove(self, quad: ox.Quad) -> None:  # type: ignore[override]
        group = self.added.get(quad.graph_name)
        if group and quad in group:
            group.discard(quad)
        elif self._in_base(quad):
            self.removed.add(quad)

    def create(self, graph) -> None:
        if isinstance(graph, ox.DefaultGraph):
            return
        self.dropped.discard(graph)
        if not self.base.contains_named_graph(graph):
            self.created.add(graph)

    def clear(self, graph) -> None:
        for quad in list(self.quads(g=graph)):
            self.remove(quad)

    def drop(self, graph) -> None:
        self.clear(graph)
        if isinstance(graph, ox.DefaultGraph):
            return
        self.created.discard(graph)
        if self.base.contains_named_graph(graph):
            self.dropped.add(graph)

    def delta(self) -> Delta:
        return Delta(
            inserts=[q for group in self.added.values() for q in group],
            deletes=list(self.removed),
            create=sorted(self.created, key=str),
            drop=sorted(self.dropped, key=str),
        )

    # -- rdflib Store (read side)

    def triples(self, pattern, context=None):  # type: ignore[override]
        try:
            s, p, o = (None if t is None or isinstance(t, Variable) else to_ox(t) for t in pattern)
        except ValueError:
            return
        if isinstance(s, ox.Literal) or (p is not None and not isinstance(p, ox.NamedNode)):
            return
        identifier = None if context is None else context.identifier
        if identifier is None:
            graphs = [None]
        elif identifier == DATASET_DEFAULT_GRAPH_ID:
            graphs = self.reading.default
        else:
            graph = _graph_to_ox(identifier)
            if self.reading.named is not None and graph not in self.reading.named:
                return
            graphs = [graph]
        seen: set = set()
        for graph in graphs:
            for quad in self.quads(s, p, o, graph):
                triple = quad.triple
                if len(graphs) > 1:  # the merge of several graphs is a set
                    if triple in seen:
                        continue
                    seen.add(triple)
                yield (to_rdf(triple.subject), to_rdf(triple.predicate), to_rdf(triple.object)), iter((context,))

    def __len__(self, context=None) -> int:  # type: ignore[override]
        return sum(1 for _ in self.triples((None, None, None), context))

    def contexts(self, triple=None):  # type: ignore[override]
        names = self.named_graphs() if self.reading.named is None else [
            g for g in self.named_graphs() if g in self.reading.named]
        for name in names:
            graph = Graph(store=self, identifier=_graph_to_rdf(name))
            if triple is None or any(True for _ in self.triples(triple, graph)):
                yield graph

    def add_graph(self, graph) -> None:  # rdflib announces the default graph; nothing to record
        pass

    def addN(self, quads) -> None:  # noqa: N802
        raise NotImplementedError("the overlay is written by the update evaluator only")


class OverlayDataset(Dataset):
    """rdflib's Dataset without its deprecation warnings on the two members
    the SPARQL engine still uses."""

    @property
    def default_context(self):
        return self._default_context

    def contexts(self, triple=None):
        return self.graphs(triple)

