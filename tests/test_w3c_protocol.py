"""The W3C SPARQL 1.1 Protocol test cases (../shared/w3c-sparql11/protocol/)
against the app in strict-dataset mode, the plain SPARQL semantics the
suite assumes.

Each mf:ProtocolTest is read from the machine-readable ht: requests of the
manifest; its ut:graphData files are loaded into the named graphs it names.
The app here has no write tokens, so the update cases must be refused with
403 and change nothing; tests/test_w3c_suites.py runs them with a token.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS

from koopgraph import STORE_KEY, create_app, store as kgstore

REPO = Path(__file__).resolve().parents[1]
SUITE = REPO.parent / "shared" / "w3c-sparql11" / "protocol"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/"

if not (SUITE / "manifest.ttl").is_file():
    pytest.skip(f"W3C SPARQL 1.1 protocol tests not found at {SUITE}", allow_module_level=True)

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

# SPARQL Update needs a write token (tests/test_w3c_suites.py has one).
NOT_APPLICABLE = {
    "update_dataset_default_graph",
    "update_dataset_default_graphs",
    "update_dataset_named_graphs",
    "update_dataset_full",
    "update_post_form",
    "update_post_direct",
    "update_base_uri",
}

# What the manifest's mf:expectedFormat allows ("one of: XML, JSON, ...").
ALLOWED = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    },
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples"},
}


@dataclass
class Request:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    statuses: set[str]  # "2xx", "4xx", ...
    expected_format: str | None
    expected_boolean: bool | None


@dataclass
class Case:
    name: str
    label: str
    requests: list[Request]
    named_graphs: list[tuple[str, Path]] = field(default_factory=list)
    default_graph: list[Path] = field(default_factory=list)


def _local(iri: rdflib.term.Node) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _request(manifest: rdflib.Graph, node: rdflib.term.Node) -> Request:
    body_node = manifest.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(manifest.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(manifest.value(body_node, CNT.chars)).encode(encoding)
    headers_list = manifest.value(node, HT.headers)
    headers = {
        str(manifest.value(h, HT.fieldName)): str(manifest.value(h, HT.fieldValue))
        for h in (Collection(manifest, headers_list) if headers_list is not None else [])
    }
    response = manifest.value(node, HT.resp)
    boolean = manifest.value(response, MF.expectedBoolean)
    fmt = manifest.value(response, MF.expectedFormat)
    return Request(
        method=str(manifest.value(node, HT.methodName)),
        path=str(manifest.value(node, HT.absolutePath)),
        body=body,
        headers=headers,
        statuses={_local(s).removeprefix("StatusCode") for s in manifest.objects(response, MF.expectedStatus)},
        expected_format=None if fmt is None else str(fmt),
        expected_boolean=None if boolean is None else boolean.toPython(),
    )


def _cases() -> list[Case]:
    manifest = rdflib.Graph().parse(SUITE / "manifest.ttl", format="turtle", publicID=BASE + "manifest.ttl")
    (root,) = manifest.subjects(RDF.type, MF.Manifest)
    cases = []
    for test in Collection(manifest, manifest.value(root, MF.entries)):
        action = manifest.value(test, MF.action)
        case = Case(
            name=_local(test),
            label=str(manifest.value(test, MF.name)),
            requests=[_request(manifest, r) for r in Collection(manifest, manifest.value(action, HT.requests))],
        )
        for data in manifest.objects(test, UT.graphData):
            file = SUITE / str(manifest.value(data, UT.graph)).removeprefix(BASE)
            case.named_graphs.append((str(manifest.value(data, RDFS.label)), file))
        case.default_graph = [SUITE / str(d).removeprefix(BASE) for d in manifest.objects(test, UT.data)]
        cases.append(case)
    return cases


CASES = _cases()
APPLICABLE = [c for c in CASES if c.name not in NOT_APPLICABLE]
UPDATES = [c for c in CASES if c.name in NOT_APPLICABLE]


def _client(case: Case) -> FlaskClient:
    app = create_app({"TESTING": True, "STORE": ":memory:", "BUILD_IF_EMPTY": False, "STRICT_DATASET": True})
    store = app.extensions[STORE_KEY]
    for graph_iri, file in case.named_graphs:
        kgstore.load_triples(store, file, graph_iri)
    for file in case.default_graph:
        kgstore.load_triples(store, file)
    return app.test_client()


def _send(client: FlaskClient, request: Request):
    # The manifest says to replace its /sparql/ prefix with the endpoint's path.
    path = "/sparql" + request.path.removeprefix("/sparql/")
    return client.open(path, method=request.method, data=request.body, headers=request.headers)


def _check_body(request: Request, response) -> None:
    media_type = response.mimetype
    assert media_type in ALLOWED[request.expected_format], media_type
    if request.expected_format == "RDF":
        list(ox.parse(response.data, format=ox.RdfFormat.from_media_type(media_type)))
    elif media_type == "text/csv":
        list(csv.reader(io.StringIO(response.data.decode())))
    else:
        result = ox.parse_query_results(response.data, format=ox.QueryResultsFormat.from_media_type(media_type))
        if request.expected_boolean is not None:
            assert isinstance(result, ox.QueryBoolean)
            assert bool(result) is request.expected_boolean


@pytest.fixture(autouse=True)
def _no_config_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KOOPGRAPH_CONFIG", raising=False)


@pytest.mark.parametrize("case", APPLICABLE, ids=lambda c: c.name)
def test_w3c_protocol_case(case: Case) -> None:
    client = _client(case)
    for request in case.requests:
        response = _send(client, request)
        status_class = f"{response.status_code // 100}xx"
        assert status_class in request.statuses, (case.label, response.status_code, response.data[:300])
        if request.expected_format:
            _check_body(request, response)


@pytest.mark.parametrize("case", UPDATES, ids=lambda c: c.name)
def test_w3c_update_case_on_a_server_without_tokens_is_refused_with_403_and_changes_nothing(case: Case) -> None:
    client = _client(case)
    store = client.application.extensions[STORE_KEY]
    before = store.dump(format=ox.RdfFormat.N_QUADS)
    response = _send(client, case.requests[0])
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "read-only"
    assert store.dump(format=ox.RdfFormat.N_QUADS) == before


def test_manifest_has_34_cases_of_which_7_are_updates() -> None:
    assert len(CASES) == 34
    assert {c.name for c in UPDATES} == NOT_APPLICABLE
    assert len(APPLICABLE) == 27
