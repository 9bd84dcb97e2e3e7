"""The only module that talks to pyoxigraph.

Keeping the store behind these few functions means the rest of the code
never has to know which triple store is used, and the project's rules (one
named graph per source folder, default graph = union of all named graphs)
are enforced in one place.
"""

import hashlib
import json
import shutil
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from koopgraph.engine import binding, sparqltext
from koopgraph import resources
from koopgraph.errors import KoopgraphError
from koopgraph.engine.remote import VERSION_GRAPH
from koopgraph.sources import ONTOLOGY_GRAPH, GraphSource, graph_sources

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


class StoreBusyError(KoopgraphError):
    """Another process (usually `koopgraph serve`) holds the store's lock."""


class StoreOpenError(KoopgraphError):
    """The store directory cannot be used for another reason."""


class QuerySyntaxError(KoopgraphError):
    """The SPARQL text does not parse; detail is the parser's own message."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"Syntaxfehler in der SPARQL-Abfrage: {detail}", f"Syntax error in the SPARQL query: {detail}")


class QueryNotSupportedError(KoopgraphError):
    """The query parses but cannot be run here, e.g. it calls a function the
    engine does not know."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(
            f"Die Abfrage kann nicht ausgeführt werden: {detail}",
            f"The query cannot be run: {detail}",
        )


class InvalidIriError(KoopgraphError):
    """A graph name given for the dataset is not an IRI."""


class SourceError(KoopgraphError):
    """An RDF file cannot be read or parsed."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = " ".join(detail.split())  # one line, whatever the parser says
        super().__init__(
            f"Fehler in {path}: {self.detail}",
            f"Error in {path}: {self.detail}",
        )


def _is_lock_error(error: OSError) -> bool:
    # pyoxigraph gives no error code, only RocksDB's text: "While lock file:
    # .../LOCK: Resource temporarily unavailable" from another process, "lock
    # hold by current process" from the same one.
    text = str(error).lower()
    return "lock" in text and "permission denied" not in text


def open_read_only(path: str | Path) -> ox.Store:
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
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as error:
            # A writer (a running server) may be rotating its files in this very
            # moment; RocksDB then reports "corruption" for a file that just
            # went away. A moment later the open succeeds.
            last = error
            time.sleep(0.05 * (attempt + 1))
    raise StoreOpenError(
        f"Der Speicher {path} kann nicht gelesen werden: {last}", f"The store {path} cannot be read: {last}"
    ) from last


def open_store(path: str | Path | None) -> ox.Store:
    """Open (creating if needed) the store at path; None gives an in-memory
    store for tests and throwaway builds."""
    if path is None:
        return ox.Store()
    path = Path(path).expanduser()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
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


def _parse(path: Path) -> list[ox.Triple]:
    """All triples of one file. Graph names inside TriG are dropped on
    purpose: the file's location alone decides its graph."""
    try:
        data = path.read_bytes()
        quads = ox.parse(data, format=_FORMATS[path.suffix.lower()], rename_blank_nodes=False)
        return _stable_blank_nodes([quad.triple for quad in quads], f"{path.parent.name}/{path.name}", data)
    except SyntaxError as error:
        detail = error.msg if isinstance(error.msg, str) else str(error)
        if error.lineno and f"line {error.lineno}" not in detail:
            detail = f"line {error.lineno}: {detail}"
        raise SourceError(path, detail) from error
    except (OSError, ValueError) as error:
        raise SourceError(path, str(error)) from error


def _stable_blank_nodes(triples: list[ox.Triple], name: str, data: bytes) -> list[ox.Triple]:
    """Blank nodes renamed after the file and their order of appearance:
    `_:x` in two files stays apart, and building the same file twice gives
    the same nodes, so a rebuild changes nothing (also on a remote engine)."""
    prefix = "f" + hashlib.sha256(name.encode() + b"\0" + data).hexdigest()[:12] + "b"
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"{prefix}{len(names)}"))
        return term

    return [ox.Triple(stable(t.subject), t.predicate, stable(t.object)) for t in triples]


