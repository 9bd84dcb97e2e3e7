"""Sign-in for the forms: a write token entered once, exchanged for a
server-side session; CSRF tokens for every form.

The browser keeps only random identifiers, in two cookies (HttpOnly,
SameSite=Strict; over https also Secure and with the __Host- prefix, so
no other site or subdomain can set them – HTTPS setting):

- koopgraph_sitzung: after sign-in, the id of a session held in this process
  (token name, rights, CSRF token, expiry). The server stores only the
  SHA-256 of the id; the write token itself is checked and forgotten.
- koopgraph_formular: for everybody, an id that keys the CSRF token of a
  visitor who is not signed in (an HMAC of it with a per-process key), and
  their saved drafts. It is separate so that a page fetched without the
  session cookie (SameSite=Strict after a link from elsewhere) cannot
  overwrite the session.

A form's CSRF token is the session's own once signed in (never the
anonymous one: a session cookie with somebody else's form cookie and its
token is refused), and the anonymous one before. Sessions live in memory: a
restart signs everybody out, which suits a single-process server (RocksDB
allows only one). Tokens never travel in a URL; sign-in is a POST.
"""

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

from flask import Flask, Response, current_app, g, request

from koopgraph.domain import access
from koopgraph.errors import ApiError
from koopgraph.web.context import tokens

SESSION_COOKIE = "koopgraph_sitzung"
FORM_COOKIE = "koopgraph_formular"
LIFETIME = 8 * 3600  # seconds a session lasts after sign-in
DRAFT_LIFETIME = 3600
MAX_DRAFTS = 200
MAX_DRAFT_CHARS = 100_000  # a record's form is a few kilobytes; more is not a form
KEY = "koopgraph.sitzungen"


@dataclass(frozen=True)
class Session:
    name: str  # the token's name: the agent recorded for every write
    rights: frozenset[str]
    csrf: str
    expires: float


@dataclass
class Draft:
    owner: str
    path: str
    state: dict
    expires: float


