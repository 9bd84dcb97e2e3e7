"""What one query may cost, and input the engine must never see.

pyoxigraph cannot interrupt a query once it runs. So a query is evaluated
and written in a worker thread that holds one of MAX_CONCURRENT_QUERIES
slots; the request thread waits until QUERY_TIMEOUT and then answers 503,
while the slot stays taken until the engine really ends. A query that
writes output is stopped at the engine's next 8 KiB write after its
deadline (the writer raises); one that computes without writing (a big
ORDER BY or COUNT) runs to its end. When every slot is taken, new queries
get 429 with Retry-After and everything else is served as usual.

Results are written by the engine, never row by row in Python: the writer
only counts lines, records or solution openings in the bytes the engine
hands over, and stops the engine when an answer has more than
MAX_RESULT_ROWS rows (422, never a cut-off answer). Where a format's count
can only be an upper bound (JSON, CSV), an answer near the limit is
written again from the exact TSV and converted by the engine.

Some inputs crash or stall the engine's parsers whatever the time limit:
deep nesting and very long sequences recurse once per element (a SPARQL
query with ~4,000 nested groups or ~3,000 BINDs overflows an 8 MiB stack
and takes the process down), JSON-LD and RDF/XML nesting costs quadratic
time, and XML entities can expand a small body into gigabytes. Those are
refused (400) before the engine sees them – SPARQL text by sparqltext.py,
RDF bodies here – and request threads get THREAD_STACK_BYTES of stack so
the remaining depth is far from the edge.
docs/operations.md has the measured figures.
"""

from __future__ import annotations

import io
import logging
import queue
import re
import threading
import time
import traceback
import xml.parsers.expat
from collections.abc import Callable
from typing import Any, TypeVar

import pyoxigraph as ox

from koopgraph.engine.sparqltext import MAX_NESTING  # one limit for SPARQL, JSON-LD and RDF/XML nesting
from koopgraph.errors import ApiError

log = logging.getLogger(__name__)

T = TypeVar("T")

THREAD_STACK_BYTES = 64 * 1024 * 1024  # virtual; committed only as deep as a thread really goes
SLOT_WAIT = 1.0  # seconds a query waits for a free slot before 429
RETRY_AFTER = 5  # seconds, the hint sent with 429
XML_EXPANSION_FLOOR = 8 * 1024 * 1024  # characters entities may expand to, at least (or 4× the body)

Q, R = ox.QueryResultsFormat, ox.RdfFormat


def deep_stacks() -> None:
    """Give every thread started from now on (waitress workers, query
    workers) a stack deep enough for what the input checks below let pass."""
    # stack_size() without an argument resets the size to the default and
    # returns the old one: always set it again.
    threading.stack_size(max(threading.stack_size(), THREAD_STACK_BYTES))


# ---------------------------------------------------------------- input shape

class InputShapeError(ValueError):
    """Input the parsers must not see; the message is "German / English"."""

    def __init__(self, de: str, en: str) -> None:
        self.de, self.en = de, en
        super().__init__(f"{de} / {en}")


_JSON_TOKEN = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+"|(?P<open>[\[{])|(?P<close>[\]}])')


def _check_json(data: bytes) -> None:
    depth = 0
    for match in _JSON_TOKEN.finditer(data):
        if match.lastgroup == "open":
            depth += 1
            if depth > MAX_NESTING:
                raise InputShapeError(f"JSON-LD ist tiefer als {MAX_NESTING} Ebenen geschachtelt",
                                      f"JSON-LD is nested deeper than {MAX_NESTING} levels")
        elif match.lastgroup == "close":
            depth -= 1


class _XmlRefused(Exception):
    pass