# ---------------------------------------------------------------- version

# pyoxigraph stores take neither attributes nor weak references, so the
# version of each open store is kept here, by identity. Only one process can
# open an on-disk store, so this process sees every write to it.
_VERSIONS: dict[int, str] = {}


def is_remote(store) -> bool:
    """A store on another server (remote.RemoteStore) rather than embedded."""
    return getattr(store, "remote", False)


def version(store: ox.Store) -> str:
    """An opaque token that changes whenever the store's content changes
    through Koopgraph (every writer calls changed()); answer caches and
    ETags are keyed by it. A remote store keeps it in the engine, where
    every Koopgraph instance sees it."""
    if is_remote(store):
        return store.version()
    current = _VERSIONS.get(id(store))
    return current if current is not None else _VERSIONS.setdefault(id(store), uuid.uuid4().hex)


def changed(store: ox.Store) -> None:
    """Tell readers the content changed: call after every committed write.
    (A remote store's writes change its version in the same request.)"""
    if not is_remote(store):
        _VERSIONS[id(store)] = uuid.uuid4().hex


def write_quads(store: ox.Store, inserts: list[ox.Quad], deletes: list[ox.Quad],
                progress: Callable[[int], None] | None = None) -> None:
    """Remove, then add many quads (imports): the embedded store directly,
    a remote one in requests of a few thousand statements."""
    if is_remote(store):
        if deletes:
            store.apply(deletes=deletes)
        store.extend(inserts, progress)
    else:
        for quad in deletes:
            store.remove(quad)
        store.extend(inserts)
    changed(store)


def _replace_graph(store: ox.Store, graph_iri: str, triples: list[ox.Triple]) -> None:
    # One SPARQL update is one transaction in Oxigraph, so readers see either
    # the old or the new graph, never an empty or half-filled one.
    if is_remote(store):
        store.replace_graph(graph_iri, triples)
        return
    graph = ox.NamedNode(graph_iri)
    body = " .\n".join(str(triple) for triple in triples)
    update = f"DROP SILENT GRAPH {graph}"
    if body:
        update += f" ;\nINSERT DATA {{ GRAPH {graph} {{\n{body} .\n}} }}"
    store.update(update)


def _count(store: ox.Store, graph_iri: str) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri)))


FINGERPRINTS = "koopgraph-sources.json"


def fingerprint(source: GraphSource, root: Path) -> str:
    """A digest of a graph's files (names and bytes): equal digests mean the
    graph would be rebuilt with exactly the same content."""
    digest = hashlib.sha256()
    for path in source.files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def read_fingerprints(store_path: Path | None) -> dict[str, str]:
    """graph IRI -> digest of the files it was last built from.

    Kept beside the store's files, not in the store: bookkeeping must not
    show up in anyone's query results. A missing or unreadable file only
    means a full rebuild of the file-backed graphs, which is always safe.
    """
    path = None if store_path is None else Path(store_path) / FINGERPRINTS
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else {}
    except (OSError, ValueError):
        return {}


def write_fingerprints(store_path: Path | None, fingerprints: dict[str, str]) -> None:
    if store_path is not None:
        target = Path(store_path) / FINGERPRINTS
        partial = target.with_suffix(".tmp")
        partial.write_text(json.dumps(fingerprints, indent=1, sort_keys=True), encoding="utf-8")
        partial.replace(target)


