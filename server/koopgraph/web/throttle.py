"""Slowing down guessing: failed sign-ins and failed Bearer tokens, counted
per client address.

After LIMIT failures within WINDOW seconds, a client's further attempts
(wherever a token is checked, and sign-ins) get 429 with Retry-After until
the oldest failure has left the window; nothing else is ever slowed. Counted in memory, per process, for at most MAX_CLIENTS addresses
(the oldest are forgotten first). Behind a reverse proxy every client has
the proxy's address, so the proxy should limit by the real one
(docs/operations.md).
"""

import threading
import time
from collections import OrderedDict, deque

from flask import Flask, current_app, request

from koopgraph.errors import ApiError

LIMIT = 5
WINDOW = 60.0  # seconds
MAX_CLIENTS = 10_000
KEY = "koopgraph.throttle"


class Throttle:
    def __init__(self, limit: int = LIMIT, window: float = WINDOW) -> None:
        self.limit, self.window = limit, window
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            times = self._failures.setdefault(client, deque(maxlen=self.limit))
            times.append(now)
            self._failures.move_to_end(client)
            while len(self._failures) > MAX_CLIENTS:
                self._failures.popitem(last=False)

    def wait(self, client: str) -> float:
        """Seconds until client may try again; 0 when it may now."""
        with self._lock:
            times = self._failures.get(client)
            if times is None or len(times) < self.limit:
                return 0.0
            return max(0.0, times[0] + self.window - time.monotonic())


def _client() -> str:
    return request.remote_addr or "-"


def failed() -> None:
    """Count a failed credential of this request's client."""
    from_app().failed(_client())


def from_app() -> Throttle:
    return current_app.extensions[KEY]


def check() -> None:
    """429 with Retry-After when this client failed too often lately: called
    where a credential is about to be checked (web/context.authorization,
    the sign-in form), so nothing else is ever slowed."""
    seconds = from_app().wait(_client())
    if seconds > 0:
        retry = str(int(seconds) + 1)
        raise ApiError(429, f"Zu viele fehlgeschlagene Anmeldeversuche von dieser Adresse. Bitte in {retry} s "
                            "erneut versuchen.",
                       f"Too many failed sign-in attempts from this address. Please try again in {retry} s.",
                       "too-many-attempts", headers={"Retry-After": retry})


def init_app(app: Flask) -> None:
    app.extensions[KEY] = Throttle()
