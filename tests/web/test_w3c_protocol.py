"""The W3C SPARQL 1.1 Protocol test cases (../shared/w3c-sparql11/protocol/)
against a read-only app in strict-dataset mode, the plain SPARQL semantics
the suite assumes.

The manifest's machine-readable ht: requests are read as in
tests/test_w3c_suites.py (which runs every case, updates included, with a
write token); each case's ut:graphData files are loaded into the named
graphs it names. The app here has no write tokens, so the query cases must
pass and the update cases must be refused with 403 and change nothing.
"""

from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from koopgraph.web.context import STORE_KEY
from koopgraph.writes import build
from koopgraph.web.app import create_app
from koopgraph import engine as kgstore

SUITE = Path(__file__).resolve().parents[2].parent / "shared" / "w3c-sparql11" / "protocol"
if not (SUITE / "manifest.ttl").is_file():
    pytest.skip(f"W3C SPARQL 1.1 protocol tests not found at {SUITE}", allow_module_level=True)

from test_w3c_suites import PROTOCOL_CASES, HttpCase, Request, check_body  # noqa: E402

# SPARQL Update needs a write token.
UPDATE_CASES = {
    "update_dataset_default_graph",
    "update_dataset_default_graphs",
    "update_dataset_named_graphs",
    "update_dataset_full",
    "update_post_form",
    "update_post_direct",
    "update_base_uri",
}
APPLICABLE = [c for c in PROTOCOL_CASES if c.name not in UPDATE_CASES]
UPDATES = [c for c in PROTOCOL_CASES if c.name in UPDATE_CASES]


def _client(case: HttpCase) -> FlaskClient:
    app = create_app({"TESTING": True, "QUERY_PROCESSES": False, "STORE": ":memory:", "BUILD_IF_EMPTY": False, "STRICT_DATASET": True})
    store = app.extensions[STORE_KEY]
    for graph_iri, file in case.named_graphs:
        build.load_file(store, file, graph_iri)
    for file in case.default_graph:
        build.load_file(store, file)
    return app.test_client()


def _send(client: FlaskClient, request: Request):
    # The manifest says to replace its /sparql/ prefix with the endpoint's path.
    path = "/sparql" + request.path.removeprefix("/sparql/")
    return client.open(path, method=request.method, data=request.body, headers=request.headers)


@pytest.fixture(autouse=True)
def _no_config_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOOPGRAPH_CONFIG", raising=False)


@pytest.mark.parametrize("case", APPLICABLE, ids=lambda c: c.name)
def test_w3c_protocol_case(case: HttpCase) -> None:
    client = _client(case)
    for request in case.requests:
        response = _send(client, request)
        code = response.status_code
        assert code in request.statuses or f"{code // 100}xx" in request.statuses, (case.name, code, response.data[:300])
        if request.expected_format:
            check_body(request, response)


@pytest.mark.parametrize("case", UPDATES, ids=lambda c: c.name)
def test_w3c_update_case_on_a_server_without_tokens_is_refused_with_403_and_changes_nothing(case: HttpCase) -> None:
    client = _client(case)
    store = client.application.extensions[STORE_KEY]
    before = store.dump(format=ox.RdfFormat.N_QUADS)
    response = _send(client, case.requests[0])
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "read-only"
    assert store.dump(format=ox.RdfFormat.N_QUADS) == before


def test_manifest_has_34_cases_of_which_7_are_updates() -> None:
    assert len(PROTOCOL_CASES) == 34
    assert {c.name for c in UPDATES} == UPDATE_CASES
    assert len(APPLICABLE) == 27
