"""Let no one in: every write needs a bearer token with the right for it
(401 with WWW-Authenticate, 403 for a missing right or a read-only
server, never an echo of the token); CORS never lets another origin send
credentials or write; HTML pages forbid inline script, framing and
sniffing."""

import re
from pathlib import Path

import pytest

from koopgraph import content

from koopgraph.web.throttle import Throttle

from . import helpers
from .helpers import ADMIN

TURTLE = {"Content-Type": "text/turtle"}
RECORD = helpers.record("zugang")
WRITES = [  # (method, path, body, right)
    ("POST", "/records", RECORD, "schreiben"),
    ("PUT", "/records/kooperation/zugang", RECORD, "schreiben"),
    ("DELETE", "/records/kooperation/zugang", None, "schreiben"),
    ("POST", "/submissions/20260101-000000000-abcd/revert", None, "verwalten"),
    ("POST", "/store", RECORD, "schreiben"),
    ("PUT", "/store?graph=https://w3id.org/koopgraph/id/graph/zugang", RECORD, "schreiben"),
    ("DELETE", "/store?graph=https://w3id.org/koopgraph/id/graph/zugang", None, "verwalten"),
    ("POST", "/sparql", b"INSERT DATA { GRAPH <https://w3id.org/koopgraph/id/graph/zugang> { <urn:a> <urn:b> <urn:c> } }",
     "schreiben"),
    ("POST", "/sparql", b"DROP SILENT GRAPH <https://w3id.org/koopgraph/id/graph/zugang>", "verwalten"),
    ("POST", "/admin/backup", None, "verwalten"),
]
ONLY_WRITER = "nur-schreiben-geheimnis-0123456789"


@pytest.fixture(scope="module")
def app():
    return helpers.app(TOKENS=f"schreiberin:{ONLY_WRITER}")


@pytest.fixture
def web(app):
    """Each test starts with no failed tokens counted (they would be slowed down: test_hostile.py)."""
    app.extensions["koopgraph.throttle"] = Throttle()
    return app.test_client()


def send(web, method, path, body, headers):
    content = {"Content-Type": "application/sparql-update"} if path.startswith("/sparql") else TURTLE
    return web.open(path, method=method, data=body, headers=content | headers)


@pytest.mark.parametrize(("method", "path", "body", "right"), WRITES, ids=[f"{m} {p}" for m, p, _, _ in WRITES])
def test_every_write_without_a_valid_token_is_401_with_a_bearer_challenge(web, method, path, body, right):
    for headers, error in (({}, ""), ({"Authorization": "Bearer falsch-falsch-falsch-falsch"}, ' error="invalid_token"'),
                           ({"Authorization": f"Basic {ONLY_WRITER}"}, ' error="invalid_token"'),
                           ({"Authorization": f"bearer{ONLY_WRITER}"}, ' error="invalid_token"')):
        response = send(web, method, path, body, headers)
        assert response.status_code == 401, (headers, response.get_data())
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="koopgraph"' + error
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert ONLY_WRITER.encode() not in response.get_data() and b"falsch" not in response.get_data()
    in_url = send(web, method, path + ("&" if "?" in path else "?") + f"access_token={ONLY_WRITER}", body, {})
    assert in_url.status_code == 401  # a token in a URL ends up in logs: never accepted


@pytest.mark.parametrize(("method", "path", "body", "right"), [w for w in WRITES if w[3] == "verwalten"],
                         ids=lambda v: v if isinstance(v, str) else "")
def test_a_token_without_the_right_is_403_insufficient_scope(web, method, path, body, right):
    response = send(web, method, path, body, {"Authorization": f"Bearer {ONLY_WRITER}"})
    assert response.status_code == 403, response.get_data()
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="koopgraph" error="insufficient_scope"'
    assert "verwalten" in response.get_json()["error"]["message_en"]
    assert ONLY_WRITER.encode() not in response.get_data()


