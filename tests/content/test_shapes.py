"""The shapes accept the whole data set and good records, and reject each kind
of broken record with the specific violation and a message in German and
English.

Fixtures: tests/shapes/valid/*.ttl must conform; each
tests/shapes/invalid/<shape>__<reason>.ttl starts with
`# expect: <ConstraintComponent> <path or -> [<source shape>]` and must give
exactly that violation and no other.
"""

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from koopgraph.domain import validation

HERE = Path(__file__).parents[1] / "shapes"
VALID = sorted((HERE / "valid").glob("*.ttl"))
INVALID = sorted((HERE / "invalid").glob("*.ttl"))
CURIES = {
    "koop:": "https://w3id.org/koopgraph/ontology#",
    "ksh:": "https://w3id.org/koopgraph/shapes#",
    "rdfs:": "http://www.w3.org/2000/01/rdf-schema#",
    "schema:": "https://schema.org/",
    "dcterms:": "http://purl.org/dc/terms/",
}


def _expand(curie: str) -> str | None:
    if curie == "-":
        return None
    prefix, _, local = curie.partition(":")
    return CURIES[prefix + ":"] + local


def _expectation(path: Path) -> tuple[str, str | None, str | None]:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name}: first line must say what is expected"
    parts = first.removeprefix("# expect: ").split()
    return parts[0], _expand(parts[1]), _expand(parts[2]) if len(parts) > 2 else None


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return validation.load_shapes()


def _check(record: Graph, kg_graph: Graph, shapes: Graph) -> validation.Report:
    return validation.validate_record(record, context=kg_graph, shapes=shapes)


def test_the_whole_data_set_conforms_to_the_shapes(kg_graph, shapes):
    report = validation.validate(kg_graph, shapes=shapes)
    assert [(r.focus_node, r.path, r.component, r.message()) for r in report.results] == []
    assert report.conforms


@pytest.mark.parametrize("path", VALID, ids=[p.stem for p in VALID])
def test_a_valid_record_conforms_in_the_context_of_the_graph(path, kg_graph, shapes):
    report = _check(Graph().parse(path), kg_graph, shapes)
    assert [(r.focus_node, r.path, r.component, r.message()) for r in report.results] == []


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_each_broken_record_gives_exactly_the_expected_violation_with_messages(path, kg_graph, shapes):
    component, result_path, source_shape = _expectation(path)
    report = _check(Graph().parse(path), kg_graph, shapes)
    assert not report.conforms
    assert {(r.component, r.path) for r in report.results} == {(component, result_path)}
    for result in report.results:
        assert result.severity == "Violation"
        assert set(result.messages) >= {"de", "en"}, result.messages
        if source_shape:
            assert result.source_shape == source_shape


def test_the_invalid_fixtures_cover_every_constraint_kind_the_shapes_use(shapes):
    used = {
        "MinCount": SH.minCount, "MaxCount": SH.maxCount, "Class": SH["class"], "Datatype": SH.datatype,
        "Pattern": SH.pattern, "In": SH["in"], "Node": SH.node, "Or": SH["or"], "LanguageIn": SH.languageIn,
        "UniqueLang": SH.uniqueLang, "MinInclusive": SH.minInclusive, "MaxInclusive": SH.maxInclusive,
        "Closed": SH.closed, "SPARQL": SH.sparql, "NodeKind": SH.nodeKind,
    }
    in_shapes = {name for name, predicate in used.items() if any(shapes.triples((None, predicate, None)))}
    covered = {_expectation(p)[0].removesuffix("ConstraintComponent") for p in INVALID}
    assert in_shapes - covered == set()


def test_every_shape_message_exists_in_german_and_english(shapes):
    owners = set(shapes.subjects(SH.message, None))
    missing = sorted(
        str(o) for o in owners if {m.language for m in shapes.objects(o, SH.message)} != {"de", "en"}
    )
    assert missing == []


def test_every_property_of_a_targeted_shape_has_a_message_in_both_languages(shapes):
    targeted = set(shapes.subjects(SH.targetClass, None))
    properties = {p for shape in targeted for p in shapes.objects(shape, SH.property)}
    silent = sorted(
        str(p) for p in properties if {m.language for m in shapes.objects(p, SH.message)} != {"de", "en"}
    )
    assert silent == []
    assert len(properties) > 60
