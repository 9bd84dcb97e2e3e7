"""The one interface to an RDF engine.

Koopgraph runs on an embedded pyoxigraph store (embedded.py) or on any
SPARQL 1.1 engine over HTTP (remote.py). Both implement Engine below; the
rest of the code holds an Engine and never asks which one it is. The read
side speaks pyoxigraph's vocabulary (its method names and keyword
arguments), since that is what the embedded engine is; the write side is
Koopgraph's own and is called only by the write gate (writes/gate.py),
which holds the write lock around it.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from koopgraph.engine.rdf import GraphName, Quad, Result, Triple
from koopgraph.errors import KoopgraphError


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


@dataclass
class Delta:
    """A change as the engine applies it: quads to remove, quads to add,
    named graphs to create (empty) and to drop."""

    inserts: list[Quad] = field(default_factory=list)
    deletes: list[Quad] = field(default_factory=list)
    create: list = field(default_factory=list)
    drop: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.inserts or self.deletes or self.create or self.drop)

    def graphs(self) -> set:
        return {q.graph_name for q in self.inserts} | {q.graph_name for q in self.deletes} | set(self.create) | set(self.drop)


class Engine(Protocol):
    """What Koopgraph needs from an RDF engine."""

    remote: bool  # on another server: backups and bulk speed are the engine's own business

    # ---- reading (anyone may)

    def query(self, query: str, *, base_iri: str | None = None, use_default_graph_as_union: bool = False,
              default_graph: Any = None, named_graphs: Any = None, substitutions: Any = None) -> Result: ...

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> Iterable[Quad]: ...  # noqa: A002

    def __contains__(self, quad: Quad) -> bool: ...

    def __len__(self) -> int: ...

    def contains_named_graph(self, graph: GraphName) -> bool: ...

    def named_graphs(self) -> Iterator: ...

    def dump(self, output=None, format=None, *, from_graph=None) -> bytes | None: ...  # noqa: A002

    def version(self) -> str:
        """An opaque token that changes whenever the content changes through
        Koopgraph; answer caches and ETags are keyed by it."""

    def fingerprints(self) -> dict[str, str]:
        """graph IRI -> digest of the files it was last built from."""

    def atomic_limit(self) -> int | None:
        """The most statements apply() writes all or nothing (None: any number)."""

    # ---- writing (writes/gate.py only, under the write lock)

    def apply(self, delta: Delta) -> None:
        """The whole delta in one transaction: all or nothing."""

    def write_quads(self, inserts: list[Quad], deletes: list[Quad],
                    progress: Callable[[int], None] | None = None) -> None:
        """Many quads, not in one transaction (imports)."""

    def replace_graph(self, graph_iri: str, triples: list[Triple]) -> None:
        """A graph's whole content; readers see the old or the new graph."""

    def load_graph(self, graph: GraphName, quads: Iterable[Quad]) -> int:
        """Empty the graph, then stream quads into it at bulk speed; returns how many."""

    def drop_graph(self, graph_iri: str) -> None: ...

    def set_fingerprints(self, fingerprints: dict[str, str]) -> None: ...

    def flush(self) -> None: ...

    def backup(self, target: Path) -> None: ...
