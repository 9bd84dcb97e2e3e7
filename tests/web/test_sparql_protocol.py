"""The /sparql endpoint against the SPARQL 1.1 Protocol, on a tiny fixture
store (tests/sparqltree.py). Expected values come from the specs: the
Protocol (status codes), the Results formats (exact CSV/TSV/JSON/XML), and
the Service Description vocabulary."""

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib.namespace import RDF

import sparqltree
from kgtree import GRAPH, ID, KG
from koopgraph.web.app import create_app
from sparqltree import COUNTS, LUEBECK_LABEL, SPARQL_PREFIXES, UNION_DISTINCT_TRIPLES

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
FORMATS = rdflib.Namespace("http://www.w3.org/ns/formats/")

LUEBECK_QUERY = SPARQL_PREFIXES + "SELECT ?jc ?label WHERE { BIND(id:jc-luebeck AS ?jc) ?jc rdfs:label ?label }"
PARTNER_QUERY = SPARQL_PREFIXES + "SELECT ?partner WHERE { id:jc-kiel a kg:Jobcenter ; kg:kooperiertMit ?partner }"
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CONSTRUCT_QUERY = SPARQL_PREFIXES + "CONSTRUCT WHERE { id:jc-kiel kg:kooperiertMit ?partner }"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def make_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("KOOPGRAPH_CONFIG", raising=False)
    root = sparqltree.write(tmp_path / "resources")

    def make(**overrides) -> Flask:
        return create_app(sparqltree.app_config(root, **overrides))

    return make


@pytest.fixture
def client(make_app) -> FlaskClient:
    return make_app().test_client()


def _bindings(response) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in row.items()} for row in response.get_json()["results"]["bindings"]]


def _count(response) -> int:
    return int(_bindings(response)[0]["n"])


# --- the three ways to send a query -----------------------------------------


def test_get_query_answers_200_with_sparql_results_json_by_default(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LUEBECK_QUERY})
    assert response.status_code == 200
    assert response.content_type == "application/sparql-results+json"
    assert response.get_json() == {
        "head": {"vars": ["jc", "label"]},
        "results": {
            "bindings": [
                {
                    "jc": {"type": "uri", "value": ID + "jc-luebeck"},
                    "label": {"type": "literal", "value": LUEBECK_LABEL, "xml:lang": "de"},
                }
            ]
        },
    }


def test_post_form_urlencoded_query_is_run(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": PARTNER_QUERY})
    assert response.status_code == 200
    assert _bindings(response) == [{"partner": ID + "md-kiel"}]


def test_post_direct_sparql_query_body_is_run(client: FlaskClient) -> None:
    response = client.post("/sparql", data=PARTNER_QUERY.encode(), content_type="application/sparql-query")
    assert response.status_code == 200
    assert _bindings(response) == [{"partner": ID + "md-kiel"}]


def test_post_direct_accepts_explicit_utf8_charset(client: FlaskClient) -> None:
    response = client.post(
        "/sparql", data=LUEBECK_QUERY.encode(), content_type="application/sparql-query; charset=UTF-8"
    )
    assert response.status_code == 200
    assert _bindings(response)[0]["label"] == LUEBECK_LABEL


def test_head_request_gets_headers_without_body(client: FlaskClient) -> None:
    response = client.head("/sparql", query_string={"query": LUEBECK_QUERY})
    assert response.status_code == 200
    assert response.content_type == "application/sparql-results+json"
    assert response.data == b""


# --- result formats: exact Content-Type and a parsable body ------------------


def test_select_as_sparql_results_xml(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": LUEBECK_QUERY}, headers={"Accept": "application/sparql-results+xml"}
    )
    assert response.content_type == "application/sparql-results+xml"
    solutions = ox.parse_query_results(response.data, format=ox.QueryResultsFormat.XML)
    assert [(s["jc"], s["label"]) for s in solutions] == [
        (ox.NamedNode(ID + "jc-luebeck"), ox.Literal(LUEBECK_LABEL, language="de"))
    ]


def test_select_as_csv_follows_sparql_csv_escaping(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LUEBECK_QUERY}, headers={"Accept": "text/csv"})
    assert response.content_type == "text/csv; charset=utf-8"
    # SPARQL 1.1 CSV: CRLF line ends, header without "?", plain values,
    # fields with comma or quote quoted and quotes doubled.
    assert response.data.decode() == f'jc,label\r\n{ID}jc-luebeck,"Jobcenter Lübeck, ""Hansestadt"""\r\n'
    assert list(csv.reader(io.StringIO(response.data.decode()))) == [
        ["jc", "label"],
        [ID + "jc-luebeck", LUEBECK_LABEL],
    ]


