"""The W3C SPARQL 1.1 test suites (../shared/w3c-sparql11/) against the app,
in strict-dataset mode, with a token that may write and manage, every byte
going through the HTTP interfaces:

(a) protocol – all 34 cases, including the updates; ut:data/ut:graphData
    are loaded with Graph Store PUT;
(b) graph-store-protocol – the 13 listed cases; the four that need direct
    graph identification (a graph named by the request URL, which Koopgraph
    does not offer) run with ?graph=<that URL> instead;
(c) service-description – the 3 named cases, the first in every RDF syntax;
(d) query evaluation – aggregates … json-res. For each test the store is
    cleared (DROP ALL over /sparql), every data file is put into a named
    graph named by its IRI (Graph Store PUT; nothing there is targeted by a
    shape, so the gate lets it pass), and the query is sent to /sparql with
    the test's dataset as protocol parameters: default-graph-uri = the
    qt:data files, named-graph-uri = the qt:graphData files – a query with
    its own FROM keeps its own. The dataset is passed explicitly because the
    store always also holds the submissions log graph, which a `GRAPH ?g`
    would otherwise find. Results are compared by value: solutions as
    multisets (sequences with ORDER BY), blank nodes up to a bijection,
    graphs likewise; CSV as text cells.

Expected failures are listed in EXPECTED_FAILURES with the reason; they are
strict xfails, so a case that starts to pass fails the run until it is
taken off the list. A summary per suite is printed at the end.
"""

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from werkzeug.datastructures import MultiDict

from koopgraph.web.app import create_app
from koopgraph.engine import sparqltext

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "w3c-sparql11"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"

if not (SHARED / "protocol" / "manifest.ttl").is_file():
    pytest.skip(f"W3C SPARQL 1.1 test suites not found at {SHARED} (../shared is not checked out)",
                allow_module_level=True)

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")

SECRET = "w3c-datenpflege-0123456789abcdef"
BEARER = {"Authorization": f"Bearer {SECRET}"}
UPDATE = "application/sparql-update"
EMPTY_GRAPH = "urn:koopgraph:w3c:leer"  # names the empty default graph of a test without data

QUERY_SUITES = ("aggregates", "bind", "construct", "exists", "functions", "grouping", "negation",
                "project-expression", "property-path", "subquery", "csv-tsv-res", "json-res")

# suite/case -> why it fails: known deviations of pyoxigraph 0.5 (which
# answers every query), each checked against pyoxigraph directly, without
# Koopgraph in between.
_EMPTY_PATH = "pyoxigraph 0.5 gives no solution for a zero-length path from a constant on an empty dataset"
_SAME_LANGUAGE = "pyoxigraph 0.5 keeps the common language tag in GROUP_CONCAT; the (post-1.1) test expects a simple literal"
EXPECTED_FAILURES: dict[str, str] = {
    "aggregates/agg-groupconcat-04": _SAME_LANGUAGE,
    "aggregates/agg-groupconcat-06": _SAME_LANGUAGE,
    "aggregates/agg-empty-group-count-graph": "pyoxigraph 0.5 loses ?g of GRAPH ?g around an aggregate subquery",
    "functions/bnode01": "pyoxigraph 0.5 gives the same blank node for BNODE(str) in every solution, not one per solution",
    "negation/graph-minus": "pyoxigraph 0.5 lets the outer GRAPH variable take part in MINUS disjointness",
    "property-path/zero_or_more_set_start": _EMPTY_PATH,
    "property-path/zero_or_more_set_end": _EMPTY_PATH,
    "property-path/zero_or_one_set_start": _EMPTY_PATH,
    "property-path/zero_or_one_set_end": _EMPTY_PATH,
    "csv-tsv-res/csv03": "pyoxigraph stores \"1.0E6\"^^xsd:double as a value and writes 1000000; CSV has no type to compare by",
    "csv-tsv-res/tsv03": "pyoxigraph stores \"-3\"^^xsd:negativeInteger as xsd:integer",
}


# ---------------------------------------------------------------- the server


@pytest.fixture(scope="module")
def web(tmp_path_factory) -> FlaskClient:
    app = create_app({"TESTING": True, "QUERY_PROCESSES": False, "STORE": ":memory:", "BUILD_IF_EMPTY": False, "STRICT_DATASET": True,
                      "TOKENS": f"w3c:{SECRET}:schreiben+verwalten", "CORS_ORIGINS": "*"})
    return app.test_client()


