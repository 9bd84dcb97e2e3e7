"""/healthz: a cheap answer for load balancers and `koopgraph serve` checks
that tells the truth: the store is readable, and whether a query can be
answered now – busy and living query workers, restarts since the start.
503 when no query can be served."""

from flask import Blueprint, Response, jsonify

from koopgraph import engine
from koopgraph.web import cors
from koopgraph.web.context import answers, current_store

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@cors.read_endpoint
def healthz() -> Response:
    """Status, the number of quads in the store (all graphs), the query workers."""
    queries = answers().status()
    serving = queries["alive"] > 0
    response = jsonify(status="ok" if serving else "unavailable", triples=engine.size(current_store()), queries=queries)
    if not serving:
        response.status_code = 503
        response.headers["Retry-After"] = "5"
    return response
