"""Importing a Destatis-style municipality directory: exact triples from a
small fixture, idempotence, broken rows named by line, nothing stated twice,
and the join questions answered on the imported data."""

import csv
import gc
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph

from koopgraph.writes.imports import csv as csv_import
from koopgraph.writes import build
from koopgraph.domain import questions, mappings
from koopgraph.namespaces import DERIVED_GRAPH
from koopgraph import content
from koopgraph import engine as kgstore
from koopgraph.cli import koopgraph

FIXTURES = Path(__file__).parents[1] / "fixtures"
MINI = FIXTURES / "gemeindeverzeichnis-mini.csv"
IMPORT_GRAPH = "https://w3id.org/koopgraph/id/graph/import/gemeindeverzeichnis"


@pytest.fixture(scope="module")
def mapping() -> mappings.TableMapping:
    return mappings.load_mapping(mappings.mapping_path("gemeindeverzeichnis"))


@pytest.fixture
def kg_store():
    s = kgstore.open_store(None)
    build.build(s, content.root())
    return s


def _graph(store, iri=IMPORT_GRAPH) -> Graph:
    g = Graph()
    g.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri)), format="nt")
    return g


def test_the_fixture_becomes_exactly_the_expected_triples(kg_store, mapping):
    outcome = csv_import.run(kg_store, mapping, MINI, "test")
    assert (outcome.rows, outcome.skipped) == (3, (5,))
    expected = Graph().parse(FIXTURES / "gemeindeverzeichnis-mini.expected.ttl")
    got = _graph(kg_store)
    assert set(got) == set(expected)
    assert outcome.added == len(expected) == 60


def test_running_the_import_twice_changes_nothing(kg_store, mapping):
    csv_import.run(kg_store, mapping, MINI, "test")
    before = kg_store.dump(format=ox.RdfFormat.N_QUADS)
    outcome = csv_import.run(kg_store, mapping, MINI, "test")
    assert outcome.submission is None and outcome.added == outcome.removed == 0
    assert kg_store.dump(format=ox.RdfFormat.N_QUADS) == before


def test_a_changed_file_replaces_only_what_changed(kg_store, mapping, tmp_path):
    csv_import.run(kg_store, mapping, MINI, "test")
    changed = tmp_path / "gv.csv"
    changed.write_text(MINI.read_text(encoding="utf-8").replace(",1847253,", ",1850000,"), encoding="utf-8")
    outcome = csv_import.run(kg_store, mapping, changed, "test")
    assert (outcome.added, outcome.removed) == (1, 1)
    values = {int(o) for o in _graph(kg_store).objects(None, None) if str(o) in ("1847253", "1850000")}
    assert values == {1850000}


def test_rows_the_graph_already_states_are_not_stated_twice(kg_store, mapping):
    csv_import.run(kg_store, mapping, MINI, "test")
    norderstedt = ox.NamedNode("https://w3id.org/koopgraph/id/region/01060063")
    graphs = {q.graph_name.value for q in kg_store.quads_for_pattern(norderstedt, None, None, None)}
    # the derived graph (its Kreis and Land) is the gate's, not a statement of the import
    assert graphs - {DERIVED_GRAPH} == {"https://w3id.org/koopgraph/id/graph/opendata"}


def test_a_broken_row_is_named_by_line_and_column_and_nothing_is_imported(kg_store, mapping, tmp_path):
    broken = tmp_path / "gv.csv"
    rows = MINI.read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].replace("09184119,", "0918411X,", 1).replace(",17760,", ",viele,")
    broken.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = kg_store.dump(format=ox.RdfFormat.N_QUADS)
    with pytest.raises(mappings.RowError) as error:
        csv_import.run(kg_store, mapping, broken, "test")
    assert [(line, column) for line, column, _ in error.value.problems] == [(4, "ags"), (4, "population")]
    assert "Zeile 4, Spalte ags" in error.value.de and "Zeile 4, Spalte population" in error.value.de
    assert kg_store.dump(format=ox.RdfFormat.N_QUADS) == before


def test_a_missing_column_is_named(kg_store, mapping, tmp_path):
    path = tmp_path / "gv.csv"
    with open(MINI, encoding="utf-8") as f:
        rows = [{k: v for k, v in r.items() if k != "population"} for r in csv.DictReader(f)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(mappings.MappingError) as error:
        csv_import.run(kg_store, mapping, path, "test")
    assert "population" in error.value.de


def test_progress_is_reported_while_reading(kg_store, mapping):
    seen = []
    csv_import.run(kg_store, mapping, MINI, "test", progress=seen.append)
    assert seen and seen[-1] == 3


def test_join_questions_on_the_imported_fixture(kg_store, mapping):
    csv_import.run(kg_store, mapping, MINI, "test")
    catalogue = questions.load_queries()
    sol = questions.run(kg_store, catalogue["kooperation-und-bevoelkerung"], {"land": "02"})
    rows = [{v.value: row[v.value].value for v in sol.variables if row[v.value] is not None} for row in sol]
    assert [(r["ags"], r["name"], r["formaleKooperation"], r["einwohner"], r["einwohnerStichtag"], r["flaeche"])
            for r in rows] == [("02000", "Hamburg", "keine-angaben", "1847253", "2019-12-31", "755.09")]
    sol = questions.run(kg_store, catalogue["kreise-ohne-formale-kooperation-betroffene"], {"land": "09"})
    rows = [{v.value: row[v.value].value for v in sol.variables if row[v.value] is not None} for row in sol]
    assert [(r["ags"], r["gemeinden"], r.get("einwohner")) for r in rows] == [("09184", "1", None)]


def test_the_cli_imports_with_progress_and_says_when_nothing_changed(tmp_path):
    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(koopgraph, ["build", "--store", str(store)]).exit_code == 0
    first = runner.invoke(koopgraph, ["import", "gemeindeverzeichnis", str(MINI), "--store", str(store)])
    assert first.exit_code == 0 and "+60" in first.stdout, first.output
    gc.collect()  # in one process the first command's store handle lingers in a frame cycle until collected
    second = runner.invoke(koopgraph, ["import", "csv", "--mapping", "gemeindeverzeichnis", str(MINI), "--store", str(store)])
    assert second.exit_code == 0 and "Unverändert / unchanged" in second.stdout
    rows = json.loads(runner.invoke(koopgraph, ["run", "region-suchen", "--param", "q=Garching", "--format", "json",
                                                "--store", str(store)]).stdout)["results"]["bindings"]
    assert [(r["ags"]["value"], r["name"]["value"]) for r in rows] == [("09184119", "Garching b.München")]


def test_the_cli_names_a_broken_row_and_exits_2(tmp_path):
    store = tmp_path / "store"
    broken = tmp_path / "gv.csv"
    broken.write_text(MINI.read_text(encoding="utf-8").replace(",755.09,", ",viel,"), encoding="utf-8")
    result = CliRunner().invoke(koopgraph, ["import", "gemeindeverzeichnis", str(broken), "--store", str(store)])
    assert result.exit_code == 2 and "Zeile 3, Spalte area_km2" in result.stderr and "Traceback" not in result.output


def test_a_mapping_with_a_broken_header_stops_with_its_name(tmp_path):
    bad = tmp_path / "kaputt.rq"
    shutil.copy(mappings.mapping_path("gemeindeverzeichnis"), bad)
    bad.write_text(bad.read_text(encoding="utf-8").replace("{type: ags", "{type: postleitzahl"), encoding="utf-8")
    with pytest.raises(mappings.MappingError) as error:
        mappings.load_mapping(bad)
    assert "kaputt.rq" in error.value.de and "ags" in error.value.de
