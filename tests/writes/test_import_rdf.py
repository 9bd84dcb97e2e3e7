"""`koopgraph import rdf`: a file lands in …/graph/import/<name> with
exactly its statements (graph names dropped, blank nodes kept apart), the
same file again changes nothing, a changed one replaces the graph, invalid
or broken files change nothing, progress counts the file twice, and the
answer cache sees the change."""

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import remotekg
from koopgraph.writes.imports import rdf as rdf_import
from koopgraph.writes import build
from koopgraph import content
from koopgraph import engine as kgstore
from koopgraph.cli import koopgraph
from koopgraph.writes.gate import RecordError
from koopgraph.writes.submissions import imported_checksum, listing as submissions

VALID = Path(__file__).parents[1] / "shapes" / "valid" / "kooperation-ostholstein.ttl"
INVALID = Path(__file__).parents[1] / "shapes" / "invalid" / "kooperation__ohne-status.ttl"
GRAPH = "https://w3id.org/koopgraph/id/graph/import/probe"
NEW = ox.NamedNode("https://w3id.org/koopgraph/id/kooperation/ostholstein-neu")


@pytest.fixture
def kg():
    store = kgstore.open_store(None)
    build.build(store, content.root())
    return store


def graph_triples(store, graph=GRAPH) -> set:
    return {q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


def dump(store) -> bytes:
    return store.dump(format=ox.RdfFormat.N_QUADS)


def test_a_file_lands_in_its_own_graph_with_exactly_its_statements_and_a_log_entry(kg):
    outcome = rdf_import.run(kg, VALID, ox.RdfFormat.TURTLE, "probe", "test")
    expected = {q.triple for q in ox.parse(path=str(VALID), format=ox.RdfFormat.TURTLE)}
    assert graph_triples(kg) == expected and outcome.added == len(expected) == 8 and outcome.removed == 0
    entry = [s for s in submissions(kg) if s.id == outcome.submission.id]
    assert entry and entry[0].operation == "import" and entry[0].agent == "test"
    assert imported_checksum(kg, ox.NamedNode(GRAPH)) == rdf_import.checksum(VALID)


def test_the_same_file_again_changes_nothing(kg):
    rdf_import.run(kg, VALID, ox.RdfFormat.TURTLE, "probe", "test")
    before, version = dump(kg), kg.version()
    again = rdf_import.run(kg, VALID, ox.RdfFormat.TURTLE, "probe", "test")
    assert again.submission is None and dump(kg) == before and kg.version() == version


def test_a_changed_file_replaces_the_graph_and_the_cache_version_moves(kg, tmp_path):
    rdf_import.run(kg, VALID, ox.RdfFormat.TURTLE, "probe", "test")
    version = kg.version()
    changed = tmp_path / "neu.ttl"
    changed.write_text(VALID.read_text().replace("kstatus:besteht", "kstatus:in-vorbereitung"))
    outcome = rdf_import.run(kg, changed, ox.RdfFormat.TURTLE, "probe", "test")
    statuses = {t.object.value for t in graph_triples(kg) if t.predicate.value.endswith("#status")}
    assert statuses == {"https://w3id.org/koopgraph/id/kooperationsstatus/in-vorbereitung"}
    assert outcome.removed == 8 and kg.version() != version


def test_a_file_that_violates_the_shapes_is_refused_with_the_report_and_changes_nothing(kg):
    before = dump(kg)
    with pytest.raises(RecordError) as refused:
        rdf_import.run(kg, INVALID, ox.RdfFormat.TURTLE, "probe", "test")
    assert refused.value.status == 422 and not refused.value.report.conforms
    assert dump(kg) == before


def test_a_broken_file_changes_nothing_even_unchecked(kg, tmp_path):
    rdf_import.run(kg, VALID, ox.RdfFormat.TURTLE, "probe", "test")
    before = dump(kg)
    broken = tmp_path / "kaputt.nt"
    broken.write_text("<urn:a> <urn:b> <urn:c> .\n" * 1000 + "<urn:a> <urn:b> .\n")
    for check in (True, False):
        with pytest.raises(rdf_import.BulkImportError) as error:
            rdf_import.run(kg, broken, ox.RdfFormat.N_TRIPLES, "probe", "test", check=check)
        assert "Zeile 1001" in error.value.de
        assert dump(kg) == before


def test_graph_names_in_the_file_are_dropped_and_blank_nodes_of_two_files_stay_apart(kg, tmp_path):
    trig = tmp_path / "a.trig"
    trig.write_text("<urn:g1> { _:b <urn:p> 1 } <urn:g2> { _:b <urn:p> 2 }")
    other = tmp_path / "b.nt"
    other.write_text("_:b <urn:p> \"3\" .\n")
    rdf_import.run(kg, trig, ox.RdfFormat.TRIG, "probe", "test", check=False)
    rdf_import.run(kg, other, ox.RdfFormat.N_TRIPLES, "probe-b", "test", check=False)
    a, b = graph_triples(kg), graph_triples(kg, "https://w3id.org/koopgraph/id/graph/import/probe-b")
    assert len(a) == 2 and len(b) == 1
    assert not kg.contains_named_graph(ox.NamedNode("urn:g1"))
    assert {t.subject for t in a}.isdisjoint({t.subject for t in b})


def test_progress_counts_the_file_twice_and_ends_at_twice_its_size(kg):
    for check in (True, False):
        seen: list[int] = []
        rdf_import.run(kg, VALID, ox.RdfFormat.TURTLE, f"probe-{int(check)}", "test", check=check, progress=seen.append)
        assert seen == sorted(seen) and seen[-1] == 2 * VALID.stat().st_size


@pytest.mark.parametrize("name", ["Gross", "mit leerzeichen", "", "a" * 64, "../x"])
def test_a_name_that_is_not_a_slug_is_refused(kg, name):
    with pytest.raises(rdf_import.BulkImportError):
        rdf_import.run(kg, VALID, ox.RdfFormat.TURTLE, name, "test")


def test_the_cli_imports_with_a_progress_bar_and_says_when_nothing_changed(tmp_path):
    store = tmp_path / "store"
    first = CliRunner().invoke(koopgraph, ["import", "rdf", str(VALID), "--name", "probe", "--store", str(store)])
    assert first.exit_code == 0, first.output
    assert "+8 −0" in first.stdout and "geprüft / checked" in first.stdout
    second = CliRunner().invoke(koopgraph, ["import", "rdf", str(VALID), "--name", "probe", "--store", str(store)])
    assert second.exit_code == 0 and "Unverändert / unchanged" in second.stdout
    # (in the same store the record would take its status from the graph just imported)
    refused = CliRunner().invoke(koopgraph, ["import", "rdf", str(INVALID), "--store", str(tmp_path / "leer")])
    assert refused.exit_code == 1 and "Verstoß" in refused.stderr


def test_a_bulk_import_into_a_remote_engine(oxigraph_server):
    remote = remotekg.fresh(oxigraph_server)
    outcome = rdf_import.run(remote, VALID, ox.RdfFormat.TURTLE, "probe", "test")
    assert outcome.added == 8 and len(graph_triples(remote)) == 8
    assert rdf_import.run(remote, VALID, ox.RdfFormat.TURTLE, "probe", "test").submission is None