@pytest.mark.parametrize(("method", "path", "body", "right"), WRITES, ids=[f"{m} {p}" for m, p, _, _ in WRITES])
def test_a_server_without_tokens_is_read_only(method, path, body, right):
    web = helpers.app(TOKENS="").test_client()
    response = send(web, method, path, body, {"Authorization": f"Bearer {ADMIN}"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "read-only"


def test_reading_needs_no_token():
    web = helpers.app().test_client()
    for path in ("/sparql?query=ASK%7B%7D", "/queries", "/store?default", "/submissions", "/healthz", "/void",
                 "/openapi.json", "/dump/koopgraph.nq"):
        assert web.get(path).status_code == 200, path


# ---------------------------------------------------------------- CORS

def test_cors_never_allows_credentials_or_writes_from_other_origins():
    evil = {"Origin": "https://boese.example"}
    for origins, allowed in (("*", "*"), ("https://gut.example", None), ("", None)):
        web = helpers.app(CORS_ORIGINS=origins).test_client()
        for path in ("/sparql?query=ASK%7B%7D", "/queries", "/healthz", "/store?default", "/void"):
            response = web.get(path, headers=evil)
            assert response.headers.get("Access-Control-Allow-Origin") == allowed, (origins, path)
            assert "Access-Control-Allow-Credentials" not in response.headers
        for method, path, body, _ in WRITES:
            response = send(web, method, path, body, evil | {"Authorization": f"Bearer {ADMIN}"})
            assert "Access-Control-Allow-Origin" not in response.headers, (method, path)
            assert "Access-Control-Allow-Credentials" not in response.headers
        preflight = web.options("/records", headers=evil | {"Access-Control-Request-Method": "POST",
                                                            "Access-Control-Request-Headers": "authorization"})
        assert "Access-Control-Allow-Origin" not in preflight.headers
        read_preflight = web.options("/sparql", headers=evil | {"Access-Control-Request-Method": "GET",
                                                                "Access-Control-Request-Headers": "authorization"})
        assert "authorization" not in read_preflight.headers.get("Access-Control-Allow-Headers", "").lower()
        assert "Access-Control-Allow-Credentials" not in read_preflight.headers
    listed = helpers.app(CORS_ORIGINS="https://gut.example").test_client().get("/healthz",
                                                                                headers={"Origin": "https://gut.example"})
    assert listed.headers["Access-Control-Allow-Origin"] == "https://gut.example" and "Origin" in listed.headers["Vary"]


# ---------------------------------------------------------------- security headers

PAGES = ["/", "/?lang=en", "/queries?format=html", "/queries/kooperation-nach-region?land=01&format=html", "/map",
         "/ontology", "/id/region/01062", "/sparql?query=ASK%7B%7D&format=html", "/forms", "/login", "/gibt-es-nicht"]


def test_html_pages_forbid_inline_script_framing_and_sniffing(client):
    for path in PAGES:
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.mimetype == "text/html", path
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        html = response.get_data(as_text=True)
        assert not _inline(html), (path, _inline(html)[:3])


def test_data_answers_allow_nothing_to_run(client):
    for path in ("/sparql?query=ASK%7B%7D", "/store?default", "/openapi.json", "/healthz"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def _inline(html: str) -> list[str]:
    """Inline script, event handlers, inline styles, javascript: URLs."""
    found = [m.group(0) for m in re.finditer(r"<script\b(?![^>]*\bsrc=)[^>]*>", html, re.IGNORECASE)]
    found += re.findall(r"\son[a-z]+\s*=", html, re.IGNORECASE)
    found += re.findall(r"<style\b|\sstyle\s*=|javascript:", html, re.IGNORECASE)
    return found


def test_no_template_has_inline_script_or_style():
    folder = Path(content.__file__).parent / "web" / "templates"
    for template in sorted(folder.rglob("*.html")):
        assert not _inline(template.read_text(encoding="utf-8")), template
