"""/healthz: a cheap answer for load balancers and `koopgraph serve` checks
that proves the app is up and the store is readable."""

from flask import Blueprint, Response, jsonify

from koopgraph.web import cors
from koopgraph.web.context import current_store
from koopgraph import engine

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@cors.read_endpoint
def healthz() -> Response:
    """Status and the number of quads in the store (all graphs)."""
    return jsonify(status="ok", triples=engine.size(current_store()))
