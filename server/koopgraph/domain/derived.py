"""The derived graph: what the named questions would otherwise recompute
with `*` paths, closed once per write.

For every place (an instance of koop:Region or a subclass), the Kreis or
kreisfreie Stadt and the Land it lies in (koop:imKreis, koop:imLand: the
reflexive, transitive closure of koop:liegtIn, ending at a Kreis-level
region or a Land); for every SKOS concept, every concept it falls under
(koop:faelltUnter: the reflexive, transitive closure of skos:broader). The
questions then join plainly, which every engine evaluates the same way
(Virtuoso 7.2 gets `koop:liegtIn*` after a UNION wrong) and which is
cheaper than walking paths.

derive() is a pure function of the statements it is given; read_inputs()
collects them from an engine (all graphs but the derived one), and
difference() says what a write must add to and remove from the graph. The
write gate applies that in the same transaction as the write itself.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from koopgraph.engine.interface import Delta, Engine
from koopgraph.engine.rdf import NamedNode, Quad, Triple
from koopgraph.namespaces import DERIVED_GRAPH, KOOP, RDF_TYPE, RDFS, SKOS

LIEGT_IN = NamedNode(KOOP + "liegtIn")
IM_KREIS = NamedNode(KOOP + "imKreis")
IM_LAND = NamedNode(KOOP + "imLand")
FAELLT_UNTER = NamedNode(KOOP + "faelltUnter")
REGION = NamedNode(KOOP + "Region")
KREIS_LEVEL = frozenset({NamedNode(KOOP + "Kreis"), NamedNode(KOOP + "KreisfreieStadt")})
LAND = NamedNode(KOOP + "Land")
CONCEPT = NamedNode(SKOS + "Concept")
BROADER = NamedNode(SKOS + "broader")
SUB_CLASS_OF = NamedNode(RDFS + "subClassOf")
TYPE = NamedNode(RDF_TYPE)
GRAPH = NamedNode(DERIVED_GRAPH)


@dataclass(frozen=True)
class Inputs:
    """The statements the derived graph is a function of."""

    sub_class_of: frozenset[tuple]  # (class, superclass)
    types: frozenset[tuple]  # (resource, class)
    liegt_in: frozenset[tuple]  # (place, larger place)
    broader: frozenset[tuple]  # (concept, broader concept)


def _closure(start, edges: dict) -> set:
    """start and everything reachable from it."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _edges(pairs: Iterable[tuple]) -> dict:
    edges: dict = {}
    for a, b in pairs:
        edges.setdefault(a, set()).add(b)
    return edges


def derive(inputs: Inputs) -> set[Triple]:
    """The derived graph's triples."""
    supers = _edges(inputs.sub_class_of)
    region_classes = {c for c in {a for a, _ in inputs.sub_class_of} | {REGION} if REGION in _closure(c, supers)}
    classes: dict = {}
    for resource, cls in inputs.types:
        classes.setdefault(resource, set()).add(cls)
    places = {r for r, cs in classes.items() if cs & region_classes}
    larger = _edges(inputs.liegt_in)
    out: set[Triple] = set()
    for place in places:
        for reached in _closure(place, larger):
            kinds = classes.get(reached, set())
            if kinds & KREIS_LEVEL:
                out.add(Triple(place, IM_KREIS, reached))
            if LAND in kinds:
                out.add(Triple(place, IM_LAND, reached))
    broader = _edges(inputs.broader)
    concepts = {r for r, cs in classes.items() if CONCEPT in cs}
    for concept in concepts:
        for reached in _closure(concept, broader):
            out.add(Triple(concept, FAELLT_UNTER, reached))
    return out


def _pairs(quads: Iterable[Quad]) -> frozenset[tuple]:
    return frozenset((q.subject, q.object) for q in quads if q.graph_name != GRAPH)


def read_inputs(store: Engine, delta: Delta | None = None) -> Inputs:
    """The inputs as they are in store, or as they will be once delta is
    applied (a statement counts while any graph still holds it)."""
    def quads(predicate, obj=None) -> list[Quad]:
        found = set(store.quads_for_pattern(None, predicate, obj, None))
        if delta is not None:
            dropped = set(delta.drop)
            found -= set(delta.deletes)
            found = {q for q in found if q.graph_name not in dropped}
            found |= {q for q in delta.inserts if q.predicate == predicate and (obj is None or q.object == obj)}
        return list(found)

    sub_class_of = _pairs(quads(SUB_CLASS_OF))
    supers = _edges(sub_class_of)
    wanted = {c for c in {a for a, _ in sub_class_of} | {REGION} if REGION in _closure(c, supers)} | {CONCEPT}
    types = frozenset(pair for cls in wanted for pair in _pairs(quads(TYPE, cls)))
    return Inputs(sub_class_of, types, _pairs(quads(LIEGT_IN)), _pairs(quads(BROADER)))


def current(store: Engine) -> set[Triple]:
    return {q.triple for q in store.quads_for_pattern(None, None, None, GRAPH)}


def touches_inputs(store: Engine, delta: Delta) -> bool:
    """Could delta change the derived graph? Most writes (records with their
    rdf:type) cannot, and are spared reading the inputs."""
    if delta.drop:
        return True
    quads = (*delta.inserts, *delta.deletes)
    if any(q.predicate in (LIEGT_IN, BROADER, SUB_CLASS_OF) for q in quads):
        return True
    typed = {q.object for q in quads if q.predicate == TYPE}
    if not typed:
        return False
    supers = _edges(_pairs(store.quads_for_pattern(None, SUB_CLASS_OF, None, None)))
    return any(c == CONCEPT or REGION in _closure(c, supers) for c in typed)


def difference(store: Engine, delta: Delta | None = None) -> Delta:
    """What the derived graph needs once delta is applied: the quads to
    add and to remove."""
    wanted = derive(read_inputs(store, delta))
    have = current(store)
    return Delta(inserts=[Quad(t.subject, t.predicate, t.object, GRAPH) for t in wanted - have],
                 deletes=[Quad(t.subject, t.predicate, t.object, GRAPH) for t in have - wanted])
