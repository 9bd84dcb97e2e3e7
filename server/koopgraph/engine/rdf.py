"""RDF terms, results and syntaxes for every layer above the engine.

Only engine/ imports pyoxigraph (the contracts in pyproject.toml): the
other packages name terms, parse and write RDF through this module, and
reach the data only through an Engine, so nothing can open a store or run
a query behind the engine's back.
"""

from pyoxigraph import (BlankNode, DefaultGraph, Literal, NamedNode, Quad, QueryBoolean, QueryResultsFormat,
                        QuerySolutions, QueryTriples, RdfFormat, Triple, Variable, parse, parse_query_results,
                        serialize)

Term = NamedNode | BlankNode | Literal
GraphName = NamedNode | BlankNode | DefaultGraph
Result = QuerySolutions | QueryBoolean | QueryTriples

__all__ = ["BlankNode", "DefaultGraph", "GraphName", "Literal", "NamedNode", "Quad", "QueryBoolean",
           "QueryResultsFormat", "QuerySolutions", "QueryTriples", "RdfFormat", "Result", "Term", "Triple", "Variable",
           "parse", "parse_query_results", "serialize", "nquads"]


def nquads(quads) -> str:
    """Quads as N-Quads text (the submission log keeps changes this way)."""
    return serialize(quads, format=RdfFormat.N_QUADS).decode("utf-8")