def test_select_as_tsv_writes_rdf_terms(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": LUEBECK_QUERY}, headers={"Accept": "text/tab-separated-values"}
    )
    assert response.content_type == "text/tab-separated-values; charset=utf-8"
    # SPARQL 1.1 TSV: "?var" header, terms in Turtle/N-Triples syntax.
    assert response.data.decode() == f'?jc\t?label\n<{ID}jc-luebeck>\t"Jobcenter Lübeck, \\"Hansestadt\\""@de\n'


def test_accept_application_json_is_answered_as_json_results(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LUEBECK_QUERY}, headers={"Accept": "application/json"})
    assert response.content_type == "application/json"
    assert response.get_json()["head"] == {"vars": ["jc", "label"]}


@pytest.mark.parametrize(
    ("accept", "content_type", "body"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", b'{"head":{},"boolean":true}'),
        (
            "application/sparql-results+xml",
            "application/sparql-results+xml",
            b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            b"<head></head><boolean>true</boolean></sparql>",
        ),
    ],
)
def test_ask_answers_boolean_result(client: FlaskClient, accept: str, content_type: str, body: bytes) -> None:
    query = SPARQL_PREFIXES + "ASK { id:jc-kiel a kg:Jobcenter }"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.content_type == content_type
    assert response.data == body
    assert bool(ox.parse_query_results(response.data, format=ox.QueryResultsFormat.from_media_type(accept)))


EXPECTED_CONSTRUCT = {
    (rdflib.URIRef(ID + "jc-kiel"), rdflib.URIRef(KG + "kooperiertMit"), rdflib.URIRef(ID + "md-kiel"))
}


# rdflib's own TriG/N-Quads/JSON-LD parsers call its deprecated API internally.
@pytest.mark.filterwarnings("ignore:.*deprecated.*:DeprecationWarning")
@pytest.mark.parametrize(
    ("accept", "content_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle; charset=utf-8", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/trig", "application/trig", "trig"),
        ("application/n-quads", "application/n-quads", "nquads"),
    ],
)
def test_construct_in_each_rdf_format(
    client: FlaskClient, accept: str, content_type: str, rdflib_format: str
) -> None:
    response = client.post("/sparql", data={"query": CONSTRUCT_QUERY}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.content_type == content_type
    graph = rdflib.Dataset() if rdflib_format in ("trig", "nquads") else rdflib.Graph()
    graph.parse(data=response.data, format=rdflib_format)
    triples = {(s, p, o) for s, p, o, *_ in (graph.quads() if isinstance(graph, rdflib.Dataset) else graph)}
    assert triples == EXPECTED_CONSTRUCT


def test_construct_defaults_to_turtle(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT_QUERY})
    assert response.content_type == "text/turtle; charset=utf-8"
    assert set(rdflib.Graph().parse(data=response.data, format="turtle")) == EXPECTED_CONSTRUCT


def test_describe_defaults_to_turtle(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": SPARQL_PREFIXES + "DESCRIBE id:md-kiel"})
    assert response.status_code == 200
    assert response.content_type == "text/turtle; charset=utf-8"
    rdflib.Graph().parse(data=response.data, format="turtle")


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("csv", "text/csv; charset=utf-8"), ("tsv", "text/tab-separated-values; charset=utf-8"), ("xml", "application/sparql-results+xml")],
)
def test_format_parameter_overrides_accept(client: FlaskClient, fmt: str, content_type: str) -> None:
    response = client.get(
        "/sparql", query_string={"query": LUEBECK_QUERY, "format": fmt}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.content_type == content_type


def test_format_xml_means_rdf_xml_for_construct(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT_QUERY, "format": "xml"})
    assert response.content_type == "application/rdf+xml"


