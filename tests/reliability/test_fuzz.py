"""Bad input never yields 500 or a traceback.

schemathesis generates requests for every operation /openapi.json
describes and checks each answer: a documented status, the documented
content type and headers, the error schema for JSON errors, never 5xx
(except the documented 429/502/503 of the query limits). hypothesis then
throws RDF bodies at /validate, /records and /store and SPARQL at /sparql.

The runs are derandomized (the same examples every time, so CI is stable)
and bounded; KOOPGRAPH_FUZZ_EXAMPLES=500 runs a deeper, random search.
"""

import itertools
import json
import os
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks

from koopgraph import content

from . import helpers

DEEP = int(os.environ.get("KOOPGRAPH_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=DEEP or 25, deadline=None, derandomize=not DEEP, database=None,
                suppress_health_check=list(HealthCheck))
INPUTS = settings(max_examples=DEEP or 60, deadline=None, derandomize=not DEEP, database=None,
                  suppress_health_check=list(HealthCheck))
TOKENS = itertools.cycle([None, helpers.WRITER, helpers.ADMIN])


@schemathesis.serializer("application/n-triples", "application/n-quads", "application/trig",
                         "application/sparql-query", "application/sparql-update")
def _text(ctx, value) -> bytes:
    """RDF and SPARQL bodies are text; the schema says string."""
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else json.dumps(value).encode()


# Loaded while the module is collected (schemathesis' lazy fixture loading
# does not work with pytest 9): one app in memory, a second or so.
schema = schemathesis.openapi.from_wsgi("/openapi.json", helpers.app())


def no_traceback(ctx, response, case) -> None:
    """Errors are JSON on the API paths and never show Python internals."""
    text = response.content.decode("utf-8", "replace")
    assert "Traceback" not in text and 'File "' not in text, text[:300]
    if response.status_code >= 400 and response.headers.get("Content-Type", [""])[0].startswith("application/json"):
        error = json.loads(text)["error"]
        assert {"status", "code", "message", "message_en"} <= set(error), error
        assert error["status"] == response.status_code


@schema.parametrize()
@FUZZ
def test_every_operation_answers_a_documented_status_and_never_5xx(case):
    token = next(TOKENS)
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"} if token else None,
        checks=[checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
                checks.response_schema_conformance, checks.response_headers_conformance],
        additional_checks=[no_traceback],
    )


# ---------------------------------------------------------------- RDF and SPARQL inputs

@pytest.fixture(scope="module")
def web():
    return helpers.app(MAX_RESULT_ROWS=1000, QUERY_TIMEOUT=5).test_client()


RECORD = helpers.record("fuzz").decode()
RDF_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
             "application/trig", "application/n-quads", "text/plain", "application/octet-stream", ""]
TURTLE_TOKENS = ["@prefix", "@base", "PREFIX", "koop:", "kooperation:x", "<https://w3id.org/koopgraph/id/kooperation/x>",
                 "<>", "<#a>", "<file:///etc/passwd>", "a", "koop:Kooperation", "rdfs:label", '"x"', '"x"@de', '"""x\n"""',
                 '"1"^^xsd:integer', "1", "1.5", "true", "_:b", "[", "]", "(", ")", ";", ",", ".", " ", "\n", "#", "{",
                 "}", "<<", ">>", "\\u00", "\x00", "ä", "😀", "'", "^^", "@", ":"]


def mutated(text: str):
    """The valid record with random cuts, repeats and insertions."""
    return st.tuples(st.integers(0, len(text)), st.integers(0, 40), st.text(max_size=20)).map(
        lambda t: text[:t[0]] + t[2] + text[t[0] + t[1]:])


rdf_text = st.one_of(
    mutated(RECORD),
    st.lists(st.sampled_from(TURTLE_TOKENS), max_size=60).map(" ".join),
    st.text(max_size=300),
)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(st.sampled_from(["@id", "@type", "@context", "@graph", "@value", "@language",
                                                              "@list", "@reverse", "@base", "@vocab",
                                                              "http://example.org/p", "label"]), children, max_size=4),
                           max_leaves=20)
rdf_xml = mutated('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                  'xmlns:koop="https://w3id.org/koopgraph/ontology#"><koop:Kooperation '
                  'rdf:about="https://w3id.org/koopgraph/id/kooperation/x"><koop:status rdf:resource='
                  '"https://w3id.org/koopgraph/id/kooperationsstatus/besteht"/></koop:Kooperation></rdf:RDF>')
