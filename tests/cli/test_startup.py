"""A broken named question or shape file stops `koopgraph serve` before it
listens: exit status 2 and one line naming the file and the line, instead
of a server whose pages answer 500 (docs/architecture.md, "Start-up")."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import sparqltree
from koopgraph import cli

CLI = [sys.executable, "-c", "from koopgraph.cli import main; main()"]
HEADER = ("#+ title: {de: Kaputt, en: Broken}\n"
          "#+ description: {de: Kaputt., en: Broken.}\n"
          "#+ columns: [x]\n")
BROKEN = {  # file -> (text, line the parser stops at: the first token it cannot accept)
    "queries/kaputt.rq": (HEADER + "SELECT ?x WHERE {\n  ?x ?p\n}\n", 7),  # "}" where an object must come
    "queries/kopf.rq": ("#+ title: {de: Kaputt, en: Broken\n#+ columns: [x]\nSELECT ?x WHERE { ?x ?p ?o }\n", 2),  # "}" missing
    "shapes/kaputt.ttl": ("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                          "<urn:s> a sh:NodeShape ;\n  sh:targetClass <urn:c>\n<urn:t> a sh:NodeShape .\n", 4),  # "." missing
}


def _tree(tmp_path: Path, name: str) -> Path:
    root = sparqltree.write(tmp_path / "resources")
    text, _ = BROKEN[name]
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("name", list(BROKEN))
def test_serve_refuses_to_start_naming_the_broken_file_and_line(tmp_path, monkeypatch, name):
    root = _tree(tmp_path, name)
    monkeypatch.setenv("KOOPGRAPH_RESOURCES", str(root))
    result = CliRunner().invoke(cli.koopgraph, ["serve", "--port", "0", "--store", str(tmp_path / "store")])
    assert result.exit_code == 2, result.output
    line = BROKEN[name][1]
    message = result.stderr.strip()
    assert message.count("\n") == 0 and "Traceback" not in result.output
    assert str(root / name) in message
    assert f"Zeile {line}" in message and f"line {line}" in message
    assert "listening" not in result.stdout


def test_the_real_command_exits_2_before_it_listens(tmp_path):
    root = _tree(tmp_path, "queries/kaputt.rq")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KOOPGRAPH_")},
           "KOOPGRAPH_RESOURCES": str(root)}
    done = subprocess.run([*CLI, "serve", "--port", "0", "--store", str(tmp_path / "store")], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("koopgraph: ") and str(root / "queries/kaputt.rq") in done.stderr
    assert done.stdout == ""
