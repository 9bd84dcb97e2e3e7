"""The one place an error becomes a response: JSON for programs, an HTML
page for browsers, plain text otherwise; all carry German and English, and a
user never sees a stack trace for their own mistake."""

import json
import logging
from typing import Any

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from koopgraph.domain.validation import Report
from koopgraph.engine.interface import InvalidIriError, QueryNotSupportedError, QuerySyntaxError
from koopgraph.errors import ApiError, BackendError
from koopgraph.web import throttle
from koopgraph.web.context import wants_html
from koopgraph.writes.gate import RecordError

log = logging.getLogger(__name__)

# Paths whose clients are programs: they always get JSON errors.
API_PATHS = ("/sparql", "/healthz", "/queries", "/openapi.json", "/validate", "/records", "/submissions", "/store",
             "/admin")


# Werkzeug's own errors (routing, body limits), in our words.
_HTTP_MESSAGES = {
    400: ("bad-request", "Ungültige Anfrage.", "Bad request."),
    404: ("not-found", "Diese Adresse gibt es nicht.", "There is nothing at this address."),
    405: (
        "method-not-allowed",
        "Diese HTTP-Methode ist hier nicht erlaubt.",
        "This HTTP method is not allowed here.",
    ),
    413: (
        "payload-too-large",
        "Der Anfragekörper ist zu groß.",
        "The request body is too large.",
    ),
    500: (
        "internal-error",
        "Interner Fehler; er wurde protokolliert.",
        "Internal error; it has been logged.",
    ),
}


def _wants_json() -> bool:
    if request.path.startswith(API_PATHS):
        return True
    return request.accept_mimetypes.best_match(["application/json", "text/plain"]) == "application/json"


def _wants_html() -> bool:
    """A browser asking for a page; programs (API paths) never get one."""
    return not request.path.startswith(API_PATHS) and wants_html(["application/json"])


def report_json(report: Report) -> dict:
    """A SHACL report as the API gives it (422 bodies, POST /validate)."""
    return {"conforms": report.conforms, "results": [
        {"focusNode": r.focus_node, "path": r.path, "value": r.value, "severity": r.severity,
         "message": r.message("de"), "message_en": r.message("en"), "sourceShape": r.source_shape,
         "constraint": r.component} for r in report.results]}


def from_refused_write(error: RecordError) -> ApiError:
    """A write the gate refused, with the IRIs concerned and the SHACL report."""
    details = {"iris": error.iris} if error.iris else {}
    if error.report is not None:
        details |= report_json(error.report)
    return ApiError(error.status, error.de, error.en, error.code, details=details)


def _html(error: ApiError) -> Response | None:
    try:
        body = render_template("fehler.html", status=error.status, message_de=error.de, message_en=error.en)
    except Exception:  # an error page must never fail: fall back to text
        log.exception("Fehlerseite nicht darstellbar / error page failed")
        return None
    return Response(body, status=error.status, content_type="text/html; charset=utf-8")


def render(error: ApiError) -> Response:
    """The only place an error becomes a response: JSON for programs, an
    HTML page for browsers, plain text otherwise; all carry German and English."""
    if _wants_html() and (page := _html(error)) is not None:
        page.headers.update(error.headers)
        return page
    if _wants_json():
        payload = {"status": error.status, "code": error.code, "message": error.de, "message_en": error.en}
        body = json.dumps({"error": {**payload, **error.details}}, ensure_ascii=False)
        response = Response(body + "\n", status=error.status, content_type="application/json")
    else:
        body = f"{error.de}\n{error.en}\n"
        response = Response(body, status=error.status, content_type="text/plain; charset=utf-8")
    response.headers.update(error.headers)
    return response


def from_http(exc: HTTPException, **extra: Any) -> ApiError:
    """ApiError for a werkzeug HTTPException, keeping headers such as Allow."""
    status = exc.code or 500
    code, de, en = _HTTP_MESSAGES.get(status, ("http-error", f"HTTP-Fehler {status}.", f"HTTP error {status}."))
    if status == 413:
        limit = extra.get("limit")
        if limit:
            de = f"Der Anfragekörper ist größer als {limit} Bytes."
            en = f"The request body is larger than {limit} bytes."
    headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
    return ApiError(status, de, en, code, headers=headers)


def register(app: Flask) -> None:
    """Install the handlers; every error path of the app ends in render()."""

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        if error.status == 401 and request.headers.get("Authorization"):
            throttle.failed()  # a wrong token: guessing is slowed down per client
        return render(error)

    @app.errorhandler(RecordError)
    def _refused_write(error: RecordError) -> Response:
        return render(from_refused_write(error))

    @app.errorhandler(QuerySyntaxError)
    def _syntax(error: QuerySyntaxError) -> Response:
        return render(ApiError(400, error.de, error.en, "query-syntax"))

    @app.errorhandler(QueryNotSupportedError)
    def _unsupported(error: QueryNotSupportedError) -> Response:
        return render(ApiError(400, error.de, error.en, "query-not-supported"))

    @app.errorhandler(InvalidIriError)
    def _invalid_iri(error: InvalidIriError) -> Response:
        return render(ApiError(400, error.de, error.en, "invalid-graph-iri"))

    @app.errorhandler(BackendError)
    def _backend_error(error: BackendError) -> Response:
        log.error("Triplestore: %s", error.en)  # the details are for the operator, never the client
        if not error.reachable:
            return render(ApiError(502, "Die Datenbank hinter Koopgraph ist nicht erreichbar; der Betreiber findet "
                                        "die Einzelheiten im Protokoll.",
                                   "The database behind Koopgraph cannot be reached; the operator finds the details "
                                   "in the log.", "store-unavailable"))
        return render(ApiError(502, "Die Datenbank hinter Koopgraph hat nicht richtig geantwortet; der Betreiber "
                                    "findet die Einzelheiten im Protokoll.",
                               "The database behind Koopgraph did not answer properly; the operator finds the "
                               "details in the log.", "store-unavailable"))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Response:
        return render(from_http(exc, limit=app.config.get("MAX_BODY_BYTES")))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        # The traceback is for the operator's log, never for the client.
        log.exception("Unerwarteter Fehler / unexpected error: %s %s", request.method, request.path)
        return render(from_http(InternalServerError()))
