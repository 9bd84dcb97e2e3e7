"""Carrying out the operations of one update request against an overlay.

rdflib's query engine evaluates the WHERE patterns over the overlay; the
operations themselves (templates, WITH/USING, CLEAR/DROP/…/COPY) are
implemented here rather than taken from rdflib, whose own update code
differs from the specification in several places (it loads USING graphs
from the web, interleaves deletes and inserts per solution, cannot CREATE).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import BNode, Variable
from rdflib.plugins.sparql import algebra
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import QueryContext

from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Delta, Engine
from koopgraph.writes.gate import protected
from koopgraph.writes.update.overlay import Overlay, Reading, OverlayDataset, to_ox
from koopgraph.writes.update.parsing import Parsed, UpdateRefused

def _failed(op: CompValue, de: str, en: str) -> None:
    if not op.silent:
        raise UpdateRefused(400, "update-failed", de, en)


def _target(graphiri):
    return ox.DefaultGraph() if graphiri == "DEFAULT" else to_ox(graphiri)


class Evaluator:
    """Carries out the operations of one request against an overlay."""

    def __init__(self, store: Engine, resources_root: str | None, using: list[str], using_named: list[str]):
        self.overlay = Overlay(store)
        self.dataset = OverlayDataset(store=self.overlay, default_union=False)
        self.resources_root = resources_root
        self.using = [ox.NamedNode(i) for i in using]
        self.using_named = frozenset(ox.NamedNode(i) for i in using_named)
        self.protocol_dataset = bool(using or using_named)

    def run(self, parsed: Parsed) -> Delta:
        for op in parsed.operations:
            getattr(self, "_" + op.name)(op)
        return self.overlay.delta()

    # -- patterns and templates

    def _solutions(self, op: CompValue, where: CompValue, reading: Reading) -> list:
        ctx = QueryContext(self.dataset, initBindings={})
        ctx.graph = self.dataset.default_context
        ctx.prologue = op.prologue
        self.overlay.reading = reading
        try:
            return list(evalPart(ctx, where))
        except Exception as error:  # SPARQLError, and plain Exceptions rdflib raises for user errors
            raise UpdateRefused(400, "update-failed", f"Das Update kann nicht ausgewertet werden: {error}",
                                f"The update cannot be evaluated: {error}") from error
        finally:
            self.overlay.reading = Reading()

    @staticmethod
    def _instantiate(template: Iterable, graph, solution, bnodes: dict) -> Iterator[ox.Quad]:
        """Quads of one template for one solution; a triple with an unbound
        variable or a term RDF does not allow there is left out (Update 3.1.3)."""
        def value(term):
            if isinstance(term, Variable):
                return None if solution is None else solution.get(term)
            if isinstance(term, BNode):
                return bnodes.setdefault(term, BNode())
            return term

        g = value(graph) if graph is not None else None
        if graph is not None and g is None:
            return
        try:
            target = ox.DefaultGraph() if graph is None else to_ox(g)
        except ValueError:
            return
        if not isinstance(target, (ox.DefaultGraph, ox.NamedNode)):
            return
        for s, p, o in template:
            terms = (value(s), value(p), value(o))
            if any(t is None for t in terms):
                continue
            try:
                s2, p2, o2 = (to_ox(t) for t in terms)
                yield ox.Quad(s2, p2, o2, target)
            except (ValueError, TypeError):
                continue

    def _template_quads(self, clause, default_graph, solution) -> list[ox.Quad]:
        bnodes: dict = {}
        out = list(self._instantiate(clause.triples or [], None, solution, bnodes))
        if default_graph is not None:
            out = [ox.Quad(q.subject, q.predicate, q.object, default_graph) for q in out]
        for graph, triples in (clause.quads or {}).items():
            out += self._instantiate(triples, graph, solution, bnodes)
        return out

    # -- operations (names as in rdflib's algebra)

    def _InsertData(self, op: CompValue) -> None:  # noqa: N802
        # Blank nodes in INSERT DATA are new ones (Update 3.1.1): _instantiate
        # gives every label of the operation one new node.
        for quad in self._template_quads(op, None, None):
            self.overlay.add(quad)

    def _DeleteData(self, op: CompValue) -> None:  # noqa: N802
        for quad in self._template_quads(op, None, None):
            self.overlay.remove(quad)

    def _DeleteWhere(self, op: CompValue) -> None:  # noqa: N802
        where = algebra.BGP(list(op.triples or []))
        for graph, triples in (op.quads or {}).items():
            where = algebra.Join(where, algebra.Graph(graph, algebra.BGP(list(triples))))
        deletes = [q for s in self._solutions(op, where, Reading()) for q in self._template_quads(op, None, s)]
        for quad in deletes:
            self.overlay.remove(quad)

    def _Modify(self, op: CompValue) -> None:  # noqa: N802
        with_graph = None if op.withClause is None else to_ox(op.withClause)
        using = list(op.using or [])
        default = [to_ox(c.default) for c in using if c.default is not None]
        named = frozenset(to_ox(c.named) for c in using if c.named is not None)
        if self.protocol_dataset:
            reading = Reading(list(self.using), self.using_named)
        elif using:
            reading = Reading(default, named)
        elif with_graph is not None:
            reading = Reading([with_graph])
        else:
            reading = Reading()
        solutions = self._solutions(op, op.where, reading)
        deletes, inserts = [], []
        for solution in solutions:
            if op.delete is not None:
                deletes += self._template_quads(op.delete, with_graph, solution)
            if op.insert is not None:
                inserts += self._template_quads(op.insert, with_graph, solution)
        # All deletes, then all inserts (Update 3.1.3).
        for quad in deletes:
            self.overlay.remove(quad)
        for quad in inserts:
            self.overlay.add(quad)

    def _graphs(self, graphiri) -> list:
        """Targets of CLEAR/DROP. ALL and NAMED leave out the protected graphs,
        so a writer's CLEAR ALL clears what a writer may change."""
        if graphiri == "DEFAULT":
            return [ox.DefaultGraph()]
        writable = [g for g in self.overlay.named_graphs() if not protected(g, self.resources_root)]
        if graphiri == "NAMED":
            return writable
        if graphiri == "ALL":
            return [ox.DefaultGraph(), *writable]
        return [to_ox(graphiri)]

    def _missing(self, op: CompValue, graph) -> bool:
        if self.overlay.exists(graph):
            return False
        _failed(op, f"Den Graphen {graph} gibt es nicht.", f"The graph {graph} does not exist.")
        return True

    def _Clear(self, op: CompValue) -> None:  # noqa: N802
        for graph in self._graphs(op.graphiri):
            if not self._missing(op, graph):
                self.overlay.clear(graph)

    def _Drop(self, op: CompValue) -> None:  # noqa: N802
        for graph in self._graphs(op.graphiri):
            if not self._missing(op, graph):
                self.overlay.drop(graph)

    def _Create(self, op: CompValue) -> None:  # noqa: N802
        graph = to_ox(op.graphiri)
        if self.overlay.exists(graph):
            _failed(op, f"Den Graphen {graph} gibt es schon.", f"The graph {graph} exists already.")
        else:
            self.overlay.create(graph)

    def _copy(self, op: CompValue, clear_target: bool, drop_source: bool) -> None:
        source, target = (_target(g) for g in op.graph)
        if source == target or self._missing(op, source):
            return
        quads = list(self.overlay.quads(g=source))
        if clear_target:
            self.overlay.clear(target)
        self.overlay.create(target)
        for quad in quads:
            self.overlay.add(ox.Quad(quad.subject, quad.predicate, quad.object, target))
        if drop_source:
            self.overlay.drop(source)

    def _Add(self, op: CompValue) -> None:  # noqa: N802
        self._copy(op, clear_target=False, drop_source=False)

    def _Copy(self, op: CompValue) -> None:  # noqa: N802
        self._copy(op, clear_target=True, drop_source=False)

    def _Move(self, op: CompValue) -> None:  # noqa: N802
        self._copy(op, clear_target=True, drop_source=True)

    def _Load(self, op: CompValue) -> None:  # noqa: N802  (refused before evaluation; never fetch)
        raise UpdateRefused(403, "load-forbidden", "LOAD ist abgeschaltet.", "LOAD is disabled.")


def evaluate(store: Engine, parsed: Parsed, *, resources_root: str | None = None,
             using: list[str] | None = None, using_named: list[str] | None = None) -> Delta:
    """The delta the update would make, without touching the store."""
    return Evaluator(store, resources_root, using or [], using_named or []).run(parsed)

