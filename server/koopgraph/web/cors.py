"""Cross-origin reads for browser clients.

Only endpoints marked with read_endpoint get CORS headers, and only for
GET, HEAD and OPTIONS: a web page elsewhere may read the public data, but
never send credentials or change anything.
"""

from collections.abc import Callable

from flask import Flask, Response, current_app, request

_READ_METHODS = ("GET", "HEAD", "OPTIONS")


def read_endpoint(view: Callable) -> Callable:
    """Mark a view as readable from other origins."""
    view.koopgraph_cors = True  # type: ignore[attr-defined]
    return view


def allowed_origin(setting: str, origin: str | None) -> str | None:
    allowed = setting.replace(",", " ").split()
    if "*" in allowed:
        return "*"
    return origin if origin in allowed else None


def _add_headers(response: Response) -> Response:
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method not in _READ_METHODS or not getattr(view, "koopgraph_cors", False):
        return response
    origin = allowed_origin(current_app.config["CORS_ORIGINS"], request.headers.get("Origin"))
    if origin is None:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    if origin != "*":
        response.vary.add("Origin")
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = ", ".join(_READ_METHODS)
        response.headers["Access-Control-Allow-Headers"] = "Accept"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
