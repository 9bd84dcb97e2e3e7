"""What a server leaves behind when it ends: no query worker outlives it,
and no snapshot of the store stays in the temporary folder – after a
SIGTERM at once, after a SIGKILL by the next start."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.reliability.helpers import Served, alive, call, descendants

SNAPSHOTS = "koopgraph-replica-*"


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_server_stopped_by_sigterm_leaves_no_snapshot_and_no_worker(built_store: Path, tmp_path: Path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    with Served(built_store, extra_env={"TMPDIR": str(temporary)}) as server:
        assert call(server.url + "sparql?query=ASK%7B%7D").status == 200
        assert len(list(temporary.glob(SNAPSHOTS))) == 1  # the replicas' snapshot, while serving
        below = descendants(server.process.pid)
        assert len(below) >= 4  # granian's worker, the forkserver and the query workers at least
        server.stop()
        assert server.process.returncode == 0
    assert list(temporary.glob(SNAPSHOTS)) == []
    assert wait_until(lambda: not alive(below), 5), f"still running: {alive(below)}"


def test_after_a_sigkill_every_process_below_the_server_ends_and_no_snapshot_stays(built_store: Path, tmp_path: Path):
    """SIGKILL runs nothing in the server process; its children are told by
    the kernel (parent-death signal) and close the pool on their way out."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    with Served(built_store, extra_env={"TMPDIR": str(temporary)}) as server:
        below = descendants(server.process.pid)
        server.kill()
    assert wait_until(lambda: not alive(below), 10), f"orphans: {alive(below)}"
    assert wait_until(lambda: not list(temporary.glob(SNAPSHOTS)), 5)


def test_a_start_removes_the_snapshots_of_server_processes_that_are_gone_and_keeps_those_of_living_ones(
        built_store: Path, tmp_path: Path):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    ended = subprocess.Popen(["true"])
    ended.wait()
    stale = temporary / f"koopgraph-replica-{ended.pid}-abcdefgh"
    living = temporary / f"koopgraph-replica-{os.getpid()}-abcdefgh"
    for folder in (stale, living):
        folder.mkdir()
        (folder / "snapshot-1.nq").write_bytes(b"<urn:x:s> <urn:x:p> <urn:x:o> .\n" * 1000)
    with Served(built_store, extra_env={"TMPDIR": str(temporary)}) as server:
        assert call(server.url + "healthz").status == 200
        assert not stale.exists() and (living / "snapshot-1.nq").exists()
        assert len(list(temporary.glob(SNAPSHOTS))) == 2  # the living one and the server's own
