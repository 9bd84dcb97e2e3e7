"""The one path every write takes: lock → delta → protected graphs → SHACL
→ apply → log.

Whatever the channel – a record over HTTP or from a form, SPARQL Update,
the Graph Store Protocol, a revert, a CSV or RDF import, a rebuild from the
files – the change is computed while the write lock is held (so the check
and the write cannot be overtaken by another writer), refused if it touches
a graph no interface may change, checked with SHACL in the context of the
whole graph, and written together with its log entry: in one transaction
(commit), or for imports too large for one, with the log entry last
(bulk), so an import cut short is detectably incomplete.

Every path also keeps the derived graph (domain/derived.py: the Kreis and
Land of every place, the broader concepts of every concept) a function of
the data: commit() adds its change to the same transaction, the other
paths apply it before they let go of the lock.
"""

import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from koopgraph import content
from koopgraph.domain import derived
from koopgraph.domain.validation import Change, Report, check_change
from koopgraph.engine.interface import Delta, Engine
from koopgraph.engine.rdf import NamedNode, Quad, Triple
from koopgraph.errors import KoopgraphError
from koopgraph.namespaces import DERIVED_GRAPH, FILE_GRAPHS, SUBMISSION_PREFIX, SUBMISSIONS_GRAPH
from koopgraph.writes.submissions import Entry, Submission, entry_quads, new_id, now

WRITE_LOCK = threading.RLock()


class RecordError(KoopgraphError):
    """A write that cannot be done as asked; status says how to answer it."""

    def __init__(self, status: int, code: str, de: str, en: str, report: Report | None = None,
                 iris: list[str] | None = None) -> None:
        self.status, self.code, self.report, self.iris = status, code, report, iris or []
        super().__init__(de, en)


def checksum(body: bytes | None) -> str | None:
    return None if body is None else "sha256:" + hashlib.sha256(body).hexdigest()


# ---------------------------------------------------------------- protected graphs

@lru_cache(maxsize=8)
def _file_graphs(root: str | None) -> frozenset[str]:
    folder = content.root() if root is None else Path(root)
    try:
        found = {s.graph_iri for s in content.graph_sources(folder)}
    except Exception:  # an unreadable resources folder must not open the file graphs
        found = set()
    return frozenset(found | set(FILE_GRAPHS))


def protected(graph, resources_root: str | None = None) -> bool:
    """Graphs no write interface may change: those built from the files
    (ontology, shapes, data folders), the submissions log and the derived
    graph."""
    if not isinstance(graph, NamedNode):
        return False
    iri = graph.value
    if iri in (SUBMISSIONS_GRAPH, DERIVED_GRAPH):
        return True
    return any(iri == g or iri.startswith(g + "/") for g in _file_graphs(resources_root))


def refuse_protected(graphs: Iterable, resources_root: str | None) -> None:
    hit = sorted(g.value for g in graphs if protected(g, resources_root))
    if hit:
        raise RecordError(
            403, "protected-graph",
            f"Der Graph {hit[0]} wird aus den Quelldateien gebaut, ist das Protokoll der Einreichungen oder "
            "wird aus den Daten abgeleitet; er kann über Graph Store und SPARQL Update nicht geändert werden.",
            f"The graph {hit[0]} is built from the source files, is the submissions log or is derived from "
            "the data; it cannot be changed through Graph Store or SPARQL Update.", iris=hit)


# ---------------------------------------------------------------- SHACL

def change_of(store: Engine, delta: Delta) -> Change:
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


def _conforming(store: Engine, change: Change, shapes) -> None:
    report = check_change(store, change, shapes)
    if not report.conforms:
        raise RecordError(422, "shacl-violation", "Die Änderung verletzt die Prüfregeln (SHACL); nichts wurde gespeichert.",
                          "The change violates the shapes (SHACL); nothing was stored.", report=report)


# ---------------------------------------------------------------- the paths

