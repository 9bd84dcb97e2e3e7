"""SPARQL Update through the write gate: parse, authorise, evaluate against
an overlay, then the gate (protected graphs, SHACL, one transaction, log).

How an update is evaluated: rdflib parses the request into its algebra
(parsing.py); each operation is then carried out, in order, against an
*overlay* (overlay.py) – a copy-on-write view of the store – by
evaluation.py, so a later operation sees what an earlier one did while the
real store is not touched. What the overlay holds at the end is the delta:
quads to add, quads to remove, graphs to create and drop. The gate checks
it against protected graphs and SHACL and the engine writes it in one
transaction; blank nodes keep their exact identity, so statements about
stored blank nodes can be removed inside that same transaction.
"""

from collections.abc import Iterable

from koopgraph.domain import access
from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Delta, Engine
from koopgraph.namespaces import ID
from koopgraph.writes import gate
from koopgraph.writes.submissions import Entry, Submission
from koopgraph.writes.update.evaluation import evaluate
from koopgraph.writes.update.parsing import UpdateRefused, check_protocol_dataset, parse, required_right

__all__ = ["UpdateRefused", "caller", "fresh_blank_nodes", "records_in", "run", "summary"]


def records_in(delta: Delta) -> tuple[str, ...]:
    """The Koopgraph records a change concerns: its subjects in the id space."""
    subjects = (q.subject.value for q in (*delta.inserts, *delta.deletes) if isinstance(q.subject, ox.NamedNode))
    return tuple(iri for iri in dict.fromkeys(subjects) if iri.startswith(ID))


def logged_as(operation: str, agent: str, body: bytes | None, media_type: str | None):
    """The log entry of a protocol write (SPARQL Update, Graph Store): its
    records are the subjects it changed, and the added statements are kept
    in the entry, since they live in graphs other than the submission's."""
    return lambda delta: Entry(operation, agent, records_in(delta), gate.checksum(body), media_type, log_inserts=True)


def fresh_blank_nodes(quads: Iterable[ox.Quad], keep: set | frozenset = frozenset()) -> list[ox.Quad]:
    """The quads with every blank node (except those in keep) replaced by a
    new one, the same label by the same new node: data from outside must
    never merge with a blank node the store already has."""
    mapping: dict = {}

    def fresh(term):
        if isinstance(term, ox.BlankNode) and term not in keep:
            return mapping.setdefault(term, ox.BlankNode())
        return term

    return [ox.Quad(fresh(q.subject), q.predicate, fresh(q.object), fresh(q.graph_name)) for q in quads]



def run(store: Engine, text: str, tokens: list[access.Token], authorization: str | None, *, shapes,
        base_iri: str, resources_root: str | None = None, using: list[str] | None = None,
        using_named: list[str] | None = None) -> tuple[Submission | None, Delta]:
    """Authenticate, parse, authorise, evaluate, gate, apply and log one
    update request. Order of refusals: 401 (no valid token), 400 (syntax,
    dataset conflict), 403 (LOAD, SERVICE, missing right), then 400 for an
    operation that fails, 403 for a protected graph, 422 for SHACL."""
    token = caller(tokens, authorization)
    parsed = parse(text, base_iri)
    check_protocol_dataset(parsed, using or [], using_named or [])
    access.require(tokens, authorization, required_right(parsed))
    planned: list[Delta] = []

    def plan(_: ox.NamedNode) -> Delta:
        planned.append(evaluate(store, parsed, resources_root=resources_root, using=using, using_named=using_named))
        return planned[-1]

    entry = logged_as("sparql-update", token.name, text.encode("utf-8"), "application/sparql-update")
    submission = gate.commit(store, plan, entry, shapes=shapes, resources_root=resources_root)
    return submission, planned[-1]


def caller(tokens: list[access.Token], authorization: str | None) -> access.Token:
    """The caller's token, whatever its rights; 401 without a valid one (403
    on a server without tokens). Which right is needed is known only once
    the request has been read."""
    token = access.identify(tokens, authorization) if tokens else None
    if token is None:
        access.require(tokens, authorization, access.WRITE)  # raises the standard 401/403
    return token


def summary(submission: Submission | None, delta: Delta) -> dict:
    """The JSON answer to a successful write."""
    return {
        "submission": None if submission is None else submission.id,
        "graph": None if submission is None else submission.graph,
        "operation": None if submission is None else submission.operation,
        "records": [] if submission is None else list(submission.records),
        "inserted": len(delta.inserts),
        "deleted": len(delta.deletes),
    }
