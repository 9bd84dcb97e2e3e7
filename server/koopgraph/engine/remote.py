"""A triple store on another server, spoken to only through the W3C
standards: SPARQL 1.1 Query and Update protocols (and the Graph Store HTTP
Protocol for reading whole graphs where it is given).

RemoteEngine implements the Engine interface (interface.py), so the rest
of the code does not care where the data lives. What differs, and how
it is bridged:

- Union default graph: the protocol has no such switch, so a query that
  should see all graphs names them with default-graph-uri and
  named-graph-uri (the list is read once per store version). The remote
  store's own default graph is not part of that union.
- Parameters of named questions (pyoxigraph substitutions) are written
  into the query text as RDF terms by bind_text(): never pasted strings,
  always a term's own SPARQL syntax.
- Blank nodes cannot be addressed across requests, so they are stored as
  skolem IRIs (RDF 1.1 §3.5, ``…/.well-known/genid/<label>``) and read back
  as blank nodes with that label: a statement about a blank node can be
  deleted later, as on the embedded store.
- The store version (answer caches, ETags) is a statement in its own graph
  that every write through Koopgraph changes in the same update request,
  so several Koopgraph instances on one engine see each other's writes at
  once. The version graph is hidden from queries and listings.
- Engines differ in what they answer and accept (tested: Oxigraph server,
  Virtuoso 7.2; docs/engines.md "Tested engines"). Each quirk is bridged where it
  matters and commented there: Accept by query form, ASK as a table,
  booleans as 1/0, one GRAPH block per DATA operation of limited size,
  graphs dropped by name, cut-off answers turned into errors.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox
import urllib3

from koopgraph.engine import sparqltext
from koopgraph.engine.binding import BindError, bind_text
from koopgraph.engine.interface import Delta
from koopgraph.errors import BackendError
from koopgraph.namespaces import DATASET, GENID, KOOP, VERSION_GRAPH

_VERSION_SUBJECT = DATASET
_VERSION_PREDICATE = KOOP + "stand"
_FINGERPRINT = KOOP + "fingerabdruck"
_EMPTY = VERSION_GRAPH + "/leer"  # a graph that never holds anything: the protocol cannot name an empty dataset
CHUNK = 5000  # statements per update request when loading
DATA_BLOCK = 1000  # statements per INSERT DATA / DELETE DATA operation within a request
# Statements in one DELETE/INSERT operation. Virtuoso 7.2 applies one operation all or nothing but
# not a request of several (an operation that fails leaves the earlier ones written), and refuses an
# operation of about 1000 statements or more ("generated SQL text has exceeded 10000 lines").
ATOMIC_STATEMENTS = 900

# What a query may answer, by its form. Never one list for all: Virtuoso
# answers a CONSTRUCT with a table of ?s ?p ?o when a results type comes
# first in Accept.
_SOLUTIONS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.7"
_TRIPLES_ACCEPT = "application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.5"
_RESULTS_ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
                   "application/sparql-results+xml;q=0.7")  # form not known
_BY_CONTENT_TYPE: dict[str, ox.QueryResultsFormat | ox.RdfFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


@dataclass(frozen=True)
class Endpoints:
    """Where the engine listens. auth is "user:password" (HTTP Basic) or
    "Bearer <token>"; it is sent with every request and never logged."""

    query_url: str
    update_url: str
    gsp_url: str | None = None
    auth: str | None = None
    timeout: float = 60.0
    # "dataset": every query names all graphs (portable, the request grows with the number of graphs);
    # "engine": the engine's own default graph already is the union of all named graphs
    # (oxigraph serve --union-default-graph, Virtuoso, Fuseki's unionDefaultGraph) and nothing is sent.
    union: str = "dataset"

    def headers(self) -> dict[str, str]:
        if not self.auth:
            return {}
        if self.auth.lower().startswith("bearer "):
            return {"Authorization": self.auth}
        return {"Authorization": "Basic " + base64.b64encode(self.auth.encode("utf-8")).decode("ascii")}


# ---------------------------------------------------------------- terms

def skolem(term):
    """The term as stored remotely: blank nodes become genid IRIs."""
    if isinstance(term, ox.BlankNode):
        return ox.NamedNode(GENID + term.value)
    if isinstance(term, ox.Triple):
        return ox.Triple(skolem(term.subject), term.predicate, skolem(term.object))
    return term


def unskolem(term):
    """The term as Koopgraph sees it: genid IRIs become their blank nodes."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(GENID):
        return ox.BlankNode(term.value[len(GENID):])
    return term


