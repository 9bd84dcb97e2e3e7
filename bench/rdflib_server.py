#!/usr/bin/env python3
"""rdflib-endpoint serving one N-Quads file, restartable in an instant.

    python bench/rdflib_server.py FILE.nq --port 8100 [--host 127.0.0.1]

Exactly what `rdflib-endpoint serve FILE` does – an rdflib ``Dataset(default_union=True)``
behind ``rdflib_endpoint.SparqlEndpoint``, run by uvicorn – except that the data is
loaded once in a parent process and the server runs in a forked child. rdflib cannot
cancel a query, so a request the benchmark gave up on keeps the server busy for
minutes; on SIGHUP the parent kills the child and forks a fresh one from the loaded
data (copy-on-write, well under a second instead of minutes of parsing). SIGTERM or
SIGINT end both. The child's pid is written to --pid-file (for CPU and RSS readings).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid-file", default=None, help="where the serving child's pid is written")
    args = ap.parse_args()

    import uvicorn
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    started = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(args.file, format="nquads")
    app = SparqlEndpoint(graph=ds, path="/sparql")  # the URL `rdflib-endpoint serve` announces
    print(f"rdflib_server: {len(ds)} triples in the union, loaded in {time.perf_counter() - started:.1f} s",
          file=sys.stderr, flush=True)

    child = 0
    stopping = False

    def spawn() -> int:
        pid = os.fork()
        if pid == 0:  # the server
            signal.signal(signal.SIGHUP, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
            os._exit(0)
        if args.pid_file:
            with open(args.pid_file + ".tmp", "w") as f:
                f.write(str(pid))
            os.replace(args.pid_file + ".tmp", args.pid_file)
        return pid

    def kill_child() -> None:
        if child:
            try:
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
            except (ProcessLookupError, ChildProcessError):
                pass

    def on_hup(signum, frame) -> None:
        nonlocal child
        kill_child()
        child = spawn()

    def on_term(signum, frame) -> None:
        nonlocal stopping
        stopping = True
        kill_child()
        sys.exit(0)

    signal.signal(signal.SIGHUP, on_hup)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    child = spawn()
    while not stopping:
        signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