def clear(web: FlaskClient) -> None:
    response = web.post("/sparql", data=b"DROP ALL", content_type=UPDATE, headers=BEARER)
    assert response.status_code == 200, response.data


_CONTENT_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples", ".rdf": "application/rdf+xml"}


def put(web: FlaskClient, file: Path, graph: str | None) -> None:
    """One data file into a named graph (or the default graph) with Graph Store PUT."""
    target = {"default": ""} if graph is None else {"graph": graph}
    response = web.put("/store", query_string=target, data=file.read_bytes(),
                       headers=BEARER | {"Content-Type": _CONTENT_TYPES[file.suffix]})
    assert response.status_code in (200, 201, 204), (file, response.data[:300])


def iri(file: Path) -> str:
    return BASE + file.relative_to(SHARED).as_posix()


def local(path: str) -> Path:
    return SHARED / str(path).removeprefix(BASE)


# ---------------------------------------------------------------- comparing results


def _bijective(pairs, mapping: dict, inverse: dict) -> tuple[dict, dict] | None:
    """Extend a blank-node bijection by (expected, actual) term pairs, or None."""
    mapping, inverse = dict(mapping), dict(inverse)
    for e, a in pairs:
        if isinstance(e, ox.BlankNode) and isinstance(a, ox.BlankNode):
            if mapping.get(e, a) != a or inverse.get(a, e) != e:
                return None
            mapping[e], inverse[a] = a, e
        elif e != a:
            return None
    return mapping, inverse


def _ground(row: dict) -> bool:
    return not any(isinstance(t, ox.BlankNode) for t in row.values())


def same_rows(expected: list[dict], actual: list[dict], ordered: bool) -> bool:
    """Equal as multisets (or sequences) of rows, blank nodes up to one
    bijection across all rows."""
    if len(expected) != len(actual):
        return False
    if ordered:
        mapping: tuple[dict, dict] | None = ({}, {})
        for e, a in zip(expected, actual):
            if e.keys() != a.keys() or mapping is None:
                return False
            mapping = _bijective(((e[k], a[k]) for k in e), *mapping)
        return mapping is not None
    key = lambda row: frozenset(row.items())  # noqa: E731
    if Counter(key(r) for r in expected if _ground(r)) != Counter(key(r) for r in actual if _ground(r)):
        return False
    todo = [r for r in expected if not _ground(r)]
    pool = [r for r in actual if not _ground(r)]
    if len(todo) != len(pool):
        return False

    def shape(row: dict) -> tuple:  # what a blank node cannot change
        return tuple(sorted((k, v if not isinstance(v, ox.BlankNode) else None) for k, v in row.items()))

    candidates = [[j for j, a in enumerate(pool) if shape(a) == shape(e)] for e in todo]
    order = sorted(range(len(todo)), key=lambda i: len(candidates[i]))
    used = [False] * len(pool)

    def search(n: int, mapping: dict, inverse: dict) -> bool:
        if n == len(order):
            return True
        e = todo[order[n]]
        for j in candidates[order[n]]:
            if used[j]:
                continue
            extended = _bijective(((e[k], pool[j][k]) for k in e), mapping, inverse)
            if extended is not None:
                used[j] = True
                if search(n + 1, *extended):
                    return True
                used[j] = False
        return False

    return search(0, {}, {})


_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {_XSD + t for t in ("integer", "decimal", "float", "double")}


def canonical(term):
    """Numbers by value: pyoxigraph stores numeric literals as values and
    writes them back in its canonical form ("1.0E6"^^xsd:double comes back
    as "1000000"), and the expected results of the suites are not all in
    canonical form. The datatype still has to match."""
    if isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC:
        try:
            return ox.Literal(str(Decimal(term.value.strip()).normalize()), datatype=term.datatype)
        except InvalidOperation:
            return term
    return term


def _solution_rows(result) -> list[dict]:
    return [{v.value: canonical(s[v]) for v in result.variables if s[v] is not None} for s in result]


def _triple_rows(triples) -> list[dict]:
    return [{"s": t.subject, "p": t.predicate, "o": canonical(t.object)} for t in dict.fromkeys(triples)]


