"""`koopgraph serve` as a real process: it builds an empty store, prints its
URL, answers, holds the store's lock, and stops on SIGTERM."""

import json
import os
import re
import selectors
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import sparqltree
from sparqltree import COUNTS
from tests.reliability.helpers import alive

CLI = [sys.executable, "-c", "from koopgraph.cli import main; main()"]
TIMEOUT = 30


def _env(resources: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOOPGRAPH_")}
    return {**env, "KOOPGRAPH_RESOURCES": str(resources), "PYTHONUNBUFFERED": "1"}


def _first_line(process: subprocess.Popen, timeout: float) -> str:
    """The first line on stdout, or fail with stderr once timeout passes."""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            pytest.fail(f"serve printed nothing within {timeout} s")
    line = process.stdout.readline()
    if not line:
        pytest.fail(f"serve exited early ({process.wait(5)}): {process.stderr.read()}")
    return line


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, str, Path, dict[str, str]]]:
    env = _env(sparqltree.write(tmp_path / "resources"))
    store = tmp_path / "store"
    process = subprocess.Popen(
        [*CLI, "serve", "--port", "0", "--store", str(store), "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = _first_line(process, TIMEOUT)
        match = re.fullmatch(r"Koopgraph läuft auf / listening on (http://127\.0\.0\.1:\d+/)  \(SPARQL: \1sparql\)\n", line)
        assert match, line
        yield process, match.group(1), store, env
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=TIMEOUT)


def test_serve_builds_the_empty_store_and_answers_healthz(served) -> None:
    _, url, _, _ = served
    with urllib.request.urlopen(url + "healthz", timeout=TIMEOUT) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json"
        health = json.load(response)
        assert (health["status"], health["triples"]) == ("ok", sum(COUNTS.values()))
        assert health["queries"]["mode"] == "processes" and health["queries"]["alive"] == 4  # `serve`: queries in workers


def test_build_while_serve_runs_exits_2_with_store_busy_message(served) -> None:
    _, _, store, env = served
    build = subprocess.run(
        [*CLI, "build", "--store", str(store)], env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert build.returncode == 2
    assert build.stderr == (
        f"koopgraph: Der Speicher {store} wird von einem anderen Prozess benutzt (läuft `koopgraph serve`?) / "
        f"The store {store} is in use by another process (is `koopgraph serve` running?)\n"
    )


def test_second_serve_on_the_same_store_exits_2(served) -> None:
    _, _, store, env = served
    second = subprocess.run(
        [*CLI, "serve", "--port", "0", "--store", str(store)], env=env, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert second.returncode == 2
    assert "is in use by another process" in second.stderr
    assert "Traceback" not in second.stderr


def test_sigterm_stops_the_server_cleanly(served) -> None:
    process, url, store, env = served
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=TIMEOUT) == 0
    # the lock is released: the store opens again
    started = time.monotonic()
    stats = subprocess.run([*CLI, "stats", "--store", str(store)], env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert stats.returncode == 0, stats.stderr
    assert time.monotonic() - started < TIMEOUT


def test_a_burst_of_signals_still_stops_the_server(served) -> None:
    """Signals may come in bursts (a supervisor's SIGTERM, then an impatient
    Ctrl-C): whenever one lands, the server ends with status 0 instead of
    hanging in its serving loop."""
    process, url, store, env = served
    for sent in (signal.SIGTERM, signal.SIGINT, signal.SIGTERM, signal.SIGINT):
        process.send_signal(sent)
        time.sleep(0.002)
    assert process.wait(timeout=TIMEOUT) == 0


def _to_a_thread_other_than_the_main_one(pid: int, sent: int) -> None:
    """Deliver sent to one thread of pid that is not its main thread (Linux
    tgkill): the kernel may hand a signal sent to a process to any thread."""
    import ctypes

    threads = sorted(int(task.name) for task in Path(f"/proc/{pid}/task").iterdir() if int(task.name) != pid)
    assert threads, "no thread besides the main one"
    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.syscall(SYS_TGKILL, pid, threads[-1], sent) == 0, os.strerror(ctypes.get_errno())


SYS_TGKILL = 234  # x86_64; the test skips elsewhere


@pytest.mark.skipif(not (sys.platform.startswith("linux") and os.uname().machine == "x86_64"),
                    reason="tgkill by syscall number: Linux on x86_64 only")
def test_sigterm_received_by_any_thread_of_the_serving_process_stops_the_server(served) -> None:
    """The serving process parks its main thread until a stop signal's
    handler wakes it; a SIGTERM that the kernel gives another thread stops
    the server all the same, with status 0."""
    process, url, store, env = served
    _to_a_thread_other_than_the_main_one(process.pid, signal.SIGTERM)
    assert process.wait(timeout=TIMEOUT) == 0


@pytest.mark.skipif(not (sys.platform.startswith("linux") and os.uname().machine == "x86_64"),
                    reason="tgkill by syscall number: Linux on x86_64 only")
def test_sigterm_received_by_any_thread_of_granians_worker_ends_the_worker(served) -> None:
    """granian's worker (which holds the store) parks its main thread too:
    the SIGTERM the serving process sends it when stopping may land on any
    of its threads (Rust runtime, query pool), and it must end the worker.
    Sent to the worker alone, the serving process sees it go and ends."""
    process, url, store, env = served
    worker = int(Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()[0])
    _to_a_thread_other_than_the_main_one(worker, signal.SIGTERM)
    process.wait(timeout=TIMEOUT)
    assert not alive({worker})


def test_serve_options_become_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from koopgraph import cli
    from koopgraph.web import serving

    monkeypatch.delenv("KOOPGRAPH_CONFIG", raising=False)
    monkeypatch.setenv("KOOPGRAPH_RESOURCES", str(sparqltree.write(tmp_path / "resources")))
    seen = {}
    make_server = serving.make_server

    def spy(app, settings):
        server = make_server(app, settings)
        seen.update(app.config, threads=server.adj.threads)
        return server

    monkeypatch.setattr(serving, "make_server", spy)
    monkeypatch.setattr(serving, "run", lambda server: (server.task_dispatcher.shutdown(), server.close()))
    args = ["serve", "--port", "0", "--store", str(tmp_path / "s"), "--strict-dataset", "--threads", "3",
            "--server", "waitress"]
    result = CliRunner().invoke(cli.koopgraph, args)
    assert result.exit_code == 0, result.output
    assert seen["STRICT_DATASET"] is True
    assert seen["STORE"] == str(tmp_path / "s")
    assert seen["THREADS"] == seen["threads"] == 3


def test_on_granian_the_options_reach_the_worker_process_as_its_settings(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from koopgraph import cli
    from koopgraph.web import serving

    monkeypatch.delenv("KOOPGRAPH_CONFIG", raising=False)
    monkeypatch.setenv("KOOPGRAPH_RESOURCES", str(sparqltree.write(tmp_path / "resources")))
    seen = {}
    monkeypatch.setattr(serving, "serve_granian", lambda settings, announce: seen.update(settings))
    args = ["serve", "--port", "0", "--store", str(tmp_path / "s"), "--strict-dataset", "--threads", "3"]
    result = CliRunner().invoke(cli.koopgraph, args)
    assert result.exit_code == 0, result.output
    assert (seen["SERVER"], seen["STRICT_DATASET"], seen["STORE"], seen["THREADS"]) == \
        ("granian", True, str(tmp_path / "s"), 3)


def test_serve_tokens_option_makes_the_server_accept_the_files_tokens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from koopgraph.domain import access
    from koopgraph import cli
    from koopgraph.web import serving

    monkeypatch.delenv("KOOPGRAPH_CONFIG", raising=False)
    monkeypatch.delenv("KOOPGRAPH_TOKENS", raising=False)
    monkeypatch.setenv("KOOPGRAPH_RESOURCES", str(sparqltree.write(tmp_path / "resources")))
    tokens = tmp_path / "tokens.toml"
    created = CliRunner().invoke(cli.koopgraph, ["token", "datenpflege", "--tokens-file", str(tokens)])
    assert created.exit_code == 0, created.output
    secret = created.stdout.splitlines()[0].strip()
    assert len(secret) >= 16 and secret not in tokens.read_text()
    seen = {}
    make_server = serving.make_server

    def spy(app, settings):
        known = app.extensions["koopgraph.tokens"]
        seen["names"] = [t.name for t in known]
        seen["caller"] = access.require(known, f"Bearer {secret}", access.WRITE).name
        return make_server(app, settings)

    monkeypatch.setattr(serving, "make_server", spy)
    monkeypatch.setattr(serving, "run", lambda server: (server.task_dispatcher.shutdown(), server.close()))
    result = CliRunner().invoke(cli.koopgraph, ["serve", "--port", "0", "--store", str(tmp_path / "s"),
                                                "--tokens", str(tokens), "--server", "waitress"])
    assert result.exit_code == 0, result.output
    assert seen == {"names": ["datenpflege"], "caller": "datenpflege"}
