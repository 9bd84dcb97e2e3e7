"""bench/generate.py makes graphs whose every record conforms to the shapes and whose
IRIs and keys follow Koopgraph's scheme – with the real municipality list from
../shared and with synthetic keys when it is missing. Only a tiny graph is made
here; the large runs live in bench/ (see bench/README.md)."""

import importlib.util
import re
import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from koopgraph.domain import validation

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
generate = sys.modules.setdefault("bench_generate", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(generate)

ID = "https://w3id.org/koopgraph/id/"
KOOP = "https://w3id.org/koopgraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
QB = "http://purl.org/linked-data/cube#"
SIZE = 2000

PATTERNS = {
    KOOP + "Land": r"region/(0[1-9]|1[0-6])",
    KOOP + "Kreis": r"region/(0[1-9]|1[0-6])[0-9]{3}",
    KOOP + "KreisfreieStadt": r"region/(0[1-9]|1[0-6])[0-9]{3}",
    KOOP + "Gemeinde": r"region/(0[1-9]|1[0-6])[0-9]{6}",
    KOOP + "Organisation": r"organisation/bench-[a-z0-9-]+",
    KOOP + "Kooperation": r"kooperation/bench-[a-z0-9-]+",
    KOOP + "Massnahme": r"massnahme/bench-[a-z0-9-]+",
    KOOP + "Zusatzleistung": r"zusatzleistung/bench-[a-z0-9-]+",
    QB + "DataSet": r"datensatz/bench-[0-9]{4}",
    QB + "Observation": r"beobachtung/[0-9]{8}/[0-9]{4}-12-31/(einwohner|flaeche)",
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in sorted((REPO / "ontology").rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return validation.load_shapes(REPO)


def _quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))


def _as_rdflib(quads: list[ox.Quad]) -> Graph:
    text = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads)
    return Graph().parse(data=text, format="nt")


def _make(tmp_path: Path, csv: Path, name: str, seed: int = 1) -> tuple[dict, Path]:
    out = tmp_path / f"{name}.nq"
    return generate.generate(SIZE, out, seed=seed, csv_path=csv), out


@pytest.fixture(params=["csv", "synthetic"])
def made(request, tmp_path):
    if request.param == "csv" and not generate.DEFAULT_CSV.is_file():
        pytest.skip(f"{generate.DEFAULT_CSV} is not there")
    csv = generate.DEFAULT_CSV if request.param == "csv" else tmp_path / "missing.csv"
    summary, out = _make(tmp_path, csv, request.param)
    assert summary["source"] == request.param
    return summary, out, csv


def test_the_tiny_graph_has_the_asked_size_every_kind_and_three_graphs(made):
    summary, out, _ = made
    quads = _quads(out)
    assert len(quads) == summary["triples"]
    assert SIZE * 0.95 <= len(quads) <= SIZE
    assert {q.graph_name.value for q in quads} == {ID + "graph/" + g for g in ("opendata", "bench", "statistik")}
    types = {q.object.value for q in quads if q.predicate.value == RDF_TYPE}
    assert set(PATTERNS) <= types, set(PATTERNS) - types
    placed = {"opendata": (KOOP + "Kreis", KOOP + "Gemeinde", KOOP + "Land"),
              "bench": (KOOP + "Kooperation", KOOP + "Organisation"), "statistik": (QB + "Observation",)}
    for graph, classes in placed.items():
        assert {q.object.value for q in quads if q.predicate.value == RDF_TYPE
                and q.graph_name.value == ID + "graph/" + graph} >= set(classes)


def test_every_record_of_the_tiny_graph_conforms_to_the_shapes(made, ontology, shapes):
    _, out, _ = made
    quads = _quads(out)
    report = validation.validate(_as_rdflib(quads), context=ontology, shapes=shapes)
    # Every node of the file is validated; shapes with sh:targetNode (the catalogue's
    # dataset) also report nodes the file does not describe, which are not its business.
    own = {q.subject.value for q in quads}
    assert [(r.focus_node, r.path, r.component, r.message("en")) for r in report.results if r.focus_node in own] == []