def build(store: ox.Store, root: Path | None = None, *, store_path: Path | None = None,
          only_changed: bool = False, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Replace the file-backed graphs with the current file contents.

    With only_changed (a server starting after an upgrade), graphs whose
    files are unchanged since the last build of the store at store_path are
    left alone, and graphs whose folder is gone are dropped. All files are
    parsed before the store is touched, so a syntax error leaves the store
    exactly as it was. Graphs that do not come from files (submissions,
    imports) are never touched. Returns the triple count of every graph that
    was (re)built.
    """
    root = resources.root() if root is None else Path(root)
    sources = graph_sources(root)
    recorded = store.fingerprints() if is_remote(store) else read_fingerprints(store_path)
    current = {s.graph_iri: fingerprint(s, root) for s in sources}
    todo = [s for s in sources if not only_changed or recorded.get(s.graph_iri) != current[s.graph_iri]]
    parsed = [(s.graph_iri, [t for path in s.files for t in _parse(path)]) for s in todo]
    counts: dict[str, int] = {}
    for graph_iri, triples in parsed:
        if progress is not None:
            progress(graph_iri)
        _replace_graph(store, graph_iri, triples)
        counts[graph_iri] = _count(store, graph_iri)
    for gone in set(recorded) - set(current):
        store.update(f"DROP SILENT GRAPH <{gone}>")
    if parsed or set(recorded) - set(current):
        changed(store)
    if is_remote(store):
        if current != recorded:
            store.set_fingerprints(current)
    else:
        write_fingerprints(store_path, current)
    return counts


def _graphs(iris: Iterable[str]) -> list[ox.NamedNode]:
    try:
        return [ox.NamedNode(iri) for iri in iris]
    except ValueError as error:
        raise InvalidIriError(
            f"Ungültige Graph-IRI: {error}",
            f"Invalid graph IRI: {error}",
        ) from error


def _dataset(
    sparql: str, strict: bool, default_graphs: Iterable[str] | None, named_graphs: Iterable[str] | None
) -> dict[str, Any]:
    """pyoxigraph's dataset arguments for one query.

    An explicit dataset (SPARQL protocol parameters) replaces the query's
    own FROM/FROM NAMED, and what it leaves out is empty, as the protocol
    says. Otherwise the union rule applies, except in strict mode and for
    queries with their own FROM: pyoxigraph's union flag would silently
    override those.
    """
    if default_graphs is not None or named_graphs is not None:
        return {"default_graph": _graphs(default_graphs or ()), "named_graphs": _graphs(named_graphs or ())}
    if strict or "FROM" in sparqltext.keywords(sparql):
        return {}
    return {"use_default_graph_as_union": True}


def query(
    store: ox.Store,
    sparql: str,
    *,
    strict: bool = False,
    default_graphs: Iterable[str] | None = None,
    named_graphs: Iterable[str] | None = None,
    base_iri: str | None = None,
    substitutions: dict[str | ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal] | None = None,
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    """Run a SPARQL query with the project's rule: the default graph is the
    union of all named graphs (unless strict or an explicit dataset is given).

    substitutions binds variables to RDF terms: they are written into the
    text as terms (binding.py), never as the user's raw text, or else handed
    to the engine's own substitution. The result is lazy: evaluation mostly
    happens while it is serialized or iterated.
    """
    bindings = {ox.Variable(k) if isinstance(k, str) else k: term for k, term in (substitutions or {}).items()}
    if bindings:
        try:  # constants are planned better than substituted variables (binding.py)
            sparql = binding.bind_text(sparql, {v.value: term for v, term in bindings.items()})
            bindings = {}
        except binding.BindError:
            pass  # e.g. a blank node: the engine's own substitution
    dataset = _dataset(sparql, strict, default_graphs, named_graphs)
    try:
        return store.query(sparql, base_iri=base_iri, substitutions=bindings or None, **dataset)
    except SyntaxError as error:
        raise QuerySyntaxError(error.msg if isinstance(error.msg, str) else str(error)) from error
    except RuntimeError as error:  # pyoxigraph's word for "parsed, but cannot plan it"
        raise QueryNotSupportedError(str(error)) from error


def result_kind(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> str:
    """"solutions", "boolean" or "graph": what a query result can be serialized as."""
    if isinstance(result, ox.QuerySolutions):
        return "solutions"
    if isinstance(result, ox.QueryBoolean):
        return "boolean"
    return "graph"


def triple_count(store: ox.Store, *, strict: bool = False) -> int:
    """Distinct triples in the default graph queries see: the union of all
    graphs (pyoxigraph includes the store's own default graph, which builds
    leave empty), or in strict mode the store's own default graph.

    DISTINCT because pyoxigraph's union is a bag: a triple stated in two
    graphs matches twice, though the merged graph holds it once.
    """
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    rows = query(store, sparql, strict=strict)
    return int(next(iter(rows))["n"].value)


_CLASS_COUNTS = f"""
SELECT ?class (COUNT(DISTINCT ?instance) AS ?n) WHERE {{
  ?instance <{RDF_TYPE}> ?class .
  FILTER(isIRI(?class))
}} GROUP BY ?class
"""

_GERMAN_LABELS = f"""
SELECT ?class ?label WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?class <{RDFS_LABEL}> ?label }}
  FILTER(langMatches(lang(?label), "de"))
}}
"""


def class_counts(store: ox.Store) -> list[tuple[str, str | None, int]]:
    """(class IRI, German label or None, distinct instances), most frequent
    first, ties by IRI, so the stats table is stable between runs."""
    labels: dict[str, str] = {}
    for row in query(store, _GERMAN_LABELS):
        iri, label = row["class"].value, row["label"].value
        # Several German labels: keep the smallest, deterministically.
        if iri not in labels or label < labels[iri]:
            labels[iri] = label
    counts = [(row["class"].value, int(row["n"].value)) for row in query(store, _CLASS_COUNTS)]
    return [(iri, labels.get(iri), n) for iri, n in sorted(counts, key=lambda c: (-c[1], c[0]))]


def graph_counts(store: ox.Store) -> list[tuple[str, int]]:
    """(named graph IRI, triples) for every named graph, sorted by IRI."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    counts = [(row["g"].value, int(row["n"].value)) for row in rows
              if isinstance(row["g"], ox.NamedNode) and row["g"].value != VERSION_GRAPH]
    return sorted(counts)


