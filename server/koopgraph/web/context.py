"""What every view needs to know about the current request, decided once
for every blueprint: the app's store, tokens, query answers, named questions
and shapes; the page language; and whether the client wants an HTML page
or data.

The store, tokens, questions and shapes are made once by create_app (so a
broken question or shape file stops the start, web/app.py) and kept in
app.extensions under the keys below.
"""

from collections.abc import Sequence
from urllib.parse import urlencode

from flask import current_app, request

from koopgraph import engine
from koopgraph.web import throttle

STORE_KEY = "koopgraph.store"
CACHE_KEY = "koopgraph.cache"
TOKENS_KEY = "koopgraph.tokens"
ANSWERS_KEY = "koopgraph.queries"
QUESTIONS_KEY = "koopgraph.questions"
SHAPES_KEY = "koopgraph.shapes"
SEARCH_KEY = "koopgraph.search"

HTML = "text/html"
LANGS = ("de", "en")
LANG_COOKIE = "lang"
SAVED_COOKIE = "gespeichert"  # set by a saving form for the record's page, read there once


def current_store():
    """The store of the app handling the current request."""
    return current_app.extensions[STORE_KEY]


def tokens() -> list:
    return current_app.extensions[TOKENS_KEY]


def authorization() -> str | None:
    """The request's Authorization header, to be checked against the tokens:
    429 first when this client has failed too often lately (web/throttle.py)."""
    throttle.check()
    return request.headers.get("Authorization")


def answers():
    """Where queries from users are answered: worker processes
    (engine/workers.QueryPool) or threads (ThreadAnswers)."""
    return current_app.extensions[ANSWERS_KEY]


def named_questions() -> dict:
    """The app's named questions by name, loaded and checked at start-up."""
    return current_app.extensions[QUESTIONS_KEY]


def shapes():
    """The SHACL shapes every write is checked against, loaded at start-up."""
    return current_app.extensions[SHAPES_KEY]


def search_index():
    """The full-text index (domain/search.py); rebuilt first when a remote
    store has changed since (an embedded store tells it every write)."""
    index = current_app.extensions[SEARCH_KEY]
    store = current_store()
    if not isinstance(store, engine.EmbeddedEngine) and index.version != store.version():
        index.rebuild(store, index.signature() or "")
    return index


def resources_root() -> str | None:
    return current_app.config.get("RESOURCES")


# ---------------------------------------------------------------- language

def language() -> str:
    """?lang= wins, then the cookie an earlier ?lang= left, then German."""
    asked = request.args.get("lang")
    if asked in LANGS:
        return asked
    remembered = request.cookies.get(LANG_COOKIE)
    return remembered if remembered in LANGS else "de"


def t(de: str, en: str) -> str:
    """The text in the request's language (templates call it as t("…", "…"))."""
    return de if language() == "de" else en


def switch_language_url() -> str:
    args = request.args.copy()
    args["lang"] = "en" if language() == "de" else "de"
    return request.path + "?" + urlencode(list(args.items(multi=True)))


# ---------------------------------------------------------------- HTML or data?

def wants_html(data_types: Sequence[str], *, html_on_tie: bool = False,
               format_names: Sequence[str] | None = None, of=None) -> bool:
    """Does the client want a page rather than one of data_types?

    An explicit ?format= decides ("html" or a data format). Otherwise the
    Accept header does: the type it rates highest wins, and a tie goes to
    the data (endpoints: a program sending */* gets data) or, with
    html_on_tie, to the page (resources: a browser gets the page, and so
    does a request without Accept). format_names: ?format= values read from
    elsewhere (a POSTed form), instead of the URL's. of: a werkzeug request
    other than Flask's current one (web/cached.py, before Flask).
    """
    asked = request if of is None else of
    names = asked.args.getlist("format") if format_names is None else format_names
    if names:
        return names[0].strip().lower() == "html"
    if html_on_tie and not asked.headers.get("Accept", "").strip():
        return True
    order = [HTML, *data_types] if html_on_tie else [*data_types, HTML]
    return asked.accept_mimetypes.best_match(order) == HTML
