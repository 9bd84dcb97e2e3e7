"""What every view needs to know about the current request, decided once:
the app's store, tokens and query gate, the page language, and whether the
client wants an HTML page or data."""

from flask import current_app

STORE_KEY = "koopgraph.store"
CACHE_KEY = "koopgraph.cache"


def current_store():
    """The store of the app handling the current request."""
    return current_app.extensions[STORE_KEY]