def _check_xml(data: bytes) -> None:
    """Read the XML once with expat (C, no recursion): element depth,
    declared external entities and how far entities expand."""
    parser = xml.parsers.expat.ParserCreate()
    budget = max(XML_EXPANSION_FLOOR, 4 * len(data))
    state = {"depth": 0, "chars": 0}

    def grow(n: int) -> None:
        state["chars"] += n
        if state["chars"] > budget:
            raise _XmlRefused(f"Entitäten vergrößern das RDF/XML auf über {budget} Zeichen",
                              f"entities expand the RDF/XML to more than {budget} characters")

    def start(name: str, attributes: dict[str, str]) -> None:
        state["depth"] += 1
        if state["depth"] > MAX_NESTING:
            raise _XmlRefused(f"RDF/XML ist tiefer als {MAX_NESTING} Elemente geschachtelt",
                              f"RDF/XML is nested deeper than {MAX_NESTING} elements")
        grow(sum(len(v) for v in attributes.values()))

    def end(name: str) -> None:
        state["depth"] -= 1

    def entity(name, is_parameter, value, base, system_id, public_id, notation) -> None:  # noqa: ANN001
        if system_id is not None or public_id is not None:
            raise _XmlRefused(f"externe Entität „{name}“: der Server liest keine Dateien und ruft nichts ab",
                              f"external entity '{name}': the server reads no files and fetches nothing")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = lambda text: grow(len(text))
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(data, True)
    except _XmlRefused as refused:
        raise InputShapeError(*refused.args) from None
    except xml.parsers.expat.ExpatError as error:
        raise InputShapeError(f"kein wohlgeformtes XML: {error}", f"not well-formed XML: {error}") from None


def check_rdf_body(data: bytes, fmt: ox.RdfFormat) -> None:
    """Refuse RDF bodies the engine's parsers handle in quadratic time or
    with unbounded memory; Turtle, TriG, N-Triples and N-Quads need no check."""
    if fmt == R.JSON_LD:
        _check_json(data)
    elif fmt == R.RDF_XML:
        _check_xml(data)


# ---------------------------------------------------------------- slots and deadline

