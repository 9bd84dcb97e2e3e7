"""Durability with real processes: a write the server confirmed survives
`kill -9` right after; an import killed at any point leaves an openable
store that is complete or detectably incomplete, and running the import
again completes it; `koopgraph backup` works while the server runs and a
restored backup has exactly the dump of the store it was taken from."""

import csv
import gc
import hashlib
import os
import shutil
import subprocess
import threading
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from koopgraph.writes.imports import csv as csv_import
from koopgraph.engine.embedded import FINGERPRINTS
from koopgraph import engine as kgstore
from koopgraph.domain import mappings

from . import helpers
from .helpers import ADMIN, CLI, WRITER, Served, call

SHARED = Path(__file__).resolve().parents[3] / "shared" / "opendata" / "municipalities-de.csv"
IMPORT_GRAPH = ox.NamedNode(csv_import.IMPORT_PREFIX + "gemeindeverzeichnis")
LOG = ox.NamedNode("https://w3id.org/koopgraph/id/graph/einreichungen")
CHECKSUM = ox.NamedNode("https://w3id.org/koopgraph/ontology#pruefsumme")
ROWS = 400


def post_record(base: str, key: str) -> helpers.Answer:
    return call(base + "records", method="POST", body=helpers.record(key),
                headers={"Authorization": f"Bearer {WRITER}", "Content-Type": "text/turtle"})


def with_store(path: Path, use, *, read_only: bool = False):
    """use(store) on the store opened for writing (proves no lock or damage
    is left) or read-only; the store is closed again when use returns."""
    store = ox.Store.read_only(str(path)) if read_only else kgstore.open_store(path)
    try:
        return use(store)
    finally:
        del store
        gc.collect()


def test_a_confirmed_insert_survives_kill_9_right_after_the_answer(built_store):
    with Served(built_store) as server:
        keys = [f"durabel-{i}" for i in range(5)]
        for key in keys:
            assert post_record(server.url, key).status == 201
        server.kill()  # SIGKILL the moment the last 201 arrived
    with Served(built_store) as again:
        for key in keys:
            ask = "ASK { <%s> a <https://w3id.org/koopgraph/ontology#Kooperation> }" % helpers.record_iri(key)
            answer = call(again.url + "sparql?" + urllib.parse.urlencode({"query": ask}))
            assert answer.json()["boolean"] is True, key
        listing = call(again.url + "submissions").json()["submissions"]
        assert {r for s in listing for r in s["records"]} >= {helpers.record_iri(k) for k in keys}


# ---------------------------------------------------------------- imports

def _directory(tmp: Path) -> tuple[Path, Path]:
    """Two versions of a municipality directory: v2 drops the first 50 rows
    of v1 and adds 50 others (statements removed and added)."""
    if SHARED.is_file():
        with SHARED.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            fields, rows = reader.fieldnames, [row for _, row in zip(range(ROWS), reader)]
    else:  # a synthetic directory of the same shape
        fields = ["ags", "ars", "name", "gemeinde_type", "land_code", "land_name", "kreis_ags", "kreis_name",
                  "kreis_type", "area_km2", "population"]
        rows = [{"ags": f"16{90 + i // 100:03d}{i % 100 + 1:03d}", "ars": f"16{90 + i // 100:03d}0000{i % 100 + 1:03d}",
                 "name": f"Gemeinde {i}", "gemeinde_type": "Gemeinde", "land_code": "16", "land_name": "Thüringen",
                 "kreis_ags": f"16{90 + i // 100:03d}", "kreis_name": f"Kreis {i // 100}", "kreis_type": "Kreis",
                 "area_km2": f"{10 + i % 7}.5", "population": str(1000 + i)} for i in range(ROWS)]
    v1, v2 = tmp / "gv-v1.csv", tmp / "gv-v2.csv"
    for path, data in ((v1, rows[:-50]), (v2, rows[50:])):
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            writer.writerows(data)
    return v1, v2


