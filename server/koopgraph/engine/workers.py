"""Queries from users answered in worker processes that can be stopped.

pyoxigraph cannot cancel a running query, and a query that crashes the
engine (a stack overflow in its parser) takes down the process it runs in.
So the queries users send (/sparql, /queries) are not evaluated in the
server process: each of MAX_CONCURRENT_QUERIES worker processes holds an
in-memory replica of the store and answers one query at a time. A query
past its deadline is stopped by killing its worker (its CPU and memory
come back at once), a crash costs only the query that caused it, and in
both cases a new worker takes the dead one's place.

The server process keeps the store on disk and makes every write (the
write gate, writes/gate.py); each write's exact change is sent to every
worker (EmbeddedEngine.listeners), in order, before any later query, so a
query never sees an older state than the request that preceded it. A new
worker starts from a snapshot file plus the changes since; large imports
replace the snapshot. Blank nodes keep their labels throughout, so the
replicas answer exactly as the store would.

docs/operations.md has the choice, the alternatives and the measurements.
"""

import glob
import logging
import multiprocessing
import os
import queue
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from koopgraph.engine import formats, limits, reading
from koopgraph.engine.embedded import EmbeddedEngine
from koopgraph.engine.parent import end_with_parent
from koopgraph.engine.interface import Delta, InvalidIriError, QueryNotSupportedError, QuerySyntaxError
from koopgraph.errors import ApiError

log = logging.getLogger(__name__)

START_TIMEOUT = 300.0  # seconds a worker may take to load its replica (a million quads: ~6 s)
RESNAPSHOT_BYTES = 64 * 1024 * 1024  # changes since the snapshot after which a new snapshot is taken
SNAPSHOT_PREFIX = "koopgraph-replica-"  # then the server process's id: <tmp>/koopgraph-replica-<pid>-<random>/
NQ = ox.RdfFormat.N_QUADS


@dataclass(frozen=True)
class Ask:
    """One query for a worker: the text, the format of its answer (a media
    type, or what the client accepts: the engine's parser speaks first, so
    a syntax error is a 400 even where no format fits) and its dataset, all
    as plain values (it crosses a process boundary)."""

    sparql: str
    media_type: str | None
    limit: int
    accept: str | None = None
    format_names: tuple[str, ...] = ()
    strict: bool = False
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    bindings: tuple[tuple[str, str], ...] = ()  # variable name -> term in N-Triples syntax
    truncate: bool = False  # the first limit rows instead of 422 (pages showing the first rows)


def bindings_of(terms: dict) -> tuple[tuple[str, str], ...]:
    """Parameters as (name, N-Triples term) pairs for an Ask."""
    return tuple((name, str(term)) for name, term in terms.items())


def answer_format(media_type: str) -> ox.QueryResultsFormat | ox.RdfFormat:
    found = ox.QueryResultsFormat.from_media_type(media_type) or ox.RdfFormat.from_media_type(media_type)
    if found is None:
        raise ValueError(f"no format for {media_type}")
    return found