class Job:
    """One query in its worker thread. cancelled turns true once the client
    has had its 503; the writer then stops the engine at its next write."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.cancelled = False
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None


class _Workers:
    """Long-lived daemon threads that run submitted jobs: starting a thread
    (64 MiB stack) per query cost ~0.7 ms of the ~1.1 ms of Python per
    request (bench/README.md). Not concurrent.futures: its workers are
    joined at interpreter exit, so one overdue query would hold up a
    SIGTERM. The gate's semaphore bounds how many jobs run at once, so at
    most that many threads ever exist."""

    def __init__(self) -> None:
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        with self._lock:
            start = self._idle == 0
            if not start:
                self._idle -= 1
        if start:
            threading.Thread(target=self._loop, daemon=True, name="koopgraph-query").start()
        self._tasks.put((fn, args))

    def _loop(self) -> None:
        while True:
            fn, args = self._tasks.get()
            try:
                fn(*args)
            finally:
                with self._lock:
                    self._idle += 1


class QueryGate:
    """At most `slots` queries in the engine at once, each answered within
    `timeout` seconds (or 503); one gate per app."""

    def __init__(self, slots: int, timeout: float) -> None:
        self.slots, self.timeout = slots, timeout
        self._free = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self.running = 0
        self.overdue = 0
        self._workers = _Workers()

    def run(self, work: Callable[[Job], T], *, on_overdue_end: Callable[[float], None] | None = None) -> T:
        """work(job) in a worker thread; its result, or its exception, or a
        503 when the deadline passes first (the worker then goes on alone)."""
        started = time.monotonic()
        if not self._free.acquire(timeout=min(SLOT_WAIT, self.timeout)):
            raise busy_error(self.slots, RETRY_AFTER)
        job = Job(started + self.timeout)
        with self._lock:
            self.running += 1
        try:
            self._workers.submit(self._work, work, job, started, on_overdue_end)
        except BaseException:
            self._release(overdue=False)
            raise
        if not job.done.wait(max(0.0, job.deadline - time.monotonic())) and self._cancel(job):
            raise timeout_error(self.timeout)
        if job.error is not None:
            raise job.error
        return job.result

    def _work(self, work: Callable[[Job], Any], job: Job, started: float,
              on_overdue_end: Callable[[float], None] | None) -> None:
        try:
            job.result = work(job)
        except BaseException as error:  # noqa: BLE001 - handed to the request thread
            job.error = _without_locals(error)
        finally:
            with self._lock:  # together with _cancel: a job is either answered or overdue
                overdue = job.cancelled
                job.done.set()
            self._release(overdue=overdue)
            if overdue and on_overdue_end is not None:
                try:
                    on_overdue_end(time.monotonic() - started)
                except Exception:  # noqa: BLE001 - logging must not kill the worker
                    log.exception("overdue query log failed")

    def _cancel(self, job: Job) -> bool:
        """Mark the job overdue, unless it finished in this very moment."""
        with self._lock:
            if job.done.is_set():
                return False
            job.cancelled = True
            self.overdue += 1
            return True

    def _release(self, *, overdue: bool) -> None:
        with self._lock:
            self.running -= 1
            if overdue:
                self.overdue -= 1
        self._free.release()


def busy_error(slots: int, retry_after: int) -> ApiError:
    return ApiError(429, f"Der Server wertet gerade {slots} Abfragen aus, mehr gleichzeitig nicht. "
                         f"Bitte in {retry_after} s erneut versuchen.",
                    f"The server is evaluating {slots} queries already, its limit. Please retry in {retry_after} s.",
                    "too-many-queries", headers={"Retry-After": str(retry_after)})


def timeout_error(timeout: float) -> ApiError:
    seconds = _seconds(timeout)
    return ApiError(503, f"Die Abfrage braucht länger als das Zeitlimit von {seconds} s. Bitte einschränken "
                         "(genauere Muster, LIMIT) oder den Abzug unter /dump verwenden.",
                    f"The query takes longer than the time limit of {seconds} s. Please narrow it down "
                    "(more specific patterns, LIMIT) or use the dump at /dump.",
                    "query-timeout", details={"timeout": timeout})


def _without_locals(error: BaseException) -> BaseException:
    """The engine's result objects must be dropped by the thread that made
    them (pyoxigraph's are "unsendable"): clear the locals of the frames an
    exception carries before handing it to the request thread."""
    seen, current = set(), error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        current = current.__cause__ or current.__context__
    return error


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# ---------------------------------------------------------------- counted writing

class _Stop(Exception):
    """Raised inside the engine's write call to end the evaluation."""


class _Cancelled(_Stop):
    pass


class _TooMany(_Stop):
    pass


def _too_many(limit: int) -> ApiError:
    return ApiError(422, f"Das Ergebnis hat mehr als {limit} Zeilen (MAX_RESULT_ROWS); gekürzt wird es nicht. "
                         "Bitte mit LIMIT/OFFSET in Teilen abfragen oder den Abzug unter /dump verwenden.",
                    f"The result has more than {limit} rows (MAX_RESULT_ROWS); it is never cut off. "
                    "Please page with LIMIT/OFFSET or use the dump at /dump.",
                    "result-too-large", details={"limit": limit})


class _Counter:
    """How a format shows its rows: occurrences of any of the patterns (all
    of one length, so the tail kept between chunks catches the ones split by
    a chunk boundary and never counts one twice). `exact` is false where a
    string's content can look like a separator: then the count is only an
    upper bound."""

    def __init__(self, patterns: tuple[bytes, ...], header: int, exact: bool) -> None:
        assert len({len(p) for p in patterns}) == 1
        self.patterns, self.header, self.exact = patterns, header, exact
        self.tail = len(patterns[0]) - 1


_COUNTERS = {
    Q.TSV: _Counter((b"\n",), 1, True),  # TSV escapes newlines inside terms
    Q.XML: _Counter((b"<result>",), 0, True),  # "<" is escaped inside values
    Q.JSON: _Counter((b"[{", b",{"), 0, False),  # a solution opens with "[{" or ",{"; strings may hold them too
    Q.CSV: _Counter((b"\n",), 1, False),  # CSV quotes values with newlines
    R.N_TRIPLES: _Counter((b"\n",), 0, True),
    R.N_QUADS: _Counter((b"\n",), 0, True),
    # every triple ends in " ." or " ;" at a line end (newlines in literals
    # are escaped) or in " , " before the next object (a literal may hold that)
    R.TURTLE: _Counter((b" .\n", b" ;\n", b" , "), 0, False),
    R.TRIG: _Counter((b" .\n", b" ;\n", b" , "), 0, False),
}


class _Sink(io.RawIOBase):
    """Receives the engine's output and stops the engine (by raising) when
    the client was answered already or the rows pass the limit."""

    def __init__(self, job: Job | None, counter: _Counter, limit: int) -> None:
        self.job, self.counter, self.limit = job, counter, limit
        self.parts: list[bytes] = []
        self.rows = -counter.header
        self.tail = b""

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:  # noqa: ANN001 - bytes-like from the engine
        if self.job is not None and self.job.cancelled:
            raise _Cancelled()
        data = bytes(chunk)
        k = self.counter.tail
        seam = self.tail + data[:k]  # occurrences split by the chunk boundary
        self.rows += sum(data.count(pattern) + seam.count(pattern) for pattern in self.counter.patterns)
        self.tail = (data[-k:] if len(data) >= k else (self.tail + data)[-k:]) if k else b""
        self.parts.append(data)
        if self.rows > self.limit:
            raise _TooMany()
        return len(data)

    def value(self) -> bytes:
        return b"".join(self.parts)


def _counted(result: ox.QuerySolutions | ox.QueryTriples, fmt, job: Job | None, limit: int,
             truncate: bool = False) -> bytes:
    sink = _Sink(job, _COUNTERS[fmt], limit)
    try:
        result.serialize(sink, format=fmt)
    except _Cancelled:
        raise
    except _TooMany:
        if sink.counter.exact and truncate:  # line-based formats: keep the complete lines
            body = sink.value()
            return body[:body.rfind(b"\n") + 1]
        if sink.counter.exact:
            raise _too_many(limit) from None
        raise
    return sink.value()


def write(run: Callable[[], ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples],
          fmt: ox.QueryResultsFormat | ox.RdfFormat, limit: int, job: Job | None = None, *,
          truncate: bool = False) -> bytes:
    """The answer of run() in fmt, written by the engine, with at most limit
    solutions or triples (else a 422 ApiError). run() is called again, and
    the exact TSV or N-Triples converted by the engine, only when an
    inexact count passed the limit or the format has no cheap count.
    truncate (TSV and N-Triples only, for pages that show the first rows):
    the first limit rows, and one more, instead of the 422."""
    result = run()
    if isinstance(result, ox.QueryBoolean):
        return result.serialize(format=fmt)
    if truncate:
        return _counted(result, fmt, job, limit, truncate=True)
    exact = Q.TSV if isinstance(result, ox.QuerySolutions) else R.N_TRIPLES
    if fmt in _COUNTERS:
        try:
            return _counted(result, fmt, job, limit)
        except _TooMany:  # only from an inexact count: the truth may still be within the limit
            result = run()
        except _Cancelled:
            raise
    body = _counted(result, exact, job, limit)
    if fmt == exact:
        return body
    if exact == Q.TSV:
        return ox.parse_query_results(body, format=Q.TSV).serialize(format=fmt)
    return ox.serialize(ox.parse(body, format=R.N_TRIPLES), format=fmt)


def parse_tsv(body: bytes) -> ox.QuerySolutions:
    """Solutions written as TSV by write(), for pages that show them."""
    return ox.parse_query_results(body, format=Q.TSV)