def _template(quads: Iterable[ox.Quad]) -> str:
    """Quads as a DELETE/INSERT template: one GRAPH block per graph."""
    by_graph: dict[Any, list[str]] = {}
    for quad in quads:
        by_graph.setdefault(quad.graph_name, []).append(f"{skolem(quad.subject)} {quad.predicate} {skolem(quad.object)} .")
    return "\n".join("\n".join(triples) if isinstance(graph, ox.DefaultGraph)
                     else f"GRAPH {skolem(graph)} {{\n" + "\n".join(triples) + "\n}"
                     for graph, triples in by_graph.items())


def atomic_operations(inserts: list[ox.Quad], deletes: list[ox.Quad]) -> list[str]:
    """A change as at most two template operations with an empty WHERE,
    the inserts first. Virtuoso 7.2 applies one operation all or nothing,
    and an operation that fails stops the request; only inserts can fail
    there (a literal it cannot store), and they go first, so a refused write
    leaves nothing. Not one DELETE/INSERT operation: in that form Virtuoso
    keeps language-tagged literals with non-ASCII letters ("März"@de) it was
    asked to delete. The order needs deletes and inserts to be disjoint;
    a quad in both stays, as it would after deleting and inserting it."""
    added = set(inserts)
    deletes = [q for q in deletes if q not in added]
    operations = []
    if inserts:
        operations.append(f"INSERT {{\n{_template(inserts)}\n}} WHERE {{}}")
    if deletes:
        operations.append(f"DELETE {{\n{_template(deletes)}\n}} WHERE {{}}")
    return operations


def _data_operations(operation: str, quads: Iterable[ox.Quad]) -> list[str]:
    """INSERT DATA / DELETE DATA: per graph, operations of at most
    DATA_BLOCK triples in one GRAPH block. The same change as one block of
    many GRAPH clauses, but Virtuoso 7.2 silently skips language-tagged
    literals when a DELETE DATA holds several GRAPH clauses, and its parser
    runs out of memory at about 5000 triples in one operation."""
    by_graph: dict[Any, list[str]] = {}
    for quad in quads:
        s, p, o = skolem(quad.subject), quad.predicate, skolem(quad.object)
        by_graph.setdefault(quad.graph_name, []).append(f"{s} {p} {o} .")
    operations = []
    for graph, triples in by_graph.items():
        for start in range(0, len(triples), DATA_BLOCK):
            block = "\n".join(triples[start:start + DATA_BLOCK])
            if isinstance(graph, ox.DefaultGraph):
                operations.append(f"{operation} DATA {{\n{block}\n}}")
            else:
                operations.append(f"{operation} DATA {{ GRAPH {skolem(graph)} {{\n{block}\n}} }}")
    return operations


# ---------------------------------------------------------------- results

class RemoteTriples:
    """A CONSTRUCT/DESCRIBE answer: iterable triples that serialize like
    pyoxigraph's QueryTriples."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self._triples = triples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def serialize(self, output=None, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES):  # noqa: A002 - pyoxigraph's name
        triples = self._triples
        if format.supports_datasets:
            triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
        return ox.serialize(triples, output, format=format)


def query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (sparqltext's reading)."""
    return sparqltext.read(sparql, max_tokens=None).form


_ASK_COLUMN = "__ASK_RETVAL"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_JSON_BOOLEAN = f'"{_XSD_BOOLEAN}"'.encode()


def _canonical_booleans(body: bytes) -> bytes:
    """Virtuoso 7.2 writes xsd:boolean values as "1"/"0" in JSON results
    (as "true"/"false" in its XML and N-Triples): the same values, but not
    the same RDF terms. Read them in their canonical form."""
    answer = json.loads(body)
    for row in answer.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("datatype") == _XSD_BOOLEAN and term.get("value") in ("1", "0"):
                term["value"] = "true" if term["value"] == "1" else "false"
    return json.dumps(answer).encode("utf-8")


