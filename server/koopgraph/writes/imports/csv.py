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

from koopgraph.domain import mappings
from koopgraph.domain.validation import Change
from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Engine
from koopgraph.namespaces import IMPORT_PREFIX
from koopgraph.writes import gate
from koopgraph.writes.submissions import Entry, Submission


@dataclass(frozen=True)
class Outcome:
    graph: str
    rows: int
    skipped: tuple[int, ...]
    added: int
    removed: int
    submission: Submission | None  # None: nothing changed


def _stated_elsewhere(store: Engine, triple: ox.Triple, graph: ox.NamedNode) -> bool:
    """True if another graph already states the triple. Queries see the union
    of all graphs as a bag (Oxigraph), so a statement made twice would
    answer twice; the import leaves such statements to the other graph."""
    return any(q.graph_name != graph for q in store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None))


def graph_for(mapping: mappings.TableMapping) -> str:
    return IMPORT_PREFIX + mapping.graph


def _in(graph: ox.NamedNode, triples) -> list[ox.Quad]:
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def run(store: Engine, mapping: mappings.TableMapping, csv_path: Path, agent: str, shapes=None,
        constants: Mapping[str, str] | None = None, progress: Callable[[int], None] | None = None) -> Outcome:
    converted = mappings.convert(mapping, csv_path, constants, progress)
    graph = ox.NamedNode(graph_for(mapping))
    counts = {"added": 0, "removed": 0}

    def plan() -> gate.Bulk | None:
        current = {q.triple for q in store.quads_for_pattern(None, None, None, graph)}
        new = {t for t in converted.triples if not _stated_elsewhere(store, t, graph)}
        added, removed = new - current, current - new
        if not added and not removed:
            return None
        counts.update(added=len(added), removed=len(removed))
        return gate.Bulk(graph, _in(graph, added), _in(graph, removed),
                         change=Change(inserts=tuple(added), deletes=tuple(removed)))

    checksum = "sha256:" + hashlib.sha256(Path(csv_path).read_bytes()).hexdigest()
    entry = Entry("import", agent, checksum=checksum, media_type=f"text/csv; mapping={mapping.name}")
    submission, _ = gate.bulk(store, plan, entry, shapes=shapes)
    return Outcome(graph.value, converted.rows, converted.skipped, counts["added"], counts["removed"], submission)
