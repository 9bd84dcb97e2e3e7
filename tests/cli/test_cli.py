from pathlib import Path

import pytest
from click.testing import CliRunner

from kgtree import EXPECTED_COUNTS, GRAPH, KG, PREFIXES, write_tree
from koopgraph.about import __version__
from koopgraph import engine as kgstore
from koopgraph.cli import koopgraph


@pytest.fixture
def runner(fake_root: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("KOOPGRAPH_RESOURCES", str(fake_root))
    return CliRunner()


def test_build_prints_one_line_per_graph_and_the_total(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = runner.invoke(koopgraph, ["build", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{n:>2}  {iri}" for iri, n in EXPECTED_COUNTS.items()
    ] + [f"14  Tripel gesamt / triples total ({store})"]


def test_build_uses_koopgraph_store_env_when_no_option_given(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOOPGRAPH_STORE", str(tmp_path / "env-store"))
    result = runner.invoke(koopgraph, ["build"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env-store").is_dir()


def test_stats_prints_classes_with_labels_and_triples_per_graph(runner: CliRunner, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    assert runner.invoke(koopgraph, ["build", "--store", store]).exit_code == 0
    result = runner.invoke(koopgraph, ["stats", "--store", store])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Instanzen je Klasse / Instances per class",
        "  Klasse / class    Anzahl / count  IRI",
        "  –                              3  http://www.w3.org/2002/07/owl#Class",
        f"  Jobcenter                      2  {KG}Jobcenter",
        "  –                              1  http://www.w3.org/ns/shacl#NodeShape",
        f"  Migrationsdienst               1  {KG}Migrationsdienst",
        "",
        "Tripel je Graph / Triples per graph",
        "  Anzahl / count  Graph",
        f"               3  {GRAPH}katalog",
        f"               6  {GRAPH}ontology",
        f"               1  {GRAPH}opendata",
        f"               2  {GRAPH}seed",
        f"               2  {GRAPH}shapes",
    ]


def test_stats_on_missing_store_suggests_build_and_creates_nothing(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "nowhere" / "store"
    result = runner.invoke(koopgraph, ["stats", "--store", str(store)])
    assert result.exit_code == 0
    assert "koopgraph build" in result.stdout
    assert not store.exists()


def test_broken_turtle_exits_2_with_one_line_and_no_traceback(
    runner: CliRunner, fake_root: Path, tmp_path: Path
) -> None:
    broken = fake_root / "shapes" / "jobcenter.ttl"
    write_tree(fake_root, {"shapes/jobcenter.ttl": PREFIXES + "kg:X a \n"})
    result = runner.invoke(koopgraph, ["build", "--store", str(tmp_path / "store")])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"koopgraph: Fehler in {broken}: ")
    assert f" / Error in {broken}: " in lines[0]
    assert "Traceback" not in result.output


def test_busy_store_exits_2_with_bilingual_hint(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "store"
    holder = kgstore.open_store(path)
    result = runner.invoke(koopgraph, ["stats", "--store", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"koopgraph: Der Speicher {path} wird von einem anderen Prozess benutzt (läuft `koopgraph serve`?) / "
        f"The store {path} is in use by another process (is `koopgraph serve` running?)\n"
    )
    del holder


def test_missing_resources_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOOPGRAPH_RESOURCES", str(tmp_path / "empty"))
    result = CliRunner().invoke(koopgraph, ["build", "--store", str(tmp_path / "store")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "ontology/" in result.stderr


def test_version_option_prints_package_version() -> None:
    result = CliRunner().invoke(koopgraph, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"koopgraph, version {__version__}\n"


def test_build_builds_the_search_index_beside_the_store(runner: CliRunner, tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = runner.invoke(koopgraph, ["build", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert (store / "search.sqlite").is_file()
    assert "Einträge im Suchindex / entries in the search index" in result.stderr