def test_iris_and_keys_follow_the_scheme(made):
    _, out, _ = made
    about: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for q in _quads(out):
        about[q.subject.value][q.predicate.value].append(q.object)
    for iri, props in about.items():
        for cls in props.get(RDF_TYPE, []):
            if cls.value in PATTERNS:
                assert re.fullmatch(ID + PATTERNS[cls.value], iri), (cls.value, iri)
        kinds = {c.value for c in props.get(RDF_TYPE, [])}
        if kinds & {KOOP + "Kreis", KOOP + "KreisfreieStadt"}:
            key = iri.rsplit("/", 1)[1]
            assert [o.value for o in props[KOOP + "kreisschluessel"]] == [key]
            land = props[KOOP + "liegtIn"][0].value
            assert land == ID + "region/" + key[:2] and KOOP + "Land" in {c.value for c in about[land][RDF_TYPE]}
        if KOOP + "KreisfreieStadt" in kinds:
            assert [o.value for o in props[KOOP + "ags"]] == [iri.rsplit("/", 1)[1] + "000"]
        if KOOP + "Gemeinde" in kinds:
            ags = iri.rsplit("/", 1)[1]
            assert [o.value for o in props[KOOP + "ags"]] == [ags]
            (ars,) = [o.value for o in props[KOOP + "regionalschluessel"]]
            assert re.fullmatch(r"[0-9]{12}", ars) and ars[:5] == ags[:5] and ars[-3:] == ags[-3:]
            (kreis,) = [o.value for o in props[KOOP + "liegtIn"]]
            assert kreis == ID + "region/" + ags[:5]
        if QB + "Observation" in kinds:
            ags, date, measure = iri.removeprefix(ID + "beobachtung/").split("/")
            (area,) = props["http://purl.org/linked-data/sdmx/2009/dimension#refArea"]
            assert ags in {o.value for o in about[area.value][KOOP + "ags"]}
            assert [o.value for o in props["http://purl.org/linked-data/sdmx/2009/dimension#refPeriod"]] == [date]
            assert [o.value for o in props[QB + "measureType"]] == [KOOP + measure]
            (dataset,) = props[QB + "dataSet"]
            assert dataset.value == ID + f"datensatz/bench-{date[:4]}"


def test_regions_from_data_opendata_are_copied_with_identical_values(made):
    _, out, _ = made
    official: dict[str, set] = defaultdict(set)
    for q in ox.parse(path=str(REPO / "data" / "opendata" / "regionen.ttl"), format=ox.RdfFormat.TURTLE):
        official[q.subject.value].add(q.triple)
    generated: dict[str, set] = defaultdict(set)
    for q in _quads(out):
        generated[q.subject.value].add(q.triple)
    shared = set(official) & set(generated)
    assert shared, "Schleswig-Holstein comes first, so some of its regions are in even the tiny graph"
    for iri in shared:
        assert generated[iri] == official[iri], iri


def test_same_seed_gives_the_same_file_and_another_seed_other_records(made, tmp_path):
    summary, out, csv = made
    again, out2 = _make(tmp_path, csv, "again")
    assert out2.read_bytes() == out.read_bytes()
    _, out3 = _make(tmp_path, csv, "other", seed=2)
    assert out3.read_bytes() != out.read_bytes()


def test_the_sample_check_passes_and_catches_a_broken_record(made, tmp_path):
    _, out, _ = made
    assert generate.check(out, fraction=0.05)["conforms"]
    broken = tmp_path / "broken.nq"
    broken.write_text(out.read_text(encoding="utf-8").replace(
        "/id/kooperationsstatus/", "/id/angebotsstatus/"), encoding="utf-8")
    result = generate.check(broken, fraction=0.01)
    assert not result["conforms"]
    assert {v[2] for v in result["violations"]} == {"InConstraintComponent"}