def _term(text: str):
    return next(iter(ox.parse(f"<urn:x:s> <urn:x:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))).object


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str  # the Content-Type of body


def evaluate(store, ask: Ask, job: limits.Job | None = None) -> Answer:
    """The answer to ask from store, written by the engine in the asked or
    negotiated format with at most ask.limit rows (limits.write)."""
    terms = {name: _term(text) for name, text in ask.bindings}

    def run():
        return reading.query(store, ask.sparql, strict=ask.strict, default_graphs=ask.default_graphs,
                             named_graphs=ask.named_graphs, base_iri=ask.base_iri, substitutions=terms or None)

    first = [run()]
    if ask.media_type is not None:
        fmt, content_type = answer_format(ask.media_type), ask.media_type
    else:
        chosen = formats.negotiate(ask.accept, reading.result_kind(first[0]), list(ask.format_names))
        fmt, content_type = chosen.format, chosen.media_type
    body = limits.write(lambda: first.pop() if first else run(), fmt, ask.limit, job, truncate=ask.truncate)
    return Answer(body, content_type)


# ---------------------------------------------------------------- the worker process

def _apply(store: EmbeddedEngine, message: tuple) -> None:
    kind = message[0]
    if kind == "delta":
        _, inserts, deletes, create, drop = message
        store.apply(Delta(list(ox.parse(inserts, format=NQ)), list(ox.parse(deletes, format=NQ)),
                          [ox.NamedNode(g) for g in create], [ox.NamedNode(g) for g in drop]))
    elif kind == "replace":
        _, graph, triples = message
        store.replace_graph(graph, [q.triple for q in ox.parse(triples, format=NQ)])


def _reply(store: EmbeddedEngine, ask: Ask) -> tuple:
    try:
        return ("ok", evaluate(store, ask))
    except ApiError as error:
        return ("api", error.status, error.de, error.en, error.code, error.details, error.headers)
    except QuerySyntaxError as error:
        return ("syntax", error.detail)
    except QueryNotSupportedError as error:
        return ("unsupported", error.detail)
    except InvalidIriError as error:
        return ("iri", error.de, error.en)
    except (OSError, RuntimeError, ValueError) as error:  # a SERVICE endpoint failing, mostly
        return ("failed", f"{type(error).__name__}: {error}")


def _serve(conn, snapshot: str | None) -> None:
    """A worker's whole life: load the replica, then apply changes and
    answer queries in the order they arrive, until the parent goes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    end_with_parent(signal.SIGKILL)  # the forkserver, gone when the server process is
    store = EmbeddedEngine(ox.Store())
    if snapshot:
        store.native.bulk_extend(ox.parse(path=snapshot, format=NQ))
    conn.send(("ready", os.getpid()))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "ask":
            conn.send(_reply(store, message[1]))
        elif message[0] == "stop":
            return
        else:
            _apply(store, message)


# ---------------------------------------------------------------- the pool, in the server process

def _remove_stale_snapshots() -> None:
    """Snapshot folders of server processes that are gone (killed outright,
    so their pool never closed): a snapshot of a large store is hundreds of
    megabytes, and /tmp is not always emptied at boot."""
    for path in glob.glob(os.path.join(tempfile.gettempdir(), f"{SNAPSHOT_PREFIX}*-*")):
        pid = os.path.basename(path)[len(SNAPSHOT_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class _Worker:
    """One worker process and the messages on their way to it. Changes go
    through a queue and a sender thread, so a writer never waits for a busy
    worker to read; a query goes straight down the pipe when nothing is
    queued (the worker is idle and reading), else behind the changes."""

    def __init__(self, context, snapshot: str | None) -> None:
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_serve, args=(child, snapshot), daemon=True, name="koopgraph-query")
        self.process.start()
        child.close()
        self.outbox: queue.SimpleQueue = queue.SimpleQueue()
        self.queued = 0  # messages in the outbox, not yet sent
        self._count = threading.Lock()  # guards queued; never held while sending
        self._sending = threading.Lock()  # one message on the pipe at a time
        self.alive = True
        threading.Thread(target=self._send, daemon=True, name="koopgraph-query-outbox").start()

    def _send(self) -> None:
        while True:
            message = self.outbox.get()
            if message is None:
                return
            try:
                with self._sending:
                    self.conn.send(message)
            except (OSError, ValueError):
                return
            finally:
                with self._count:
                    self.queued -= 1

    def post(self, message: tuple) -> None:
        with self._count:
            self.queued += 1
        self.outbox.put(message)

    def ask(self, message: tuple) -> None:
        """Send a query: at once when no change is waiting to go first (a
        change still queued was made before this request and must arrive
        first; the pipe keeps the order of what was sent)."""
        with self._count:
            direct = self.queued == 0
        if not direct:
            self.post(message)
            return
        with self._sending:
            self.conn.send(message)

    def wait_ready(self, timeout: float) -> bool:
        try:
            return self.conn.poll(timeout) and self.conn.recv()[0] == "ready"
        except (EOFError, OSError):
            return False

    def kill(self) -> None:
        self.alive = False
        self.outbox.put(None)  # ends the sender thread
        if self.process.is_alive():
            try:
                os.kill(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.join(5)
        self.conn.close()


class QueryPool:
    """size worker processes answering queries against replicas of primary."""

    def __init__(self, primary: EmbeddedEngine, size: int, timeout: float, *, slot_wait: float = limits.SLOT_WAIT,
                 retry_after: int = limits.RETRY_AFTER) -> None:
        self.primary, self.size, self.timeout = primary, size, timeout
        self.slot_wait, self.retry_after = slot_wait, retry_after
        self.restarts = 0
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["pyoxigraph", "koopgraph.engine.workers"])
        self._lock = threading.RLock()  # workers, snapshot and log change together
        self._idle: queue.Queue = queue.Queue()
        self._workers: list[_Worker] = []
        self._busy = 0
        self._count = threading.Lock()
        self._answering: set[_Worker] = set()
        _remove_stale_snapshots()
        self._dir = tempfile.mkdtemp(prefix=f"{SNAPSHOT_PREFIX}{os.getpid()}-")
        self._snapshot: str | None = None
        self._log: list[tuple] = []
        self._logged = 0
        self._closed = False

    # ------------------------------------------------------------ life

    def start(self) -> None:
        """Snapshot the store and start every worker; returns once all answer."""
        with self._lock:
            self._take_snapshot()
            workers = [self._spawn() for _ in range(self.size)]
        for worker in workers:
            self._await(worker)
        self.primary.listeners.append(self.changed)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._workers = self._workers, []
        for worker in workers:
            worker.kill()
        shutil.rmtree(self._dir, ignore_errors=True)

    def _take_snapshot(self) -> None:
        path = os.path.join(self._dir, f"snapshot-{time.monotonic_ns()}.nq")
        self.primary.native.dump(path, format=NQ)
        old, self._snapshot = self._snapshot, path
        self._log, self._logged = [], 0
        if old:
            os.unlink(old)

    def _spawn(self) -> _Worker:
        """A new worker from the snapshot and the changes since (under the lock)."""
        worker = _Worker(self._context, self._snapshot)
        for message in self._log:
            worker.post(message)
        self._workers.append(worker)
        return worker

    def _await(self, worker: _Worker) -> None:
        if worker.wait_ready(START_TIMEOUT):
            self._idle.put(worker)
        elif not self._closed:
            log.error("Ein Abfrage-Prozess startete nicht / a query worker did not start")
            self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        """Kill worker and put a new one in its place (in the background)."""
        with self._lock:
            if worker in self._workers:
                self._workers.remove(worker)
        worker.kill()
        if self._closed:
            return
        self.restarts += 1

        def replace() -> None:
            with self._lock:
                if self._closed:
                    return
                new = self._spawn()
            self._await(new)

        threading.Thread(target=replace, daemon=True, name="koopgraph-query-restart").start()

    # ------------------------------------------------------------ changes

    def changed(self, message: tuple) -> None:
        """Every write of the primary, in order (EmbeddedEngine.listeners)."""
        with self._lock:
            if message[0] == "reload":
                self._reload()
                return
            self._log.append(message)
            self._logged += sum(len(part) for part in message[1:] if isinstance(part, bytes))
            for worker in self._workers:
                worker.post(message)
            if self._logged > RESNAPSHOT_BYTES:
                self._take_snapshot()

    def _reload(self) -> None:
        """After a bulk write: a new snapshot, and every worker replaced by
        one that starts from it (each as soon as it is idle)."""
        self._take_snapshot()
        stale = list(self._workers)
        for _ in stale:
            new = self._spawn()
            threading.Thread(target=self._await, args=(new,), daemon=True).start()
        for worker in stale:
            self._workers.remove(worker)
            worker.post(("stop",))

    # ------------------------------------------------------------ queries

    def ask(self, store, ask: Ask, on_overdue: Callable[[float, str], None] | None = None) -> Answer:
        """The answer of a worker (store is the primary the replicas follow),
        or 429 (all busy), 503 (past the deadline, or the query stopped its
        worker), or the query's own error."""
        started = time.monotonic()
        deadline = started + self.timeout
        worker = self._checkout(deadline)
        with self._count:
            self._busy += 1
            self._answering.add(worker)
        try:
            worker.ask(("ask", ask))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._retire(worker)
                if on_overdue is not None:
                    on_overdue(time.monotonic() - started, "query-overdue-stopped")
                raise limits.timeout_error(self.timeout)
            reply = worker.conn.recv()
        except (EOFError, OSError):
            self._retire(worker)
            raise ApiError(503, "Die Abfrage hat den Abfrage-Prozess beendet; er wird ersetzt. Andere Abfragen sind "
                                "nicht betroffen.", "The query ended its query process, which is being replaced. "
                                "Other queries are not affected.", "query-crashed",
                           headers={"Retry-After": "1"}) from None
        finally:
            with self._count:
                self._busy -= 1
                self._answering.discard(worker)
        if worker.alive:
            self._idle.put(worker)
        return _unpacked(reply)

    def _checkout(self, deadline: float) -> _Worker:
        wait = min(self.slot_wait, max(0.0, deadline - time.monotonic()))
        while True:
            try:
                worker = self._idle.get(timeout=wait)
            except queue.Empty:
                raise limits.busy_error(self.size, self.retry_after) from None
            if worker.alive and worker in self._workers:
                return worker
            if worker.alive:  # retired after a reload: stop it now that it is idle
                worker.post(("stop",))

    def answering(self) -> list[int]:
        """Process ids of the workers answering a query now (for operators and tests)."""
        with self._count:
            return [worker.process.pid for worker in self._answering]

    def status(self) -> dict:
        with self._lock:
            alive = sum(1 for w in self._workers if w.alive and w.process.is_alive())
        return {"mode": "processes", "workers": self.size, "alive": alive, "busy": self._busy,
                "idle": self._idle.qsize(), "restarts": self.restarts}


class ThreadAnswers:
    """The same answers from threads of this process: for tests and small
    embedded uses (QUERY_PROCESSES false), and for a remote engine, which
    is a process of its own already. A query past its deadline gets 503
    but runs on (limits.QueryGate)."""

    def __init__(self, gate: limits.QueryGate) -> None:
        self.gate = gate

    def ask(self, store, ask: Ask, on_overdue: Callable[[float, str], None] | None = None) -> Answer:
        finished = None if on_overdue is None else (lambda seconds: on_overdue(seconds, "query-overdue-finished"))
        return self.gate.run(lambda job: evaluate(store, ask, job), on_overdue_end=finished)

    def status(self) -> dict:
        return {"mode": "threads", "workers": self.gate.slots, "alive": self.gate.slots, "busy": self.gate.running,
                "idle": self.gate.slots - self.gate.running, "restarts": 0, "overdue": self.gate.overdue}

    def close(self) -> None:
        pass


def _unpacked(reply: tuple) -> Answer:
    kind = reply[0]
    if kind == "ok":
        return reply[1]
    if kind == "api":
        _, status, de, en, code, details, headers = reply
        raise ApiError(status, de, en, code, details=details, headers=headers)
    if kind == "syntax":
        raise QuerySyntaxError(reply[1])
    if kind == "unsupported":
        raise QueryNotSupportedError(reply[1])
    if kind == "iri":
        raise InvalidIriError(reply[1], reply[2])
    raise RuntimeError(reply[1])
