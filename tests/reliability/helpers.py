"""Servers, listeners and records shared by the reliability tests."""

from __future__ import annotations

import json
import os
import re
import selectors
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from koopgraph.web.app import create_app
from koopgraph import content
from koopgraph.web import serving

CLI = [sys.executable, "-c", "from koopgraph.cli import main; main()"]
WRITER = "schreiberin-geheimnis-0123456789"
ADMIN = "verwalterin-geheimnis-0123456789"
TOKENS = f"fallbearbeitung:{WRITER},datenpflege:{ADMIN}:schreiben+verwalten"
RECORD = (Path(__file__).parents[1] / "shapes" / "valid" / "kooperation-ostholstein.ttl").read_text(encoding="utf-8")
RECORD_IRI = "https://w3id.org/koopgraph/id/kooperation/ostholstein-neu"
TIMEOUT = 30


def record(key: str) -> bytes:
    """The valid Ostholstein agreement under its own IRI …/kooperation/<key>."""
    return RECORD.replace("kooperation:ostholstein-neu", f"kooperation:{key}").encode("utf-8")


def record_iri(key: str) -> str:
    return RECORD_IRI.replace("ostholstein-neu", key)


def app(**config):
    """The real app over the packaged data in memory, with write tokens."""
    settings = {"TESTING": True, "QUERY_PROCESSES": False, "STORE": ":memory:", "RESOURCES": str(content.root()), "TOKENS": TOKENS,
                "LOG_REQUESTS": False} | config
    return create_app(settings)


@contextmanager
def live(application, threads: int = 4) -> Iterator[str]:
    """The app on waitress (as `koopgraph serve` runs it) on a free loopback
    port in this process; yields the base URL, stops and joins at the end."""
    settings = dict(application.config) | {"HOST": "127.0.0.1", "PORT": 0, "THREADS": threads}
    server = serving.make_server(application, settings)
    thread = threading.Thread(target=server.run, daemon=True, name="koopgraph-reliability-server")
    thread.start()
    try:
        yield serving.url(server)
    finally:
        serving.stop(server)
        thread.join(10)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


def call(url: str, *, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = TIMEOUT) -> Answer:
    """One HTTP request with the standard library; errors are answers too."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


# ---------------------------------------------------------------- a real `koopgraph serve`

def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KOOPGRAPH_")}
    return base | {"PYTHONUNBUFFERED": "1", "KOOPGRAPH_TOKENS": TOKENS} | extra


class Served:
    """`koopgraph serve` in a child process on a free port."""

    def __init__(self, store: Path, *, extra_env: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> None:
        self.store = store
        self.env = env(**(extra_env or {}))
        self.process = subprocess.Popen([*CLI, "serve", "--port", "0", "--store", str(store), *args], env=self.env,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = self._announced()

    def _announced(self) -> str:
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(TIMEOUT):
                self.process.kill()
                raise AssertionError(f"serve printed nothing within {TIMEOUT} s: {self.process.stderr.read()}")
        line = self.process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if not match:
            self.process.kill()
            raise AssertionError(f"serve did not start: {line!r} {self.process.stderr.read()}")
        return match.group(1)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed by the process."""
        self.process.kill()
        self.process.wait(TIMEOUT)

    def stop(self) -> str:
        """SIGTERM and wait; returns what the server wrote to stderr."""
        if self.alive():
            self.process.terminate()
        _, err = self.process.communicate(timeout=TIMEOUT)
        return err

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc) -> None:
        if self.alive():
            self.process.kill()
        self.process.communicate(timeout=TIMEOUT)


# ---------------------------------------------------------------- processes

def descendants(pid: int) -> set[int]:
    """Every process below pid (Linux /proc)."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def alive(pids: set[int]) -> set[int]:
    """Those of pids still running (a zombie has ended)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running