def _csv_rows(text: str) -> tuple[list[str], list[dict]]:
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    cell = lambda v: ox.BlankNode(v[2:]) if v.startswith("_:") else v  # noqa: E731
    return header, [{h: cell(v) for h, v in zip(header, row) if v != ""} for row in body]


# ---------------------------------------------------------------- (d) query evaluation


@dataclass
class QueryCase:
    suite: str
    name: str
    kind: str  # local name of the test type
    query: Path
    data: list[Path] = field(default_factory=list)
    graph_data: list[Path] = field(default_factory=list)
    result: Path | None = None

    @property
    def id(self) -> str:
        return f"{self.suite}/{self.name}"


def _manifest(folder: Path, name: str = "manifest.ttl") -> tuple[rdflib.Graph, list]:
    graph = rdflib.Graph().parse(folder / name, format="turtle", publicID=iri(folder / name))
    (root,) = graph.subjects(RDF.type, MF.Manifest)
    entries = graph.value(root, MF.entries)
    return graph, list(Collection(graph, entries)) if entries is not None else []


def _local_name(node) -> str:
    return str(node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def query_cases() -> list[QueryCase]:
    cases = []
    for suite in QUERY_SUITES:
        manifest, entries = _manifest(SHARED / suite)
        for test in entries:
            kind = _local_name(manifest.value(test, RDF.type))
            action = manifest.value(test, MF.action)
            case = QueryCase(suite, _local_name(test), kind, local(action))
            if kind in ("QueryEvaluationTest", "CSVResultFormatTest"):
                case.query = local(manifest.value(action, QT.query))
                case.data = sorted(local(d) for d in manifest.objects(action, QT.data))
                case.graph_data = sorted(local(d) for d in manifest.objects(action, QT.graphData))
                result = manifest.value(test, MF.result)
                case.result = None if result is None else local(result)
            cases.append(case)
    return cases


RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
_RESULT_SET = ox.NamedNode(RS + "ResultSet")


def _rdf_result(path: Path) -> list[ox.Triple]:
    fmt = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML}[path.suffix]
    return [q.triple for q in ox.parse(path=str(path), format=fmt, base_iri=iri(path))]


def _result_set_rows(triples: list[ox.Triple]) -> list[dict]:
    """Solutions of a result set in the DAWG rs: vocabulary."""
    about: dict = defaultdict(lambda: defaultdict(list))
    for t in triples:
        about[t.subject][t.predicate.value].append(t.object)
    (root,) = [s for s, props in about.items() if _RESULT_SET in props[str(RDF.type)]]
    rows = []
    for solution in about[root][RS + "solution"]:
        row = {}
        for binding in about[solution][RS + "binding"]:
            (name,), (value,) = about[binding][RS + "variable"], about[binding][RS + "value"]
            row[name.value] = canonical(value)
        rows.append(row)
    return rows


def _accept(case: "QueryCase") -> str:
    if case.result.suffix in (".ttl", ".nt", ".rdf") and _RESULT_SET in {t.object for t in _rdf_result(case.result)}:
        return "application/sparql-results+json"
    return _ACCEPT[case.result.suffix]


_ACCEPT = {".srx": "application/sparql-results+xml", ".srj": "application/sparql-results+json",
           ".tsv": "text/tab-separated-values", ".csv": "text/csv", ".ttl": "text/turtle",
           ".nt": "text/turtle", ".rdf": "text/turtle"}
_ORDER_BY = re.compile(r"ORDER\s+BY", re.IGNORECASE)


def _ask(web: FlaskClient, case: QueryCase, text: str):
    params = [("query", f"BASE <{iri(case.query)}>\n{text}")]
    if "FROM" not in sparqltext.keywords(text):
        defaults = [iri(f) for f in case.data] or [EMPTY_GRAPH]
        params += [("default-graph-uri", g) for g in defaults]
        params += [("named-graph-uri", iri(f)) for f in case.graph_data]
    return web.post("/sparql", data=MultiDict(params), headers={"Accept": _accept(case)})


def run_query_case(web: FlaskClient, case: QueryCase) -> None:
    text = case.query.read_text(encoding="utf-8")
    if case.kind == "NegativeSyntaxTest11":
        response = web.get("/sparql", query_string={"query": text})
        assert response.status_code == 400, response.data[:300]
        return
    if case.kind == "PositiveSyntaxTest11":
        response = web.get("/sparql", query_string={"query": text})
        assert response.status_code == 200, response.data[:300]
        return
    clear(web)
    for file in dict.fromkeys([*case.data, *case.graph_data]):
        put(web, file, iri(file))
    check_answer(case, text, _ask(web, case, text))


