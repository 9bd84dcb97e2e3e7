"""/dump/koopgraph.<ext>: the whole graph as the downloads the catalogue
lists (data/katalog.ttl), written by the engine from the store."""

from flask import Blueprint, Response

from koopgraph.web import cors
from koopgraph.web.context import current_store
from koopgraph import engine
from koopgraph.engine.formats import EXPORT_FORMATS
from koopgraph.errors import ApiError

bp = Blueprint("dumps", __name__)

MEDIA_TYPES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
               "trig": "application/trig", "nq": "application/n-quads"}


@bp.get("/dump/koopgraph.<ext>")
@cors.read_endpoint
def dump(ext: str) -> Response:
    if ext not in EXPORT_FORMATS:
        raise ApiError(404, f"Diesen Abzug gibt es nicht; vorhanden: {', '.join(EXPORT_FORMATS)}",
                       f"There is no such dump; available: {', '.join(EXPORT_FORMATS)}", "unknown-dump")
    body = engine.export(current_store(), EXPORT_FORMATS[ext])
    return Response(body, content_type=MEDIA_TYPES[ext] + ("; charset=utf-8" if ext in ("ttl", "nt") else ""),
                    headers={"Content-Disposition": f'attachment; filename="koopgraph.{ext}"'})
