from pathlib import Path

import pytest

import koopgraph
from koopgraph import content
from koopgraph.config import default_store_path
from koopgraph.content import ResourcesNotFoundError

REPO = Path(__file__).resolve().parents[2]


def test_env_override_wins(fake_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOOPGRAPH_RESOURCES", str(fake_root))
    assert content.root() == fake_root.resolve()


def test_override_without_ontology_folder_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOOPGRAPH_RESOURCES", str(tmp_path))
    with pytest.raises(ResourcesNotFoundError, match="No ontology/ folder found in KOOPGRAPH_RESOURCES="):
        content.root()


def test_checkout_install_reads_the_repository_folders_live() -> None:
    # The test suite runs from an editable install, where no packaged copy exists.
    assert Path(koopgraph.__file__).resolve().parent == REPO / "server" / "koopgraph"
    assert content.root() == REPO


def test_store_path_prefers_koopgraph_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("KOOPGRAPH_STORE", str(tmp_path / "s"))
    assert default_store_path() == tmp_path / "s"


def test_store_path_falls_back_to_xdg_data_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "koopgraph" / "store"


def test_store_path_ignores_relative_xdg_and_uses_local_share(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_store_path() == tmp_path / ".local" / "share" / "koopgraph" / "store"