def is_empty(store: ox.Store) -> bool:
    """True when the store holds no triples at all (never built)."""
    return len(store) == 0


def size(store: ox.Store) -> int:
    """All quads in the store, in every graph."""
    return len(store)


def load_triples(store: ox.Store, path: Path, graph_iri: str | None = None) -> None:
    """Add one RDF file to graph_iri, or to the store's default graph.

    For test fixtures and data that is not part of the packaged sources;
    build() remains the way to load the project's own files.
    """
    graph = ox.DefaultGraph() if graph_iri is None else ox.NamedNode(graph_iri)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in _parse(Path(path)))
    changed(store)


_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def export(store: ox.Store, fmt: ox.RdfFormat) -> bytes:
    """The store as one document: triple formats get the union of all graphs
    (each statement once), dataset formats every graph under its name."""
    if fmt.supports_datasets:
        return store.dump(format=fmt)
    return store.query(_UNION, use_default_graph_as_union=True).serialize(format=fmt)


def backup(store: ox.Store, target: Path, store_path: str | Path | None = None) -> None:
    """A consistent copy of an on-disk store in target (which must not
    exist), usable as a store directory; it works while the store is in
    use, also by other threads. The build fingerprints travel along, so a
    restored store is not rebuilt needlessly."""
    target = Path(target)
    try:
        store.backup(str(target))
    except OSError as error:
        raise StoreOpenError(f"Die Sicherung nach {target} ist gescheitert: {error}",
                             f"The backup to {target} failed: {error}") from error
    fingerprints = None if store_path is None else Path(store_path) / FINGERPRINTS
    if fingerprints is not None and fingerprints.is_file():
        shutil.copy2(fingerprints, target / FINGERPRINTS)


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