def _parse_answer(body: bytes, content_type: str, form: str | None = None):
    media = content_type.split(";")[0].strip().lower()
    fmt = _BY_CONTENT_TYPE.get(media)
    if fmt is None:
        raise BackendError(f"Der Triplestore antwortete mit {media or 'nichts'}; erwartet: SPARQL-Ergebnisse oder RDF.",
                           f"The triple store answered with {media or 'nothing'}; expected SPARQL results or RDF.")
    if isinstance(fmt, ox.QueryResultsFormat):
        if fmt == ox.QueryResultsFormat.JSON and _JSON_BOOLEAN in body:
            body = _canonical_booleans(body)
        answer = ox.parse_query_results(body, format=fmt)
        if form == "ASK" and isinstance(answer, ox.QuerySolutions) \
                and [v.value for v in answer.variables] == [_ASK_COLUMN]:
            # Virtuoso 7.2 answers ASK as a table: one column __ASK_RETVAL,
            # one row holding 1 for true, no row for false.
            true = any(row[_ASK_COLUMN] is not None and row[_ASK_COLUMN].value not in ("0", "false") for row in answer)
            return ox.parse_query_results(b'{"head": {}, "boolean": %s}' % (b"true" if true else b"false"),
                                          format=ox.QueryResultsFormat.JSON)
        return answer
    return RemoteTriples([skolem_free(q.triple) for q in ox.parse(body, format=fmt)])


def skolem_free(triple: ox.Triple) -> ox.Triple:
    return ox.Triple(unskolem(triple.subject), triple.predicate, unskolem(triple.object))


# ---------------------------------------------------------------- the store

