"""Real remote engines for tests, each started on 127.0.0.1 with a
temporary database and stopped afterwards: Oxigraph's own server (`oxigraph
serve` from the PyPI package `oxigraph`) and OpenLink Virtuoso (`virtuoso-t`
from Debian's virtuoso-opensource-7-bin, skipped where it is not installed);
and helpers that point Koopgraph at them."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from koopgraph import content
from koopgraph.writes import build
from koopgraph import engine as kgstore
from koopgraph.engine.remote import Endpoints, RemoteEngine
from koopgraph.content import graph_sources

REMOTE_BACKENDS = ("oxigraph-server", "virtuoso")
BACKENDS = ("eingebettet", *REMOTE_BACKENDS)


@dataclass(frozen=True)
class Engine:
    """Where a test engine listens and how Koopgraph logs in to it."""

    name: str
    query_url: str
    update_url: str
    gsp_url: str | None = None
    auth: str | None = None

    def endpoints(self, gsp: bool = True) -> Endpoints:
        return Endpoints(self.query_url, self.update_url, self.gsp_url if gsp else None, self.auth)

    def options(self, auth: bool = True) -> list[str]:
        """The same, as command-line options of koopgraph."""
        return ["--backend", "sparql", "--query-url", self.query_url, "--update-url", self.update_url,
                *(["--auth", self.auth] if self.auth and auth else [])]


def engine(request: pytest.FixtureRequest, backend: str) -> Engine:
    """The running engine for a name of REMOTE_BACKENDS (its module-scoped
    fixture in conftest.py: oxigraph_server or virtuoso_server)."""
    return _engine(request.getfixturevalue({"oxigraph-server": "oxigraph_server", "virtuoso": "virtuoso_server"}[backend]))


def _engine(where: "Engine | str") -> Engine:
    if isinstance(where, Engine):
        return where
    return Engine("oxigraph-server", where + "/query", where + "/update", where + "/store")


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
        _stop(process)


def _stop(process: subprocess.Popen, group: bool = False) -> None:
    """SIGTERM, then SIGKILL after 10 s; to the whole process group when the
    engine was started in its own session (it may fork helpers)."""
    def send(sig: int) -> None:
        try:
            os.killpg(process.pid, sig) if group else process.send_signal(sig)
        except ProcessLookupError:
            pass

    send(signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait(10)
    if group:
        send(signal.SIGKILL)  # anything of the group that outlived its leader


# ---------------------------------------------------------------- OpenLink Virtuoso

VIRTUOSO_USER = "koopgraph"
VIRTUOSO_PASSWORD = "koopgraph-test-geheim"

# A database in the test's folder, both listeners on loopback only.
# ResultSetMaxRows: Virtuoso cuts every answer at that many rows (10000 in
# its sample virtuoso.ini); Koopgraph turns the header of a cut SELECT into
# an error, but a cut CONSTRUCT (export) cannot be noticed.
_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {folder}
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10

[SPARQL]
ResultSetMaxRows = 1000000
"""

# What an administrator does once (docs: README, "Tested engines"): a user
# that may update, and an endpoint that takes HTTP Basic. Virtuoso's own
# /sparql-auth takes only HTTP Digest, which urllib3 does not speak; the
# anonymous /sparql may not update unless SPARQL_UPDATE is granted to the
# user "SPARQL", i.e. to everybody who reaches it.
_VIRTUOSO_SETUP = f"""\
DB.DBA.USER_CREATE('{VIRTUOSO_USER}', '{VIRTUOSO_PASSWORD}');
GRANT SPARQL_UPDATE TO "{VIRTUOSO_USER}";
DB.DBA.VHOST_DEFINE(lpath=>'/sparql-basic', ppath=>'/!sparql/', is_dav=>1, vsp_user=>'dba',
    opts=>vector('noinherit', 1), sec=>'basic', realm=>'SPARQL', auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER');
"""


