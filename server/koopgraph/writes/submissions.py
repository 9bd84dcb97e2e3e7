"""The submission log: who wrote what, when, from what, and what it removed.

Each write becomes a submission (koop:Einreichung): a log entry in the
submissions graph says who made it, when, from what (checksum, media type),
which records it concerns and, as N-Quads, which statements it removed and
(where they do not live in the submission's own graph) added – enough to
list, audit and revert it. This module reads the log and assembles entries;
only the write gate (gate.py) writes them, in the same transaction as the
change they describe.

The operation codes (koop:vorgang) are stable data codes: "einfuegen",
"ersetzen", "loeschen" and "zuruecknahme" for records and reverts,
"sparql-update" and "graph-store" for the two W3C write protocols,
"import" for CSV and RDF imports.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from koopgraph.engine.interface import Engine
from koopgraph.engine.rdf import Literal, NamedNode, Quad, nquads, parse, RdfFormat
from koopgraph.namespaces import AGENT_PREFIX, DCTERMS, KOOP, PROV, RDF_TYPE, RDFS_LABEL, SUBMISSION_PREFIX, \
    SUBMISSIONS_GRAPH, XSD


@dataclass(frozen=True)
class Submission:
    id: str
    graph: str
    operation: str
    agent: str
    time: str
    records: tuple[str, ...]
    reverted: bool = False


@dataclass(frozen=True)
class Entry:
    """What the log says about a write besides its changes."""

    operation: str
    agent: str
    records: tuple[str, ...] = ()
    checksum: str | None = None
    media_type: str | None = None
    data_graph: str | None = None  # where the statements live when not in the submission's own graph (imports)
    reverts: str | None = None  # the submission graph a revert undoes
    log_inserts: bool = False  # keep the added statements in the entry (they live in other graphs)


def _k(name: str) -> NamedNode:
    return NamedNode(KOOP + name)


def _p(name: str) -> NamedNode:
    return NamedNode(PROV + name)


INVALIDATED = _p("invalidatedAtTime")


def new_id() -> str:
    """Readable and sortable by time, unique by a random tail."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y%m%d-%H%M%S") + f"{now.microsecond // 1000:03d}-" + secrets.token_hex(2)


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _datetime(text: str) -> Literal:
    return Literal(text, datatype=NamedNode(XSD + "dateTime"))


def entry_quads(submission: Submission, entry: Entry, removed: list[Quad], added: list[Quad]) -> list[Quad]:
    """The log entry of a submission, as quads in the submissions graph."""
    node, g = NamedNode(submission.graph), NamedNode(SUBMISSIONS_GRAPH)
    agent = NamedNode(AGENT_PREFIX + submission.agent)
    triples = [
        (node, NamedNode(RDF_TYPE), _k("Einreichung")),
        (node, _k("vorgang"), Literal(submission.operation)),
        (node, _k("graph"), NamedNode(entry.data_graph) if entry.data_graph else node),
        (node, _p("wasAttributedTo"), agent),
        (agent, NamedNode(RDF_TYPE), _p("Agent")),
        (agent, NamedNode(RDFS_LABEL), Literal(submission.agent)),
        (node, _p("generatedAtTime"), _datetime(submission.time)),
        *((node, _k("eintrag"), NamedNode(iri)) for iri in submission.records),
    ]
    if removed:
        triples.append((node, _k("entfernteAussagen"), Literal(nquads(removed))))
    if added and entry.log_inserts:
        triples.append((node, _k("eingefuegteAussagen"), Literal(nquads(added))))
    if entry.checksum:
        triples.append((node, _k("pruefsumme"), Literal(entry.checksum)))
    if entry.media_type:
        triples.append((node, NamedNode(DCTERMS + "format"), Literal(entry.media_type)))
    if entry.reverts:
        triples.append((node, _k("zuruecknahmeVon"), NamedNode(entry.reverts)))
    quads = [Quad(s, p, o, g) for s, p, o in triples]
    if entry.reverts:
        quads.append(Quad(NamedNode(entry.reverts), INVALIDATED, _datetime(submission.time), g))
    return quads


def listing(store: Engine) -> list[Submission]:
    """Every submission, oldest first. ?undone itself tells whether it was
    reverted (not BOUND(?undone): Virtuoso answers a boolean expression as
    the integer 1 or 0)."""
    rows = store.query(f"""
        PREFIX koop: <{KOOP}> PREFIX prov: <{PROV}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s ?op ?who ?time (GROUP_CONCAT(STR(?e); SEPARATOR=" ") AS ?records) ?undone
        WHERE {{ GRAPH <{SUBMISSIONS_GRAPH}> {{
            ?s a koop:Einreichung ; koop:vorgang ?op ; prov:wasAttributedTo/rdfs:label ?who ; prov:generatedAtTime ?time .
            OPTIONAL {{ ?s koop:eintrag ?e }} OPTIONAL {{ ?s prov:invalidatedAtTime ?undone }} }} }}
        GROUP BY ?s ?op ?who ?time ?undone ORDER BY ?time ?s""")
    return [Submission(r["s"].value.removeprefix(SUBMISSION_PREFIX), r["s"].value, r["op"].value, r["who"].value,
                       r["time"].value, tuple(r["records"].value.split() if r["records"] else ()), r["undone"] is not None)
            for r in rows]


@dataclass(frozen=True)
class Logged:
    """One entry as read back from the log (for a revert)."""

    reverted: bool
    records: tuple[str, ...]
    added: list[Quad] | None  # None: the statements are the submission graph's content
    removed: list[Quad]


def read_entry(store: Engine, graph: NamedNode) -> Logged | None:
    entry = list(store.quads_for_pattern(graph, None, None, NamedNode(SUBMISSIONS_GRAPH)))
    if not entry:
        return None

    def text(name: str) -> str | None:
        return next((q.object.value for q in entry if q.predicate == _k(name)), None)

    added, removed = text("eingefuegteAussagen"), text("entfernteAussagen")
    return Logged(
        reverted=any(q.predicate == INVALIDATED for q in entry),
        records=tuple(q.object.value for q in entry if q.predicate == _k("eintrag")),
        added=None if added is None else list(parse(added.encode(), format=RdfFormat.N_QUADS)),
        removed=list(parse(removed.encode(), format=RdfFormat.N_QUADS)) if removed else [],
    )


def imported_checksum(store: Engine, graph: NamedNode) -> str | None:
    """The checksum the newest log entry of an import into graph recorded."""
    rows = store.query(f"""
        PREFIX koop: <{KOOP}> PREFIX prov: <{PROV}>
        SELECT ?sum WHERE {{ GRAPH <{SUBMISSIONS_GRAPH}> {{
            ?s koop:vorgang "import" ; koop:graph {graph} ; koop:pruefsumme ?sum ; prov:generatedAtTime ?t }} }}
        ORDER BY DESC(?t) LIMIT 1""")
    return next((row["sum"].value for row in rows), None)
