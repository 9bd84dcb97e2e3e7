"""pyshacl-turbo is trusted only where it reports exactly what pySHACL
reports: on the whole project data and on every shape fixture."""

from pathlib import Path

import pytest
from rdflib import Graph

from koopgraph.domain import validation

FIXTURES = sorted((Path(__file__).parents[1] / "shapes").glob("*/*.ttl"))


def _key(report: validation.Report) -> set:
    return {(r.focus_node, r.path, r.value, r.component, r.source_shape) for r in report.results}


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return validation.load_shapes()


def test_both_engines_agree_on_the_whole_project_data(kg_graph, shapes):
    pyshacl_report = validation.validate(kg_graph, shapes=shapes)
    turbo_report = validation.validate_turbo(kg_graph, shapes)
    assert _key(pyshacl_report) == _key(turbo_report)
    assert pyshacl_report.conforms and turbo_report.conforms


def test_both_engines_agree_on_all_shape_fixtures_together(kg_graph, shapes):
    data = Graph()
    for triple in kg_graph:
        data.add(triple)
    for path in FIXTURES:
        data.parse(path)
    pyshacl_report = validation.validate(data, shapes=shapes)
    turbo_report = validation.validate_turbo(data, shapes)
    assert _key(pyshacl_report) == _key(turbo_report)
    assert len(pyshacl_report.results) >= 15  # fixtures share IRIs, so some violations merge


def test_the_messages_are_the_same_in_both_languages(kg_graph, shapes):
    data = Graph()
    for triple in kg_graph:
        data.add(triple)
    for path in FIXTURES:
        data.parse(path)
    messages = lambda report: {(r.focus_node, r.component, r.message("de"), r.message("en")) for r in report.results}  # noqa: E731
    assert messages(validation.validate(data, shapes=shapes)) == messages(validation.validate_turbo(data, shapes))


def test_a_large_change_is_checked_by_turbo_and_still_finds_the_one_broken_record(kg, shapes):
    import pyoxigraph as ox

    koop = "https://w3id.org/koopgraph/ontology#"
    triples = []
    for i in range(validation.TURBO_FROM + 50):
        s = ox.NamedNode(f"https://w3id.org/koopgraph/id/kooperation/gross-{i}")
        triples += [
            ox.Triple(s, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(koop + "Kooperation")),
            ox.Triple(s, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal(f"K {i}", language="de")),
            ox.Triple(s, ox.NamedNode(koop + "region"), ox.NamedNode("https://w3id.org/koopgraph/id/region/01062")),
            ox.Triple(s, ox.NamedNode(koop + "kooperationsform"), ox.NamedNode("https://w3id.org/koopgraph/id/kooperationsform/arbeitskreis")),
            ox.Triple(s, ox.NamedNode("http://purl.org/dc/terms/source"), ox.Literal("Test", language="de")),
        ]
        if i != 7:
            triples.append(ox.Triple(s, ox.NamedNode(koop + "status"), ox.NamedNode("https://w3id.org/koopgraph/id/kooperationsstatus/besteht")))
    report = validation.check_change(kg, validation.Change(inserts=tuple(triples)), shapes)
    assert [(r.focus_node.rsplit("/", 1)[-1], r.path.rsplit("#", 1)[-1], r.component) for r in report.results] == [
        ("gross-7", "status", "MinCountConstraintComponent")]
