#!/usr/bin/env python3
"""One query's time step by step through Koopgraph, in one process, no sockets
(issue 15: where an uncached request's time goes besides the engine's).

    python bench/path_steps.py [--size 100k] [--runs 300] [--named akteure,…] [--only REGEX]

For each ad-hoc query of http_bench.py and the named questions given, median µs of:
pyoxigraph on the on-disk store (as `oxigraph serve` runs it) and on an in-memory copy
(what a query worker holds), workers.evaluate on the copy (Koopgraph's wrapper:
reading, format, row limit), QueryPool.ask (the same through a worker process: the
hand-off), and a POST /sparql through the Flask app with the pool (Flask's test client,
cache off, request log off). Run on a quiet machine: on two cores, a busy neighbour
lengthens the steps that wait for another process (QueryPool.ask).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchlib as b  # noqa: E402
import http_bench as hb  # noqa: E402
import pyoxigraph as ox  # noqa: E402

BASE = "https://w3id.org/koopgraph/"


def med_us(fn, runs: int, budget: float = 5.0) -> float:
    fn()
    times, started = [], time.perf_counter()
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if time.perf_counter() - started > budget and len(times) >= 5:
            break
    return statistics.median(times) * 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="100k")
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--named", default="akteure,anschlussqualifikation")
    ap.add_argument("--only", default="", help="regular expression: only the ad-hoc queries whose name matches")
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp"))
    ap.add_argument("--json", type=Path, default=HERE / "results" / "path_steps.json")
    args = ap.parse_args(argv)
    from koopgraph.domain import questions as kq
    from koopgraph.engine import workers
    from koopgraph.engine.embedded import EmbeddedEngine
    from koopgraph.web.app import create_app

    work = b.tmpdir("kg-steps-")
    try:
        store_dir = work / "store"
        b.koopgraph_store(store_dir, b.data_file(args.size, args.data_dir))
        app = create_app({"STORE": str(store_dir), "CACHE": False, "LOG_REQUESTS": False})
        primary, pool = app.extensions["koopgraph.store"], app.extensions["koopgraph.queries"]
        disk = primary.native
        memory = EmbeddedEngine(ox.Store())
        memory.native.bulk_extend(disk.quads_for_pattern(None, None, None, None))
        client = app.test_client()
        headers = {"Content-Type": "application/sparql-query", "Accept": b.JSON_RESULTS}
        catalogue = kq.load_queries()
        cases = [(name, text) for name, (_k, text) in hb.ADHOC.items()
                 if "NOT EXISTS" not in name and re.search(args.only, name)]
        for name in filter(None, args.named.split(",")):
            q = catalogue[name]
            cases.append((f"/queries/{name}", hb.peer_text(q.sparql, q.bind(dict(hb.NAMED)[name]))))
        rows = []
        for name, text in cases:
            ask = workers.Ask(text, None, app.config["MAX_RESULT_ROWS"], accept=b.JSON_RESULTS, base_iri=BASE)

            def raw(store):
                return lambda: store.query(text, use_default_graph_as_union=True, base_iri=BASE).serialize(
                    format=ox.QueryResultsFormat.JSON)
            row = {"query": name,
                   "pyoxigraph_disk_us": med_us(raw(disk), args.runs),
                   "pyoxigraph_memory_us": med_us(raw(memory.native), args.runs),
                   "evaluate_memory_us": med_us(lambda: workers.evaluate(memory, ask), args.runs),
                   "pool_ask_us": med_us(lambda: pool.ask(primary, ask), args.runs),
                   "flask_pool_us": med_us(lambda: client.post("/sparql", data=text, headers=headers), args.runs)}
            rows.append(row)
            b.log(f"{name}: " + ", ".join(f"{k} {v:,.0f}" for k, v in row.items() if k != "query"))
        pool.close()
        primary.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"size": args.size, "versions": b.versions(), "rows": rows}, indent=1))
    print(f"| {args.size}: query | pyoxigraph, disk | pyoxigraph, memory | workers.evaluate | QueryPool.ask | Flask + pool |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['query']} | " + " | ".join(f"{r[k]:,.0f}" for k in (
            "pyoxigraph_disk_us", "pyoxigraph_memory_us", "evaluate_memory_us", "pool_ask_us", "flask_pool_us")) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
