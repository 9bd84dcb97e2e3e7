"""The keyword scanner that decides union vs FROM and refuses SERVICE."""

import time

import pytest

from koopgraph.engine import sparqltext
from koopgraph.engine.sparqltext import keywords


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("SELECT * FROM <urn:g> WHERE {}", {"FROM"}),
        ("select * from<urn:g>{}", {"FROM"}),
        ("SELECT * FROM NAMED <urn:g> WHERE { GRAPH ?g {} }", {"FROM"}),
        ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", {"SERVICE"}),
        ("SELECT * WHERE { SERVICE SILENT ?endpoint { } }", {"SERVICE"}),
        # tokens glued together without white space are still keywords for SPARQL
        ("SELECT * WHERE { ?s ?p true.SERVICE <x> {} }", {"SERVICE"}),
        ("SELECT * WHERE { ?s ?p ex: .SERVICE <x> {} }", {"SERVICE"}),
        ("SELECT * WHERE { ?s ?p 1SERVICE <x> {} }", {"SERVICE"}),
        ("SELECT * WHERE { FILTER(?a<?b) SERVICE <x> {} }", {"SERVICE"}),
    ],
)
def test_keywords_are_found(sparql: str, expected: set[str]) -> None:
    assert keywords(sparql) == expected


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT ?from WHERE { ?s ?p ?from }",
        "SELECT $service WHERE {}",
        "PREFIX from: <urn:x#> SELECT * WHERE { from:a ?p ?o }",
        "SELECT * WHERE { ?s ex:from ?o . ?s ex:a.SERVICE ?o }",
        'SELECT * WHERE { ?s ?p "FROM" }',
        "SELECT * WHERE { ?s ?p 'SERVICE' }",
        'SELECT * WHERE { ?s ?p """a "quoted" FROM""" }',
        'SELECT * WHERE { ?s ?p "escaped \\" FROM" }',
        "SELECT * WHERE { <urn:from> <http://x/SERVICE> ?o }",
        "# FROM in a comment\nSELECT * WHERE { ?s ?p ?o } # SERVICE",
        "SELECT * WHERE { _:service ?p ?o }",
    ],
)
def test_words_that_are_not_keywords_are_ignored(sparql: str) -> None:
    assert keywords(sparql) == set()


@pytest.mark.parametrize("text", ["a." * 500_000 + " from", "ex:" + "a." * 500_000, '"""' + "x" * 1_000_000])
def test_hostile_long_input_is_refused_as_too_long_or_read_in_linear_time(text: str) -> None:
    """One reader refuses a query of more than MAX_QUERY_TOKENS tokens (it
    stops counting there), and reads a huge single token in one pass."""
    start = time.perf_counter()
    try:
        keywords(text)
    except sparqltext.TextRefused as refused:
        assert refused.code == "query-too-complex" and refused.status == 400
    assert time.perf_counter() - start < 2.0