@dataclass
class Sessions:
    """The signed-in sessions and saved drafts of one app, thread-safe."""

    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    sessions: dict[str, Session] = field(default_factory=dict)
    drafts: dict[str, Draft] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @staticmethod
    def _digest(value: str) -> str:
        return hashlib.sha256(value.encode("utf-8")).hexdigest()

    def open(self, token: access.Token) -> str:
        """A new session for token; returns the cookie value."""
        cookie = secrets.token_urlsafe(32)
        now = time.time()
        with self.lock:
            for digest in [d for d, s in self.sessions.items() if s.expires < now]:
                del self.sessions[digest]
            self.sessions[self._digest(cookie)] = Session(token.name, token.rights, secrets.token_urlsafe(32),
                                                          now + LIFETIME)
        return cookie

    def find(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        digest = self._digest(cookie)
        with self.lock:
            session = self.sessions.get(digest)
            if session is not None and session.expires < time.time():
                del self.sessions[digest]
                return None
        return session

    def close(self, cookie: str | None) -> None:
        if cookie:
            with self.lock:
                self.sessions.pop(self._digest(cookie), None)

    def anonymous_csrf(self, form_id: str) -> str:
        return hmac.new(self.key, b"csrf:" + form_id.encode("utf-8"), hashlib.sha256).hexdigest()

    def save_draft(self, owner: str, path: str, state: dict) -> str | None:
        """Keep a form over sign-in; None when it is too large to keep."""
        if sum(len(k) + sum(len(v) for v in values) for k, values in state.items()) > MAX_DRAFT_CHARS:
            return None
        draft_id = secrets.token_urlsafe(16)
        now = time.time()
        with self.lock:
            for key in [k for k, d in self.drafts.items() if d.expires < now]:
                del self.drafts[key]
            while len(self.drafts) >= MAX_DRAFTS:
                del self.drafts[next(iter(self.drafts))]
            self.drafts[draft_id] = Draft(self._digest(owner), path, state, now + DRAFT_LIFETIME)
        return draft_id

    def take_draft(self, owner: str | None, draft_id: str, path: str) -> dict | None:
        """The draft saved by the same browser for the same form, once."""
        if not owner:
            return None
        with self.lock:
            draft = self.drafts.get(draft_id)
            if draft is None or draft.path != path or draft.expires < time.time() \
                    or not hmac.compare_digest(draft.owner, self._digest(owner)):
                return None
            del self.drafts[draft_id]
        return draft.state


def init_app(app: Flask) -> None:
    app.extensions.setdefault(KEY, Sessions())


def _sessions() -> Sessions:
    return current_app.extensions[KEY]


def secure() -> bool:
    """Cookies for https: from the request's scheme, or the HTTPS setting
    ("on" behind a proxy that ends TLS, "off" never)."""
    setting = str(current_app.config.get("HTTPS", "auto")).lower()
    return setting == "on" or (setting == "auto" and request.is_secure)


def cookie_name(name: str) -> str:
    """__Host-<name> over https (Secure, Path=/, no Domain: only this host sets it)."""
    return "__Host-" + name if secure() else name


def current() -> Session | None:
    """The signed-in session of this request, if its token still exists
    with the right to write."""
    if "koop_session" not in g:
        session = _sessions().find(request.cookies.get(cookie_name(SESSION_COOKIE)))
        valid = session is not None and any(t.name == session.name and access.WRITE in t.rights for t in tokens())
        g.koop_session = session if valid else None
    return g.koop_session


def form_id() -> str:
    """This browser's form id, made now (and sent with the response) if it has none."""
    if "koop_form_id" not in g:
        existing = request.cookies.get(cookie_name(FORM_COOKIE), "")
        g.koop_form_id = existing if 20 <= len(existing) <= 100 else secrets.token_urlsafe(32)
        g.koop_form_new = g.koop_form_id != existing
    return g.koop_form_id


def csrf_token() -> str:
    """The token every form of this browser carries."""
    session = current()
    return session.csrf if session is not None else _sessions().anonymous_csrf(form_id())


def require_csrf() -> None:
    """403 unless the form's token is this browser's (constant time): the
    session's when signed in, else the one of its form cookie."""
    sent = request.form.get("csrf", "")
    session = current()
    cookie = request.cookies.get(cookie_name(FORM_COOKIE))
    expected = session.csrf if session is not None else (_sessions().anonymous_csrf(cookie) if cookie else None)
    if expected is None or not hmac.compare_digest(expected.encode("utf-8"), sent.encode("utf-8")):
        raise ApiError(403, "Das Formular ist abgelaufen oder kam nicht von dieser Seite (CSRF-Prüfung). "
                            "Bitte die Seite neu laden und noch einmal senden.",
                       "The form has expired or did not come from this site (CSRF check). "
                       "Please reload the page and send it again.", "csrf")


def _cookie(response: Response, name: str, value: str) -> None:
    response.set_cookie(cookie_name(name), value, httponly=True, samesite="Strict", secure=secure(), path="/")


def sign_in(response: Response, token: access.Token) -> None:
    """Close any old session of this browser and open a new one (a fresh id:
    nobody can plant a session id before sign-in)."""
    _sessions().close(request.cookies.get(cookie_name(SESSION_COOKIE)))
    _cookie(response, SESSION_COOKIE, _sessions().open(token))
    g.pop("koop_session", None)


def sign_out(response: Response) -> None:
    _sessions().close(request.cookies.get(cookie_name(SESSION_COOKIE)))
    g.koop_session = None
    response.delete_cookie(cookie_name(SESSION_COOKIE), path="/", httponly=True, samesite="Strict", secure=secure())


def check_token(secret: str) -> tuple[access.Token | None, tuple[str, str] | None]:
    """The token for secret if it may write; else why not (German, English)."""
    known = tokens()
    if not known:
        return None, ("Dieser Server ist nur lesend eingerichtet: es gibt keine Schreib-Tokens.",
                      "This server is set up read-only: there are no write tokens.")
    token = access.identify(known, "Bearer " + secret.strip()) if secret.strip() else None
    if token is None:
        return None, ("Dieses Token ist nicht gültig.", "This token is not valid.")
    if access.WRITE not in token.rights:
        return None, (f"Das Token „{token.name}“ hat kein Schreibrecht.", f"The token '{token.name}' cannot write.")
    return token, None


def save_draft(path: str, state: dict) -> str | None:
    return _sessions().save_draft(form_id(), path, state)


def take_draft(draft_id: str, path: str) -> dict | None:
    return _sessions().take_draft(request.cookies.get(cookie_name(FORM_COOKIE)), draft_id, path)


def remember_form_id(response: Response) -> Response:
    """Send the form cookie when this request made one."""
    if g.get("koop_form_new"):
        _cookie(response, FORM_COOKIE, g.koop_form_id)
    return response
