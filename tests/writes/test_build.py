"""A new release replaces exactly the graphs whose files changed, on the
next start, and never touches records or imports added since."""

import gc
import shutil
from pathlib import Path

import pyoxigraph as ox

from kgtree import EXPECTED_COUNTS, FILES, GRAPH, write_tree
from koopgraph.web.app import create_app
from koopgraph import engine
from koopgraph.writes import gate
from koopgraph.engine.embedded import FINGERPRINTS, EmbeddedEngine

SUBMISSION = GRAPH + "submission/2026-11-26-0001"


def _app(root: Path, store_dir: Path):
    return create_app({"TESTING": True, "QUERY_PROCESSES": False, "STORE": str(store_dir), "RESOURCES": str(root)})


def _graphs(app) -> dict[str, int]:
    return dict(engine.graph_counts(app.extensions["koopgraph.store"]))


def _add_submission(app) -> None:
    gate.add_trusted(app.extensions["koopgraph.store"], [ox.Quad(
        ox.NamedNode("https://w3id.org/koopgraph/id/kooperation/neu"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        ox.Literal("Neue Kooperation", language="de"), ox.NamedNode(SUBMISSION))])


def _restart(root: Path, store_dir: Path):
    """A new app on the same store, once the caller has dropped the old one
    (its last reference: the store closes and can be reopened)."""
    gc.collect()
    return _app(root, store_dir)


def test_first_start_builds_every_file_graph(tmp_path):
    app = _app(write_tree(tmp_path / "r", FILES), tmp_path / "store")
    assert _graphs(app) == EXPECTED_COUNTS


def test_a_changed_file_replaces_only_its_graph_and_keeps_submissions(tmp_path, monkeypatch):
    root, store_dir = write_tree(tmp_path / "r", FILES), tmp_path / "store"
    app = _app(root, store_dir)
    _add_submission(app)
    (root / "data/seed/seed.ttl").write_text(FILES["data/seed/seed.ttl"] + "id:md-luebeck a kg:Migrationsdienst .\n")
    rebuilt = []
    original = EmbeddedEngine.replace_graph
    monkeypatch.setattr(EmbeddedEngine, "replace_graph", lambda s, g, t: (rebuilt.append(g), original(s, g, t)))
    del app
    app = _restart(root, store_dir)
    assert rebuilt == [GRAPH + "seed"]
    assert _graphs(app) == EXPECTED_COUNTS | {GRAPH + "seed": 3, SUBMISSION: 1}


def test_a_removed_data_folder_drops_its_graph_on_the_next_start(tmp_path):
    root, store_dir = write_tree(tmp_path / "r", FILES), tmp_path / "store"
    app = _app(root, store_dir)
    _add_submission(app)
    shutil.rmtree(root / "data/opendata")
    del app
    app = _restart(root, store_dir)
    expected = {g: n for g, n in EXPECTED_COUNTS.items() if g != GRAPH + "opendata"} | {SUBMISSION: 1}
    assert _graphs(app) == expected


def test_without_fingerprints_every_file_graph_is_rebuilt_and_submissions_survive(tmp_path):
    root, store_dir = write_tree(tmp_path / "r", FILES), tmp_path / "store"
    app = _app(root, store_dir)
    _add_submission(app)
    (store_dir / FINGERPRINTS).unlink()
    del app
    app = _restart(root, store_dir)
    assert _graphs(app) == EXPECTED_COUNTS | {SUBMISSION: 1}
