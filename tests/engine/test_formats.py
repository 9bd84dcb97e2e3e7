"""Content negotiation (RFC 9110 §12.5.1 Accept semantics) over the media
types of the SPARQL 1.1 Protocol."""

import pyoxigraph as ox
import pytest

from koopgraph.engine import formats
from koopgraph.errors import ApiError
from koopgraph.engine.formats import BOOLEAN, DATASET, GRAPH, SOLUTIONS, Negotiated, negotiate

JSON = Negotiated(ox.QueryResultsFormat.JSON, "application/sparql-results+json")
XML = Negotiated(ox.QueryResultsFormat.XML, "application/sparql-results+xml")
CSV = Negotiated(ox.QueryResultsFormat.CSV, "text/csv; charset=utf-8")
TSV = Negotiated(ox.QueryResultsFormat.TSV, "text/tab-separated-values; charset=utf-8")
TURTLE = Negotiated(ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8")
NTRIPLES = Negotiated(ox.RdfFormat.N_TRIPLES, "application/n-triples")
TRIG = Negotiated(ox.RdfFormat.TRIG, "application/trig")


@pytest.mark.parametrize(
    ("kind", "expected"), [(SOLUTIONS, JSON), (BOOLEAN, JSON), (GRAPH, TURTLE), (DATASET, TRIG)]
)
def test_missing_or_empty_accept_gives_the_default_of_each_kind(kind: str, expected: Negotiated) -> None:
    assert negotiate(None, kind) == expected
    assert negotiate("", kind) == expected
    assert negotiate("  ", kind) == expected


@pytest.mark.parametrize(("kind", "expected"), [(SOLUTIONS, JSON), (GRAPH, TURTLE), (DATASET, TRIG)])
def test_star_star_gives_the_default(kind: str, expected: Negotiated) -> None:
    assert negotiate("*/*", kind) == expected


def test_bare_star_is_read_as_star_star() -> None:
    assert negotiate("*", SOLUTIONS) == JSON


def test_exact_type_wins_over_wildcard_with_lower_q() -> None:
    assert negotiate("text/csv, */*;q=0.1", SOLUTIONS) == CSV


def test_higher_q_wins_regardless_of_order() -> None:
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml;q=0.9", SOLUTIONS) == XML
    assert negotiate("application/sparql-results+xml;q=0.9, text/csv;q=0.5", SOLUTIONS) == XML


def test_equal_q_is_decided_by_the_servers_preference() -> None:
    assert negotiate("text/tab-separated-values, text/csv", SOLUTIONS) == CSV
    assert negotiate("text/csv, application/sparql-results+json", SOLUTIONS) == JSON


def test_q_zero_excludes_a_type_even_when_a_wildcard_allows_it() -> None:
    assert negotiate("application/sparql-results+json;q=0, */*", SOLUTIONS) == XML


def test_more_specific_range_overrides_less_specific_one() -> None:
    assert negotiate("text/*;q=0.5, text/csv;q=0", SOLUTIONS) == TSV


def test_type_wildcard_picks_first_offered_type_of_that_major_type() -> None:
    assert negotiate("text/*", SOLUTIONS) == CSV
    assert negotiate("text/*", GRAPH) == TURTLE
    assert negotiate("application/*", GRAPH) == NTRIPLES


def test_media_type_parameters_are_ignored_for_matching() -> None:
    assert negotiate('text/turtle; charset=utf-8; profile="a,b"', GRAPH) == TURTLE
    assert negotiate("application/sparql-results+xml;charset=utf-8;q=0.8, text/csv;q=0.2", SOLUTIONS) == XML


def test_matching_is_case_insensitive() -> None:
    assert negotiate("Text/CSV", SOLUTIONS) == CSV
    assert negotiate("text/csv;Q=0, */*", SOLUTIONS) == JSON


def test_malformed_ranges_are_skipped() -> None:
    assert negotiate("garbage, text/csv", SOLUTIONS) == CSV
    assert negotiate("text/csv;q=abc, text/tab-separated-values", SOLUTIONS) == TSV


def test_lenient_q_values_are_clamped() -> None:
    assert negotiate("text/csv;q=.2, text/tab-separated-values;q=7", SOLUTIONS) == TSV


def test_application_json_is_answered_as_json_results_with_its_own_media_type() -> None:
    assert negotiate("application/json", SOLUTIONS) == Negotiated(ox.QueryResultsFormat.JSON, "application/json")


def test_sparqlwrapper_json_accept_header_gets_sparql_results_json() -> None:
    accept = "application/sparql-results+json,application/json,text/javascript,application/javascript"
    assert negotiate(accept, SOLUTIONS) == JSON


def test_unknown_type_is_406_listing_the_offered_types() -> None:
    with pytest.raises(ApiError) as caught:
        negotiate("image/png", SOLUTIONS)
    error = caught.value
    assert error.status == 406
    assert error.code == "not-acceptable"
    assert error.details["offered"] == [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
        "application/json",
    ]
    assert "image/png" in error.de and "image/png" in error.en


def test_all_types_refused_with_q_zero_is_406() -> None:
    with pytest.raises(ApiError) as caught:
        negotiate("*/*;q=0", GRAPH)
    assert caught.value.status == 406


def test_results_types_are_not_acceptable_for_graphs() -> None:
    with pytest.raises(ApiError):
        negotiate("application/sparql-results+json", GRAPH)


def test_turtle_is_not_a_dataset_format() -> None:
    with pytest.raises(ApiError):
        negotiate("text/turtle", DATASET)


@pytest.mark.parametrize(
    ("names", "kind", "expected"),
    [
        (["json"], SOLUTIONS, JSON),
        (["csv"], SOLUTIONS, CSV),
        (["tsv"], SOLUTIONS, TSV),
        (["xml"], BOOLEAN, XML),
        (["ttl"], GRAPH, TURTLE),
        (["nt"], GRAPH, NTRIPLES),
        (["jsonld"], GRAPH, Negotiated(ox.RdfFormat.JSON_LD, "application/ld+json")),
        (["rdfxml"], GRAPH, Negotiated(ox.RdfFormat.RDF_XML, "application/rdf+xml")),
        (["xml"], GRAPH, Negotiated(ox.RdfFormat.RDF_XML, "application/rdf+xml")),
        (["TSV", "text/tab-separated-values"], SOLUTIONS, TSV),
        (["unknown", "csv"], SOLUTIONS, CSV),
        (["text/csv"], SOLUTIONS, CSV),
    ],
)
def test_format_names_override_accept(names: list[str], kind: str, expected: Negotiated) -> None:
    assert negotiate("application/sparql-results+json", kind, names) == expected


def test_format_name_for_another_kind_is_406() -> None:
    with pytest.raises(ApiError) as caught:
        negotiate(None, GRAPH, ["csv"])
    assert caught.value.status == 406
    assert "ttl" in caught.value.en


def test_every_media_type_appears_once_and_every_kind_has_its_default() -> None:
    media_types = [row.media_type for row in formats.TABLE]
    assert len(media_types) == len(set(media_types))
    for kind in formats.KINDS:
        assert formats.offered(kind)[0].media_type == formats.DEFAULTS[kind]


def test_pyoxigraph_agrees_with_the_table_on_media_types() -> None:
    for row in formats.TABLE:
        if row.media_type != "application/json":
            assert row.format.media_type.split(";")[0] == row.media_type
