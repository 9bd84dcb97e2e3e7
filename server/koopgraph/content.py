"""The RDF content Koopgraph is built from: where its folders are
(ontology/, data/, shapes/, queries/) and which file goes into which named
graph.

A wheel carries the folders inside the package; a checkout or editable
install reads them live from the repository, so edits show up without
reinstalling. The graph a triple lives in is decided only by the file's
place in the tree, so rebuilding can replace exactly the graphs that come
from files and leave everything else in the store (e.g. user submissions)
alone.
"""

import os
from dataclasses import dataclass
from importlib import resources as _importlib_resources
from pathlib import Path
from urllib.parse import quote

from koopgraph.errors import KoopgraphError
from koopgraph.namespaces import GRAPH, KATALOG_GRAPH, ONTOLOGY_GRAPH, SHAPES_GRAPH

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
    # server/koopgraph/content.py -> repository root
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

# Suffixes the store can parse; everything else (csv, md, geojson, ...) is
# source material for humans or converters and is never loaded.
RDF_SUFFIXES = (".ttl", ".nt", ".trig", ".jsonld", ".rdf", ".owl")


class LayoutError(KoopgraphError):
    """A folder name would make two different sources share one graph."""


@dataclass(frozen=True)
class GraphSource:
    """One named graph and the files whose union makes it up."""

    graph_iri: str
    files: tuple[Path, ...]


def _is_rdf(path: Path) -> bool:
    # Dotfiles are editor backups or lock files, never content.
    return path.is_file() and path.suffix.lower() in RDF_SUFFIXES and not path.name.startswith(".")


def _rdf_files(folder: Path, recursive: bool) -> list[Path]:
    if not folder.is_dir():
        return []
    candidates = folder.rglob("*") if recursive else folder.iterdir()
    return [p for p in candidates if _is_rdf(p)]


def subgraph_iri(name: str) -> str:
    """Graph IRI for a data/<name>/ folder; odd characters are percent-encoded
    so a folder name can never produce an invalid IRI."""
    return GRAPH + quote(name, safe="-._~")


def graph_sources(root: Path) -> list[GraphSource]:
    """All file-backed named graphs under root, sorted by graph IRI, files
    sorted by path, so builds and their output are reproducible."""
    root = Path(root)
    grouped: dict[str, list[Path]] = {
        ONTOLOGY_GRAPH: _rdf_files(root / "ontology", recursive=True),
        SHAPES_GRAPH: _rdf_files(root / "shapes", recursive=True),
        KATALOG_GRAPH: _rdf_files(root / "data", recursive=False),
    }
    data = root / "data"
    if data.is_dir():
        for sub in data.iterdir():
            if not sub.is_dir() or sub.name.startswith("."):
                continue
            iri = subgraph_iri(sub.name)
            if iri in grouped:
                raise LayoutError(
                    f"Der Ordner {sub} hätte denselben Graphen wie ein fester Ordner: {iri}",
                    f"The folder {sub} would share its graph with a fixed folder: {iri}",
                )
            grouped[iri] = _rdf_files(sub, recursive=True)
    return [
        GraphSource(iri, tuple(sorted(files, key=lambda p: p.as_posix())))
        for iri, files in sorted(grouped.items())
        if files
    ]
