"""The embedded engine: a pyoxigraph store in this process, on disk
(RocksDB) or in memory.

Reads are pyoxigraph's own calls. Writes are Koopgraph's operations
(interface.Engine), each one pyoxigraph update where it must be atomic,
and every write changes the store's version, so answer caches and ETags
never outlive the data they were made from.
"""

import fcntl
import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

import pyoxigraph as ox

from koopgraph.engine.interface import Delta, StoreBusyError, StoreOpenError

FINGERPRINTS = "koopgraph-sources.json"
_TERM_FUNCTION = ox.NamedNode("urn:koopgraph:intern:term")


class EmbeddedEngine:
    """A pyoxigraph store as an Engine. ``native`` is the pyoxigraph store
    itself, for libraries that read one (pySHACL-turbo) and for tests."""

    remote = False

    def __init__(self, native: ox.Store, path: Path | None = None) -> None:
        self.native = native
        self.path = path
        self._version = uuid.uuid4().hex
        self._fingerprints: dict[str, str] = {}  # an in-memory store keeps them here
        # Told every write's exact change, in order (the query workers' replicas, workers.py).
        self.listeners: list[Callable[[tuple], None]] = []

    def __repr__(self) -> str:
        return f"EmbeddedEngine({self.path or 'memory'})"

    def __bool__(self) -> bool:
        return True  # a store, empty or not: never let len() decide a truth test

    # ------------------------------------------------------------ reading

    def query(self, query: str, **options):
        return self.native.query(query, **options)

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None):  # noqa: A002
        return self.native.quads_for_pattern(subject, predicate, object, graph_name)

    def __contains__(self, quad: ox.Quad) -> bool:
        return quad in self.native

    def __len__(self) -> int:
        return len(self.native)

    def contains_named_graph(self, graph) -> bool:
        return self.native.contains_named_graph(graph)

    def named_graphs(self):
        return self.native.named_graphs()

    def dump(self, output=None, format=None, *, from_graph=None):  # noqa: A002
        return self.native.dump(output, format=format, from_graph=from_graph)

    def version(self) -> str:
        return self._version

    def fingerprints(self) -> dict[str, str]:
        """Kept beside the store's files, not in the store: bookkeeping must
        not show up in anyone's query results. A missing or unreadable file
        only means a full rebuild of the file-backed graphs, always safe."""
        if self.path is None:
            return dict(self._fingerprints)
        target = self.path / FINGERPRINTS
        try:
            return json.loads(target.read_text(encoding="utf-8")) if target.is_file() else {}
        except (OSError, ValueError):
            return {}

    def atomic_limit(self) -> None:
        """One pyoxigraph update is one transaction, whatever its size."""
        return None

    # ------------------------------------------------------------ writing

    def _changed(self, message: tuple | None = None) -> None:
        self._version = uuid.uuid4().hex
        if message is not None:
            for listener in self.listeners:
                listener(message)

    def _told(self) -> bool:
        return bool(self.listeners)

    def apply(self, delta: Delta) -> None:
        """One pyoxigraph update: one transaction, all or nothing. Deletes
        first, then inserts, then empty graphs created and dropped graphs
        removed. Quads with blank nodes name their terms through a custom
        function, so they are the very nodes in the store (SPARQL has no
        syntax for that; INSERT DATA would even make new ones)."""
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
            self.native.update(" ;\n".join(parts), custom_functions={_TERM_FUNCTION: lambda i: terms[int(i.value)]})
            self._changed(("delta", _nq(delta.inserts), _nq(delta.deletes),
                           [g.value for g in delta.create if isinstance(g, ox.NamedNode)],
                           [g.value for g in delta.drop if isinstance(g, ox.NamedNode)]) if self._told() else None)

    def write_quads(self, inserts: list[ox.Quad], deletes: list[ox.Quad],
                    progress: Callable[[int], None] | None = None) -> None:
        for quad in deletes:
            self.native.remove(quad)
        self.native.extend(inserts)
        self._changed(("delta", _nq(inserts), _nq(deletes), [], []) if self._told() else None)

    def replace_graph(self, graph_iri: str, triples: list[ox.Triple]) -> None:
        # One SPARQL update is one transaction in Oxigraph, so readers see either
        # the old or the new graph, never an empty or half-filled one.
        graph = ox.NamedNode(graph_iri)
        body = " .\n".join(str(triple) for triple in triples)
        update = f"DROP SILENT GRAPH {graph}"
        if body:
            update += f" ;\nINSERT DATA {{ GRAPH {graph} {{\n{body} .\n}} }}"
        self.native.update(update)
        self._changed(("replace", graph_iri, _nq([ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]))
                      if self._told() else None)

    def load_graph(self, graph, quads: Iterable[ox.Quad]) -> int:
        counted = [0]

        def counting():
            for quad in quads:
                counted[0] += 1
                yield quad

        self.native.clear_graph(graph)
        self.native.bulk_extend(counting())
        self.native.flush()
        self._changed(("reload",))
        return counted[0]

    def drop_graph(self, graph_iri: str) -> None:
        self.native.update(f"DROP SILENT GRAPH {ox.NamedNode(graph_iri)}")
        self._changed(("delta", b"", b"", [], [graph_iri]))

    def set_fingerprints(self, fingerprints: dict[str, str]) -> None:
        if self.path is None:
            self._fingerprints = dict(fingerprints)
        else:
            target = self.path / FINGERPRINTS
            partial = target.with_suffix(".tmp")
            partial.write_text(json.dumps(fingerprints, indent=1, sort_keys=True), encoding="utf-8")
            partial.replace(target)

    def flush(self) -> None:
        self.native.flush()

    def backup(self, target: Path) -> None:
        """A consistent copy in target (which must not exist), usable as a
        store directory; it works while the store is in use, also by other
        threads. The build fingerprints travel along, so a restored store
        is not rebuilt needlessly."""
        target = Path(target)
        try:
            self.native.backup(str(target))
        except OSError as error:
            raise StoreOpenError(f"Die Sicherung nach {target} ist gescheitert: {error}",
                                 f"The backup to {target} failed: {error}") from error
        fingerprints = None if self.path is None else self.path / FINGERPRINTS
        if fingerprints is not None and fingerprints.is_file():
            shutil.copy2(fingerprints, target / FINGERPRINTS)


