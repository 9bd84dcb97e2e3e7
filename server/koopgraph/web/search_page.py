"""Blueprint /search: one box on every page, answered from the full-text
index (domain/search.py) – names, other spellings, places, organisations,
measures and the quotes of the minutes, grouped by kind and linked."""

from flask import Blueprint, Response, jsonify, render_template, request

from koopgraph.errors import ApiError
from koopgraph.web import cors
from koopgraph.web.context import HTML, language, search_index, wants_html

bp = Blueprint("search", __name__)

MAX_QUERY = 100


@bp.get("/search")
@cors.read_endpoint
def search() -> Response:
    """Results for ?q= as a page, or as JSON for programs."""
    text = request.args.get("q", "").strip()
    if len(text) > MAX_QUERY or any(ord(ch) < 32 for ch in text):
        raise ApiError(400, f"Der Suchtext darf höchstens {MAX_QUERY} Zeichen ohne Steuerzeichen haben.",
                       f"The search text may have at most {MAX_QUERY} characters without control characters.",
                       "invalid-parameter", details={"parameter": "q"})
    lang = language()
    groups = search_index().search(text, lang) if text else []
    if wants_html(["application/json"]):
        page = render_template("suche.html", q=text, groups=groups)
        return Response(page, mimetype=HTML)
    return jsonify({"q": text, "groups": [{"kind": g.kind, "title": g.title(lang),
                                           "hits": [vars(h) for h in g.hits]} for g in groups]})
