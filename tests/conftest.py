"""Shared fixtures: a fake resources tree and an environment that never
touches the developer's real store."""

from pathlib import Path

import pytest

from kgtree import FILES, write_tree


@pytest.fixture
def fake_root(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "resources", FILES)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may read or write the developer's real store or depend on
    their environment."""
    monkeypatch.delenv("KOOPGRAPH_RESOURCES", raising=False)
    monkeypatch.delenv("KOOPGRAPH_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
