"""Writing records: every change passes the SHACL gate and lands in one
transaction, with its provenance, or not at all.

Each write becomes a submission (koop:Einreichung): its inserted statements
live in a named graph of their own, and a log entry in the submissions graph
says who made it, when, from what, and which statements it removed – enough
to list, audit and revert it. Writes are serialised by one lock, so the
check ("does this IRI exist?", "is the result valid?") and the write cannot
be overtaken by another writer.
"""

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

import pyoxigraph as ox

from koopgraph.errors import KoopgraphError
from koopgraph.sources import GRAPH, ID
from koopgraph.domain.validation import Change, Report, check_change

SUBMISSIONS_GRAPH = GRAPH + "einreichungen"
SUBMISSION_PREFIX = GRAPH + "einreichung/"
AGENT_PREFIX = ID + "zugang/"
FILE_GRAPHS = ("ontology", "shapes", "katalog", "seed", "opendata")
KOOP = "https://w3id.org/koopgraph/ontology#"
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DCT_FORMAT = ox.NamedNode("http://purl.org/dc/terms/format")

WRITE_LOCK = threading.RLock()


class RecordError(KoopgraphError):
    """A write that cannot be done as asked; status says how to answer it."""

    def __init__(self, status: int, code: str, de: str, en: str, report: Report | None = None,
                 iris: list[str] | None = None) -> None:
        self.status, self.code, self.report, self.iris = status, code, report, iris or []
        super().__init__(de, en)


@dataclass(frozen=True)
class Submission:
    id: str
    graph: str
    operation: str
    agent: str
    time: str
    records: tuple[str, ...]
    reverted: bool = False


def _k(name: str) -> ox.NamedNode:
    return ox.NamedNode(KOOP + name)


def _p(name: str) -> ox.NamedNode:
    return ox.NamedNode(PROV + name)


def new_id() -> str:
    """Readable and sortable by time, unique by a random tail."""
    now = datetime.now(timezone.utc)
    return now.strftime("%Y%m%d-%H%M%S") + f"{now.microsecond // 1000:03d}-" + secrets.token_hex(2)


def records_of(triples: tuple[ox.Triple, ...]) -> list[str]:
    """The IRIs a submission describes (its subjects), in first-seen order."""
    return list(dict.fromkeys(t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)))


def _is_file_backed(store: ox.Store, iri: ox.NamedNode) -> bool:
    return any(q.graph_name.value.startswith(tuple(GRAPH + g for g in FILE_GRAPHS))
               for q in store.quads_for_pattern(iri, None, None, None) if isinstance(q.graph_name, ox.NamedNode))


def _check_subjects(triples: tuple[ox.Triple, ...]) -> None:
    outside = [t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode) and not t.subject.value.startswith(ID)]
    if outside:
        raise RecordError(400, "outside-id-space",
                          f"Einträge müssen IRIs unter {ID} haben; nicht erlaubt: {outside[0]}",
                          f"Records must have IRIs under {ID}; not allowed: {outside[0]}", iris=outside[:10])
    if not triples:
        raise RecordError(400, "empty", "Die Einreichung enthält keine Aussagen.", "The submission contains no statements.")


def _gate(store: ox.Store, change: Change, shapes) -> None:
    report = check_change(store, change, shapes)
    if not report.conforms:
        raise RecordError(422, "shacl-violation", "Die Einträge verletzen die Prüfregeln (SHACL); nichts wurde gespeichert.",
                          "The records violate the shapes (SHACL); nothing was stored.", report=report)


def _nquads(quads: list[ox.Quad]) -> str:
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")


