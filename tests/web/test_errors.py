"""One error shape for every status: JSON for programs and API paths, plain
text otherwise, German first; never a traceback for the client."""

import logging
from pathlib import Path

import pytest
from flask import Flask

import sparqltree
from koopgraph.web.app import create_app
from koopgraph.errors import ApiError


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.delenv("KOOPGRAPH_CONFIG", raising=False)
    app = create_app(sparqltree.app_config(sparqltree.write(tmp_path / "r")))

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail from deep inside")

    @app.get("/teapot")
    def teapot():
        raise ApiError(418, "Ich bin eine Teekanne.", "I am a teapot.", "teapot", headers={"X-Tea": "1"})

    return app


def test_unknown_path_is_404_as_json_when_json_is_acceptable(app: Flask) -> None:
    response = app.test_client().get("/nope", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.content_type == "application/json"
    assert response.get_json() == {
        "error": {
            "status": 404,
            "code": "not-found",
            "message": "Diese Adresse gibt es nicht.",
            "message_en": "There is nothing at this address.",
        }
    }


def test_unknown_path_is_plain_text_for_a_client_that_prefers_text(app: Flask) -> None:
    response = app.test_client().get("/nope", headers={"Accept": "text/plain"})
    assert response.status_code == 404
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.data.decode() == "Diese Adresse gibt es nicht.\nThere is nothing at this address.\n"


def test_api_paths_answer_json_even_for_text_clients(app: Flask) -> None:
    response = app.test_client().get("/sparql", query_string={"query": "ASK {"}, headers={"Accept": "text/plain"})
    assert response.status_code == 400
    assert response.content_type == "application/json"


def test_unexpected_exception_is_500_without_traceback_and_is_logged(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = app.test_client().get("/boom", headers={"Accept": "application/json"})
    assert response.status_code == 500
    assert response.get_json()["error"] == {
        "status": 500,
        "code": "internal-error",
        "message": "Interner Fehler; er wurde protokolliert.",
        "message_en": "Internal error; it has been logged.",
    }
    assert b"secret detail" not in response.data and b"Traceback" not in response.data
    assert "secret detail from deep inside" in caplog.text
    assert "Traceback" in caplog.text


def test_api_error_keeps_status_and_headers(app: Flask) -> None:
    response = app.test_client().get("/teapot", headers={"Accept": "text/plain"})
    assert response.status_code == 418
    assert response.headers["X-Tea"] == "1"
    assert response.data.decode() == "Ich bin eine Teekanne.\nI am a teapot.\n"
