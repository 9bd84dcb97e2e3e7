"""Writes on Virtuoso are all or nothing: cut off on the way, refused by
the engine, or too large for one operation (docs/engines.md)."""

import dataclasses

import pyoxigraph as ox
import pytest

import remotekg
from koopgraph.domain.validation import load_shapes
from koopgraph.engine.interface import Delta
from koopgraph.engine.remote import ATOMIC_STATEMENTS, RemoteEngine
from koopgraph.errors import BackendError
from koopgraph.writes import gate
from koopgraph.writes.submissions import Entry

OLD = ox.NamedNode("https://w3id.org/koopgraph/id/graph/test-alt")
NEW = ox.NamedNode("https://w3id.org/koopgraph/id/graph/test-neu")
LOG = ox.NamedNode("https://w3id.org/koopgraph/id/graph/test-protokoll")
S = ox.NamedNode("https://w3id.org/koopgraph/id/test/eintrag")
P = ox.NamedNode("https://w3id.org/koopgraph/ontology#text")


def _statements(graph: ox.NamedNode, n: int, word: str) -> list[ox.Quad]:
    # "März"@de: the literal Virtuoso keeps when one DELETE/INSERT operation deletes it
    return [ox.Quad(S, P, ox.Literal(f"{word} {i} vom 2. März", language="de"), graph) for i in range(n)]


def _state(remote: RemoteEngine) -> tuple[int, int, int]:
    return tuple(len(remote.quads_for_pattern(None, None, None, g)) for g in (OLD, NEW, LOG))


@pytest.fixture
def virtuoso(virtuoso_server) -> RemoteEngine:
    remote = remotekg.store_at(virtuoso_server)
    remote.update(f"DROP SILENT GRAPH {OLD} ; DROP SILENT GRAPH {NEW} ; DROP SILENT GRAPH {LOG}")
    remote.apply(Delta(inserts=_statements(OLD, 40, "alt")))
    return remote


@pytest.mark.parametrize("request_bytes, response_bytes", [
    (60, None),  # the request line and part of the headers
    (2500, None),  # the headers and part of the body
    (None, 0),  # the whole request, but no answer
], ids=["cut-in-headers", "cut-in-body", "cut-before-answer"])
def test_a_write_cut_off_on_its_way_to_virtuoso_leaves_all_or_nothing(virtuoso_server, virtuoso, request_bytes,
                                                                       response_bytes):
    delta = Delta(inserts=_statements(NEW, 40, "neu") + _statements(LOG, 3, "protokoll"),
                  deletes=_statements(OLD, 40, "alt"))
    target = virtuoso_server.query_url.rsplit("/", 1)[0]
    with remotekg.cutting_proxy(target, request_bytes, response_bytes) as proxy:
        path = "/" + virtuoso_server.query_url.rsplit("/", 1)[1]
        cut = RemoteEngine(dataclasses.replace(virtuoso_server.endpoints(), query_url=proxy + path,
                                               update_url=proxy + path, timeout=10))
        with pytest.raises(BackendError):
            cut.apply(delta)
    assert _state(virtuoso) in ((40, 0, 0), (0, 40, 3))
    if request_bytes is not None:
        assert _state(virtuoso) == (40, 0, 0)  # an incomplete request is never executed


def test_a_write_virtuoso_refuses_halfway_leaves_nothing(virtuoso):
    duration = ox.Literal("P1D", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#duration"))
    delta = Delta(inserts=_statements(NEW, 5, "neu") + [ox.Quad(S, P, duration, NEW)],
                  deletes=_statements(OLD, 40, "alt"))
    with pytest.raises(BackendError):
        virtuoso.apply(delta)
    assert _state(virtuoso) == (40, 0, 0)


def test_a_write_with_umlauts_in_deleted_literals_deletes_them_on_virtuoso(virtuoso):
    virtuoso.apply(Delta(inserts=_statements(NEW, 40, "neu"), deletes=_statements(OLD, 40, "alt")))
    assert _state(virtuoso) == (0, 40, 0)


def test_a_write_larger_than_one_virtuoso_operation_is_refused_with_413_and_nothing_written(virtuoso):
    assert virtuoso.atomic_limit() == ATOMIC_STATEMENTS == 900
    big = _statements(NEW, ATOMIC_STATEMENTS + 1, "neu")
    with pytest.raises(gate.RecordError) as refused:
        gate.commit(virtuoso, lambda graph: Delta(inserts=big), Entry("einfuegen", "test"), shapes=load_shapes())
    assert refused.value.status == 413 and refused.value.code == "write-not-atomic"
    assert refused.value.de.startswith("Die Änderung umfasst 9")
    assert _state(virtuoso) == (40, 0, 0)


def test_oxigraph_server_takes_a_write_of_any_size_in_one_request(oxigraph_server):
    assert remotekg.store_at(oxigraph_server).atomic_limit() is None
