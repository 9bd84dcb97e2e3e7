"""What every HTML page shares: the template context (language, the
navigation, link helpers) and the language cookie."""

import datetime
import json
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Response, current_app, request, url_for

from koopgraph.domain import descriptions, plain_words, prefixes, questions, tables
from koopgraph.web.context import HTML, LANG_COOKIE, LANGS, language, switch_language_url, t

NAVIGATION = (  # path, German, English
    ("/", "Start", "Home"),
    ("/queries", "Fragen", "Questions"),
    ("/map", "Karte", "Map"),
    ("/#sparql", "SPARQL", "SPARQL"),
    ("/forms", "Erfassen", "Enter records"),
    ("/void", "Über die Daten", "About the data"),
)


def url_with(path: str, params: dict[str, str] | None = None, **extra: str) -> str:
    """path with the query string of params and extra (extra wins)."""
    query = urlencode({**(params or {}), **extra})
    return path + ("?" + query if query else "")


def question_url(question: questions.NamedQuery | dict, fmt: str | None = None) -> str:
    """/queries/<name> with example values for required parameters, so the
    link always answers (a NamedQuery or the dict /queries lists)."""
    get = question.get if isinstance(question, dict) else lambda key: getattr(question, key)
    params = [p if isinstance(p, dict) else vars(p) for p in get("params")]
    args = {p["name"]: p["example"] for p in params if p["default"] is None}
    return url_with("/queries/" + get("name"), args, **({"format": fmt} if fmt else {}))


def remember_language(response: Response) -> Response:
    """An explicit ?lang= on an HTML page is kept in a cookie for the next pages."""
    asked = request.args.get("lang")
    if response.mimetype == HTML and asked in LANGS and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    if response.mimetype == HTML:
        response.vary.add("Cookie")
    return response


def _date(text: str) -> str:
    """An ISO date in the page's format (26.11.2026); any other text as it is."""
    try:
        return tables.format_date(datetime.date.fromisoformat(text), language())
    except (TypeError, ValueError):
        return text


EDITOR_BUNDLE = "vendor/sparql-editor.js"  # built by hatch_build.py with npm; absent without node


def editor_bundle() -> str | None:
    """The CodeMirror editor's URL when the package build made it, else None (the plain textarea)."""
    folder = current_app.static_folder
    if folder and (Path(folder) / EDITOR_BUNDLE).is_file():
        return url_for("static", filename=EDITOR_BUNDLE)
    return None


def graph_prefixes() -> str:
    """The graph's prefixes as JSON, for the editor's completion."""
    return json.dumps(prefixes.KNOWN, sort_keys=True)


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"lang": language(), "t": t, "switch_url": switch_language_url,
                                   "navigation": NAVIGATION})
    app.add_template_global(url_with, "url_with")
    app.add_template_global(question_url, "question_url")
    app.add_template_global(editor_bundle, "editor_bundle")
    app.add_template_global(graph_prefixes, "graph_prefixes")
    app.add_template_filter(descriptions.local_href, "local_href")
    app.add_template_filter(descriptions.curie, "curie")
    app.add_template_filter(_date, "datum")
    app.add_template_filter(plain_words.plain, "klartext")
    app.add_template_filter(plain_words.technical, "technisch")
    app.add_template_filter(lambda n: tables.format_number(n, language()), "zahl")
    app.after_request(remember_language)
