"""Content negotiation and serialization, from one table of media types.

Every answer the endpoint can give is a row below; negotiate() picks a row
for the client's Accept header (or an explicit ?format=) and serialize()
lets pyoxigraph write the result straight into bytes, so no result ever
passes through Python row by row.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

from koopgraph.errors import ApiError

SOLUTIONS, BOOLEAN, GRAPH, DATASET = "solutions", "boolean", "graph", "dataset"
KINDS = (SOLUTIONS, BOOLEAN, GRAPH, DATASET)
_RESULTS = frozenset({SOLUTIONS, BOOLEAN})
_RDF = frozenset({GRAPH})
_RDF_DATASETS = frozenset({GRAPH, DATASET})


@dataclass(frozen=True)
class MediaType:
    """One way of writing a result: media type, pyoxigraph format, the
    kinds of result it can carry and the names ?format= accepts for it."""

    media_type: str
    format: ox.QueryResultsFormat | ox.RdfFormat
    kinds: frozenset[str]
    names: tuple[str, ...]
    # W3C format IRI for the service description (pyoxigraph's own IRI for
    # JSON-LD is not the one listed at http://www.w3.org/ns/formats/).
    iri: str
    charset: bool = False

    @property
    def content_type(self) -> str:
        return self.media_type + ("; charset=utf-8" if self.charset else "")


_F = "http://www.w3.org/ns/formats/"
Q, R = ox.QueryResultsFormat, ox.RdfFormat

# Order matters: it breaks ties between equally acceptable types.
TABLE: tuple[MediaType, ...] = (
    MediaType("application/sparql-results+json", Q.JSON, _RESULTS, ("json", "srj"), _F + "SPARQL_Results_JSON"),
    MediaType("application/sparql-results+xml", Q.XML, _RESULTS, ("xml", "srx"), _F + "SPARQL_Results_XML"),
    MediaType("text/csv", Q.CSV, _RESULTS, ("csv",), _F + "SPARQL_Results_CSV", charset=True),
    MediaType("text/tab-separated-values", Q.TSV, _RESULTS, ("tsv",), _F + "SPARQL_Results_TSV", charset=True),
    MediaType("application/json", Q.JSON, _RESULTS, (), _F + "SPARQL_Results_JSON"),
    MediaType("text/turtle", R.TURTLE, _RDF, ("ttl", "turtle"), _F + "Turtle", charset=True),
    MediaType("application/n-triples", R.N_TRIPLES, _RDF, ("nt", "ntriples", "n-triples"), _F + "N-Triples"),
    MediaType("application/ld+json", R.JSON_LD, _RDF_DATASETS, ("jsonld", "json-ld", "json"), _F + "JSON-LD"),
    MediaType("application/rdf+xml", R.RDF_XML, _RDF, ("rdfxml", "rdf+xml", "rdf", "xml"), _F + "RDF_XML"),
    MediaType("application/trig", R.TRIG, _RDF_DATASETS, ("trig",), _F + "TriG"),
    MediaType("application/n-quads", R.N_QUADS, _RDF_DATASETS, ("nq", "nquads", "n-quads"), _F + "N-Quads"),
)

DEFAULTS = {
    SOLUTIONS: "application/sparql-results+json",
    BOOLEAN: "application/sparql-results+json",
    GRAPH: "text/turtle",
    DATASET: "application/trig",
}


class Negotiated(NamedTuple):
    """The pyoxigraph format to write and the Content-Type to send."""

    format: ox.QueryResultsFormat | ox.RdfFormat
    media_type: str


def offered(kind: str) -> list[MediaType]:
    """Rows that can carry kind, the default first, then in table order."""
    rows = [row for row in TABLE if kind in row.kinds]
    return sorted(rows, key=lambda row: row.media_type != DEFAULTS[kind])


# One element of an Accept header; commas inside quoted strings do not split.
_ELEMENT = re.compile(r'(?:[^,"]|"(?:[^"\\]|\\.)*")+')


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    """(type, subtype, q) for every well-formed media range; a range with a
    broken q-value is dropped rather than guessed."""
    ranges = []
    for element in _ELEMENT.findall(accept):
        media, *params = element.split(";")
        media = media.strip().lower()
        media = "*/*" if media == "*" else media  # some old clients send a bare "*"
        if media.count("/") != 1:
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip().strip('"')), 0.0), 1.0)
                except ValueError:
                    q = -1.0
        if q >= 0:
            major, minor = media.split("/")
            ranges.append((major.strip(), minor.strip(), q))
    return ranges


def _quality(media_type: str, ranges: list[tuple[str, str, float]]) -> float:
    """q of the most specific range matching media_type (RFC 9110 §12.5.1):
    `text/csv;q=0` excludes CSV even when `text/*` or `*/*` allow it."""
    major, minor = media_type.split("/")
    best_specificity, best_q = -1, 0.0
    for r_major, r_minor, q in ranges:
        if r_major == "*" and r_minor == "*":
            specificity = 0
        elif r_major == major and r_minor == "*":
            specificity = 1
        elif r_major == major and r_minor == minor:
            specificity = 2
        else:
            continue
        if specificity > best_specificity or (specificity == best_specificity and q > best_q):
            best_specificity, best_q = specificity, q
    return best_q


def _by_name(names: list[str], kind: str) -> MediaType:
    rows = offered(kind)
    for name in names:
        wanted = name.strip().lower()
        for row in rows:
            if wanted in row.names or wanted == row.media_type:
                return row
    choices = ", ".join(name for row in rows for name in row.names[:1])
    raise ApiError(
        406,
        f"Das Format „{', '.join(names)}“ gibt es für dieses Ergebnis nicht. Möglich: {choices}",
        f"The format '{', '.join(names)}' is not available for this result. Possible: {choices}",
        "not-acceptable",
        details={"offered": [row.media_type for row in rows]},
    )


def negotiate(accept_header: str | None, kind: str, format_names: list[str] | None = None) -> Negotiated:
    """The format for a result of kind, from ?format= names (first known one
    wins) or else the Accept header; no header means the default. Raises a
    406 ApiError listing the offered media types when nothing fits."""
    if format_names:
        row = _by_name(format_names, kind)
        return Negotiated(row.format, row.content_type)
    rows = offered(kind)
    if not accept_header or not accept_header.strip():
        return Negotiated(rows[0].format, rows[0].content_type)
    ranges = _ranges(accept_header)
    scored = [(_quality(row.media_type, ranges), -index, row) for index, row in enumerate(rows)]
    q, _, row = max(scored, key=lambda item: item[:2])
    if q <= 0:
        media_types = [row.media_type for row in rows]
        raise ApiError(
            406,
            f"Kein angebotenes Format passt zu Accept: {accept_header}. Angeboten: {', '.join(media_types)}",
            f"No offered format matches Accept: {accept_header}. Offered: {', '.join(media_types)}",
            "not-acceptable",
            details={"offered": media_types},
        )
    return Negotiated(row.format, row.content_type)


def serialize(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, chosen: Negotiated) -> bytes:
    """The whole result in the chosen format, written by pyoxigraph."""
    return result.serialize(format=chosen.format)


def serialize_triples(
    triples: Iterable[ox.Triple], chosen: Negotiated, prefixes: dict[str, str] | None = None
) -> bytes:
    """Triples built in Python (e.g. the service description) in the chosen
    RDF format; dataset formats get them as quads in the default graph."""
    if chosen.format.supports_datasets:
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    return ox.serialize(triples, format=chosen.format, prefixes=prefixes)


# The dump formats shared by `koopgraph export` and /dump: the file extension is the format's name.
EXPORT_FORMATS = {"ttl": R.TURTLE, "nt": R.N_TRIPLES, "jsonld": R.JSON_LD, "trig": R.TRIG, "nq": R.N_QUADS}
