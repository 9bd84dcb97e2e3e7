"""Reading through an Engine with the project's rules: the default graph
is the union of all named graphs (unless strict, or the query or the
request brings its own dataset), parameters are bound as RDF terms, and
the engine's errors become errors a user can act on."""

from collections.abc import Iterable
from typing import Any

from koopgraph.engine import binding, sparqltext
from koopgraph.engine.interface import Engine, InvalidIriError, QueryNotSupportedError, QuerySyntaxError
from koopgraph.engine.rdf import (BlankNode, DefaultGraph, Literal, NamedNode, QueryBoolean, QuerySolutions, RdfFormat,
                                  Result, Variable)
from koopgraph.namespaces import (DERIVED_GRAPH, ONTOLOGY_GRAPH, RDF_TYPE, RDFS_LABEL, SUBMISSIONS_GRAPH,
                                  VERSION_GRAPH)

# Koopgraph's own graphs: in strict mode not part of the dataset a query sees unless it names them.
BOOKKEEPING = frozenset({SUBMISSIONS_GRAPH, DERIVED_GRAPH, VERSION_GRAPH})


def _graphs(iris: Iterable[str]) -> list[NamedNode]:
    try:
        return [NamedNode(iri) for iri in iris]
    except ValueError as error:
        raise InvalidIriError(
            f"Ungültige Graph-IRI: {error}",
            f"Invalid graph IRI: {error}",
        ) from error


def _dataset(
    sparql: str, strict: bool, default_graphs: Iterable[str] | None, named_graphs: Iterable[str] | None,
    store: Engine | None = None,
) -> dict[str, Any]:
    """The engine's dataset arguments for one query.

    An explicit dataset (SPARQL protocol parameters) replaces the query's
    own FROM/FROM NAMED, and what it leaves out is empty, as the protocol
    says. Otherwise the union rule applies, except in strict mode and for
    queries with their own FROM: the engine's union flag would silently
    override those.
    """
    if default_graphs is not None or named_graphs is not None:
        return {"default_graph": _graphs(default_graphs or ()), "named_graphs": _graphs(named_graphs or ())}
    reading = sparqltext.read(sparql, max_tokens=None)
    if reading.has("FROM"):
        return {}
    if strict:
        if store is None:
            return {}
        # The store's default graph, and every named graph but the bookkeeping ones the text does not name.
        hidden = BOOKKEEPING - reading.graphs
        return {"default_graph": [DefaultGraph()],
                "named_graphs": [g for g in store.named_graphs() if isinstance(g, NamedNode) and g.value not in hidden]}
    return {"use_default_graph_as_union": True}


def query(
    store: Engine,
    sparql: str,
    *,
    strict: bool = False,
    default_graphs: Iterable[str] | None = None,
    named_graphs: Iterable[str] | None = None,
    base_iri: str | None = None,
    substitutions: dict[str | Variable, NamedNode | BlankNode | Literal] | None = None,
) -> Result:
    """Run a SPARQL query with the project's rule: the default graph is the
    union of all named graphs (unless strict or an explicit dataset is given).

    substitutions binds variables to RDF terms: they are written into the
    text as terms (binding.py), never as the user's raw text, or else handed
    to the engine's own substitution. The result is lazy: evaluation mostly
    happens while it is serialized or iterated.
    """
    bindings = {Variable(k) if isinstance(k, str) else k: term for k, term in (substitutions or {}).items()}
    if bindings:
        try:  # constants are planned better than substituted variables (binding.py)
            sparql = binding.bind_text(sparql, {v.value: term for v, term in bindings.items()})
            bindings = {}
        except binding.BindError:
            pass  # e.g. a blank node: the engine's own substitution
    dataset = _dataset(sparql, strict, default_graphs, named_graphs, store)
    try:
        return store.query(sparql, base_iri=base_iri, substitutions=bindings or None, **dataset)
    except SyntaxError as error:
        raise QuerySyntaxError(error.msg if isinstance(error.msg, str) else str(error)) from error
    except RuntimeError as error:  # pyoxigraph's word for "parsed, but cannot plan it"
        raise QueryNotSupportedError(str(error)) from error


def result_kind(result: Result) -> str:
    """"solutions", "boolean" or "graph": what a query result can be serialized as."""
    if isinstance(result, QuerySolutions):
        return "solutions"
    if isinstance(result, QueryBoolean):
        return "boolean"
    return "graph"


def triple_count(store: Engine, *, strict: bool = False) -> int:
    """Distinct triples in the default graph queries see: the union of all
    graphs (pyoxigraph includes the store's own default graph, which builds
    leave empty), or in strict mode the store's own default graph.

    DISTINCT because pyoxigraph's union is a bag: a triple stated in two
    graphs matches twice, though the merged graph holds it once.
    """
    sparql = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    rows = query(store, sparql, strict=strict)
    return int(next(iter(rows))["n"].value)


_CLASS_COUNTS = f"""
SELECT ?class (COUNT(DISTINCT ?instance) AS ?n) WHERE {{
  ?instance <{RDF_TYPE}> ?class .
  FILTER(isIRI(?class))
}} GROUP BY ?class
"""

_GERMAN_LABELS = f"""
SELECT ?class ?label WHERE {{
  GRAPH <{ONTOLOGY_GRAPH}> {{ ?class <{RDFS_LABEL}> ?label }}
  FILTER(langMatches(lang(?label), "de"))
}}
"""


def class_counts(store: Engine) -> list[tuple[str, str | None, int]]:
    """(class IRI, German label or None, distinct instances), most frequent
    first, ties by IRI, so the stats table is stable between runs."""
    labels: dict[str, str] = {}
    for row in query(store, _GERMAN_LABELS):
        iri, label = row["class"].value, row["label"].value
        # Several German labels: keep the smallest, deterministically.
        if iri not in labels or label < labels[iri]:
            labels[iri] = label
    counts = [(row["class"].value, int(row["n"].value)) for row in query(store, _CLASS_COUNTS)]
    return [(iri, labels.get(iri), n) for iri, n in sorted(counts, key=lambda c: (-c[1], c[0]))]


def graph_counts(store: Engine) -> list[tuple[str, int]]:
    """(named graph IRI, triples) for every named graph, sorted by IRI."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    counts = [(row["g"].value, int(row["n"].value)) for row in rows
              if isinstance(row["g"], NamedNode) and row["g"].value != VERSION_GRAPH]
    return sorted(counts)


def graph_size(store: Engine, graph_iri: str) -> int:
    """Statements in one named graph."""
    return sum(1 for _ in store.quads_for_pattern(None, None, None, NamedNode(graph_iri)))


def is_empty(store: Engine) -> bool:
    """True when the store holds no triples at all (never built)."""
    return len(store) == 0


def size(store: Engine) -> int:
    """All quads in the store, in every graph."""
    return len(store)


_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def export(store: Engine, fmt: RdfFormat) -> bytes:
    """The store as one document: triple formats get the union of all graphs
    (each statement once), dataset formats every graph under its name."""
    if fmt.supports_datasets:
        return store.dump(format=fmt)
    return store.query(_UNION, use_default_graph_as_union=True).serialize(format=fmt)
