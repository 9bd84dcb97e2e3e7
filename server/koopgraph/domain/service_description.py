"""The SPARQL 1.1 Service Description of the endpoint.

A bare GET on /sparql answers with this graph, so a client (or a person with
curl) can learn what the endpoint speaks and what data it holds without
reading documentation: languages, result formats, and the dataset with its
named graphs and their sizes.
"""

from collections.abc import Iterable


from koopgraph.engine import rdf as ox
from koopgraph.engine import formats

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
PREFIXES = {"sd": SD, "void": VOID, "formats": "http://www.w3.org/ns/formats/"}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def _count(node: ox.BlankNode, triples: int) -> list[ox.Triple]:
    return [
        ox.Triple(node, RDF_TYPE, _sd("Graph")),
        ox.Triple(node, ox.NamedNode(VOID + "triples"), ox.Literal(str(triples), datatype=_INTEGER)),
    ]


def _dataset(default_triples: int, graphs: Iterable[tuple[str, int]]) -> tuple[ox.BlankNode, list[ox.Triple]]:
    dataset, default = ox.BlankNode(), ox.BlankNode()
    triples = [
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        *_count(default, default_triples),
    ]
    for iri, n in graphs:
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(iri)),
            ox.Triple(named, _sd("graph"), graph),
            *_count(graph, n),
        ]
    return dataset, triples


def describe(endpoint: str, default_triples: int, graphs: Iterable[tuple[str, int]], *, union: bool) -> list[ox.Triple]:
    """The description of the endpoint at URL endpoint.

    union says whether the default graph is the union of the named graphs
    (sd:UnionDefaultGraph); default_triples is the size of that default graph.
    """
    service = ox.NamedNode(endpoint)
    dataset, dataset_triples = _dataset(default_triples, graphs)
    result_formats = {row.iri for row in formats.TABLE if row.kinds & {formats.SOLUTIONS, formats.GRAPH}}
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        *(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(iri)) for iri in sorted(result_formats)),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        *dataset_triples,
    ]
    if union:
        triples.append(ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")))
    return triples