def test_construct_with_only_results_formats_acceptable_is_406_listing_offers(client: FlaskClient) -> None:
    response = client.get(
        "/sparql", query_string={"query": CONSTRUCT_QUERY}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 406
    error = response.get_json()["error"]
    assert error["code"] == "not-acceptable"
    assert error["offered"] == [
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
        "application/trig",
        "application/n-quads",
    ]
    assert "text/turtle" in error["message"] and "text/turtle" in error["message_en"]


def test_responses_vary_on_accept(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LUEBECK_QUERY})
    assert "Accept" in response.headers["Vary"]


# --- the dataset: union default graph, strict mode, protocol parameters -----


def test_default_graph_is_the_union_of_the_named_graphs(client: FlaskClient) -> None:
    # the type is in the katalog graph, the partner in the seed graph
    assert _bindings(client.get("/sparql", query_string={"query": PARTNER_QUERY})) == [{"partner": ID + "md-kiel"}]


def test_strict_dataset_default_graph_is_the_store_default_graph(make_app) -> None:
    client = make_app(STRICT_DATASET=True).test_client()
    assert _bindings(client.get("/sparql", query_string={"query": PARTNER_QUERY})) == []
    assert _count(client.get("/sparql", query_string={"query": COUNT_QUERY})) == 0
    graph_query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert _count(client.get("/sparql", query_string={"query": graph_query})) == sum(COUNTS.values())


