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


def security_headers(content_type: str) -> list[tuple[str, str]]:
    """The headers every answer of this type carries."""
    mimetype = content_type.split(";")[0].strip().lower()
    return [("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", PAGE_POLICY if mimetype in _PAGES else DATA_POLICY),
            ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer")]


def _secure(response: Response) -> Response:
    for name, value in security_headers(response.mimetype or ""):
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_secure)