def check_answer(case: QueryCase, text: str, response) -> None:
    """The answer (anything with status_code and data) compared with the
    case's expected result, by value."""
    assert response.status_code == 200, response.data[:500]
    suffix = case.result.suffix
    if suffix == ".csv":  # SELECT * leaves the column order open; cells are compared by name
        (want_header, want), (got_header, got) = _csv_rows(case.result.read_text()), _csv_rows(response.data.decode())
        assert sorted(got_header) == sorted(want_header)
        assert same_rows(want, got, False), response.data.decode()
        return
    if suffix in (".ttl", ".nt", ".rdf"):
        expected = _rdf_result(case.result)
        if _RESULT_SET in {t.object for t in expected}:  # a SELECT result written in the rs: vocabulary
            actual = ox.parse_query_results(response.data, format=ox.QueryResultsFormat.JSON)
            assert same_rows(_result_set_rows(expected), _solution_rows(actual), False), response.data.decode()
            return
        actual = [q.triple for q in ox.parse(response.data, format=ox.RdfFormat.TURTLE)]
        assert same_rows(_triple_rows(expected), _triple_rows(actual), False), response.data.decode()
        return
    fmt = ox.QueryResultsFormat.from_media_type(_ACCEPT[suffix])
    expected = ox.parse_query_results(path=str(case.result), format=fmt)
    actual = ox.parse_query_results(response.data, format=fmt)
    if isinstance(expected, ox.QueryBoolean):
        assert isinstance(actual, ox.QueryBoolean) and bool(actual) == bool(expected)
        return
    assert isinstance(actual, ox.QuerySolutions), response.data[:300]
    assert sorted(v.value for v in actual.variables) == sorted(v.value for v in expected.variables)
    ordered = bool(_ORDER_BY.search(text))
    assert same_rows(_solution_rows(expected), _solution_rows(actual), ordered), response.data.decode()


# ---------------------------------------------------------------- (a) protocol and (b) graph store: ht: requests


_STATUS = {"OK": {200}, "Created": {201}, "NoContent": {204}, "NotFound": {404}}


@dataclass
class Request:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    statuses: set  # codes (int) or classes ("2xx")
    expected_format: str | None = None
    expected_boolean: bool | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    location: str | None = None


@dataclass
class HttpCase:
    suite: str
    name: str
    requests: list[Request]
    authority: str = ""
    named_graphs: list[tuple[str, Path]] = field(default_factory=list)
    default_graph: list[Path] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.suite}/{self.name}"


def _headers(graph: rdflib.Graph, node) -> dict[str, str]:
    found = graph.value(node, HT.headers)
    return {str(graph.value(h, HT.fieldName)).lower(): str(graph.value(h, HT.fieldValue))
            for h in (Collection(graph, found) if found is not None else [])}


def _statuses(graph: rdflib.Graph, response) -> set:
    out: set = set()
    for status in graph.objects(response, MF.expectedStatus):
        name = _local_name(status)
        out |= {name.removeprefix("StatusCode")} if name.startswith("StatusCode") else _STATUS[name]
    return out


def _request(graph: rdflib.Graph, node) -> Request:
    body_node = graph.value(node, HT.body)
    body = None
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    boolean = graph.value(response, MF.expectedBoolean)
    fmt = graph.value(response, MF.expectedFormat)
    response_body = graph.value(response, HT.body)
    location = graph.value(response, MF.expectedLocation)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        body=body,
        headers=_headers(graph, node),
        statuses=_statuses(graph, response),
        expected_format=None if fmt is None else str(fmt),
        expected_boolean=None if boolean is None else boolean.toPython(),
        response_headers=_headers(graph, response),
        response_body=None if response_body is None else str(graph.value(response_body, CNT.chars)),
        location=None if location is None else str(location),
    )


