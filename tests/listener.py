"""A TCP listener on 127.0.0.1 that counts connection attempts: the witness
that no query, update, upload or parameter makes the server reach out
(SERVICE, LOAD, redirects). It stops by itself after its lifetime."""

import socket
import threading
import time


class Listener:
    def __init__(self, path: str = "", lifetime: float = 30.0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/{path}"
        self.connections = 0
        self._deadline = time.monotonic() + lifetime
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="koopgraph-test-listener", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stopped.is_set() and time.monotonic() < self._deadline:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def settle(self) -> int:
        """The connections seen, after a moment for late ones to arrive."""
        time.sleep(0.3)
        return self.connections

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(5)
        self.sock.close()

    def __enter__(self) -> "Listener":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
