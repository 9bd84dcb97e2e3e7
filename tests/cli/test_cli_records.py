"""Data stewards check and add records from the command line: validate with
exit codes 0/1/2, templates that explain each field, load, list and revert
submissions, and tokens stored only as hashes."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import SH

from koopgraph.web.app import create_app
from koopgraph import content
from koopgraph.cli import koopgraph

HERE = Path(__file__).parents[1] / "shapes"
VALID = HERE / "valid" / "kooperation-ostholstein.ttl"
NO_STATUS = HERE / "invalid" / "kooperation__ohne-status.ttl"


def cli(*args: str):
    return CliRunner().invoke(koopgraph, [str(a) for a in args])


@pytest.fixture
def store(tmp_path) -> Path:
    path = tmp_path / "store"
    assert cli("build", "--store", path).exit_code == 0
    return path


def test_validate_exits_0_for_a_conforming_file(store):
    result = cli("validate", VALID, "--store", store)
    assert result.exit_code == 0 and "in Ordnung" in result.stdout


def test_validate_exits_1_and_groups_violations_by_record_with_label_property_and_line(store):
    result = cli("validate", NO_STATUS, "--store", store)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{NO_STATUS}: 1 Verstoß"
    assert lines[2] == (f"Eintrag „Kooperationsvereinbarung ARGE und Migrationsfachdienste Ostholstein“ "
                        f"<https://w3id.org/koopgraph/id/kooperation/ostholstein-neu> ({NO_STATUS}:21)")
    assert lines[3] == "  • Status"
    assert lines[4].strip().startswith("Genau ein Status ist nötig")


def test_validate_in_english(store):
    result = cli("validate", NO_STATUS, "--lang", "en", "--store", store)
    assert "1 violation(s)" in result.stdout and "Exactly one status is required" in result.stdout


def test_validate_exits_2_for_unreadable_input_with_the_parsers_position(store, tmp_path):
    broken = tmp_path / "kaputt.ttl"
    broken.write_text("<a> <b> .")
    result = cli("validate", broken, "--store", store)
    assert result.exit_code == 2 and "Zeile 1, Spalte 9" in result.stderr and "Traceback" not in result.output
    assert cli("validate", tmp_path / "fehlt.ttl", "--store", store).exit_code == 2
    odd = tmp_path / "daten.xyz"
    odd.write_text("")
    assert "--input-format" in cli("validate", odd, "--store", store).stderr


def test_validate_json_and_turtle_formats(store):
    body = json.loads(cli("validate", NO_STATUS, "--format", "json", "--store", store).stdout)
    assert body["conforms"] is False and body["results"][0]["path"].endswith("#status")
    report = Graph().parse(data=cli("validate", NO_STATUS, "--format", "turtle", "--store", store).stdout, format="turtle")
    assert len(list(report.subjects(None, SH.ValidationResult))) == 1


def test_validate_works_without_a_built_store_against_the_packaged_data(tmp_path):
    assert cli("validate", VALID, "--store", tmp_path / "none").exit_code == 0


def test_validate_reads_every_syntax_by_extension(store, tmp_path):
    g = Graph().parse(VALID)
    for suffix, fmt in [(".nt", "nt"), (".jsonld", "json-ld"), (".rdf", "xml"), (".trig", "trig")]:
        path = tmp_path / f"datei{suffix}"
        path.write_text(g.serialize(format=fmt))
        assert cli("validate", path, "--store", store).exit_code == 0, suffix


@pytest.mark.parametrize("kind", ["cooperation", "measure", "organisation"])
def test_each_template_explains_its_fields_and_only_needs_a_real_identifier(store, tmp_path, kind):
    text = cli("new", kind).stdout
    assert text.count("(Pflicht") >= 3 and "ÄNDERN" in text
    path = tmp_path / "neu.ttl"
    path.write_text(text)
    unchanged = json.loads(cli("validate", path, "--format", "json", "--store", store).stdout)
    assert [r["message"].split(" ist ")[0] for r in unchanged["results"]] and all(
        "BITTE-AENDERN" in r["focusNode"] and r["path"] is None for r in unchanged["results"])
    path.write_text(text.replace("BITTE-AENDERN", "neu-2026"))
    assert cli("validate", path, "--store", store).exit_code == 0


@pytest.mark.parametrize("german, english", [("kooperation", "cooperation"), ("massnahme", "measure")])
def test_templates_answer_to_their_german_names_too(german, english):
    assert cli("new", german).stdout == cli("new", english).stdout != ""


def test_load_lists_and_reverts_a_submission(store):
    loaded = cli("load", VALID, "--als", "datenpflege", "--store", store)
    assert loaded.exit_code == 0 and "ostholstein-neu" in loaded.stdout
    listed = cli("submissions", "--store", store).stdout.splitlines()
    assert len(listed) == 2 and "einfuegen" in listed[1] and "datenpflege" in listed[1]
    sid = listed[1].split()[0]
    assert cli("revert", sid, "--store", store).exit_code == 0
    ask = cli("query", "ASK { <https://w3id.org/koopgraph/id/kooperation/ostholstein-neu> ?p ?o }", "--format", "json",
              "--store", store)
    assert json.loads(ask.stdout)["boolean"] is False
    assert "(zurückgenommen)" in cli("submissions", "--store", store).stdout


def test_load_refuses_an_invalid_file_with_the_report_and_exit_1(store):
    result = cli("load", NO_STATUS, "--store", store)
    assert result.exit_code == 1 and "Genau ein Status" in result.stderr
    assert cli("submissions", "--store", store).stdout.count("\n") == 1


def test_a_token_file_holds_only_the_hash_and_the_server_accepts_the_secret(tmp_path):
    tokens = tmp_path / "tokens.toml"
    result = cli("token", "kreis-ostholstein", "--rechte", "schreiben", "--tokens-file", tokens)
    secret = result.stdout.strip()
    assert len(secret) >= 40 and secret not in tokens.read_text() and "kreis-ostholstein" in tokens.read_text()
    web = create_app({"TESTING": True, "QUERY_PROCESSES": False, "STORE": ":memory:", "RESOURCES": str(content.root()),
                      "TOKENS_FILE": str(tokens)}).test_client()
    response = web.post("/records", data=VALID.read_bytes(),
                        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {secret}"})
    assert response.status_code == 201
