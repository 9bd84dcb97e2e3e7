"""Finds the RDF content (ontology/, data/, shapes/, queries/).

A wheel carries the folders inside the package; a checkout or editable
install reads them live from the repository, so edits show up without
reinstalling.
"""

import os
from importlib import resources as _importlib_resources
from pathlib import Path

from koopgraph.errors import KoopgraphError

ENV_VAR = "KOOPGRAPH_RESOURCES"
FOLDERS = ("ontology", "data", "shapes", "queries")


class ResourcesNotFoundError(KoopgraphError):
    """No directory with an ontology/ folder could be found."""


def _packaged() -> Path | None:
    candidate = _importlib_resources.files("koopgraph") / "resources"
    # Only a real directory is usable: the store reads files by path.
    path = Path(str(candidate))
    return path if path.is_dir() else None


def _checkout() -> Path:
    # server/koopgraph/resources.py -> repository root
    return Path(__file__).resolve().parents[2]


def root() -> Path:
    """The directory holding ontology/, data/, shapes/ and queries/."""
    override = os.environ.get(ENV_VAR)
    if override:
        chosen = Path(override).expanduser().resolve()
        origin = f"{ENV_VAR}={override}"
    else:
        chosen = _packaged() or _checkout()
        origin = str(chosen)
    if not (chosen / "ontology").is_dir():
        raise ResourcesNotFoundError(
            f"Kein Ordner ontology/ in {origin} gefunden",
            f"No ontology/ folder found in {origin}",
        )
    return chosen
