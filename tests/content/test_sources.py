from pathlib import Path

import pytest

from kgtree import GRAPH, write_tree
from koopgraph import content, namespaces
from koopgraph.content import GraphSource, LayoutError, graph_sources


def test_each_folder_maps_to_its_graph_with_exact_files(fake_root: Path) -> None:
    assert graph_sources(fake_root) == [
        GraphSource(GRAPH + "katalog", (fake_root / "data/katalog.ttl",)),
        GraphSource(
            GRAPH + "ontology",
            (fake_root / "ontology/koop.ttl", fake_root / "ontology/vocab/extra.ttl"),
        ),
        GraphSource(GRAPH + "opendata", (fake_root / "data/opendata/nested/stationen.nt",)),
        GraphSource(GRAPH + "seed", (fake_root / "data/seed/seed.ttl",)),
        GraphSource(GRAPH + "shapes", (fake_root / "shapes/jobcenter.ttl",)),
    ]


def test_non_rdf_files_and_dotfiles_are_never_sources(fake_root: Path) -> None:
    write_tree(fake_root, {"data/seed/.#seed.ttl": "broken", "shapes/readme.md": "x"})
    files = {f.name for source in graph_sources(fake_root) for f in source.files}
    assert files == {"katalog.ttl", "koop.ttl", "extra.ttl", "stationen.nt", "seed.ttl", "jobcenter.ttl"}


def test_folders_without_rdf_files_produce_no_graph(tmp_path: Path) -> None:
    write_tree(tmp_path, {"ontology/README.md": "x", "data/opendata/orte.csv": "x"})
    assert graph_sources(tmp_path) == []


def test_data_subfolder_that_would_reuse_a_fixed_graph_is_rejected(fake_root: Path) -> None:
    write_tree(fake_root, {"data/ontology/x.ttl": "<urn:a> <urn:b> <urn:c> ."})
    with pytest.raises(LayoutError, match="data/ontology"):
        graph_sources(fake_root)


def test_subfolder_names_are_percent_encoded_into_valid_iris() -> None:
    assert content.subgraph_iri("open data") == GRAPH + "open%20data"
    assert content.subgraph_iri("seed-2024_v1.0") == GRAPH + "seed-2024_v1.0"


def test_base_iris_are_the_published_namespaces() -> None:
    assert namespaces.BASE == "https://w3id.org/koopgraph/"
    assert namespaces.ONTOLOGY_NS == "https://w3id.org/koopgraph/ontology#"
    assert namespaces.ID == "https://w3id.org/koopgraph/id/"
    assert namespaces.GRAPH == "https://w3id.org/koopgraph/id/graph/"
