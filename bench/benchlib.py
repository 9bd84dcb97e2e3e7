"""Shared pieces of bench/http_bench.py and bench/load_bench.py.

Data: the project's files built into a Koopgraph store with `koopgraph build`, plus a
file of bench/generate.py bulk-loaded into it; the whole store exported once as N-Quads
(`koopgraph export --format nq`) so that the peers load exactly the same quads.
Servers: `koopgraph serve`, `oxigraph serve --union-default-graph` and rdflib-endpoint
(bench/rdflib_server.py), each a child process on 127.0.0.1 with its own port; their
CPU time and memory are read from /proc (the process and its descendants).
Load: wrk with bench/wrk_report.lua, which prints the figures as JSON.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

LUA = HERE / "wrk_report.lua"
JSON_RESULTS = "application/sparql-results+json"
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def stop_on_sigterm() -> None:
    """SIGTERM (and SIGINT, which a background job may have ignored) end the
    benchmark through its finally blocks, so no server is left running."""
    def _exit(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, _exit)
    signal.signal(signal.SIGINT, _exit)


def tool(name: str) -> str:
    """A console script of the venv this runs in, else one on PATH."""
    local = BIN / name
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found (install bench/requirements.txt into the venv, and Debian's wrk)")
    return found


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data

def data_file(label: str, data_dir: Path, seed: int = 1) -> Path | None:
    """The generated N-Quads file for a size label (None for "seed"), made if missing.
    Same names as bench/validation_bench.py uses, so both reuse the files."""
    if label == "seed":
        return None
    path = data_dir / f"kg-{label}.nq"
    if not path.exists():
        log(f"generating {path} …")
        generate.generate(generate.parse_size(label), path, seed=seed)
    return path


BULK_LOAD = """
import sys, time, resource, pyoxigraph as ox
t = time.perf_counter()
s = ox.Store(sys.argv[1])
s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)
s.flush()
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

# The derived graph (issue 17: koop:imKreis, koop:imLand, koop:faelltUnter, which the named
# questions join over) is kept by the write gate; a bulk load bypasses the gate, so it is
# recomputed afterwards, as `koopgraph build` does. Older checkouts have no derived graph.
REDERIVE = """
import sys, time
t = time.perf_counter()
try:
    from koopgraph.writes.gate import rederive
except ImportError:
    print(0, -1); raise SystemExit
from koopgraph import engine
s = engine.open_store(sys.argv[1])
n = rederive(s)
s.flush()
print(time.perf_counter() - t, n)
"""


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def koopgraph_store(store: Path, nq: Path | None) -> dict:
    """`koopgraph build --store STORE`, then the generated file bulk-loaded into it
    (pyoxigraph Store.bulk_load in a child process: the CLI has no import for RDF files)."""
    if store.exists():
        shutil.rmtree(store)
    started = time.perf_counter()
    run([tool("koopgraph"), "build", "--store", str(store)])
    built = time.perf_counter() - started
    loaded = 0.0
    if nq is not None:
        out = run([sys.executable, "-c", BULK_LOAD, str(store), str(nq)]).stdout.split()
        loaded = float(out[0])
    out = run([sys.executable, "-c", REDERIVE, str(store)]).stdout.split()
    return {"build_s": round(built, 2), "bulk_load_s": round(loaded, 2),
            "rederive_s": round(float(out[0]), 2), "derived_quads_changed": int(out[1])}


def export_nquads(store: Path, out: Path) -> int:
    """The whole store as N-Quads, through `koopgraph export` (what the peers load)."""
    run([tool("koopgraph"), "export", "--format", "nq", "--output", str(out), "--store", str(store)])
    with open(out, "rb") as f:
        return sum(1 for line in f if line.strip() and not line.startswith(b"#"))


def oxigraph_store(location: Path, nq: Path) -> float:
    if location.exists():
        shutil.rmtree(location)
    started = time.perf_counter()
    run([tool("oxigraph"), "load", "--location", str(location), "--file", str(nq)])
    return time.perf_counter() - started


# ---------------------------------------------------------------- /proc

def descendants(pid: int) -> list[int]:
    """pid and all its descendants (from /proc/*/stat)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peak(pid: int) -> bool:
    """Reset VmHWM (peak RSS) of pid to its current RSS (Linux ≥ 4.0, root or owner)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# ---------------------------------------------------------------- HTTP

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float
    error: str | None = None


def request(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None,
            timeout: float = 10.0) -> Answer:
    parts = urlsplit(url)
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, data, time.perf_counter() - started)
    except (OSError, http.client.HTTPException) as error:
        return Answer(0, b"", time.perf_counter() - started, f"{type(error).__name__}: {error}")
    finally:
        conn.close()


# ---------------------------------------------------------------- servers