def virtuoso_executables() -> tuple[str, str] | None:
    """virtuoso-t and its isql (Debian calls it isql-vt), or None."""
    server = shutil.which("virtuoso-t")
    if server is None:
        return None
    beside = Path(server).parent
    isql = next((str(beside / n) for n in ("isql-vt", "isql-v") if (beside / n).is_file()), None)
    return (server, isql) if isql else None


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[Engine]:
    """`virtuoso-t -f -c virtuoso.ini` with a fresh database in folder,
    HTTP and SQL on free loopback ports, and a user that may update through
    /sparql-basic; yields its Engine."""
    found = virtuoso_executables()
    if found is None:
        pytest.skip("OpenLink Virtuoso (`virtuoso-t` and `isql-vt`, Debian package virtuoso-opensource-7-bin) "
                    "is not installed")
    server, isql = found
    http_port, sql_port = _free_port(), _free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(_VIRTUOSO_INI.format(folder=folder, http_port=http_port, sql_port=sql_port), encoding="utf-8")
    process = subprocess.Popen([server, "-f", "-c", str(ini)], cwd=folder, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{http_port}"

    def failed(what: str) -> RuntimeError:
        log = folder / "virtuoso.log"
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else ""
        return RuntimeError(f"virtuoso-t {what}: {tail}")

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise failed("did not start") from None
                time.sleep(0.2)
        setup = subprocess.run([isql, str(sql_port), "dba", "dba", "VERBOSE=OFF", "ERRORS=STDOUT"],
                               input=_VIRTUOSO_SETUP + "EXIT;\n", capture_output=True, text=True, timeout=60)
        if setup.returncode != 0 or "Error" in setup.stdout:
            raise failed(f"setup through isql failed: {setup.stdout[-2000:]} {setup.stderr[-2000:]}")
        yield Engine("virtuoso", base + "/sparql-basic", base + "/sparql-basic", base + "/sparql-graph-crud",
                     f"{VIRTUOSO_USER}:{VIRTUOSO_PASSWORD}")
    finally:
        _stop(process, group=True)


# ---------------------------------------------------------------- pointing Koopgraph at an engine

def settings(where: "Engine | str") -> dict:
    """App settings for an Engine (or the base URL of an `oxigraph serve`)."""
    e = _engine(where)
    return {"BACKEND": "sparql", "QUERY_URL": e.query_url, "UPDATE_URL": e.update_url, "GSP_URL": e.gsp_url,
            "REMOTE_AUTH": e.auth}


def store_at(where: "Engine | str") -> RemoteEngine:
    return RemoteEngine(_engine(where).endpoints())


def fresh(where: "Engine | str") -> RemoteEngine:
    """The engine holding exactly the packaged graphs, as after a first
    build: graphs from earlier tests are dropped, file graphs (re)built only
    where they differ."""
    remote = store_at(where)
    files = {s.graph_iri for s in graph_sources(content.root())}
    others = [g for g in remote.named_graphs() if g.value not in files]
    if others:
        remote.update(" ;\n".join(f"DROP SILENT GRAPH {g}" for g in others))
    build.build(remote, content.root(), only_changed=True)
    return remote


# ---------------------------------------------------------------- a connection cut in the middle

@contextmanager
def cutting_proxy(target: str, request_bytes: int | None = None, response_bytes: int | None = None) -> Iterator[str]:
    """A loopback TCP proxy in front of target (a base URL such as
    http://127.0.0.1:8890) that closes both sides of every connection once
    request_bytes have gone to the engine, or response_bytes have come back
    (None: no limit that way); yields the proxy's base URL."""
    host, port = target.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def pump(source: socket.socket, sink: socket.socket, budget: int | None) -> None:
        try:
            while True:
                chunk = source.recv(65536 if budget is None else min(65536, budget))
                if not chunk:
                    break
                sink.sendall(chunk)
                if budget is not None:
                    budget -= len(chunk)
                    if budget <= 0:
                        break
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            engine_side = socket.create_connection((host, int(port)))
            threading.Thread(target=pump, args=(client, engine_side, request_bytes), daemon=True).start()
            threading.Thread(target=pump, args=(engine_side, client, response_bytes), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()
        thread.join(5)
