"""Undoing one submission: what it inserted is removed, what it removed is
restored, and the log marks it as reverted – itself a submission, through
the same gate (so a revert that would break the shapes is refused)."""

from koopgraph.engine.interface import Delta, Engine
from koopgraph.engine.rdf import NamedNode
from koopgraph.namespaces import SUBMISSION_PREFIX
from koopgraph.writes import gate
from koopgraph.writes.gate import RecordError
from koopgraph.writes.submissions import Entry, Submission, read_entry


def _unknown(sid: str) -> RecordError:
    return RecordError(404, "unknown-submission", f"Die Einreichung {sid[:80]} gibt es nicht.",
                       f"There is no submission {sid[:80]}.")


def revert(store: Engine, sid: str, agent: str, shapes=None) -> Submission:
    try:
        graph = NamedNode(SUBMISSION_PREFIX + sid)
    except ValueError:  # no IRI, so no submission of ours
        raise _unknown(sid) from None
    records: list[tuple[str, ...]] = []

    def plan(_: NamedNode) -> Delta:
        logged = read_entry(store, graph)
        if logged is None:
            raise _unknown(sid)
        if logged.reverted:
            raise RecordError(409, "already-reverted", f"Die Einreichung {sid} ist schon zurückgenommen.",
                              f"The submission {sid} has already been reverted.")
        records.append(logged.records)
        inserted = logged.added if logged.added is not None else list(store.quads_for_pattern(None, None, None, graph))
        return Delta(inserts=logged.removed, deletes=inserted)

    def entry(_: Delta) -> Entry:  # the records are known once the log has been read under the lock
        return Entry("zuruecknahme", agent, records[0], reverts=graph.value)

    return gate.commit(store, plan, entry, shapes=shapes)
