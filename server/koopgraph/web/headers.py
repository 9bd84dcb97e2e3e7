"""Security headers on every answer.

HTML pages use only the server's own scripts and styles (no inline script,
no inline style, no event attributes), so the policy can forbid everything
else; no page may be framed (clickjacking), and no answer is sniffed into
another type. Data answers (JSON, RDF) get a policy that allows nothing at
all, so an uploaded graph opened in a browser cannot run anything.
"""

from flask import Flask, Response

PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
_PAGES = {"text/html", "image/svg+xml"}


def _secure(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Content-Security-Policy", PAGE_POLICY if response.mimetype in _PAGES else DATA_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
