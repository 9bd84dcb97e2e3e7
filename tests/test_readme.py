"""The README's step-by-step examples work as printed: the finished record
validates and loads, the typo example prints exactly the report the README
shows, the gap question changes as described, and revert restores it."""

import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
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


# ---------------------------------------------------------------- the front door

FRONT = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = REPO / "docs"
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_the_readme_is_a_front_door_of_at_most_10000_characters():
    assert len(FRONT) <= 10_000
    blocks = re.findall(r"```sh\n(.*?)```", FRONT, re.S)
    assert "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/koopgraph serve\n" in blocks
    assert "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest -q\n" in blocks


def test_every_file_in_docs_is_linked_from_the_readme():
    linked = {(REPO / target).resolve() for target in LINK.findall(FRONT)}
    files = {path.resolve() for path in DOCS.rglob("*") if path.is_file()}
    assert (DOCS / "architecture.md").resolve() in files
    assert sorted(str(p.relative_to(REPO)) for p in files - linked) == []


@pytest.mark.parametrize("page", [REPO / "README.md", *sorted(DOCS.glob("*.md"))], ids=lambda p: p.name)
def test_every_relative_link_leads_to_a_file_of_the_repository(page):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    missing = [target for target in LINK.findall(text)
               if not target.startswith(("http://", "https://", "mailto:")) and not (page.parent / target).exists()]
    assert missing == []


CLI_COMMAND = [sys.executable, "-c", "from koopgraph.cli import main; main()"]


@pytest.fixture
def served(tmp_path):
    """`koopgraph serve` on a free loopback port over the packaged data, with a writer's token."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KOOPGRAPH_")},
           "KOOPGRAPH_TOKENS": f"readme:{SECRET}:schreiben", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([*CLI_COMMAND, "serve", "--port", "0", "--store", str(tmp_path / "store")], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            assert selector.select(60), "serve printed nothing within 60 s"
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+)/", process.stdout.readline())
        assert match, process.stderr.read() if process.poll() is not None else "no URL"
        yield match.group(1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(20)


SECRET = "readme-geheimnis-0123456789abcdef"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed (.ci/run installs it)")
def test_the_readmes_curl_lines_answer_without_an_error(served, tmp_path):
    block = re.search(r"## Ausprobieren / Try it\n.*?```sh\n(.*?)```", FRONT, re.S).group(1)
    lines = [line for line in block.splitlines() if line.startswith("curl ")]
    assert len(lines) >= 5
    (tmp_path / "eintrag.ttl").write_text(example("eintrag.ttl"), encoding="utf-8")
    for line in lines:
        command = line.replace("http://127.0.0.1:8000", served) + " --fail --silent --show-error --output /dev/null"
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env={**os.environ, "TOKEN": SECRET},
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (line, done.stderr)
