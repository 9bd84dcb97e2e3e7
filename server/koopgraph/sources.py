"""Which file goes into which named graph.

The graph a triple lives in is decided only by the file's place in the tree,
so rebuilding can replace exactly the graphs that come from files and leave
everything else in the store (e.g. user submissions) alone.
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from koopgraph.errors import KoopgraphError

BASE = "https://w3id.org/koopgraph/"
ONTOLOGY_NS = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = ID + "graph/"

ONTOLOGY_GRAPH = GRAPH + "ontology"
SHAPES_GRAPH = GRAPH + "shapes"
KATALOG_GRAPH = GRAPH + "katalog"

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
