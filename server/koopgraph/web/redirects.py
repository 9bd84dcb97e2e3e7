"""Blueprint: the addresses pages had before they were named in English
like every other path (docs/architecture.md, "Names"), redirected for good.

308 keeps the method and the body, so a bookmarked form or an old script
that POSTs still arrives; the query string travels along.
"""

from urllib.parse import quote

from flask import Blueprint, Response, redirect, request

bp = Blueprint("redirects", __name__)

MOVED = {  # old path prefix -> new path prefix, longest first
    "/erfassen/bearbeiten/": "/forms/edit/",
    "/erfassen/loeschen/": "/forms/delete/",
    "/erfassen/suche": "/forms/search",
    "/erfassen/": "/forms/",
    "/erfassen": "/forms",
    "/anmelden": "/login",
    "/abmelden": "/logout",
    "/karte": "/map",
}


def _moved(old: str) -> Response:
    new = next(new + old[len(prefix):] for prefix, new in MOVED.items() if old.startswith(prefix))
    query = request.query_string.decode("latin-1")
    return redirect(quote(new, safe="/!$&'()*+,;=:@~") + ("?" + query if query else ""), 308)


@bp.route("/karte", methods=["GET", "HEAD"])
@bp.route("/anmelden", methods=["GET", "POST"])
@bp.route("/abmelden", methods=["GET", "POST"])
@bp.route("/erfassen", methods=["GET"])
@bp.route("/erfassen/<path:rest>", methods=["GET", "POST"])
def moved(rest: str | None = None) -> Response:
    return _moved(request.path)
