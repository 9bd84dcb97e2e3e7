"""SIGTERM and SIGINT acted on, whichever thread the kernel hands them to.

The kernel delivers a signal sent to a process to any one of its threads.
CPython runs the Python handler only in the main thread, and only when
that thread next runs Python code – it does not wake a main thread asleep
in a lock. granian parks the main thread of its serving process and of its
worker in threading.Event.wait() until a stop signal's handler sets the
event; when the kernel picked another thread (a Rust runtime thread, a
watcher, a query-pool thread), nothing woke the main thread and the server
never stopped (seen under load; tests/cli/test_serve.py sends SIGTERM to a
thread other than the main one, in each process). A handler that does run in the main thread while that
thread holds the event's lock deadlocks on it.

So the stop is relayed: CPython's C-level handler, which runs on whatever
thread, writes the signal's number to a wake-up socket (signal.set_wakeup_fd);
a relay thread reads it and calls the stop action outside the main thread.
"""

import signal
import socket
import threading
from collections.abc import Callable

from granian import _signals

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def relay(stop: Callable[[int], None]) -> None:
    """Call stop(signum) from a relay thread for every SIGINT and SIGTERM
    this process receives; their Python handlers become no-ops, so stop is
    the only thing they do. Call it from the main thread, after any fork (a
    child would inherit the wake-up socket)."""
    receiving, sending = socket.socketpair()
    sending.setblocking(False)
    for signum in STOP_SIGNALS:
        signal.signal(signum, _noted)
    signal.set_wakeup_fd(sending.fileno(), warn_on_full_buffer=False)

    def forward() -> None:
        with receiving, sending:
            while True:
                received = receiving.recv(64)
                if not received:
                    return
                for signum in received:
                    if signum in STOP_SIGNALS:
                        stop(signum)

    threading.Thread(target=forward, daemon=True, name="koopgraph-stop-signals").start()


def relay_in_granians_worker() -> None:
    """In granian's worker process, before it makes the app: a stop signal
    while the app is made (seconds for a large store) ends the worker, and
    once it serves, its stop event is set by the relay thread alone. (Set from the main
    thread's handler as well, the two calls deadlock: each holds what the
    other waits for – the interpreter lock and granian's own.) granian's
    worker asks its module for set_sync_signals when it starts serving, so
    the one given here is the one it uses."""
    def set_sync_signals():
        event = _signals.WorkerSignal()
        relay(lambda signum: event.set())
        return event

    _signals.set_sync_signals = set_sync_signals
    for signum in STOP_SIGNALS:
        signal.signal(signum, _exit)


def _exit(signum, frame) -> None:
    raise SystemExit(0)


def _noted(signum, frame) -> None:
    """The signal is acted on by the relay thread (the C-level handler has
    already written it to the wake-up socket)."""
