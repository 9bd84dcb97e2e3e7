"""Records: adding, replacing and deleting the statements about one thing.

Each write is a submission whose inserted statements live in a named graph
of their own (the submission's), so it can be listed, audited and reverted.
A record's IRI must lie under …/id/; records that come from the source
files are changed in the files, never here.
"""

from koopgraph.domain.origin import is_file_backed
from koopgraph.engine.interface import Delta, Engine
from koopgraph.engine.rdf import NamedNode, Quad, Triple
from koopgraph.namespaces import ID
from koopgraph.writes import gate
from koopgraph.writes.gate import RecordError
from koopgraph.writes.submissions import Entry, Submission


def records_of(triples: tuple[Triple, ...]) -> list[str]:
    """The IRIs a submission describes (its subjects), in first-seen order."""
    return list(dict.fromkeys(t.subject.value for t in triples if isinstance(t.subject, NamedNode)))


def _check_subjects(triples: tuple[Triple, ...]) -> None:
    outside = [t.subject.value for t in triples if isinstance(t.subject, NamedNode) and not t.subject.value.startswith(ID)]
    if outside:
        raise RecordError(400, "outside-id-space",
                          f"Einträge müssen IRIs unter {ID} haben; nicht erlaubt: {outside[0]}",
                          f"Records must have IRIs under {ID}; not allowed: {outside[0]}", iris=outside[:10])
    if not triples:
        raise RecordError(400, "empty", "Die Einreichung enthält keine Aussagen.", "The submission contains no statements.")


def _in(graph: NamedNode, triples) -> list[Quad]:
    return [Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def insert(store: Engine, triples: tuple[Triple, ...], agent: str, shapes=None, *,
           body: bytes | None = None, media_type: str | None = None, operation: str = "einfuegen") -> Submission:
    """Add new records. 409 if any of them exists already, 422 if the
    result would violate the shapes; otherwise one transaction."""
    _check_subjects(triples)

    def plan(graph: NamedNode) -> Delta:
        existing = [iri for iri in records_of(triples)
                    if next(iter(store.quads_for_pattern(NamedNode(iri), None, None, None)), None) is not None]
        if existing:
            raise RecordError(409, "exists", f"Diesen Eintrag gibt es schon: {existing[0]} – Änderungen bitte mit PUT.",
                              f"This record exists already: {existing[0]} – change it with PUT.", iris=existing)
        return Delta(inserts=_in(graph, triples))

    entry = Entry(operation, agent, tuple(records_of(triples)), gate.checksum(body), media_type)
    return gate.commit(store, plan, entry, shapes=shapes)


def _editable(store: Engine, iri: str) -> list[Quad]:
    quads = list(store.quads_for_pattern(NamedNode(iri), None, None, None))
    if not quads:
        raise RecordError(404, "not-found", f"Den Eintrag {iri} gibt es nicht.", f"There is no record {iri}.", iris=[iri])
    if is_file_backed(store, iri):
        raise RecordError(403, "file-backed",
                          "Dieser Eintrag stammt aus den Quelldateien (Protokoll oder amtliche Daten) und wird dort geändert, nicht über die Schnittstelle.",
                          "This record comes from the source files (minutes or official data) and is changed there, not through the API.",
                          iris=[iri])
    return quads


def replace(store: Engine, iri: str, triples: tuple[Triple, ...], agent: str, shapes=None, *,
            body: bytes | None = None, media_type: str | None = None) -> Submission:
    """Replace all statements about one submitted record, atomically."""
    _check_subjects(triples)
    others = [s for s in records_of(triples) if s != iri]
    if others:
        raise RecordError(400, "other-subjects", f"Ein PUT ändert nur {iri}; die Daten beschreiben auch {others[0]}.",
                          f"A PUT changes only {iri}; the data also describes {others[0]}.", iris=others)

    def plan(graph: NamedNode) -> Delta:
        return Delta(inserts=_in(graph, triples), deletes=_editable(store, iri))

    entry = Entry("ersetzen", agent, (iri,), gate.checksum(body), media_type)
    return gate.commit(store, plan, entry, shapes=shapes)


def delete(store: Engine, iri: str, agent: str, shapes=None) -> Submission:
    """Remove a submitted record, unless others still point to it."""
    return gate.commit(store, lambda graph: Delta(deletes=_editable(store, iri)), Entry("loeschen", agent, (iri,)),
                       shapes=shapes)
