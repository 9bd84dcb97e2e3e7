"""The SPARQL editor's two faces (issue 16): where the package build made the
CodeMirror bundle (npm present), the query pages load it before editor.js;
where it did not (no node), they keep the plain textarea and nothing else
changes. The bundle is never committed: git ignores it and node_modules."""

import subprocess
from pathlib import Path

from writeapp import make_app

REPO = Path(__file__).resolve().parents[2]


def scripts(app) -> list[str]:
    html = app.test_client().get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    return [line for line in html.splitlines() if "<script" in line]


def test_without_the_bundle_the_page_keeps_the_plain_editor(tmp_path):
    app = make_app()
    app.static_folder = str(tmp_path)  # a build without node: no static/vendor/
    assert not any("vendor/sparql-editor.js" in s for s in scripts(app))
    html = app.test_client().get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert '<textarea id="query" name="query"' in html and 'data-prefixes="{' in html


def test_with_the_bundle_it_is_loaded_before_editor_js(tmp_path):
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "sparql-editor.js").write_text("/* built */")
    app = make_app()
    app.static_folder = str(tmp_path)
    loaded = [s for s in scripts(app) if "src=" in s]
    assert ["vendor/sparql-editor.js" in s for s in loaded] == [True, False] and "editor.js" in loaded[1]


def test_third_party_code_is_installed_never_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    assert not [f for f in tracked if f.startswith("node_modules/") or "/static/vendor/" in f]
    assert "package.json" in tracked and "package-lock.json" in tracked
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8")
    assert "/node_modules/" in ignored and "/server/koopgraph/web/static/vendor/" in ignored
