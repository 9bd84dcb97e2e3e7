"""Writes of the SPARQL 1.1 Graph Store HTTP Protocol as changes through the
gate: the change is computed from the graph's current and new content while
the write lock is held, and logged as a submission with operation
"graph-store".

Rights follow the SPARQL Update each request stands for (GSP section 5):
POST is INSERT DATA and PUT into a new or empty graph is CREATE + INSERT
DATA – "schreiben"; PUT over a graph with content removes statements
without naming them (DROP + INSERT DATA) and DELETE drops a whole graph –
"verwalten", as CLEAR and DROP do over /sparql.
"""

from collections.abc import Callable
from dataclasses import dataclass

from koopgraph.domain import access
from koopgraph.engine.interface import Delta, Engine
from koopgraph.engine.rdf import DefaultGraph, NamedNode, Quad
from koopgraph.writes import gate
from koopgraph.writes.gate import RecordError
from koopgraph.writes.submissions import Submission
from koopgraph.writes.update import logged_as


@dataclass(frozen=True)
class Written:
    submission: Submission | None  # None: nothing changed, nothing logged
    delta: Delta
    created: bool  # the graph did not exist before


def exists(store: Engine, graph) -> bool:
    return isinstance(graph, DefaultGraph) or store.contains_named_graph(graph)


def writable(graph, resources_root: str | None) -> None:
    """403 for a graph built from the files, or the submissions log."""
    gate.refuse_protected([graph], resources_root)


def not_found(graph) -> RecordError:
    return RecordError(404, "graph-not-found", f"Den Graphen {graph.value} gibt es nicht.",
                       f"There is no graph {graph.value}.")


def _write(store: Engine, graph, plan: Callable[[bool], Delta], agent: str, body: bytes | None,
           media_type: str | None, shapes, resources_root: str | None, sid: str | None = None) -> Written:
    gate.refuse_protected([graph], resources_root)
    seen: dict = {}

    def planned(_: NamedNode) -> Delta:
        seen["existed"] = exists(store, graph)
        seen["delta"] = plan(seen["existed"])
        return seen["delta"]

    submission = gate.commit(store, planned, logged_as("graph-store", agent, body, media_type), shapes=shapes,
                             resources_root=resources_root, sid=sid)
    return Written(submission, seen["delta"], not seen["existed"])


def replace(store: Engine, graph, new: list[Quad], token: access.Token, tokens: list[access.Token],
            authorization: str | None, **logged) -> Written:
    """Replace the graph's content (GSP 5.3); over existing content this
    needs "verwalten"."""
    def plan(existed: bool) -> Delta:
        old = list(store.quads_for_pattern(None, None, None, graph))
        if old:
            access.require(tokens, authorization, access.ADMIN)
        old_set, new_set = set(old), set(new)
        return Delta(inserts=[q for q in new if q not in old_set], deletes=[q for q in old if q not in new_set],
                     create=[] if existed else [graph])

    return _write(store, graph, plan, token.name, **logged)


def merge(store: Engine, graph, new: list[Quad], token: access.Token, *, sid: str | None = None, **logged) -> Written:
    """Merge statements into the graph (GSP 5.5)."""
    def plan(existed: bool) -> Delta:
        return Delta(inserts=[q for q in new if q not in store], create=[] if existed else [graph])

    return _write(store, graph, plan, token.name, sid=sid, **logged)


def drop(store: Engine, graph, token: access.Token, **logged) -> Written:
    """Drop the graph (GSP 5.4); the default graph is only emptied."""
    def plan(existed: bool) -> Delta:
        if not existed:
            raise not_found(graph)
        return Delta(deletes=list(store.quads_for_pattern(None, None, None, graph)),
                     drop=[] if isinstance(graph, DefaultGraph) else [graph])

    return _write(store, graph, plan, token.name, **logged)