def http_cases(suite: str, manifests: tuple[str, ...]) -> list[HttpCase]:
    cases = []
    for name in manifests:
        graph, entries = _manifest(SHARED / suite, name)
        for test in entries:
            action = graph.value(test, MF.action)
            case = HttpCase(suite, _local_name(test),
                            [_request(graph, r) for r in Collection(graph, graph.value(action, HT.requests))],
                            authority=str(graph.value(action, HT.connectionAuthority) or ""))
            for data in graph.objects(test, UT.graphData):
                case.named_graphs.append((str(graph.value(data, RDFS.label)), local(graph.value(data, UT.graph))))
            case.default_graph = [local(d) for d in graph.objects(test, UT.data)]
            cases.append(case)
    return cases


_ALLOWED = {  # what mf:expectedFormat allows ("one of: …")
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"},
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples"},
}


def _path(case: HttpCase, request: Request) -> str:
    """The manifest's /sparql/ and /gsp prefixes replaced by the app's paths.
    A graph named by the request URL (direct identification) is named with
    ?graph= instead."""
    path = request.path
    if case.suite == "protocol":
        return "/sparql" + path.removeprefix("/sparql/")
    if path.startswith("/gsp/"):
        return "/store?graph=" + quote(f"http://{case.authority}{path}", safe="")
    return "/store" + path.removeprefix("/gsp")


def check_body(request: Request, response) -> None:
    media_type = response.mimetype
    assert media_type in _ALLOWED[request.expected_format], media_type
    if request.expected_format == "RDF":
        list(ox.parse(response.data, format=ox.RdfFormat.from_media_type(media_type)))
    elif media_type == "text/csv":
        list(csv.reader(io.StringIO(response.data.decode())))
    else:
        result = ox.parse_query_results(response.data, format=ox.QueryResultsFormat.from_media_type(media_type))
        if request.expected_boolean is not None:
            assert isinstance(result, ox.QueryBoolean) and bool(result) is request.expected_boolean


def _normal(value: str) -> str:
    return ";".join(part.strip().lower() for part in value.split(";"))


def run_http_case(web: FlaskClient, case: HttpCase) -> None:
    clear(web)
    for graph, file in case.named_graphs:
        put(web, file, graph)
    for file in case.default_graph:
        put(web, file, None)
    variables: dict[str, str] = {}
    for request in case.requests:
        path, body = _path(case, request), request.body
        for name, value in variables.items():
            path = path.replace(name, value)
            body = None if body is None else body.replace(name.encode(), value.encode())
        response = web.open(path, method=request.method, data=body, headers=request.headers | BEARER)
        code = response.status_code
        assert code in request.statuses or f"{code // 100}xx" in request.statuses, \
            (request.method, path, code, response.data[:300])
        if request.location:
            variables[request.location] = response.headers["Location"]
        if request.expected_format:
            check_body(request, response)
        for name, value in request.response_headers.items():
            assert _normal(response.headers.get(name, "")) == _normal(value), (name, response.headers.get(name))
        if request.response_body is not None:
            expected = [q.triple for q in ox.parse(request.response_body.encode(), format=ox.RdfFormat.TURTLE)]
            actual = [q.triple for q in ox.parse(response.data, format=ox.RdfFormat.from_media_type(response.mimetype))]
            assert same_rows(_triple_rows(expected), _triple_rows(actual), False), response.data.decode()


# ---------------------------------------------------------------- (c) service description


SD_FORMATS = ("text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json")
SD_CASES = [f"returns-rdf[{fmt}]" for fmt in SD_FORMATS] + ["has-endpoint-triple", "conforms-to-schema"]

_SD_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix : <urn:koopgraph:test:sd#> .
:Service a sh:NodeShape ; sh:targetClass sd:Service ;
  sh:property [ sh:path sd:endpoint ; sh:minCount 1 ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:supportedLanguage ; sh:minCount 1 ;
                sh:in ( sd:SPARQL10Query sd:SPARQL11Query sd:SPARQL11Update ) ] ;
  sh:property [ sh:path sd:resultFormat ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:feature ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path sd:defaultDataset ; sh:class sd:Dataset ; sh:maxCount 1 ] .
:Dataset a sh:NodeShape ; sh:targetClass sd:Dataset ;
  sh:property [ sh:path sd:defaultGraph ; sh:class sd:Graph ; sh:maxCount 1 ] ;
  sh:property [ sh:path sd:namedGraph ; sh:class sd:NamedGraph ] .
:NamedGraph a sh:NodeShape ; sh:targetClass sd:NamedGraph ;
  sh:property [ sh:path sd:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:nodeKind sh:IRI ] .