def commit(store: Engine, plan: Callable[[NamedNode], Delta], entry: Entry | Callable[[Delta], Entry], *, shapes,
           resources_root: str | None = None, sid: str | None = None) -> Submission | None:
    """One write in one transaction. plan(graph) computes the delta under
    the lock; graph is the new submission's own graph, where records go.
    entry may be a function of the delta, called after plan (an update's
    records are the subjects it changed; a revert learns them from the log). 403 for protected graphs, 422 with the SHACL
    report; an empty change is not logged (None)."""
    with WRITE_LOCK:
        sid = sid or new_id()
        graph = NamedNode(SUBMISSION_PREFIX + sid)
        delta = plan(graph)
        refuse_protected(delta.graphs(), resources_root)
        if not delta:
            return None
        closure = derived.difference(store, delta) if derived.touches_inputs(store, delta) else Delta()
        _conforming(store, change_of(store, Delta(delta.inserts + closure.inserts, delta.deletes + closure.deletes,
                                                  delta.create, delta.drop)), shapes)
        entry = entry(delta) if callable(entry) else entry
        submission = Submission(sid, graph.value, entry.operation, entry.agent, now(), entry.records)
        log = entry_quads(submission, entry, delta.deletes, delta.inserts)
        whole = Delta(delta.inserts + closure.inserts + log, delta.deletes + closure.deletes, delta.create, delta.drop)
        _refuse_too_large(store, whole)
        store.apply(whole)
        return submission


@dataclass
class Bulk:
    """An import too large for one transaction: the statements of one graph."""

    graph: NamedNode
    inserts: Iterable[Quad]  # a list, or a stream when the whole graph is replaced
    deletes: list[Quad] = field(default_factory=list)
    replace_all: bool = False  # empty the graph first, then stream inserts in at bulk speed
    change: Change | None = None  # what SHACL checks; None: trusted data, not checked


def bulk(store: Engine, plan: Callable[[], Bulk | None], entry: Entry, *, shapes) -> tuple[Submission | None, int]:
    """An import: plan() under the lock (None: nothing to do), SHACL unless
    trusted, the statements, then the log entry last – an import cut short
    has none and is completed by running it again. Returns the submission
    and how many statements were written."""
    with WRITE_LOCK:
        planned = plan()
        if planned is None:
            return None, 0
        refuse_protected([planned.graph], None)
        if planned.change is not None:
            _conforming(store, planned.change, shapes)
        sid = new_id()
        submission = Submission(sid, SUBMISSION_PREFIX + sid, entry.operation, entry.agent, now(), entry.records)
        log = entry_quads(submission, replace(entry, data_graph=planned.graph.value), [], [])
        if planned.replace_all:
            written = store.load_graph(planned.graph, planned.inserts)
            store.write_quads(log, [])
        else:
            inserts = list(planned.inserts)
            written = len(inserts)
            store.write_quads(inserts + log, planned.deletes)
        _rederive(store)
        return submission, written


def replace_file_graphs(store: Engine, graphs: list[tuple[str, list[Triple]]], gone: Iterable[str],
                        fingerprints: dict[str, str], progress: Callable[[str], None] | None = None) -> None:
    """The graphs built from the files: each replaced in one step, the
    graphs of vanished folders dropped, the files' fingerprints recorded.
    The files are the source of truth, so neither SHACL nor a log entry."""
    with WRITE_LOCK:
        for graph_iri, triples in graphs:
            if progress is not None:
                progress(graph_iri)
            store.replace_graph(graph_iri, triples)
        for graph_iri in gone:
            store.drop_graph(graph_iri)
        _rederive(store)
        if fingerprints != store.fingerprints():
            store.set_fingerprints(fingerprints)


def add_trusted(store: Engine, quads: list[Quad]) -> None:
    """Statements from a trusted file (test fixtures, data that is not part
    of the packaged sources): added as they are, no SHACL, no log."""
    with WRITE_LOCK:
        store.write_quads(quads, [])
        _rederive(store)


def rederive(store: Engine) -> int:
    """The derived graph recomputed from the data (`koopgraph build` and
    start-up, after an upgrade that brought it); returns how many quads changed."""
    with WRITE_LOCK:
        return _rederive(store)


def _rederive(store: Engine) -> int:
    closure = derived.difference(store)
    if closure:
        store.apply(closure)
    return len(closure.inserts) + len(closure.deletes)


def _refuse_too_large(store: Engine, delta: Delta) -> None:
    """An engine that applies only a bounded change atomically (Virtuoso:
    one update operation) gets no larger one: refused, never half-written."""
    limit = store.atomic_limit()
    size = len(delta.inserts) + len(delta.deletes)
    if limit is not None and size > limit:
        raise RecordError(
            413, "write-not-atomic",
            f"Die Änderung umfasst {size} Aussagen (mit Protokoll und abgeleiteten Aussagen); der Triplestore "
            f"kann höchstens {limit} in einem Schritt ganz oder gar nicht schreiben. Bitte in kleineren Teilen "
            "senden oder als Import (koopgraph import) laden.",
            f"The change has {size} statements (with its log entry and derived statements); the triple store "
            f"can write at most {limit} all or nothing in one step. Please send smaller parts or load it as an "
            "import (koopgraph import).")
