"""Blueprint: checking and writing records over HTTP.

/validate checks RDF in the context of the graph and stores nothing;
/records adds, replaces and deletes records through the same SHACL gate, for
holders of a write token; /submissions lists every write and lets an
administrator revert one. Every request reads top-down: size and type →
parse → gate → answer.
"""

from flask import Blueprint, Response, jsonify, request

from koopgraph.engine import rdf as ox
from koopgraph.domain import access
from koopgraph.writes.submissions import listing as list_submissions
from koopgraph.writes.revert import revert as revert_submission
from koopgraph.writes.submissions import Submission
from koopgraph.web import errors
from koopgraph.web.context import authorization, current_store, shapes, tokens
from koopgraph.engine import rdf_input
from koopgraph.writes import records
from koopgraph.errors import ApiError
from koopgraph.namespaces import ID
from koopgraph.domain.validation import Change, check_change

bp = Blueprint("records", __name__)


def _caller(right: str) -> str:
    return access.require(tokens(), authorization(), right).name


def _parsed_body() -> rdf_input.Parsed:
    """The request body as RDF; the size limit was enforced while reading."""
    try:
        fmt = rdf_input.format_for_media_type(request.content_type)
        return rdf_input.parse(request.get_data(), fmt, "Anfragekörper")
    except rdf_input.UnsupportedFormatError as error:
        raise ApiError(415, error.de, error.en, "unsupported-media-type") from error
    except rdf_input.RdfSyntaxError as error:
        raise ApiError(400, error.de, error.en, "rdf-syntax",
                       details={"line": error.line, "column": error.column}) from error


def _as_candidate(parsed: rdf_input.Parsed) -> Change:
    """Check a file as it would be stored: its records replace what the graph
    says about the same IRIs, new IRIs are simply added."""
    store = current_store()
    old = tuple(q.triple for iri in records.records_of(parsed.triples)
                for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, None))
    return Change(inserts=parsed.triples, deletes=old)


@bp.post("/validate")
def validate() -> Response:
    """SHACL report for the body, in the context of the graph; stores nothing."""
    report = check_change(current_store(), _as_candidate(_parsed_body()), shapes())
    if request.accept_mimetypes.best_match(["application/json", "text/turtle"]) == "text/turtle":
        return Response(report.shacl_graph().serialize(format="turtle"), content_type="text/turtle; charset=utf-8")
    return jsonify(errors.report_json(report))


def _record_iri(key: str) -> str:
    """The IRI a /records/<key> URL names: the key is the IRI's path below
    …/id/, written with or without its leading "id/" (as in the Location
    header of a new record). A key that makes no IRI is a 400, not a crash."""
    iri = ID + key.removeprefix("id/")
    try:
        ox.NamedNode(iri)
    except ValueError as error:
        raise ApiError(400, f"„{key[:80]}“ ergibt keine gültige IRI: {error}", f"'{key[:80]}' makes no valid IRI: {error}",
                       "invalid-record-iri") from error
    return iri


def _written(submission: Submission, status: int) -> Response:
    response = jsonify({"submission": submission.id, "graph": submission.graph, "operation": submission.operation,
                        "records": list(submission.records)})
    response.status_code = status
    if status == 201 and submission.records:
        response.headers["Location"] = "/id/" + submission.records[0].removeprefix(ID)
    return response


@bp.post("/records")
def create() -> Response:
    who = _caller(access.WRITE)
    parsed = _parsed_body()
    submission = records.insert(current_store(), parsed.triples, who, shapes(),
                                body=request.get_data(), media_type=request.mimetype)
    return _written(submission, 201)


@bp.put("/records/<path:key>")
def replace(key: str) -> Response:
    who = _caller(access.WRITE)
    parsed = _parsed_body()
    submission = records.replace(current_store(), _record_iri(key), parsed.triples, who, shapes(),
                                 body=request.get_data(), media_type=request.mimetype)
    return _written(submission, 200)


@bp.delete("/records/<path:key>")
def remove(key: str) -> Response:
    who = _caller(access.WRITE)
    submission = records.delete(current_store(), _record_iri(key), who, shapes())
    return _written(submission, 200)


@bp.get("/submissions")
def listing() -> Response:
    return jsonify({"submissions": [
        {"id": s.id, "graph": s.graph, "operation": s.operation, "agent": s.agent, "time": s.time,
         "records": list(s.records), "reverted": s.reverted} for s in list_submissions(current_store())]})


@bp.post("/submissions/<sid>/revert")
def revert(sid: str) -> Response:
    who = _caller(access.ADMIN)
    submission = revert_submission(current_store(), sid, who, shapes())
    return _written(submission, 200)