"""


def _description(web: FlaskClient, media_type: str = "text/turtle") -> rdflib.Graph:
    response = web.get("/sparql", headers={"Accept": media_type})
    assert response.status_code == 200 and response.mimetype == media_type
    graph = rdflib.Graph()
    for q in ox.parse(response.data, format=ox.RdfFormat.from_media_type(media_type)):
        graph.add(tuple(rdflib.BNode(t.value) if isinstance(t, ox.BlankNode) else
                        rdflib.URIRef(t.value) if isinstance(t, ox.NamedNode) else
                        rdflib.Literal(t.value, datatype=t.datatype.value if not t.language else None, lang=t.language)
                        for t in (q.subject, q.predicate, q.object)))
    return graph


def run_sd_case(web: FlaskClient, name: str) -> None:
    clear(web)
    if name.startswith("returns-rdf"):
        assert len(_description(web, name[len("returns-rdf["):-1])) > 0
    elif name == "has-endpoint-triple":
        graph = _description(web)
        assert any(graph.triples((None, SD.endpoint, rdflib.URIRef("http://localhost/sparql"))))
        assert SD.SPARQL11Update in set(graph.objects(None, SD.supportedLanguage))
    else:
        import pyshacl

        conforms, _, text = pyshacl.validate(_description(web), shacl_graph=rdflib.Graph().parse(data=_SD_SHAPES))
        assert conforms, text


# ---------------------------------------------------------------- the cases, with their expected failures


QUERY_CASES = query_cases()
PROTOCOL_CASES = http_cases("protocol", ("manifest.ttl",))
GSP_CASES = http_cases("graph-store-protocol", ("manifest-direct.ttl", "manifest-indirect.ttl"))
RESULTS: dict[str, Counter] = defaultdict(Counter)


def _params(cases, ident=lambda c: c.id):
    out = []
    for case in cases:
        key = ident(case)
        marks = [pytest.mark.xfail(strict=True, reason=EXPECTED_FAILURES[key])] if key in EXPECTED_FAILURES else []
        out.append(pytest.param(case, id=key, marks=marks))
    return out


def _record(suite: str, key: str):
    """Count the outcome of one case for the summary."""
    class Outcome:
        def __enter__(self):
            return self

        def __exit__(self, kind, *_):
            RESULTS[suite]["total"] += 1
            RESULTS[suite]["passed" if kind is None else "failed"] += 1
            if kind is not None and key in EXPECTED_FAILURES:
                RESULTS[suite]["expected failures"] += 1
            return False

    return Outcome()


@pytest.fixture(scope="module", autouse=True)
def _summary(request):
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or not RESULTS:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        for suite, counts in sorted(RESULTS.items()):
            reporter.write_line(f"W3C {suite}: {counts['passed']} passed, {counts['failed']} failed "
                                f"({counts['expected failures']} expected) of {counts['total']}")


@pytest.mark.parametrize("case", _params(PROTOCOL_CASES))
def test_w3c_protocol_suite(web: FlaskClient, case: HttpCase) -> None:
    with _record("protocol", case.id):
        run_http_case(web, case)


@pytest.mark.parametrize("case", _params(GSP_CASES))
def test_w3c_graph_store_protocol_suite(web: FlaskClient, case: HttpCase) -> None:
    with _record("graph-store-protocol", case.id):
        run_http_case(web, case)


@pytest.mark.parametrize("name", _params(SD_CASES, ident=lambda n: f"service-description/{n}"))
def test_w3c_service_description_suite(web: FlaskClient, name: str) -> None:
    with _record("service-description", f"service-description/{name}"):
        run_sd_case(web, name)


@pytest.mark.parametrize("case", _params(QUERY_CASES))
def test_w3c_query_evaluation_suite(web: FlaskClient, case: QueryCase) -> None:
    with _record(case.suite, case.id):
        run_query_case(web, case)


def test_the_suites_have_the_expected_size() -> None:
    assert (len(PROTOCOL_CASES), len(GSP_CASES)) == (34, 13)
    assert len(QUERY_CASES) == 227
    assert set(EXPECTED_FAILURES) <= {c.id for c in [*QUERY_CASES, *PROTOCOL_CASES, *GSP_CASES]} | {
        f"service-description/{n}" for n in SD_CASES}
