"""The CLI answers questions and queries, exports the graph, and reads the
store while another process (a running server) holds it."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
import pyoxigraph
from rdflib import Graph

from koopgraph.cli import koopgraph


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> str:
    store = str(tmp_path_factory.mktemp("kg") / "store")
    result = CliRunner().invoke(koopgraph, ["build", "--store", store])
    assert result.exit_code == 0, result.output
    return store


def cli(*args: str):
    return CliRunner().invoke(koopgraph, list(args))


def test_queries_lists_every_named_question_with_its_title(built):
    lines = cli("queries").stdout.splitlines()
    names = {line.split()[0] for line in lines}
    assert {"kooperation-nach-region", "akteure", "region-suchen"} <= names
    assert any(line.startswith("akteure") and "Akteure in einer Region" in line and "ags=01003" in line for line in lines)


def test_queries_aligns_the_titles_in_one_column_even_for_the_longest_name(built):
    lines = cli("queries").stdout.splitlines()
    starts = {line.index(title) for line, title in zip(lines, [" ".join(line.split("  [")[0].split()[1:]) for line in lines])}
    assert len(starts) == 1


def test_run_prints_the_answer_as_a_table(built):
    result = cli("run", "kreise-ohne-formale-kooperation", "--store", built)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["region", "ags", "name", "stand"]
    assert len(lines) == 1 + 11
    assert "(11 Zeilen / rows)" in result.stderr


def test_run_with_a_parameter_and_json_output_is_sparql_json(built):
    result = cli("run", "akteure", "--param", "ags=01057", "--format", "json", "--store", built)
    names = {b["name"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]}
    assert "Frauenhaus Kreis Plön" in names


def test_run_with_a_bad_parameter_says_so_in_one_line_and_exits_2(built):
    result = cli("run", "akteure", "--param", "ags=1", "--store", built)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Kreisschlüssel" in result.stderr and "Traceback" not in result.output


def test_query_csv_counts_the_union_graph(built):
    result = cli("query", "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a <https://w3id.org/koopgraph/ontology#Arbeitsgruppe> }",
                 "--format", "csv", "--store", built)
    assert result.stdout.splitlines() == ["n", "4"]


def test_query_from_a_file(built, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("ASK { <https://w3id.org/koopgraph/id/region/01062> ?p ?o }")
    assert json.loads(cli("query", "--file", str(path), "--store", built).stdout)["boolean"] is True


def test_a_syntax_error_is_one_line_with_the_parsers_position_and_exit_2(built):
    result = cli("query", "SELECT ?x WHERE { ?x }", "--store", built)
    assert result.exit_code == 2 and "1:" in result.stderr and "Traceback" not in result.output


def test_query_on_a_store_that_does_not_exist_suggests_build(tmp_path):
    result = cli("query", "ASK {}", "--store", str(tmp_path / "none"))
    assert result.exit_code == 2 and "koopgraph build" in result.stderr
    assert not (tmp_path / "none").exists()


def test_export_turtle_holds_every_distinct_triple_of_the_union(built):
    count = json.loads(cli("query", "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
                           "--format", "json", "--store", built).stdout)["results"]["bindings"][0]["n"]["value"]
    exported = cli("export", "--format", "ttl", "--store", built).stdout
    assert len(Graph().parse(data=exported, format="turtle")) == int(count)


def test_export_trig_keeps_the_named_graphs(built, tmp_path):
    target = tmp_path / "out" / "koopgraph.trig"
    assert cli("export", "--format", "trig", "-o", str(target), "--store", built).exit_code == 0
    names = {q.graph_name.value for q in pyoxigraph.parse(path=str(target), format=pyoxigraph.RdfFormat.TRIG)}
    assert {"https://w3id.org/koopgraph/id/graph/seed", "https://w3id.org/koopgraph/id/graph/opendata",
            "https://w3id.org/koopgraph/id/graph/ontology"} <= names


def test_reading_works_while_another_process_holds_the_store_and_writing_is_refused(built):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, pyoxigraph
            s = pyoxigraph.Store({built!r})
            print("holding", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        result = cli("run", "leitfragen", "--format", "csv", "--store", built)
        assert result.exit_code == 0 and len(result.stdout.splitlines()) == 14
        busy = cli("build", "--store", built)
        assert busy.exit_code == 2 and "koopgraph serve" in busy.stderr
    finally:
        holder.communicate("", timeout=20)
