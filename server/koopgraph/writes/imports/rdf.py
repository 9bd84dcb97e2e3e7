"""Bulk import of an RDF file into its own named graph (`koopgraph import rdf`).

For large data that is already RDF – a statistics dump, a generated test
graph, a copy of another Koopgraph – at close to pyoxigraph's own bulk
speed: the file is parsed in the engine and streamed into
``Store.bulk_extend`` (0.8× ``Store.bulk_load`` at one million triples,
bench/README.md), every statement moved into ``…/graph/import/<name>``
(graph names inside TriG/N-Quads are dropped, as for the project's own
files) and every blank node renamed, so two files never share one.

Like every write it passes the SHACL gate first, unless the caller says
the data is trusted (``check=False``: the whole file is then never held in
memory). It is idempotent: the log entry carries the file's checksum, and
the same file again changes nothing. A changed file replaces the graph.
Bulk writes are not one transaction: an import cut short leaves the graph
without its log entry, which marks it incomplete, and running it again
completes it. Removing a large graph is slow in Oxigraph (about 30 s per
million statements here); loading is not.
"""

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from koopgraph.domain.validation import Change
from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Engine
from koopgraph.errors import KoopgraphError
from koopgraph.namespaces import IMPORT_PREFIX
from koopgraph.writes import gate
from koopgraph.writes.submissions import Entry, Submission, imported_checksum

_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


class BulkImportError(KoopgraphError):
    """The name or the file cannot be imported as asked."""


@dataclass(frozen=True)
class BulkOutcome:
    graph: str
    added: int
    removed: int
    checked: bool
    submission: Submission | None  # None: the same file was imported already


class _Counting:
    """A binary file that tells how many bytes were read (progress by bytes)."""

    def __init__(self, raw: BinaryIO, progress: Callable[[int], None] | None) -> None:
        self.raw, self.progress, self.done = raw, progress, 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.done += len(data)
        if self.progress is not None and data:
            self.progress(self.done)
        return data

    def readinto(self, buffer) -> int:  # noqa: ANN001 - whatever the parser hands over
        count = self.raw.readinto(buffer)
        self.done += count or 0
        if self.progress is not None and count:
            self.progress(self.done)
        return count


def graph_for(name: str) -> ox.NamedNode:
    if not _NAME.fullmatch(name):
        raise BulkImportError(
            f"Der Name „{name}“ geht nicht: Kleinbuchstaben, Ziffern und Bindestriche, höchstens 63 Zeichen.",
            f"The name '{name}' is not allowed: lower-case letters, digits and hyphens, at most 63 characters.")
    return ox.NamedNode(IMPORT_PREFIX + name)


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def _parsed(path: Path, fmt: ox.RdfFormat, graph: ox.NamedNode,
            progress: Callable[[int], None] | None, offset: int = 0) -> Iterator[ox.Quad]:
    report = None if progress is None else (lambda done: progress(offset + done))
    with open(path, "rb") as file:
        for quad in ox.parse(_Counting(file, report), format=fmt, rename_blank_nodes=True):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)


def _syntax_checked(path: Path, fmt: ox.RdfFormat, progress: Callable[[int], None] | None) -> None:
    """One parsing pass before anything is removed, so a broken file changes
    nothing (about a sixth of the load time)."""
    with open(path, "rb") as file:
        for _ in ox.parse(_Counting(file, progress), format=fmt):
            pass


def run(store: Engine, path: Path, fmt: ox.RdfFormat, name: str, agent: str, *, check: bool = True, shapes=None,
        progress: Callable[[int], None] | None = None) -> BulkOutcome:
    """Import path into …/graph/import/<name>. progress gets the bytes
    read so far, counting the file twice: reading (and checking), loading."""
    graph = graph_for(name)
    digest, size = checksum(path), Path(path).stat().st_size
    removed = [0]

    def plan() -> gate.Bulk | None:
        if imported_checksum(store, graph) == digest:
            return None
        removed[0] = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
        try:
            if check:
                quads = list(_parsed(path, fmt, graph, progress))
                old = tuple(q.triple for q in store.quads_for_pattern(None, None, None, graph))
                change = Change(inserts=tuple(q.triple for q in quads), deletes=old)
                if progress is not None:
                    progress(2 * size)
                return gate.Bulk(graph, quads, replace_all=True, change=change)
            _syntax_checked(path, fmt, progress)
            return gate.Bulk(graph, _parsed(path, fmt, graph, progress, offset=size), replace_all=True)
        except SyntaxError as error:
            raise BulkImportError(f"{path}: kein gültiges RDF (Zeile {error.lineno}): {error.msg}",
                                  f"{path}: not valid RDF (line {error.lineno}): {error.msg}") from error

    entry = Entry("import", agent, checksum=digest, media_type=f"{fmt.media_type}; bulk")
    submission, added = gate.bulk(store, plan, entry, shapes=shapes)
    if submission is None:
        return BulkOutcome(graph.value, 0, 0, check, None)
    return BulkOutcome(graph.value, added, removed[0], check, submission)
