"""A real remote engine for tests: Oxigraph's own server (`oxigraph serve`
from the PyPI package `oxigraph`), started on 127.0.0.1 with a temporary
database and stopped afterwards, and helpers that point Koopgraph at it."""

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from koopgraph import resources, store as kgstore
from koopgraph.remote import Endpoints, RemoteStore
from koopgraph.sources import graph_sources

BACKENDS = ("eingebettet", "oxigraph-server")


def oxigraph_executable() -> str | None:
    beside_python = Path(sys.executable).parent / "oxigraph"
    return str(beside_python) if beside_python.is_file() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def oxigraph_server(folder: Path, extra: tuple[str, ...] = ()) -> Iterator[str]:
    """`oxigraph serve` on a free loopback port; yields its base URL."""
    exe = oxigraph_executable()
    if exe is None:
        pytest.skip("the `oxigraph` server (PyPI package oxigraph, in the test extras) is not installed")
    port = _free_port()
    process = subprocess.Popen([exe, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}", *extra],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph serve did not start: {process.stderr.read().decode()[-2000:]}")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def settings(base: str) -> dict:
    return {"BACKEND": "sparql", "QUERY_URL": base + "/query", "UPDATE_URL": base + "/update",
            "GSP_URL": base + "/store"}


def store_at(base: str) -> RemoteStore:
    return RemoteStore(Endpoints(base + "/query", base + "/update", base + "/store"))


def fresh(base: str) -> RemoteStore:
    """The engine holding exactly the packaged graphs, as after a first
    build: graphs from earlier tests are dropped, file graphs (re)built only
    where they differ."""
    remote = store_at(base)
    files = {s.graph_iri for s in graph_sources(resources.root())}
    others = [g for g in remote.named_graphs() if g.value not in files]
    if others:
        remote.update(" ;\n".join(f"DROP SILENT GRAPH {g}" for g in others))
    kgstore.build(remote, resources.root(), only_changed=True)
    return remote
