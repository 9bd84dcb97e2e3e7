"""The README's step-by-step examples work as printed: the finished record
validates and loads, the typo example prints exactly the report the README
shows, the gap question changes as described, and revert restores it."""

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from koopgraph.cli import koopgraph

REPO = Path(__file__).parent.parent
# The README is the front door; its worked examples live in the manual (docs/).
README = "\n".join(p.read_text(encoding="utf-8") for p in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))])
PINNEBERG = "https://w3id.org/koopgraph/id/region/01056"


def example(name: str) -> str:
    """The fenced block right after `<!-- readme-example: NAME … -->`, dedented."""
    match = re.search(r"<!-- readme-example: " + re.escape(name) + r"\b[^>]*-->\s*```\w*\n(.*?)```", README, re.S)
    assert match, f"README has no example {name}"
    return textwrap.dedent(match.group(1))


def cli(*args):
    return CliRunner().invoke(koopgraph, [str(a) for a in args])


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "store"
    assert cli("build", "--store", path).exit_code == 0
    return path


def gaps(store: Path) -> list[str]:
    rows = cli("run", "kreise-ohne-formale-kooperation", "--format", "csv", "--store", store).stdout.splitlines()
    return [row.split(",")[0] for row in rows[1:]]


def test_the_readme_record_validates_loads_closes_the_gap_and_reverts(store):
    Path("eintrag.ttl").write_text(example("eintrag.ttl"), encoding="utf-8")
    assert cli("validate", "eintrag.ttl", "--store", store).exit_code == 0
    before = gaps(store)
    assert PINNEBERG in before and len(before) == 11
    loaded = cli("load", "eintrag.ttl", "--als", "datenpflege", "--store", store)
    assert loaded.exit_code == 0
    assert "https://w3id.org/koopgraph/id/kooperation/pinneberg-kooperationsvereinbarung-2026" in loaded.stdout
    after = gaps(store)
    assert PINNEBERG not in after and len(after) == 10
    submission = cli("submissions", "--store", store).stdout.splitlines()[-1].split()[0]
    assert cli("revert", submission, "--store", store).exit_code == 0
    assert gaps(store) == before


def test_the_readme_typo_example_prints_the_report_shown(store):
    Path("eintrag.ttl").write_text(example("eintrag.ttl").replace("region:01056", "region:01099"), encoding="utf-8")
    shown = example("validate-01099").splitlines()
    assert shown[0] == "$ koopgraph validate eintrag.ttl"
    result = cli("validate", "eintrag.ttl", "--store", store)
    assert result.exit_code == 1
    assert [line.rstrip() for line in result.stdout.splitlines()] == [line.rstrip() for line in shown[1:]]