bodies = st.one_of(
    st.tuples(st.sampled_from(RDF_TYPES), rdf_text.map(lambda t: t.encode("utf-8", "surrogatepass"))),
    st.tuples(st.just("application/ld+json"), json_values.map(lambda v: json.dumps(v).encode())),
    st.tuples(st.just("application/rdf+xml"), rdf_xml.map(lambda t: t.encode("utf-8", "surrogatepass"))),
    st.tuples(st.sampled_from(RDF_TYPES), st.binary(max_size=200)),
)


def assert_clean(response) -> None:
    assert response.status_code < 500, response.get_data()[:300]
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    if response.status_code >= 400:
        error = response.get_json()["error"]
        assert error["status"] == response.status_code and error["message"] and error["message_en"]


@INPUTS
@given(body=bodies, path=st.sampled_from(["/validate", "/records", "/store", "/store?default",
                                          "/store?graph=https://w3id.org/koopgraph/id/graph/fuzz"]))
def test_rdf_bodies_never_give_500(web, body, path):
    media_type, data = body
    headers = {"Authorization": f"Bearer {helpers.WRITER}"} | ({"Content-Type": media_type} if media_type else {})
    assert_clean(web.post(path, data=data, headers=headers))


def _questions() -> list[str]:
    folder = content.root() / "queries"
    return [Path(p).read_text(encoding="utf-8") for p in sorted(folder.glob("*.rq"))]


SPARQL_TOKENS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "*", "DISTINCT", "WHERE", "{", "}", "(", ")", "?s", "?p",
                 "?o", "$x", "<https://w3id.org/koopgraph/id/region/01062>", "<x>", "koop:", "PREFIX koop: "
                 "<https://w3id.org/koopgraph/ontology#>", "BASE <http://example.org/>", '"a"', '"a"@de', "1", "1.0",
                 "1e3", "true", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "VALUES", "BIND", "AS", "UNDEF",
                 "EXISTS", "NOT", "COUNT", "SUM", "GROUP_CONCAT", "SEPARATOR", "=", "GROUP BY", "ORDER BY", "DESC",
                 "HAVING", "LIMIT", "OFFSET", "FROM", "NAMED", "SERVICE", "<https://query.wikidata.org/sparql>",
                 ".", ";", ",", "|", "/", "^", "+", "*", "?", "!", "&&", "||", "<", ">", "REGEX", "STR", "LANG",
                 "IRI", "BNODE", "NOW()", "RAND()", "<<", ">>", "#", "\n", "'", '"', "\\", "a", "[", "]", "_:b"]
sparql_text = st.one_of(
    st.sampled_from(_questions()).flatmap(mutated),
    st.lists(st.sampled_from(SPARQL_TOKENS), max_size=40).map(" ".join),
    st.text(max_size=200),
)


@INPUTS
@given(text=sparql_text, accept=st.sampled_from(["", "application/sparql-results+json", "text/csv", "text/turtle",
                                                 "application/rdf+xml", "text/html", "*/*", "nonsense"]))
def test_sparql_queries_never_give_500(web, text, accept):
    assert_clean(web.post("/sparql", data=text.encode("utf-8", "surrogatepass"),
                          headers={"Content-Type": "application/sparql-query"} | ({"Accept": accept} if accept else {})))


UPDATE_TOKENS = SPARQL_TOKENS + ["INSERT", "DELETE", "DATA", "WITH", "USING", "CLEAR", "DROP", "CREATE", "ADD",
                                 "MOVE", "COPY", "TO", "SILENT", "DEFAULT", "ALL", "LOAD", "INTO",
                                 "<https://w3id.org/koopgraph/id/graph/fuzz>"]


@INPUTS
@given(text=st.one_of(st.lists(st.sampled_from(UPDATE_TOKENS), max_size=40).map(" ".join),
                      mutated("INSERT DATA { GRAPH <https://w3id.org/koopgraph/id/graph/fuzz> "
                              "{ <https://w3id.org/koopgraph/id/x> <http://example.org/p> \"1\" } }"),
                      st.text(max_size=200)))
def test_sparql_updates_never_give_500(web, text):
    assert_clean(web.post("/sparql", data=text.encode("utf-8", "surrogatepass"),
                          headers={"Content-Type": "application/sparql-update",
                                   "Authorization": f"Bearer {helpers.ADMIN}"}))