class RemoteEngine:
    """The Engine interface, answered by a SPARQL 1.1 engine over HTTP."""

    remote = True

    def __init__(self, endpoints: Endpoints) -> None:
        self.endpoints = endpoints
        self._http = urllib3.PoolManager(maxsize=16, retries=urllib3.Retry(total=2, connect=2, read=0, redirect=2,
                                                                          status=0, allowed_methods=None))
        self._graphs: tuple[str, tuple[str, ...]] | None = None  # (version, named graphs)
        self._lock = threading.Lock()
        self._product: str | None = None  # the engine's Server header, learnt from its answers

    def __bool__(self) -> bool:
        return True  # a store, empty or not: never let len() decide a truth test

    def __repr__(self) -> str:
        return f"RemoteEngine({self.endpoints.query_url})"

    # ------------------------------------------------------------ HTTP

    def _post(self, url: str, fields: list[tuple[str, str]], accept: str | None = None) -> urllib3.BaseHTTPResponse:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} | self.endpoints.headers()
        if accept:
            headers["Accept"] = accept
        try:
            response = self._http.request("POST", url, body=urlencode(fields).encode("utf-8"), headers=headers,
                                          timeout=self.endpoints.timeout, preload_content=True)
            self._product = response.headers.get("Server", "")
            return response
        except urllib3.exceptions.HTTPError as error:
            raise BackendError(f"Der Triplestore {url} ist nicht erreichbar: {error}",
                               f"The triple store {url} cannot be reached: {error}", reachable=False) from error

    def _checked(self, response: urllib3.BaseHTTPResponse, url: str, what: str, query: bool = False) -> bytes:
        if 200 <= response.status < 300:
            return response.data
        detail = response.data.decode("utf-8", "replace").strip()[:500]
        if response.status == 400 and query:
            raise SyntaxError(detail or f"{what}: 400")
        if response.status in (401, 403):
            raise BackendError(f"Der Triplestore {url} verweigert {what} ({response.status}); Zugang prüfen (--auth).",
                               f"The triple store {url} refuses the {what} ({response.status}); check access (--auth).")
        raise BackendError(f"Der Triplestore {url} meldet {response.status} für {what}: {detail}",
                           f"The triple store {url} reports {response.status} for the {what}: {detail}")

    # ------------------------------------------------------------ reading

    def _named_graphs(self) -> tuple[str, ...]:
        """Every named graph but the version graph, read once per version."""
        version = self.version()
        cached = self._graphs
        if cached is not None and cached[0] == version:
            return cached[1]
        # GROUP BY, not DISTINCT: the same answer, but Virtuoso 7.2 takes
        # seconds for the DISTINCT form even on a small store.
        rows = self._select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        graphs = tuple(sorted(r["g"].value for r in rows
                              if isinstance(r["g"], ox.NamedNode) and r["g"].value != VERSION_GRAPH))
        self._graphs = (version, graphs)
        return graphs

    def _select(self, sparql: str, fields: list[tuple[str, str]] = ()) -> ox.QuerySolutions:
        url = self.endpoints.query_url
        response = self._post(url, [("query", sparql), *fields], accept="application/sparql-results+json")
        return self._answer(response, url, query_form(sparql))

    def _answer(self, response: urllib3.BaseHTTPResponse, url: str, form: str | None):
        body = self._checked(response, url, "Abfrage / query", True)
        limit = response.headers.get("X-SPARQL-MaxRows")
        if limit:
            # Virtuoso cuts answers at ResultSetMaxRows and says so only in this header.
            raise BackendError(
                f"Der Triplestore {url} hat die Antwort nach {limit} Zeilen abgeschnitten; "
                "dort ResultSetMaxRows erhöhen (docs/engines.md: Getestete Triplestores).",
                f"The triple store {url} cut the answer off after {limit} rows; "
                "raise its ResultSetMaxRows (docs/engines.md: Tested engines).")
        return _parse_answer(body, response.headers.get("Content-Type", ""), form)

    def query(self, query: str, *, base_iri: str | None = None, prefixes=None, use_default_graph_as_union: bool = False,
              default_graph=None, named_graphs=None, substitutions=None, custom_functions=None,
              custom_aggregate_functions=None):
        """SELECT/ASK → pyoxigraph.QuerySolutions/QueryBoolean, CONSTRUCT/DESCRIBE → RemoteTriples."""
        if custom_functions or custom_aggregate_functions:
            raise NotImplementedError("custom functions need the embedded store")
        text = query
        if substitutions:
            try:
                text = bind_text(text, {(k.value if isinstance(k, ox.Variable) else k): skolem(v)
                                        for k, v in substitutions.items()})
            except BindError as error:
                raise RuntimeError(str(error)) from error
        if base_iri and not re.match(r"\s*BASE\b", text, re.IGNORECASE):
            text = f"BASE <{base_iri}>\n{text}"
        fields: list[tuple[str, str]] = []
        if use_default_graph_as_union and self.endpoints.union == "engine":
            pass  # the engine's default graph is the union (REMOTE_UNION engine)
        elif use_default_graph_as_union:
            graphs = self._named_graphs() or (_EMPTY,)  # an empty union, never the engine's own default
            fields += [("default-graph-uri", g) for g in graphs] + [("named-graph-uri", g) for g in graphs]
        elif default_graph is not None or named_graphs is not None:
            defaults = default_graph if isinstance(default_graph, list) else [default_graph] if default_graph else []
            named = [g for g in (named_graphs or []) if g.value != VERSION_GRAPH]
            visible = [g for g in defaults if not isinstance(g, ox.DefaultGraph) and g.value != VERSION_GRAPH]
            # The protocol cannot name an empty dataset; a graph that holds nothing stands in for it.
            fields += [("default-graph-uri", g.value) for g in visible or [ox.NamedNode(_EMPTY)]]
            fields += [("named-graph-uri", g.value) for g in named or [ox.NamedNode(_EMPTY)]]
        url = self.endpoints.query_url
        form = query_form(text)
        accept = {"SELECT": _SOLUTIONS_ACCEPT, "ASK": _SOLUTIONS_ACCEPT, "CONSTRUCT": _TRIPLES_ACCEPT,
                  "DESCRIBE": _TRIPLES_ACCEPT}.get(form, _RESULTS_ACCEPT)
        response = self._post(url, [("query", text), *fields], accept=accept)
        return self._answer(response, url, form)

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> list[ox.Quad]:  # noqa: A002
        """Matching quads in the named graphs (graph_name=None) or in one
        graph; the engine's own default graph only when asked for it."""
        def term(value, name):
            return str(skolem(value)) if value is not None else f"?{name}"

        pattern = f"{term(subject, 's')} {term(predicate, 'p')} {term(object, 'o')}"
        if isinstance(graph_name, ox.DefaultGraph):
            sparql = f"SELECT * WHERE {{ {pattern} }}"
        elif graph_name is None:
            sparql = f"SELECT * WHERE {{ GRAPH ?g {{ {pattern} }} FILTER (?g != <{VERSION_GRAPH}>) }}"
        else:
            sparql = f"SELECT * WHERE {{ GRAPH {term(graph_name, 'g')} {{ {pattern} }} }}"
        quads = []
        for row in self._select(sparql):
            s = subject if subject is not None else unskolem(row["s"])
            p = predicate if predicate is not None else row["p"]
            o = object if object is not None else unskolem(row["o"])
            g = graph_name if graph_name is not None else unskolem(row["g"])
            quads.append(ox.Quad(s, p, o, g))
        return quads

    def contains_named_graph(self, graph) -> bool:
        return bool(self._select(f"ASK {{ GRAPH {skolem(graph)} {{ ?s ?p ?o }} }}"))

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return iter(ox.NamedNode(g) for g in self._named_graphs())

    def __len__(self) -> int:
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != <{VERSION_GRAPH}>) }}")
        return int(next(iter(rows))["n"].value)

    def _graph_via_gsp(self, graph: ox.NamedNode) -> list[ox.Quad]:
        """One graph read with the Graph Store Protocol (GET ?graph=)."""
        url = f"{self.endpoints.gsp_url}?{urlencode({'graph': graph.value})}"
        try:
            response = self._http.request("GET", url, headers={"Accept": "application/n-triples"} | self.endpoints.headers(),
                                          timeout=self.endpoints.timeout)
        except urllib3.exceptions.HTTPError as error:
            raise BackendError(f"Der Triplestore {url} ist nicht erreichbar: {error}",
                               f"The triple store {url} cannot be reached: {error}", reachable=False) from error
        if response.status == 404:
            return []
        body = self._checked(response, url, "Graph Store GET")
        triples = _parse_answer(body, response.headers.get("Content-Type", "application/n-triples"))
        return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]

    def dump(self, output=None, format: ox.RdfFormat = ox.RdfFormat.N_QUADS, *, from_graph=None):  # noqa: A002
        if self.endpoints.gsp_url and isinstance(from_graph, ox.NamedNode):
            quads = self._graph_via_gsp(from_graph)
        else:
            quads = self.quads_for_pattern(None, None, None, from_graph)
        if from_graph is not None and not format.supports_datasets:
            return ox.serialize([q.triple for q in quads], output, format=format)
        return ox.serialize(quads, output, format=format)

    def version(self) -> str:
        rows = self._select(f"SELECT ?v WHERE {{ GRAPH <{VERSION_GRAPH}> {{ <{_VERSION_SUBJECT}> <{_VERSION_PREDICATE}> ?v }} }}")
        found = [r["v"].value for r in rows]
        return min(found) if found else "0"

    def fingerprints(self) -> dict[str, str]:
        """What store.build recorded about the files each graph was built
        from (kept in the hidden version graph, like the version)."""
        rows = self._select(f"SELECT ?g ?f WHERE {{ GRAPH <{VERSION_GRAPH}> {{ ?g <{_FINGERPRINT}> ?f }} }}")
        return {r["g"].value: r["f"].value for r in rows}

    # ------------------------------------------------------------ writing

    def set_fingerprints(self, fingerprints: dict[str, str]) -> None:
        facts = "\n".join(f"{ox.NamedNode(g)} <{_FINGERPRINT}> {ox.Literal(f)} ." for g, f in sorted(fingerprints.items()))
        self.update(f"DELETE WHERE {{ GRAPH <{VERSION_GRAPH}> {{ ?g <{_FINGERPRINT}> ?f }} }} ;\n"
                    f"INSERT DATA {{ GRAPH <{VERSION_GRAPH}> {{ {facts} }} }}")

    def _bump(self) -> str:
        return (f"DELETE WHERE {{ GRAPH <{VERSION_GRAPH}> {{ <{_VERSION_SUBJECT}> <{_VERSION_PREDICATE}> ?v }} }} ;\n"
                f"INSERT DATA {{ GRAPH <{VERSION_GRAPH}> {{ <{_VERSION_SUBJECT}> <{_VERSION_PREDICATE}> "
                f"\"{uuid.uuid4().hex}\" }} }}")

    def update(self, update: str, *, base_iri: str | None = None, custom_functions=None) -> None:
        """One update request (a transaction on engines that have them),
        with the version bump as its last operation."""
        if custom_functions:
            raise NotImplementedError("custom functions need the embedded store")
        text = update.rstrip().rstrip(";")
        if base_iri and not re.match(r"\s*BASE\b", text, re.IGNORECASE):
            text = f"BASE <{base_iri}>\n{text}"
        url = self.endpoints.update_url
        body = f"{text} ;\n{self._bump()}" if text.strip() else self._bump()
        self._graphs = None
        self._checked(self._post(url, [("update", body)]), url, "Änderung / update")

    def atomic_limit(self) -> int | None:
        """ATOMIC_STATEMENTS on Virtuoso (it says so in its Server header),
        else None: the engine applies one update request atomically."""
        if self._product is None:
            self._select("ASK {}")
        return ATOMIC_STATEMENTS if "virtuoso" in (self._product or "").lower() else None

    def apply(self, delta: Delta) -> None:
        """A whole change in one update request: the statements in the
        operations of atomic_operations() where they fit (ATOMIC_STATEMENTS),
        then graphs created and dropped; blank nodes travel as skolem IRIs."""
        if len(delta.inserts) + len(delta.deletes) > ATOMIC_STATEMENTS:
            self._apply(delta.inserts, delta.deletes, delta.create, delta.drop)
            return
        parts = atomic_operations(delta.inserts, delta.deletes)
        parts += [f"CREATE SILENT GRAPH {skolem(g)}" for g in delta.create if isinstance(g, (ox.NamedNode, ox.BlankNode))]
        parts += [f"DROP SILENT GRAPH {skolem(g)}" for g in delta.drop if isinstance(g, (ox.NamedNode, ox.BlankNode))]
        if parts:
            self.update(" ;\n".join(parts))

    def _apply(self, inserts: Iterable[ox.Quad] = (), deletes: Iterable[ox.Quad] = (),
               create: Iterable = (), drop: Iterable = ()) -> None:
        parts = _data_operations("DELETE", deletes) + _data_operations("INSERT", inserts)
        parts += [f"CREATE SILENT GRAPH {skolem(g)}" for g in create if isinstance(g, (ox.NamedNode, ox.BlankNode))]
        parts += [f"DROP SILENT GRAPH {skolem(g)}" for g in drop if isinstance(g, (ox.NamedNode, ox.BlankNode))]
        if parts:
            self.update(" ;\n".join(parts))

    def extend(self, quads: Iterable[ox.Quad], progress: Callable[[int], None] | None = None) -> None:
        """Add quads in requests of CHUNK statements."""
        batch: list[ox.Quad] = []
        done = 0
        for quad in quads:
            batch.append(quad)
            if len(batch) >= CHUNK:
                self._apply(inserts=batch)
                done += len(batch)
                batch = []
                if progress:
                    progress(done)
        if batch:
            self._apply(inserts=batch)
            if progress:
                progress(done + len(batch))

    def write_quads(self, inserts: list[ox.Quad], deletes: list[ox.Quad],
                    progress: Callable[[int], None] | None = None) -> None:
        """Remove, then add many quads, in requests of a few thousand statements."""
        if deletes:
            self._apply(deletes=deletes)
        self.extend(inserts, progress)

    def load_graph(self, graph, quads: Iterable[ox.Quad]) -> int:
        counted = [0]

        def counting():
            for quad in quads:
                counted[0] += 1
                yield quad

        self.update(f"DROP SILENT GRAPH {skolem(graph)}")
        self.extend(counting())
        return counted[0]

    def drop_graph(self, graph_iri: str) -> None:
        self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph_iri)}")

    def replace_graph(self, graph_iri: str, triples: list[ox.Triple],
                      progress: Callable[[int], None] | None = None) -> None:
        """Load into a fresh graph in chunks, then MOVE it over the old one
        in one request: readers see the old or the new graph, never a part."""
        staging = ox.NamedNode(f"{graph_iri}-laden-{uuid.uuid4().hex}")
        try:
            self.extend((ox.Quad(t.subject, t.predicate, t.object, staging) for t in triples), progress)
            if triples:
                self.update(f"MOVE SILENT GRAPH {staging} TO <{graph_iri}>")
            else:
                self.update(f"DROP SILENT GRAPH <{graph_iri}>")
        except BaseException:
            self.update(f"DROP SILENT GRAPH {staging}")
            raise

    def clear(self) -> None:
        """Every graph Koopgraph can see, and the version: a fresh start.
        Each named graph is also dropped by name: Virtuoso 7.2 accepts
        DROP ALL but does nothing."""
        graphs = [*self._named_graphs(), VERSION_GRAPH]
        self.update(" ;\n".join(["DROP SILENT ALL", *(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in graphs)]))

    def flush(self) -> None:
        """Nothing to do: the engine persists each update itself."""

    def optimize(self) -> None:
        """Nothing to do: the engine maintains its own storage."""

    def backup(self, target) -> None:
        raise BackendError(
            "Sicherungen eines entfernten Triplestores macht der Triplestore selbst (siehe docs/scaling.md).",
            "Backups of a remote triple store are made by the store itself (see docs/scaling.md).")


def open_remote(config: dict[str, Any]) -> RemoteEngine:
    """The SPARQL engine named by QUERY_URL/UPDATE_URL (BACKEND sparql)."""
    return RemoteEngine(Endpoints(config["QUERY_URL"], config["UPDATE_URL"], config["GSP_URL"], config["REMOTE_AUTH"],
                                 timeout=config["QUERY_TIMEOUT"] + 5, union=config["REMOTE_UNION"]))
