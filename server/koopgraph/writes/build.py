"""Building the file-backed graphs from the packaged content.

Each source folder is a named graph (content.graph_sources). A build
replaces those graphs with the current file contents; graphs that do not
come from files (submissions, imports) are never touched. All files are
parsed before the store is touched, so a syntax error leaves the store
exactly as it was.
"""

import hashlib
from collections.abc import Callable
from pathlib import Path

from koopgraph import content
from koopgraph.engine.interface import Engine
from koopgraph.engine.rdf import DefaultGraph, NamedNode, Quad
from koopgraph.engine.rdf_input import read_source
from koopgraph.engine.reading import graph_size
from koopgraph.writes import gate


def fingerprint(source: content.GraphSource, root: Path) -> str:
    """A digest of a graph's files (names and bytes): equal digests mean the
    graph would be rebuilt with exactly the same content."""
    digest = hashlib.sha256()
    for path in source.files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def build(store: Engine, root: Path | None = None, *, only_changed: bool = False,
          progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Replace the file-backed graphs with the current file contents.

    With only_changed (a server starting after an upgrade), graphs whose
    files are unchanged since the last build of this store are left alone,
    and graphs whose folder is gone are dropped. Returns the triple count
    of every graph that was (re)built.
    """
    root = content.root() if root is None else Path(root)
    sources = content.graph_sources(root)
    recorded = store.fingerprints()
    current = {s.graph_iri: fingerprint(s, root) for s in sources}
    todo = [s for s in sources if not only_changed or recorded.get(s.graph_iri) != current[s.graph_iri]]
    parsed = [(s.graph_iri, [t for path in s.files for t in read_source(path)]) for s in todo]
    gate.replace_file_graphs(store, parsed, sorted(set(recorded) - set(current)), current, progress)
    return {graph_iri: graph_size(store, graph_iri) for graph_iri, _ in parsed}


def load_file(store: Engine, path: Path, graph_iri: str | None = None) -> None:
    """Add one RDF file to graph_iri, or to the store's default graph.

    For test fixtures and data that is not part of the packaged sources;
    build() remains the way to load the project's own files.
    """
    graph = DefaultGraph() if graph_iri is None else NamedNode(graph_iri)
    gate.add_trusted(store, [Quad(t.subject, t.predicate, t.object, graph) for t in read_source(Path(path))])