def _nq(quads) -> bytes:
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) if quads else b""


# ---------------------------------------------------------------- opening

def _is_lock_error(error: OSError) -> bool:
    # pyoxigraph gives no error code, only RocksDB's text: "While lock file:
    # .../LOCK: Resource temporarily unavailable" from another process, "lock
    # hold by current process" from the same one.
    text = str(error).lower()
    return "lock" in text and "permission denied" not in text


def refuse_if_held(path: str | Path) -> None:
    """StoreBusyError when another process holds the store at path, found
    through RocksDB's own lock file without opening the store: a process
    that opened RocksDB must not fork a worker after (its background
    threads do not survive a fork), and `koopgraph serve` forks granian's."""
    lock = Path(path).expanduser() / "LOCK"
    if not lock.is_file():
        return
    with open(lock, "a+b") as file:
        try:
            fcntl.lockf(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            raise StoreBusyError(
                f"Der Speicher {path} wird von einem anderen Prozess benutzt (läuft `koopgraph serve`?)",
                f"The store {path} is in use by another process (is `koopgraph serve` running?)",
            ) from error
        fcntl.lockf(file, fcntl.LOCK_UN)


def open_store(path: str | Path | None) -> EmbeddedEngine:
    """Open (creating if needed) the store at path; None gives an in-memory
    store for tests and throwaway builds."""
    if path is None:
        return EmbeddedEngine(ox.Store())
    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return EmbeddedEngine(ox.Store(str(path)), path)
    except OSError as error:
        if _is_lock_error(error):
            raise StoreBusyError(
                f"Der Speicher {path} wird von einem anderen Prozess benutzt (läuft `koopgraph serve`?)",
                f"The store {path} is in use by another process (is `koopgraph serve` running?)",
            ) from error
        raise StoreOpenError(
            f"Der Speicher {path} kann nicht geöffnet werden: {error}",
            f"The store {path} cannot be opened: {error}",
        ) from error


def open_read_only(path: str | Path) -> EmbeddedEngine:
    """Open an existing on-disk store for reading only. This works while a
    server holds the store; it sees the data as of the moment it opens."""
    path = Path(path).expanduser()
    if not path.is_dir():
        raise StoreOpenError(
            f"Der Speicher {path} existiert nicht – bitte zuerst `koopgraph build` ausführen.",
            f"The store {path} does not exist – run `koopgraph build` first.",
        )
    for attempt in range(5):
        try:
            return EmbeddedEngine(ox.Store.read_only(str(path)), path)
        except (OSError, RuntimeError) as error:
            # A writer (a running server) may be rotating its files in this very
            # moment; RocksDB then reports "corruption" for a file that just
            # went away. A moment later the open succeeds.
            last = error
            time.sleep(0.05 * (attempt + 1))
    raise StoreOpenError(
        f"Der Speicher {path} kann nicht gelesen werden: {last}", f"The store {path} cannot be read: {last}"
    ) from last


def scratch(triples: Iterable[ox.Triple] = ()) -> EmbeddedEngine:
    """A throwaway in-memory engine holding triples in its default graph:
    for evaluating a mapping or checking a query on no data, and for the
    view a validation runs on."""
    native = ox.Store()
    native.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    return EmbeddedEngine(native)


def restore(source: Path, target: Path) -> tuple[int, Path | None]:
    """Make target a copy of the backup in source; returns the number of
    quads and where the store that was at target went (moved aside, never
    deleted). Refuses while a process (a server) holds target."""
    source, target = Path(source), Path(target)
    try:
        expected = len(ox.Store.read_only(str(source)))
    except OSError as error:
        raise StoreOpenError(f"{source} ist keine lesbare Sicherung: {error}",
                             f"{source} is not a readable backup: {error}") from error
    aside = None
    if target.exists():
        held = open_store(target)  # raises StoreBusyError while a server has it
        del held
        if any(target.iterdir()):
            aside = target.with_name(f"{target.name}.vor-restore-{time.strftime('%Y%m%dT%H%M%S')}")
            target.rename(aside)
        else:
            target.rmdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target)
    restored = open_store(target)
    count = len(restored)
    del restored
    if count != expected:
        raise StoreOpenError(f"Die Wiederherstellung in {target} enthält {count} statt {expected} Quads.",
                             f"The restored store {target} holds {count} quads instead of {expected}.")
    return count, aside


# ---------------------------------------------------------------- exact updates

def _has_blank_node(quad: ox.Quad) -> bool:
    return any(isinstance(t, ox.BlankNode) for t in (quad.subject, quad.object, quad.graph_name))


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
