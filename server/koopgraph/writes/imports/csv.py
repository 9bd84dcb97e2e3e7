"""Importing a CSV into its own named graph, idempotently, through the gate.

An import replaces the content of …/graph/import/<name> with what the
mapping makes of the file. Running it again with the same file changes
nothing. The new statements and the log entry are written in one
transaction after the removed ones are gone; if the process dies in
between, the graph is detectably incomplete (its log entry, which carries
the file's checksum, is missing) and running the import again completes it.
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from koopgraph.writes import records
from koopgraph.engine import store as kgstore
from koopgraph.domain import mappings
from koopgraph.sources import GRAPH
from koopgraph.domain.validation import Change

IMPORT_PREFIX = GRAPH + "import/"


@dataclass(frozen=True)
class Outcome:
    graph: str
    rows: int
    skipped: tuple[int, ...]
    added: int
    removed: int
    submission: records.Submission | None  # None: nothing changed


def _stated_elsewhere(store: ox.Store, triple: ox.Triple, graph: ox.NamedNode) -> bool:
    """True if another graph already states the triple. Queries see the union
    of all graphs as a bag (Oxigraph), so a statement made twice would
    answer twice; the import leaves such statements to the other graph."""
    return any(q.graph_name != graph for q in store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None))


def graph_for(mapping: mappings.TableMapping) -> str:
    return IMPORT_PREFIX + mapping.graph


def run(store: ox.Store, mapping: mappings.TableMapping, csv_path: Path, agent: str, shapes=None,
        constants: Mapping[str, str] | None = None, progress: Callable[[int], None] | None = None) -> Outcome:
    converted = mappings.convert(mapping, csv_path, constants, progress)
    graph = ox.NamedNode(graph_for(mapping))
    with records.WRITE_LOCK:
        current = {q.triple for q in store.quads_for_pattern(None, None, None, graph)}
        new = {t for t in converted.triples if not _stated_elsewhere(store, t, graph)}
        added, removed = new - current, current - new
        if not added and not removed:
            return Outcome(graph.value, converted.rows, converted.skipped, 0, 0, None)
        records._gate(store, Change(inserts=tuple(added), deletes=tuple(removed)), shapes)
        checksum = "sha256:" + hashlib.sha256(Path(csv_path).read_bytes()).hexdigest()
        sid = records.new_id()
        submission = records.Submission(sid, records.SUBMISSION_PREFIX + sid, "import", agent, records._now(), ())
        log = records._log(submission, [], checksum, f"text/csv; mapping={mapping.name}", data_graph=graph.value)
        # The log entry comes last: an import cut short has none and is completed by running it again.
        kgstore.write_quads(store, [ox.Quad(t.subject, t.predicate, t.object, graph) for t in added] + log,
                            [ox.Quad(t.subject, t.predicate, t.object, graph) for t in removed])
    return Outcome(graph.value, converted.rows, converted.skipped, len(added), len(removed), submission)
