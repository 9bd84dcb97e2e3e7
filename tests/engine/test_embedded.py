import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgtree import EXPECTED_COUNTS, GRAPH, ID, KG, PREFIXES, write_tree
from koopgraph.writes import gate
from koopgraph.engine.rdf_input import SOURCE_FORMATS
from koopgraph import content
from koopgraph.writes import build
from koopgraph import engine as kgstore
from koopgraph.engine import SourceError, StoreBusyError

OWL_CLASS = "http://www.w3.org/2002/07/owl#Class"
SH_NODE_SHAPE = "http://www.w3.org/ns/shacl#NodeShape"
SUBMISSION = GRAPH + "submission/x"


def _triples(store: ox.Store, graph_iri: str) -> set[str]:
    return {str(q.triple) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri))}


def _single_int(results) -> int:
    (row,) = list(results)
    return int(row[0].value)


def test_build_returns_exact_triple_count_per_graph(fake_root: Path) -> None:
    store = kgstore.open_store(None)
    assert build.build(store, fake_root) == EXPECTED_COUNTS
    assert kgstore.graph_counts(store) == sorted(EXPECTED_COUNTS.items())
    assert len(store) == sum(EXPECTED_COUNTS.values())


def test_rebuild_replaces_only_the_changed_graph_and_keeps_foreign_graphs(fake_root: Path) -> None:
    store = kgstore.open_store(None)
    build.build(store, fake_root)
    foreign = ox.Quad(ox.NamedNode(ID + "x"), ox.NamedNode(KG + "note"), ox.Literal("bleibt"), ox.NamedNode(SUBMISSION))
    gate.add_trusted(store, [foreign])
    katalog_before = _triples(store, GRAPH + "katalog")

    write_tree(fake_root, {"data/seed/seed.ttl": PREFIXES + "id:md-flensburg a kg:Migrationsdienst .\n"})
    counts = build.build(store, fake_root)

    assert counts == {**EXPECTED_COUNTS, GRAPH + "seed": 1}
    assert _triples(store, GRAPH + "seed") == {
        f"<{ID}md-flensburg> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KG}Migrationsdienst>"
    }
    assert _triples(store, GRAPH + "katalog") == katalog_before
    assert list(store.quads_for_pattern(None, None, None, ox.NamedNode(SUBMISSION))) == [foreign]


def test_syntax_error_names_file_and_line_and_leaves_store_unchanged(fake_root: Path) -> None:
    store = kgstore.open_store(None)
    build.build(store, fake_root)
    broken = fake_root / "data/seed/seed.ttl"
    broken.write_text(PREFIXES + 'id:md-kiel a kg:Migrationsdienst .\nid:md-kiel rdfs:label "offen .\n')

    with pytest.raises(SourceError) as caught:
        build.build(store, fake_root)

    message = str(caught.value)
    assert caught.value.path == broken
    assert str(broken) in message
    assert "line 7" in message
    assert "\n" not in message
    assert kgstore.graph_counts(store) == sorted(EXPECTED_COUNTS.items())


def test_default_graph_is_the_union_of_all_named_graphs(fake_root: Path) -> None:
    store = kgstore.open_store(None)
    build.build(store, fake_root)
    assert _single_int(kgstore.query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")) == 14
    # label from the katalog graph, partner from the seed graph, place from opendata
    rows = list(
        kgstore.query(
            store,
            f"""SELECT ?label ?partner ?ort WHERE {{
                  ?jc <http://www.w3.org/2000/01/rdf-schema#label> ?label ;
                      <{KG}kooperiertMit> ?partner ; <{KG}ort> ?ort }}""",
        )
    )
    assert [(r["label"].value, r["partner"].value, r["ort"].value) for r in rows] == [
        ("Jobcenter Kiel", ID + "md-kiel", "Kiel")
    ]


def test_class_counts_gives_german_label_and_distinct_instances_sorted(fake_root: Path) -> None:
    store = kgstore.open_store(None)
    build.build(store, fake_root)
    assert kgstore.class_counts(store) == [
        (OWL_CLASS, None, 3),
        (KG + "Jobcenter", "Jobcenter", 2),
        (SH_NODE_SHAPE, None, 1),
        (KG + "Migrationsdienst", "Migrationsdienst", 1),
    ]


def test_blank_nodes_with_the_same_label_in_two_files_stay_distinct(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "ontology/a.ttl": "_:x <urn:p> 1 .",
            "ontology/b.ttl": "_:x <urn:p> 2 .",
        },
    )
    store = kgstore.open_store(None)
    build.build(store, tmp_path)
    subjects = {q.subject for q in store.quads_for_pattern(None, ox.NamedNode("urn:p"), None)}
    assert len(subjects) == 2


def test_every_loadable_suffix_has_a_parser() -> None:
    assert set(SOURCE_FORMATS) == set(content.RDF_SUFFIXES)


def test_second_open_in_same_process_raises_store_busy(tmp_path: Path) -> None:
    path = tmp_path / "store"
    first = kgstore.open_store(path)
    with pytest.raises(StoreBusyError) as caught:
        kgstore.open_store(path)
    assert str(caught.value) == (
        f"Der Speicher {path} wird von einem anderen Prozess benutzt (läuft `koopgraph serve`?) / "
        f"The store {path} is in use by another process (is `koopgraph serve` running?)"
    )
    del first


def test_open_while_another_process_holds_the_store_raises_store_busy(tmp_path: Path) -> None:
    path = tmp_path / "store"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, pyoxigraph
                store = pyoxigraph.Store({str(path)!r})
                print("open", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(StoreBusyError, match="in use by another process"):
            kgstore.open_store(path)
    finally:
        holder.communicate("", timeout=30)
    # once the other process is gone the store opens normally
    assert kgstore.is_empty(kgstore.open_store(path))


def test_open_store_creates_missing_parent_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "store"
    store = kgstore.open_store(path)
    assert path.is_dir()
    assert kgstore.is_empty(store)