@dataclass
class Server:
    """A server under test, started as a child process."""

    name: str
    cmd: list[str]
    port: int
    ready_path: str
    sparql_path: str
    log_path: Path
    env: dict = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    started_in: float | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        return descendants(self.proc.pid) if self.proc else []

    def start(self, timeout: float = 900.0) -> float:
        """Start and wait until ready_path answers 200; seconds until then."""
        self.stop()
        env = {**os.environ, **self.env}
        started = time.perf_counter()
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.cmd, stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                     start_new_session=True)
        self.wait_ready(started, timeout)
        self.started_in = time.perf_counter() - started
        return self.started_in

    def wait_ready(self, started: float, timeout: float) -> None:
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; see {self.log_path}")
            if request(self.base + self.ready_path, timeout=2).status == 200:
                return
            time.sleep(0.02)
        raise RuntimeError(f"{self.name} not ready after {timeout} s; see {self.log_path}")

    def restart(self) -> float:
        return self.start()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def rss_kib(self) -> int:
        return sum(status_kib(p, "VmRSS") for p in self.pids())

    def peak_kib(self) -> int:
        """Largest VmHWM of the server's processes (one worker process each)."""
        return max((status_kib(p, "VmHWM") for p in self.pids()), default=0)


class RdflibServer(Server):
    """bench/rdflib_server.py: restart = SIGHUP (fresh fork of the loaded data)."""

    def restart(self) -> float:
        pid_file = Path(str(self.log_path) + ".pid")
        old = pid_file.read_text() if pid_file.exists() else ""
        started = time.perf_counter()
        self.proc.send_signal(signal.SIGHUP)
        while (pid_file.read_text() if pid_file.exists() else "") == old:
            time.sleep(0.01)
        self.wait_ready(started, 60)
        return time.perf_counter() - started

    def peak_kib(self) -> int:
        # the serving child only: the parent holds the same pages (copy-on-write)
        pids = self.pids()
        return max((status_kib(p, "VmHWM") for p in pids[1:]), default=0) or super().peak_kib()


def koopgraph_server(store: Path, port: int, logs: Path, extra: list[str] = (), name: str = "koopgraph") -> Server:
    cmd = [tool("koopgraph"), "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store), *extra]
    env = {"KOOPGRAPH_CONFIG": ""}  # the user's config must not change what is measured
    return Server(name, cmd, port, "/healthz", "/sparql", logs / f"{name}.log", env)


def oxigraph_server(location: Path, port: int, logs: Path) -> Server:
    cmd = [tool("oxigraph"), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
           "--union-default-graph"]
    return Server("oxigraph", cmd, port, "/query?query=ASK%7B%7D", "/query", logs / "oxigraph.log")


def rdflib_server(nq: Path, port: int, logs: Path) -> Server:
    log_path = logs / "rdflib-endpoint.log"
    cmd = [sys.executable, str(HERE / "rdflib_server.py"), str(nq), "--port", str(port),
           "--pid-file", str(log_path) + ".pid"]
    return RdflibServer("rdflib-endpoint", cmd, port, "/sparql?query=ASK%7B%7D", "/sparql", log_path)


def koopgraph_serve_options() -> str:
    return run([tool("koopgraph"), "serve", "--help"]).stdout


def wait_idle(server: Server, quiet: float = 0.25, cap: float = 60.0) -> bool:
    """Wait until the server's processes use no CPU for `quiet` seconds (work a
    client gave up on is finished); False if still busy after cap seconds."""
    deadline = time.perf_counter() + cap
    last = cpu_seconds(server.pids())
    while time.perf_counter() < deadline:
        time.sleep(quiet)
        now = cpu_seconds(server.pids())
        if now - last < 0.02:
            return True
        last = now
    return False


# ---------------------------------------------------------------- wrk

def wrk(url: str, *, method: str = "GET", body_file: Path | None = None, duration: float = 5,
        connections: int = 4, threads: int = 2, timeout: float = 10, accept: str = JSON_RESULTS) -> dict:
    env = {**os.environ, "WRK_METHOD": method, "WRK_ACCEPT": accept}
    if body_file is not None:
        env["WRK_BODY"] = str(body_file)
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s", f"--timeout",
           f"{max(1, round(timeout))}s", "-s", str(LUA), url]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=duration + timeout + 30)
    match = re.search(r"^WRK_JSON (\{.*\})$", done.stdout, re.M)
    if not match:
        raise RuntimeError(f"wrk printed no figures: {done.stdout}\n{done.stderr}")
    figures = json.loads(match.group(1))
    seconds = figures["duration_us"] / 1e6
    # answers per second: non-2xx/3xx answers (429, 503 …) are no answers
    figures["rps"] = (figures["requests"] - figures["status_errors"]) / seconds if seconds else 0.0
    figures["errors"] = sum(figures[k] for k in ("connect_errors", "read_errors", "write_errors",
                                                  "status_errors", "timeouts"))
    return figures


# ---------------------------------------------------------------- environment

def versions() -> dict:
    def out(cmd: list[str]) -> str:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            return (done.stdout or done.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "missing"

    from importlib.metadata import PackageNotFoundError, version

    def pkg(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "missing"

    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = status = 0
    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    except (OSError, ValueError):
        pass
    return {
        "python": platform.python_version(), "pyoxigraph": pkg("pyoxigraph"), "oxigraph": out([tool("oxigraph"), "--version"]),
        "rdflib": pkg("rdflib"), "rdflib-endpoint": pkg("rdflib-endpoint"), "uvicorn": pkg("uvicorn"),
        "flask": pkg("flask"), "waitress": pkg("waitress"), "wrk": out(["wrk", "-v"]),
        "cpus": os.cpu_count(), "cpu": cpu, "mem_mib": mem, "kernel": platform.release(),
        "commit": out(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]),
    }


def tmpdir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