def test_default_graph_uri_makes_that_graph_the_default_graph(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": COUNT_QUERY, "default-graph-uri": GRAPH + "katalog"})
    assert _count(response) == COUNTS[GRAPH + "katalog"]


def test_repeated_default_graph_uri_merges_the_graphs(client: FlaskClient) -> None:
    query = PARTNER_QUERY
    params = [("query", query), ("default-graph-uri", GRAPH + "katalog"), ("default-graph-uri", GRAPH + "seed")]
    response = client.get("/sparql?" + "&".join(f"{k}={_quote(v)}" for k, v in params))
    assert _bindings(response) == [{"partner": ID + "md-kiel"}]


def test_named_graph_uri_limits_graph_patterns_and_leaves_default_graph_empty(client: FlaskClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post("/sparql", data={"query": query, "named-graph-uri": GRAPH + "seed"})
    assert _bindings(response) == [{"g": GRAPH + "seed"}]
    response = client.post("/sparql", data={"query": COUNT_QUERY, "named-graph-uri": GRAPH + "seed"})
    assert _count(response) == 0


def test_protocol_dataset_in_url_applies_to_direct_post(client: FlaskClient) -> None:
    response = client.post(
        f"/sparql?default-graph-uri={_quote(GRAPH + 'ontology')}",
        data=COUNT_QUERY,
        content_type="application/sparql-query",
    )
    assert _count(response) == COUNTS[GRAPH + "ontology"]


def test_from_clause_is_respected_in_union_mode(client: FlaskClient) -> None:
    query = SPARQL_PREFIXES + f"SELECT ?partner FROM <{GRAPH}katalog> WHERE {{ id:jc-kiel kg:kooperiertMit ?partner }}"
    assert _bindings(client.get("/sparql", query_string={"query": query})) == []
    query = SPARQL_PREFIXES + f"SELECT ?partner FROM <{GRAPH}seed> WHERE {{ id:jc-kiel kg:kooperiertMit ?partner }}"
    assert _bindings(client.get("/sparql", query_string={"query": query})) == [{"partner": ID + "md-kiel"}]


def test_invalid_graph_iri_is_400(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": COUNT_QUERY, "default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid-graph-iri"


def test_relative_iris_resolve_against_the_koopgraph_namespace(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT ?o WHERE { <id/jc-kiel> <ontology#kooperiertMit> ?o }"})
    assert _bindings(response) == [{"o": ID + "md-kiel"}]


# --- service description -----------------------------------------------------


def _description(response) -> tuple[rdflib.Graph, rdflib.URIRef]:
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    (service,) = graph.subjects(RDF.type, SD.Service)
    return graph, service


def test_get_without_query_returns_service_description_in_turtle(client: FlaskClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.content_type == "text/turtle; charset=utf-8"
    graph, service = _description(response)
    assert service == rdflib.URIRef("http://localhost/sparql")
    assert graph.value(service, SD.endpoint) == rdflib.URIRef("http://localhost/sparql")
    assert set(graph.objects(service, SD.supportedLanguage)) == {SD.SPARQL11Query}
    assert set(graph.objects(service, SD.resultFormat)) == {
        FORMATS.SPARQL_Results_JSON,
        FORMATS.SPARQL_Results_XML,
        FORMATS.SPARQL_Results_CSV,
        FORMATS.SPARQL_Results_TSV,
        FORMATS.Turtle,
        FORMATS["N-Triples"],
        FORMATS["JSON-LD"],
        FORMATS.RDF_XML,
        FORMATS.TriG,
        FORMATS["N-Quads"],
    }
    assert set(graph.objects(service, SD.feature)) == {SD.UnionDefaultGraph}


def test_service_description_counts_triples_of_default_and_named_graphs(client: FlaskClient) -> None:
    graph, service = _description(client.get("/sparql"))
    dataset = graph.value(service, SD.defaultDataset)
    default = graph.value(dataset, SD.defaultGraph)
    assert graph.value(default, VOID.triples).toPython() == UNION_DISTINCT_TRIPLES
    named = {
        str(graph.value(ng, SD.name)): graph.value(graph.value(ng, SD.graph), VOID.triples).toPython()
        for ng in graph.objects(dataset, SD.namedGraph)
    }
    assert named == COUNTS


def test_strict_service_description_has_no_union_feature_and_empty_default_graph(make_app) -> None:
    graph, service = _description(make_app(STRICT_DATASET=True).test_client().get("/sparql"))
    assert list(graph.objects(service, SD.feature)) == []
    default = graph.value(graph.value(service, SD.defaultDataset), SD.defaultGraph)
    assert graph.value(default, VOID.triples).toPython() == 0


def test_service_description_is_content_negotiated(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert response.content_type == "application/n-triples"
    graph = rdflib.Graph().parse(data=response.data, format="nt")
    assert (rdflib.URIRef("http://localhost/sparql"), RDF.type, SD.Service) in graph


def test_service_description_refuses_results_formats_with_406(client: FlaskClient) -> None:
    assert client.get("/sparql", headers={"Accept": "text/csv"}).status_code == 406


# --- client errors -------------------------------------------------------------


def test_syntax_error_is_400_with_the_parsers_message(client: FlaskClient) -> None:
    broken = "SELECT * WHERE { ?s ?p }"
    with pytest.raises(SyntaxError) as parser:
        ox.Store().query(broken)
    response = client.get("/sparql", query_string={"query": broken})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["status"] == 400
    assert error["code"] == "query-syntax"
    assert error["message"] == f"Syntaxfehler in der SPARQL-Abfrage: {parser.value.msg}"
    assert error["message_en"] == f"Syntax error in the SPARQL query: {parser.value.msg}"


def test_unknown_function_is_400_not_500(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT (<http://example.org/f>(1) AS ?x) {}"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "query-not-supported"
    assert "http://example.org/f" in error["message_en"]


def test_query_string_with_invalid_utf8_is_answered_not_crashed(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK%20%7B%FF%7D")
    assert response.status_code == 400


def test_update_via_form_on_a_server_without_tokens_is_403_read_only(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"update": "CLEAR ALL"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "read-only"
    assert _count(client.get("/sparql", query_string={"query": COUNT_QUERY})) == 8


def test_update_via_direct_post_on_a_server_without_tokens_is_403_read_only(client: FlaskClient) -> None:
    response = client.post("/sparql", data="CLEAR ALL", content_type="application/sparql-update")
    assert response.status_code == 403
    assert response.get_json()["error"]["message_en"] == (
        "This server is set up read-only (no write tokens configured)."
    )


def test_update_without_a_token_is_401_with_a_bearer_challenge(make_app) -> None:
    client = make_app(TOKENS="pflege:pflege-geheimnis-0123456789:schreiben+verwalten").test_client()
    response = client.post("/sparql", data="CLEAR ALL", content_type="application/sparql-update")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="koopgraph"'
    assert _count(client.get("/sparql", query_string={"query": COUNT_QUERY})) == 8


def test_update_via_get_is_400(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"update": "CLEAR ALL"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "update-via-get"


def test_query_and_update_in_one_request_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": COUNT_QUERY, "update": "CLEAR ALL"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "query-and-update"


def test_two_queries_in_one_request_are_400(client: FlaskClient) -> None:
    response = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "several-operations"


def test_query_in_url_and_in_direct_body_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql?query=ASK%20%7B%7D", data="ASK {}", content_type="application/sparql-query")
    assert response.status_code == 400


def test_post_form_without_query_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"default-graph-uri": GRAPH + "seed"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "missing-query"


def test_service_clause_is_refused_with_403(client: FlaskClient) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "service-forbidden"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "application/sparql-query; charset=UTF-16", None]
)
def test_unsupported_content_type_is_415(client: FlaskClient, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/sparql", data=b"ASK {}", headers=headers)
    assert response.status_code == 415
    assert response.get_json()["error"]["status"] == 415


def test_invalid_utf8_body_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data=b"ASK { \xff }", content_type="application/sparql-query")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid-utf8"


def test_body_over_max_body_bytes_is_413_and_at_the_limit_is_fine(make_app) -> None:
    query = "ASK { }" + " " * 93  # exactly 100 bytes
    client = make_app(MAX_BODY_BYTES=100).test_client()
    assert client.post("/sparql", data=query, content_type="application/sparql-query").status_code == 200
    response = client.post("/sparql", data=query + " ", content_type="application/sparql-query")
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "payload-too-large"
    assert error["message_en"] == "The request body is larger than 100 bytes."
    form = client.post("/sparql", data={"query": query}, content_type=FORM)
    assert form.status_code == 413


def test_form_body_larger_than_flask_default_form_limit_is_accepted(client: FlaskClient) -> None:
    # Flask's own MAX_FORM_MEMORY_SIZE (500 kB) must not undercut MAX_BODY_BYTES.
    query = "ASK {}" + "#" * 600_000
    assert client.post("/sparql", data={"query": query}).status_code == 200


def test_put_is_405_with_allow_header(client: FlaskClient) -> None:
    response = client.put("/sparql", query_string={"query": "ASK {}"}, content_type=FORM)
    assert response.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}
    assert response.get_json()["error"]["code"] == "method-not-allowed"


# --- CORS and health -----------------------------------------------------------


def test_get_sparql_allows_any_origin_without_credentials(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_preflight_options_allows_get_only(client: FlaskClient) -> None:
    response = client.options(
        "/sparql", headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_post_gets_no_cors_header(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_get_errors_carry_cors_header_so_browsers_can_read_them(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {"}, headers={"Origin": "https://example.org"})
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_origin_list_echoes_only_listed_origins(make_app) -> None:
    client = make_app(CORS_ORIGINS="https://a.example https://b.example").test_client()
    allowed = client.get("/healthz", headers={"Origin": "https://b.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://b.example"
    assert "Origin" in allowed.headers["Vary"]
    assert "Access-Control-Allow-Origin" not in client.get("/healthz", headers={"Origin": "https://c.example"}).headers


def test_empty_cors_origins_disables_cors(make_app) -> None:
    response = make_app(CORS_ORIGINS="").test_client().get("/healthz", headers={"Origin": "https://a.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_healthz_reports_ok_and_triple_count_with_cors(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    health = response.get_json()
    assert (health["status"], health["triples"]) == ("ok", sum(COUNTS.values()))
    assert health["queries"]["alive"] == health["queries"]["workers"] == 4 and health["queries"]["busy"] == 0
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def test_json_error_body_has_fixed_shape(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"update": "CLEAR ALL"})
    assert json.loads(response.data) == {
        "error": {
            "status": 400,
            "code": "update-via-get",
            "message": "Updates gehen nur per POST.",
            "message_en": "Updates must be sent with POST.",
        }
    }