def _checksum(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def _state(path: Path, csv_path: Path) -> tuple[set[str], int]:
    """The import graph's statements, and how many log entries carry the file's checksum."""
    return with_store(path, lambda store: (
        {str(q.triple) for q in store.quads_for_pattern(None, None, None, IMPORT_GRAPH)},
        len(list(store.quads_for_pattern(None, CHECKSUM, ox.Literal(_checksum(csv_path)), LOG)))))


def _import(store: Path, csv_path: Path, *, wrapper: Path | None = None, kill_at: str = "") -> subprocess.CompletedProcess:
    command = [*CLI[:-1], (wrapper.read_text() if wrapper else CLI[-1])]
    return subprocess.run([*command, "import", "gemeindeverzeichnis", str(csv_path), "--store", str(store)],
                          env=helpers.env(KILL_AT=kill_at), capture_output=True, text=True, timeout=180)


# Runs the CLI with a store whose remove/extend SIGKILL the process at a
# chosen point of the import's write phase (the engine's calls themselves
# are atomic: one statement, or the whole extend).
KILLER = '''
import os, signal
from koopgraph import cli
from koopgraph.cli import import_commands
where, _, nth = os.environ["KILL_AT"].partition(":")
count = [0]

def die(point):
    if where == point and (not nth or count[0] == int(nth)):
        os.kill(os.getpid(), signal.SIGKILL)

class Killing:
    def __init__(self, real): self._real = real
    def __getattr__(self, name): return getattr(self._real, name)
    def remove(self, quad):
        count[0] += 1
        die("remove")
        return self._real.remove(quad)
    def extend(self, quads):
        die("before-extend")
        self._real.extend(quads)
        die("after-extend")

writable = import_commands.writable_store

def killing(path):  # the engine's own pyoxigraph store, wrapped
    engine = writable(path)
    engine.native = Killing(engine.native)
    return engine

import_commands.writable_store = killing
cli.main()
'''


@pytest.fixture(scope="module")
def imported(built_template: Path, tmp_path_factory: pytest.TempPathFactory):
    """A store with v1 imported, and the import graph v2 must end with."""
    tmp = tmp_path_factory.mktemp("imports")
    v1, v2 = _directory(tmp)
    with_v1 = tmp / "with-v1"
    shutil.copytree(built_template, with_v1)
    assert _import(with_v1, v1).returncode == 0
    expected_store = tmp / "expected"
    shutil.copytree(with_v1, expected_store)
    mapping = mappings.load_mapping(mappings.mapping_path("gemeindeverzeichnis"))
    with_store(expected_store, lambda store: csv_import.run(store, mapping, v2, "test") and None)
    expected, logged = _state(expected_store, v2)
    assert logged == 1 and len(expected) > 1000
    return with_v1, v1, v2, expected


@pytest.mark.parametrize("kill_at", ["remove:120", "before-extend", "after-extend"])
def test_an_import_killed_in_its_write_phase_is_complete_or_detectably_incomplete_and_a_rerun_completes_it(
        imported, tmp_path, kill_at):
    with_v1, _, v2, expected = imported
    store = tmp_path / "store"
    shutil.copytree(with_v1, store)
    wrapper = tmp_path / "killer.py"
    wrapper.write_text(KILLER)
    killed = _import(store, v2, wrapper=wrapper, kill_at=kill_at)
    assert killed.returncode == -9, killed.stderr[-500:]
    graph, logged = _state(store, v2)  # opens: no lock left, nothing broken
    if kill_at == "after-extend":
        assert (graph, logged) == (expected, 1)  # complete, and says so
    else:
        assert logged == 0 and graph != expected  # incomplete, and detectably so: no log entry for this file
    rerun = _import(store, v2)
    assert rerun.returncode == 0, rerun.stderr[-500:]
    assert ("Unverändert" in rerun.stdout) == (kill_at == "after-extend")
    assert _state(store, v2) == (expected, 1)


def test_an_import_killed_at_a_random_moment_leaves_an_openable_store_and_a_rerun_completes_it(imported, tmp_path):
    with_v1, _, v2, expected = imported
    store = tmp_path / "store"
    shutil.copytree(with_v1, store)
    process = subprocess.Popen([*CLI, "import", "gemeindeverzeichnis", str(v2), "--store", str(store)],
                               env=helpers.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stderr.read(1)  # the progress bar has started: rows are being read
    process.kill()
    process.communicate(timeout=30)
    graph, logged = _state(store, v2)
    assert (graph, logged) == (expected, 1) or logged == 0
    assert _import(store, v2).returncode == 0
    assert _state(store, v2) == (expected, 1)


# ---------------------------------------------------------------- backup and restore

def _dump(path: Path) -> bytes:
    return with_store(path, lambda store: store.dump(format=ox.RdfFormat.N_QUADS), read_only=True)


def _cli(*args: str, **extra_env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], env=helpers.env(**extra_env), capture_output=True, text=True, timeout=120)


def test_backup_while_the_server_runs_and_restore_give_the_same_dump(built_store, tmp_path):
    with Served(built_store) as server:
        for i in range(3):
            assert post_record(server.url, f"gesichert-{i}").status == 201
        backup = tmp_path / "sicherung"
        made = _cli("backup", str(backup), "--store", str(built_store), "--url", server.url, KOOPGRAPH_TOKEN=ADMIN)
        assert made.returncode == 0, made.stderr
        assert "vom laufenden Server / by the running server" in made.stdout
        live = call(server.url + "dump/koopgraph.nq").body  # the server's store, unchanged since the backup
        # restore while the server runs: into a new directory, never over the server's store
        restored = tmp_path / "wiederhergestellt"
        assert _cli("restore", str(backup), "--store", str(restored)).returncode == 0
        busy = _cli("restore", str(backup), "--store", str(built_store))
        assert busy.returncode == 2 and "Stop the server" in busy.stderr
        assert server.alive()
    assert _dump(restored) == _dump(backup) == live
    assert (restored / FINGERPRINTS).is_file()  # a restored store is not rebuilt needlessly


def test_a_backup_taken_during_writes_is_a_consistent_snapshot(built_store, tmp_path):
    with Served(built_store) as server:
        stop, confirmed = threading.Event(), []

        def write() -> None:
            i = 0
            while not stop.is_set() and i < 200:
                if post_record(server.url, f"laufend-{i}").status == 201:
                    confirmed.append(helpers.record_iri(f"laufend-{i}"))
                i += 1

        writer = threading.Thread(target=write)
        writer.start()
        while len(confirmed) < 3:
            pass
        made = call(server.url + "admin/backup?name=mitten", method="POST", headers={"Authorization": f"Bearer {ADMIN}"})
        stop.set()
        writer.join(60)
        assert made.status == 201, made.body
        backup = Path(made.json()["backup"])
        assert backup == Path(str(built_store) + "-backups") / "mitten"
        wrong = call(server.url + "admin/backup", method="POST", headers={"Authorization": f"Bearer {WRITER}"})
        assert wrong.status == 403
    records, logged = with_store(backup, lambda snapshot: (
        {q.subject.value for q in snapshot.quads_for_pattern(
            None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://w3id.org/koopgraph/ontology#Kooperation"), None) if "laufend-" in q.subject.value},
        {q.object.value for q in snapshot.quads_for_pattern(
            None, ox.NamedNode("https://w3id.org/koopgraph/ontology#eintrag"), None, LOG) if "laufend-" in q.object.value}),
        read_only=True)
    assert records == logged and len(records) >= 3  # every record with its log entry, none half-written
    assert records <= set(confirmed) | {helpers.record_iri(f"laufend-{len(confirmed)}")}


def test_backup_without_a_server_copies_the_store_directly(built_store, tmp_path):
    made = _cli("backup", str(tmp_path / "b"), "--store", str(built_store))
    assert made.returncode == 0 and "direkt / directly" in made.stdout
    assert _dump(tmp_path / "b") == _dump(built_store)
    again = _cli("backup", str(tmp_path / "b"), "--store", str(built_store))
    assert again.returncode == 2 and "exists already" in again.stderr


def test_restore_moves_the_previous_store_aside_and_never_deletes_it(built_store, tmp_path):
    assert _cli("backup", str(tmp_path / "b"), "--store", str(built_store)).returncode == 0
    target = tmp_path / "ziel"
    shutil.copytree(built_store, target)
    restored = _cli("restore", str(tmp_path / "b"), "--store", str(target))
    assert restored.returncode == 0, restored.stderr
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("ziel.vor-restore-")]
    assert len(aside) == 1 and _dump(aside[0]) == _dump(target)
    assert not os.path.exists(tmp_path / "nichts") and _cli("restore", str(tmp_path / "nichts")).returncode == 2