def _log(submission: Submission, removed: list[ox.Quad], checksum: str | None, media_type: str | None,
         reverts: str | None = None, added: list[ox.Quad] | None = None,
         data_graph: str | None = None) -> list[ox.Quad]:
    """The log entry of a submission, as quads in the submissions graph.

    added: for writes whose statements do not live in the submission's own
    graph (Graph Store, SPARQL Update), the inserted statements as N-Quads,
    so a revert removes exactly those. data_graph: where the statements
    live when it is not the submission's own graph (imports)."""
    node, g = ox.NamedNode(submission.graph), ox.NamedNode(SUBMISSIONS_GRAPH)
    agent = ox.NamedNode(AGENT_PREFIX + submission.agent)
    triples = [
        (node, RDF_TYPE, _k("Einreichung")),
        (node, _k("vorgang"), ox.Literal(submission.operation)),
        (node, _k("graph"), ox.NamedNode(data_graph) if data_graph else node),
        (node, _p("wasAttributedTo"), agent),
        (agent, RDF_TYPE, _p("Agent")),
        (agent, RDFS_LABEL, ox.Literal(submission.agent)),
        (node, _p("generatedAtTime"), ox.Literal(submission.time, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime"))),
        *((node, _k("eintrag"), ox.NamedNode(iri)) for iri in submission.records),
    ]
    if removed:
        triples.append((node, _k("entfernteAussagen"), ox.Literal(_nquads(removed))))
    if added:
        triples.append((node, _k("eingefuegteAussagen"), ox.Literal(_nquads(added))))
    if checksum:
        triples.append((node, _k("pruefsumme"), ox.Literal(checksum)))
    if media_type:
        triples.append((node, DCT_FORMAT, ox.Literal(media_type)))
    if reverts:
        triples.append((node, _k("zuruecknahmeVon"), ox.NamedNode(reverts)))
    return [ox.Quad(s, p, o, g) for s, p, o in triples]


def _apply(store: ox.Store, inserts: list[ox.Quad], deletes: list[ox.Quad]) -> None:
    """One transaction: all or nothing, blank nodes included (the update
    module writes statements about existing blank nodes exactly)."""
    from koopgraph.writes.update import Delta, apply  # update builds on this module

    apply(store, Delta(inserts=list(inserts), deletes=list(deletes)))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _checksum(body: bytes | None) -> str | None:
    return None if body is None else "sha256:" + hashlib.sha256(body).hexdigest()


def insert(store: ox.Store, triples: tuple[ox.Triple, ...], agent: str, shapes=None, *,
           body: bytes | None = None, media_type: str | None = None, operation: str = "einfuegen") -> Submission:
    """Add new records. 409 if any of them exists already, 422 if the
    result would violate the shapes; otherwise one transaction."""
    _check_subjects(triples)
    with WRITE_LOCK:
        existing = [iri for iri in records_of(triples)
                    if next(iter(store.quads_for_pattern(ox.NamedNode(iri), None, None, None)), None) is not None]
        if existing:
            raise RecordError(409, "exists", f"Diesen Eintrag gibt es schon: {existing[0]} – Änderungen bitte mit PUT.",
                              f"This record exists already: {existing[0]} – change it with PUT.", iris=existing)
        _gate(store, Change(inserts=triples), shapes)
        return _commit(store, triples, [], agent, operation, records_of(triples), body, media_type)


def _commit(store, triples, removed, agent, operation, records, body, media_type, reverts=None) -> Submission:
    sid = new_id()
    submission = Submission(sid, SUBMISSION_PREFIX + sid, operation, agent, _now(), tuple(records))
    graph = ox.NamedNode(submission.graph)
    inserts = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    _apply(store, inserts + _log(submission, removed, _checksum(body), media_type, reverts), removed)
    return submission


def _record_quads(store: ox.Store, iri: str) -> list[ox.Quad]:
    return list(store.quads_for_pattern(ox.NamedNode(iri), None, None, None))


def _editable(store: ox.Store, iri: str) -> list[ox.Quad]:
    quads = _record_quads(store, iri)
    if not quads:
        raise RecordError(404, "not-found", f"Den Eintrag {iri} gibt es nicht.", f"There is no record {iri}.", iris=[iri])
    if _is_file_backed(store, ox.NamedNode(iri)):
        raise RecordError(403, "file-backed",
                          "Dieser Eintrag stammt aus den Quelldateien (Protokoll oder amtliche Daten) und wird dort geändert, nicht über die Schnittstelle.",
                          "This record comes from the source files (minutes or official data) and is changed there, not through the API.",
                          iris=[iri])
    return quads


def replace(store: ox.Store, iri: str, triples: tuple[ox.Triple, ...], agent: str, shapes=None, *,
            body: bytes | None = None, media_type: str | None = None) -> Submission:
    """Replace all statements about one submitted record, atomically."""
    _check_subjects(triples)
    others = [s for s in records_of(triples) if s != iri]
    if others:
        raise RecordError(400, "other-subjects", f"Ein PUT ändert nur {iri}; die Daten beschreiben auch {others[0]}.",
                          f"A PUT changes only {iri}; the data also describes {others[0]}.", iris=others)
    with WRITE_LOCK:
        old = _editable(store, iri)
        _gate(store, Change(inserts=triples, deletes=tuple(q.triple for q in old)), shapes)
        return _commit(store, triples, old, agent, "ersetzen", [iri], body, media_type)


def delete(store: ox.Store, iri: str, agent: str, shapes=None) -> Submission:
    """Remove a submitted record, unless others still point to it."""
    with WRITE_LOCK:
        old = _editable(store, iri)
        _gate(store, Change(deletes=tuple(q.triple for q in old)), shapes)
        return _commit(store, (), old, agent, "loeschen", [iri], None, None)


def submissions(store: ox.Store) -> list[Submission]:
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


def revert(store: ox.Store, sid: str, agent: str, shapes=None) -> Submission:
    """Undo one submission: remove what it inserted, restore what it removed."""
    try:
        graph = ox.NamedNode(SUBMISSION_PREFIX + sid)
    except ValueError:  # no IRI, so no submission of ours
        raise RecordError(404, "unknown-submission", f"Die Einreichung {sid[:80]} gibt es nicht.",
                          f"There is no submission {sid[:80]}.") from None
    log = ox.NamedNode(SUBMISSIONS_GRAPH)
    with WRITE_LOCK:
        entry = list(store.quads_for_pattern(graph, None, None, log))
        if not entry:
            raise RecordError(404, "unknown-submission", f"Die Einreichung {sid} gibt es nicht.", f"There is no submission {sid}.")
        if any(q.predicate == _p("invalidatedAtTime") for q in entry):
            raise RecordError(409, "already-reverted", f"Die Einreichung {sid} ist schon zurückgenommen.",
                              f"The submission {sid} has already been reverted.")
        added_text = next((q.object.value for q in entry if q.predicate == _k("eingefuegteAussagen")), None)
        inserted = (list(ox.parse(added_text.encode(), format=ox.RdfFormat.N_QUADS)) if added_text is not None
                    else list(store.quads_for_pattern(None, None, None, graph)))
        removed_text = next((q.object.value for q in entry if q.predicate == _k("entfernteAussagen")), "")
        restore = list(ox.parse(removed_text.encode(), format=ox.RdfFormat.N_QUADS)) if removed_text else []
        change = Change(inserts=tuple(q.triple for q in restore), deletes=tuple(q.triple for q in inserted))
        _gate(store, change, shapes)
        records = [q.object.value for q in entry if q.predicate == _k("eintrag")]
        return _commit_revert(store, sid, inserted, restore, agent, records)


def _commit_revert(store, sid, inserted, restore, agent, records) -> Submission:
    rid = new_id()
    undo = Submission(rid, SUBMISSION_PREFIX + rid, "zuruecknahme", agent, _now(), tuple(records))
    mark = ox.Quad(ox.NamedNode(SUBMISSION_PREFIX + sid), _p("invalidatedAtTime"),
                   ox.Literal(undo.time, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")),
                   ox.NamedNode(SUBMISSIONS_GRAPH))
    _apply(store, restore + _log(undo, inserted, None, None, reverts=SUBMISSION_PREFIX + sid) + [mark], inserted)
    return undo
