"""Blueprint /map: a named question's answer per Kreis on the map of
Schleswig-Holstein, with a table of the same answers."""

from flask import Blueprint, Response, render_template, request

from koopgraph.domain import choropleth
from koopgraph.errors import ApiError
from koopgraph.web.context import current_store, language, named_questions

bp = Blueprint("map", __name__)


@bp.get("/map")
def map_page() -> str:
    """The map for the chosen question (?frage=), with a table of the same answers."""
    question, rows, svg = _drawn()
    labels = {c.value: c for c in question.categories}
    table = [(ags, name, value, labels.get(value)) for ags, name, value in rows]
    return render_template("karte.html", svg=svg, question=question, questions=choropleth.MAP_QUESTIONS.values(),
                           table=table, attribution=(choropleth.ATTRIBUTION, choropleth.ATTRIBUTION_URL))


@bp.get("/map.svg")
def map_svg() -> Response:
    """The same map as an SVG file to download (links to the profiles on this server)."""
    question, _, svg = _drawn(request.host_url.rstrip("/") + "/id/region/")
    return Response(svg, mimetype="image/svg+xml",
                    headers={"Content-Disposition": f'attachment; filename="karte-{question.key}.svg"'})


def _drawn(link: str = "/id/region/"):
    """The chosen question, its answers per region and the map drawn from them."""
    key = request.args.get("frage", "formaleKooperation")
    question = choropleth.MAP_QUESTIONS.get(key)
    if question is None:
        known = ", ".join(choropleth.MAP_QUESTIONS)
        raise ApiError(400, f"Unbekannte Frage „{key}“; möglich: {known}", f"Unknown question '{key}'; possible: {known}",
                       "unknown-map-question")
    named = named_questions().get(question.query)
    if named is None:
        raise ApiError(404, f"Die Frage „{question.query}“ fehlt.", f"The question '{question.query}' is missing.",
                       "unknown-query")
    rows = choropleth.answers(current_store(), named, question)
    lang = language()
    svg = choropleth.render({ags: value for ags, _, value in rows}, question.categories, question.title(lang), lang, link)
    return question, rows, svg
