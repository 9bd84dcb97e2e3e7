"""The app every write-path test starts from: the packaged files in an
in-memory store, a writer and an administrator token, and the request
headers that carry them."""

import pyoxigraph

from koopgraph.web.app import create_app
from koopgraph import content

WRITER, ADMIN = "schreiberin-geheimnis-0123456789", "verwalter-geheimnis-0123456789"
TOKENS = f"fallbearbeitung:{WRITER},datenpflege:{ADMIN}:schreiben+verwalten"


def make_app(**config):
    """A fresh app; config overrides the test settings (e.g. TOKENS="", CACHE=False)."""
    settings = {"TESTING": True, "QUERY_PROCESSES": False, "STORE": ":memory:", "RESOURCES": str(content.root()), "TOKENS": TOKENS}
    return create_app(settings | config)


def auth(secret: str = WRITER, content_type: str | None = "text/turtle") -> dict:
    """The bearer token, and the body's type unless content_type is None."""
    return {"Authorization": f"Bearer {secret}"} | ({"Content-Type": content_type} if content_type else {})


def dump(app) -> bytes:
    """The app's whole store as N-Quads, to compare before and after a write."""
    return app.extensions["koopgraph.store"].dump(format=pyoxigraph.RdfFormat.N_QUADS)
