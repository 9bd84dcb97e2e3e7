"""SPARQL Update through the write gate, and the machinery the Graph Store
Protocol shares with it: compute a change before it is applied, check it
with SHACL, apply it in one transaction, log it as a submission.

How an update is evaluated: rdflib parses the request into its algebra;
each operation is then carried out here, in order, against an *overlay* –
a copy-on-write view of the pyoxigraph store that reads through to the store
and keeps what the request adds and removes in memory. rdflib's query engine
evaluates the WHERE patterns over that overlay (an rdflib Store), so a later
operation sees what an earlier one did, while the real store is not touched.
The operations themselves (templates, WITH/USING, CLEAR/DROP/…/COPY) are
implemented below rather than taken from rdflib, whose own update code
differs from the specification in several places (it loads USING graphs from
the web, interleaves deletes and inserts per solution, cannot CREATE).

What the overlay holds at the end is the delta: quads to add, quads to
remove, graphs to create and drop. Its cost is what the request reads and
changes, not the size of the store: a triple pattern becomes one indexed
lookup in pyoxigraph plus a scan of the (small) added set. The delta is
checked against protected graphs and SHACL and then written with one
pyoxigraph update, i.e. one transaction; blank nodes keep their exact
identity through a custom function, so statements about stored blank nodes
can be removed inside that same transaction.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, Dataset, Graph
from rdflib.plugins.sparql import algebra
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.processor import prepareUpdate
from rdflib.plugins.sparql.sparql import QueryContext
from rdflib.store import Store

from koopgraph.domain import access
from koopgraph.writes import records
from koopgraph import resources
from koopgraph.engine import store as kgstore
from koopgraph.sources import GRAPH, ID, graph_sources
from koopgraph.domain.validation import Change, check_change

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_TERM_FUNCTION = ox.NamedNode("urn:koopgraph:intern:term")

ADMIN_OPERATIONS = frozenset({"Clear", "Drop", "Create", "Add", "Move", "Copy"})
WRITE_OPERATIONS = frozenset({"InsertData", "DeleteData", "DeleteWhere", "Modify"})


class UpdateRefused(records.RecordError):
    """An update or graph write that is refused before or while it is
    evaluated (syntax, LOAD, rights, protected graphs, failed operations)."""


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


def _has_blank_node(quad: ox.Quad) -> bool:
    return any(isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object, quad.graph_name))


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

    def __init__(self, base: ox.Store) -> None:
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


class _Dataset(Dataset):
    """rdflib's Dataset without its deprecation warnings on the two members
    the SPARQL engine still uses."""

    @property
    def default_context(self):
        return self._default_context

    def contexts(self, triple=None):
        return self.graphs(triple)


# ---------------------------------------------------------------- delta, gate, apply, log

@dataclass
class Delta:
    inserts: list[ox.Quad] = field(default_factory=list)
    deletes: list[ox.Quad] = field(default_factory=list)
    create: list = field(default_factory=list)
    drop: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.inserts or self.deletes or self.create or self.drop)

    def graphs(self) -> set:
        return {q.graph_name for q in self.inserts} | {q.graph_name for q in self.deletes} | set(self.create) | set(self.drop)


@lru_cache(maxsize=8)
def _file_graphs(root: str | None) -> frozenset[str]:
    folder = resources.root() if root is None else Path(root)
    try:
        found = {s.graph_iri for s in graph_sources(folder)}
    except Exception:  # an unreadable resources folder must not open the file graphs
        found = set()
    return frozenset(found | {GRAPH + name for name in records.FILE_GRAPHS})


def protected(graph, resources_root: str | None = None) -> bool:
    """Graphs no write interface may change: those built from the files
    (ontology, shapes, data folders) and the submissions log."""
    if not isinstance(graph, ox.NamedNode):
        return False
    iri = graph.value
    if iri == records.SUBMISSIONS_GRAPH:
        return True
    return any(iri == g or iri.startswith(g + "/") for g in _file_graphs(resources_root))


def refuse_protected(graphs: Iterable, resources_root: str | None) -> None:
    hit = sorted(g.value for g in graphs if protected(g, resources_root))
    if hit:
        raise UpdateRefused(
            403, "protected-graph",
            f"Der Graph {hit[0]} wird aus den Quelldateien gebaut bzw. ist das Protokoll der Einreichungen; "
            "er kann über Graph Store und SPARQL Update nicht geändert werden.",
            f"The graph {hit[0]} is built from the source files or is the submissions log; "
            "it cannot be changed through Graph Store or SPARQL Update.", iris=hit)


def change_of(store: ox.Store, delta: Delta) -> Change:
    """The delta as the SHACL gate sees it: triples, since validation looks
    at the union of all graphs. A triple removed from one graph but still
    stated in another does not disappear, so it is not a delete."""
    inserts = tuple(dict.fromkeys(q.triple for q in delta.inserts))
    inserted = set(inserts)
    gone = set(delta.deletes)
    deletes = []
    for triple in dict.fromkeys(q.triple for q in delta.deletes):
        if triple in inserted:
            continue
        remaining = (q for q in store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None)
                     if q not in gone)
        if next(remaining, None) is None:
            deletes.append(triple)
    return Change(inserts=inserts, deletes=tuple(deletes))


def _data_block(quads: list[ox.Quad]) -> str:
    by_graph: dict = {}
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append(q.triple)
    parts = []
    for graph, triples in by_graph.items():
        body = " ".join(f"{t} ." for t in triples)
        parts.append(body if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{ {body} }}")
    return " ".join(parts)


def _exact(verb: str, quads: list[ox.Quad], terms: list) -> list[str]:
    """Operations that name each quad's terms through a custom function, so
    blank nodes are the very ones in the store (SPARQL has no syntax for
    that; INSERT DATA would even make new ones)."""
    parts = []
    for named in (False, True):
        group = [q for q in quads if isinstance(q.graph_name, ox.DefaultGraph) != named]
        if not group:
            continue
        rows = []
        for q in group:
            rows.append(str(len(terms)))
            terms.extend((q.subject, q.predicate, q.object, q.graph_name))
        f = f"<{_TERM_FUNCTION.value}>"
        binds = (f"BIND({f}(?i) AS ?s) BIND({f}(?i + 1) AS ?p) BIND({f}(?i + 2) AS ?o)"
                 + (f" BIND({f}(?i + 3) AS ?g)" if named else ""))
        template = "GRAPH ?g { ?s ?p ?o }" if named else "?s ?p ?o"
        parts.append(f"{verb} {{ {template} }} WHERE {{ VALUES ?i {{ {' '.join(rows)} }} {binds} }}")
    return parts


def apply(store: ox.Store, delta: Delta) -> None:
    """Write the delta with one pyoxigraph update: one transaction, all or
    nothing. Deletes first, then inserts, then empty graphs created and
    dropped graphs removed."""
    if kgstore.is_remote(store):  # one update request; blank nodes travel as skolem IRIs
        store.apply(delta.inserts, delta.deletes, delta.create, delta.drop)
        return
    terms: list = []
    parts = []
    plain_deletes = [q for q in delta.deletes if not _has_blank_node(q)]
    plain_inserts = [q for q in delta.inserts if not _has_blank_node(q)]
    if plain_deletes:
        parts.append("DELETE DATA { " + _data_block(plain_deletes) + " }")
    parts += _exact("DELETE", [q for q in delta.deletes if _has_blank_node(q)], terms)
    if plain_inserts:
        parts.append("INSERT DATA { " + _data_block(plain_inserts) + " }")
    parts += _exact("INSERT", [q for q in delta.inserts if _has_blank_node(q)], terms)
    parts += [f"CREATE SILENT GRAPH {g}" for g in delta.create if isinstance(g, ox.NamedNode)]
    parts += [f"DROP SILENT GRAPH {g}" for g in delta.drop if isinstance(g, ox.NamedNode)]
    if parts:
        store.update(" ;\n".join(parts), custom_functions={_TERM_FUNCTION: lambda i: terms[int(i.value)]})
        kgstore.changed(store)


def _records(delta: Delta) -> list[str]:
    """The Koopgraph records a change concerns: its subjects in the id space."""
    subjects = (q.subject.value for q in (*delta.inserts, *delta.deletes) if isinstance(q.subject, ox.NamedNode))
    return [iri for iri in dict.fromkeys(subjects) if iri.startswith(ID)]


def commit(store: ox.Store, delta: Delta, agent: str, operation: str, *, shapes, resources_root: str | None,
           body: bytes | None, media_type: str | None, sid: str | None = None) -> records.Submission | None:
    """Gate, apply and log one change; the caller holds records.WRITE_LOCK.

    403 for protected graphs, 422 with the SHACL report if the store would
    not conform. An empty change is not logged (None)."""
    refuse_protected(delta.graphs(), resources_root)
    if not delta:
        return None
    report = check_change(store, change_of(store, delta), shapes)
    if not report.conforms:
        raise UpdateRefused(422, "shacl-violation",
                            "Die Änderung verletzt die Prüfregeln (SHACL); nichts wurde gespeichert.",
                            "The change violates the shapes (SHACL); nothing was stored.", report=report)
    sid = sid or records.new_id()
    submission = records.Submission(sid, records.SUBMISSION_PREFIX + sid, operation, agent, records._now(),
                                    tuple(_records(delta)))
    checksum = None if body is None else "sha256:" + hashlib.sha256(body).hexdigest()
    log = records._log(submission, delta.deletes, checksum, media_type, added=delta.inserts)
    apply(store, Delta(delta.inserts + log, delta.deletes, delta.create, delta.drop))
    return submission


def fresh_blank_nodes(quads: Iterable[ox.Quad], keep: set | frozenset = frozenset()) -> list[ox.Quad]:
    """The quads with every blank node (except those in keep) replaced by a
    new one, the same label by the same new node: data from outside must
    never merge with a blank node the store already has."""
    mapping: dict = {}

    def fresh(term):
        if isinstance(term, ox.BlankNode) and term not in keep:
            return mapping.setdefault(term, ox.BlankNode())
        return term

    return [ox.Quad(fresh(q.subject), q.predicate, fresh(q.object), fresh(q.graph_name)) for q in quads]


# ---------------------------------------------------------------- parsing and rights

@dataclass(frozen=True)
class Parsed:
    operations: list[CompValue]


_PARSE_LOCK = threading.Lock()


def parse(text: str, base_iri: str) -> Parsed:
    """The update's algebra; 400 with the parser's message if it does not parse.

    rdflib normalises typed literals while it parses ("01"^^xsd:integer
    becomes "1", 1.50 becomes 1.5), so INSERT DATA would store something else
    than was sent and DELETE DATA would miss the stored statement. Its only
    switch is process-wide (rdflib.NORMALIZE_LITERALS); it is off for the
    milliseconds of parsing, one parse at a time. A literal another thread
    builds in that moment keeps its lexical form as given, which is the exact
    form anyway."""
    try:
        with _PARSE_LOCK:
            previous, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
            try:
                parsed = prepareUpdate(text, base=base_iri)
            finally:
                rdflib.NORMALIZE_LITERALS = previous
    except Exception as error:  # pyparsing's ParseException, or translation errors (unknown prefix, …)
        detail = " ".join(str(error).split())
        raise UpdateRefused(400, "update-syntax", f"Syntaxfehler im SPARQL Update: {detail}",
                            f"Syntax error in the SPARQL update: {detail}") from error
    return Parsed(list(parsed.algebra or []))


def _walk(node) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


def required_right(parsed: Parsed) -> str:
    """LOAD and SERVICE are refused outright (the server would fetch any
    URL); graph management needs "verwalten", statement changes "schreiben"."""
    names = {op.name for op in parsed.operations}
    if "Load" in names:
        raise UpdateRefused(403, "load-forbidden", "LOAD ist abgeschaltet: der Server lädt keine Daten aus dem Netz.",
                            "LOAD is disabled: the server does not fetch data from the network.")
    if any(node.name == "ServiceGraphPattern" for op in parsed.operations for node in _walk(op.where)):
        raise UpdateRefused(403, "service-forbidden",
                            "Föderierte Abfragen (SERVICE) sind an diesem Endpunkt abgeschaltet.",
                            "Federated queries (SERVICE) are disabled on this endpoint.")
    return access.ADMIN if names & ADMIN_OPERATIONS else access.WRITE


def check_protocol_dataset(parsed: Parsed, using: list[str], using_named: list[str]) -> None:
    """The protocol's using-graph-uri/using-named-graph-uri must not meet
    USING or WITH in the request (SPARQL 1.1 Protocol 2.2.3)."""
    if not (using or using_named):
        return
    if any(op.name == "Modify" and (op.using or op.withClause is not None) for op in parsed.operations):
        raise UpdateRefused(400, "dataset-conflict",
                            "using-graph-uri/using-named-graph-uri und USING/WITH schließen einander aus.",
                            "using-graph-uri/using-named-graph-uri cannot be combined with USING/WITH.")


# ---------------------------------------------------------------- evaluation

def _failed(op: CompValue, de: str, en: str) -> None:
    if not op.silent:
        raise UpdateRefused(400, "update-failed", de, en)


def _target(graphiri):
    return ox.DefaultGraph() if graphiri == "DEFAULT" else to_ox(graphiri)


class Evaluator:
    """Carries out the operations of one request against an overlay."""

    def __init__(self, store: ox.Store, resources_root: str | None, using: list[str], using_named: list[str]):
        self.overlay = Overlay(store)
        self.dataset = _Dataset(store=self.overlay, default_union=False)
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


def evaluate(store: ox.Store, parsed: Parsed, *, resources_root: str | None = None,
             using: list[str] | None = None, using_named: list[str] | None = None) -> Delta:
    """The delta the update would make, without touching the store."""
    return Evaluator(store, resources_root, using or [], using_named or []).run(parsed)


def run(store: ox.Store, text: str, tokens: list[access.Token], authorization: str | None, *, shapes,
        base_iri: str, resources_root: str | None = None, using: list[str] | None = None,
        using_named: list[str] | None = None) -> tuple[records.Submission | None, Delta]:
    """Authenticate, parse, authorise, evaluate, gate, apply and log one
    update request. Order of refusals: 401 (no valid token), 400 (syntax,
    dataset conflict), 403 (LOAD, SERVICE, missing right), then 400 for an
    operation that fails, 403 for a protected graph, 422 for SHACL."""
    token = caller(tokens, authorization)
    parsed = parse(text, base_iri)
    check_protocol_dataset(parsed, using or [], using_named or [])
    access.require(tokens, authorization, required_right(parsed))
    with records.WRITE_LOCK:
        delta = evaluate(store, parsed, resources_root=resources_root, using=using, using_named=using_named)
        submission = commit(store, delta, token.name, "sparql-update", shapes=shapes,
                            resources_root=resources_root, body=text.encode("utf-8"),
                            media_type="application/sparql-update")
    return submission, delta


def caller(tokens: list[access.Token], authorization: str | None) -> access.Token:
    """The caller's token, whatever its rights; 401 without a valid one (403
    on a server without tokens). Which right is needed is known only once
    the request has been read."""
    token = access.identify(tokens, authorization) if tokens else None
    if token is None:
        access.require(tokens, authorization, access.WRITE)  # raises the standard 401/403
    return token


def summary(submission: records.Submission | None, delta: Delta) -> dict:
    """The JSON answer to a successful write."""
    return {
        "submission": None if submission is None else submission.id,
        "graph": None if submission is None else submission.graph,
        "operation": None if submission is None else submission.operation,
        "records": [] if submission is None else list(submission.records),
        "inserted": len(delta.inserts),
        "deleted": len(delta.deletes),
    }
