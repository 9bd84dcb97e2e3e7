#!/usr/bin/env python3
"""Where the time of a Koopgraph request goes.

    python bench/request_path.py [--sizes seed,100k,1m] [--duration 4] [--rounds 3]

1. Engine alone (pyoxigraph, in this process): every query of bench/http_bench.py,
   evaluated and serialized as SPARQL JSON, median ms on an on-disk store (what
   `koopgraph serve` uses) and on an in-memory copy of the same data; for the named
   questions also with their parameters as pyoxigraph substitutions (how /queries bound
   them until 5dabe73) and written into the text (koopgraph.bindtext, how /queries binds
   them now: the "literal" columns).
2. Python per request (seed store): the point lookup through Koopgraph's Flask app
   (Flask's test client, no sockets) against the bare pyoxigraph call, and a cProfile
   of the app grouped by package. Since issue 15 also, step by step: the app with
   queries answered in threads of this process (QUERY_PROCESSES false) and through the
   worker pool (the default: engine/workers.py), a cached answer through the WSGI
   middleware alone (web/cached.py, before Flask) and through Flask's test client, and
   the worker hand-off alone: QueryPool.ask against workers.evaluate on an in-memory
   replica in this process, a bare pipe round trip of the same messages to a
   forkserver process, and pickling them.
3. HTTP floor (seed store, wrk -c4, servers alternating): the point lookup on a bare WSGI
   function on waitress and on granian (4 threads, one process; the same pyoxigraph
   call), a minimal Flask view on waitress, `koopgraph serve` uncached (`--no-cache`,
   POST: Flask + worker process) and cached (GET /sparql?query=…: the middleware), and
   `oxigraph serve`. For each server the CPU seconds per answer of its processes, split
   into the serving process and the query workers (cmdline of the forkserver's
   children), and how busy the serving process was (1.0 = one core all the time: the
   GIL-bound limit of a single Python process).
Raw figures go to --json (default bench/results/request_path.json).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchlib as b  # noqa: E402
import http_bench as hb  # noqa: E402
import pyoxigraph as ox  # noqa: E402
from koopgraph.domain import questions as kq  # noqa: E402

BASE = "https://w3id.org/koopgraph/"
JSON = ox.QueryResultsFormat.JSON
POINT = hb.ADHOC["punkt (all properties of one region)"][1]


def median_ms(fn, runs: int, budget: float = 3.0) -> float:
    fn()  # warm-up
    times, started = [], time.perf_counter()
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        if time.perf_counter() - started > budget and len(times) >= 3:
            break
    return statistics.median(times) * 1000


def engine(label: str, args, work: Path) -> list[dict]:
    store_dir = work / f"engine-{label}"
    b.koopgraph_store(store_dir, b.data_file(label, args.data_dir, args.seed))
    disk = ox.Store(str(store_dir))
    memory = ox.Store()
    started = time.perf_counter()
    memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    copy_s = time.perf_counter() - started
    catalogue = kq.load_queries()
    rows = []

    def run(store, text, subs=None):
        return store.query(text, use_default_graph_as_union=True, base_iri=BASE,
                           substitutions=subs).serialize(format=JSON)

    cases = []
    for name, params in hb.NAMED:
        q = catalogue[name]
        terms = q.bind(params)
        subs = {ox.Variable(k): v for k, v in terms.items()} or None
        cases.append((f"/queries/{name}", q.sparql, subs, hb.peer_text(q.sparql, terms)))
    for name, (_kind, text) in hb.ADHOC.items():
        cases.append((name, text, None, None))
    for name, text, subs, literal in cases:
        if "NOT EXISTS" in name and label not in ("seed", "100k"):
            rows.append({"size": label, "query": name, "skipped": "seconds per run at this size"})
            continue
        b.log(f"[engine {label}] {name}")
        row = {"size": label, "query": name}
        row["disk_ms"] = median_ms(lambda: run(disk, text, subs), args.engine_runs)
        row["memory_ms"] = median_ms(lambda: run(memory, text, subs), args.engine_runs)
        if literal is not None:
            row["disk_literal_ms"] = median_ms(lambda: run(disk, literal), args.engine_runs)
            row["memory_literal_ms"] = median_ms(lambda: run(memory, literal), args.engine_runs)
        rows.append(row)
    rows.append({"size": label, "query": "(copy to memory)", "seconds": copy_s, "quads": len(memory)})
    del disk, memory
    return rows


def python_path(work: Path) -> dict:
    undo = _quiet_stderr()
    try:
        return _python_path(work)
    finally:
        undo()


def _python_path(work: Path) -> dict:
    from koopgraph.web.app import create_app

    store_dir = work / "python-seed"
    b.koopgraph_store(store_dir, None)
    cached = create_app({"STORE": ":memory:"})  # the project's files, result cache on (the default)
    app = create_app({"STORE": str(store_dir), "CACHE": False})
    client = app.test_client()
    headers = {"Content-Type": "application/sparql-query", "Accept": b.JSON_RESULTS}
    store = app.extensions["koopgraph.store"]
    n = 2000

    def through_app():
        assert client.post("/sparql", data=POINT, headers=headers).status_code == 200

    def bare():
        store.query(POINT, use_default_graph_as_union=True, base_iri=BASE).serialize(format=JSON)

    out = {"app_us": median_ms(through_app, n) * 1000, "pyoxigraph_us": median_ms(bare, n) * 1000}
    hit_client = cached.test_client()
    out["app_cache_hit_us"] = median_ms(
        lambda: hit_client.post("/sparql", data=POINT, headers=headers), n) * 1000
    client_only = app.test_client()
    out["test_client_404_us"] = median_ms(lambda: client_only.get("/no-such-page-xyz"), n) * 1000
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(n):
        through_app()
    profile.disable()
    stats = pstats.Stats(profile)
    groups: dict[str, float] = {}
    total = 0.0
    for (filename, _line, func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        total += tottime
        if "pyoxigraph" in func or filename == "~" and ("query" in func or "serialize" in func):
            key = "pyoxigraph query + serialize"
        elif "/koopgraph/" in filename:
            key = "koopgraph code"
        elif "/werkzeug/" in filename:
            key = "werkzeug"
        elif "/flask/" in filename:
            key = "flask"
        else:
            key = "other (stdlib, test client)"
        groups[key] = groups.get(key, 0.0) + tottime
    out["profile_share"] = {k: round(v / total, 3) for k, v in sorted(groups.items(), key=lambda kv: -kv[1])}
    store.flush()
    del app, client, client_only, store, cached, hit_client
    out.update(steps_after(work))
    return out


def _quiet_stderr():
    """fd 2 to /dev/null (the request log writes a line per request); returns the undo."""
    import os
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)

    def undo():
        os.dup2(saved, 2)
        os.close(saved)
    return undo


def _echo(conn) -> None:
    """A forkserver child that answers every message with the reply it was given."""
    reply = conn.recv()
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        conn.send(reply)


def steps_after(work: Path) -> dict:
    """The request path of issue 15, step by step (in this process, no sockets)."""
    try:
        from koopgraph.engine import workers
        from koopgraph.web import cached as cached_mod  # noqa: F401 - only present since issue 15
    except ImportError:
        return {}
    import io
    import multiprocessing
    import pickle
    from koopgraph.engine.embedded import EmbeddedEngine
    from koopgraph.web.app import create_app
    from werkzeug.test import EnvironBuilder

    store_dir, pool_dir = work / "python-seed-threads", work / "python-seed-workers"  # one store per app (RocksDB's lock)
    b.koopgraph_store(store_dir, None)
    b.koopgraph_store(pool_dir, None)
    headers = {"Content-Type": "application/sparql-query", "Accept": b.JSON_RESULTS}
    n = 2000
    out: dict = {}
    undo = _quiet_stderr()
    try:
        # uncached, answered in threads of this process (on the disk store) vs by the worker pool
        threads_app = create_app({"STORE": str(store_dir), "CACHE": False, "QUERY_PROCESSES": False})
        tc = threads_app.test_client()
        out["app_threads_us"] = median_ms(lambda: tc.post("/sparql", data=POINT, headers=headers), n) * 1000
        threads_app.extensions["koopgraph.store"].flush()
        del threads_app, tc
        pool_app = create_app({"STORE": str(pool_dir), "CACHE": False})
        pc = pool_app.test_client()
        assert pc.post("/sparql", data=POINT, headers=headers).status_code == 200
        out["app_workers_us"] = median_ms(lambda: pc.post("/sparql", data=POINT, headers=headers), n) * 1000
        # the hand-off alone: the pool against the same evaluation in this process
        pool = pool_app.extensions["koopgraph.queries"]
        primary = pool_app.extensions["koopgraph.store"]
        ask = workers.Ask(POINT, None, pool_app.config["MAX_RESULT_ROWS"], accept=b.JSON_RESULTS,
                          format_names=(), base_iri=BASE)
        replica = EmbeddedEngine(ox.Store())
        replica.native.bulk_extend(primary.native.quads_for_pattern(None, None, None, None))
        out["evaluate_in_process_us"] = median_ms(lambda: workers.evaluate(replica, ask), n) * 1000
        out["pool_ask_us"] = median_ms(lambda: pool.ask(primary, ask), n) * 1000
        answer = workers.evaluate(replica, ask)
        message, reply = ("ask", ask), ("ok", answer)
        out["answer_bytes"] = len(answer.body)
        out["pickle_us"] = median_ms(lambda: pickle.loads(pickle.dumps(message)) and pickle.loads(pickle.dumps(reply)),
                                     n) * 1000
        ctx = multiprocessing.get_context("forkserver")
        mine, theirs = ctx.Pipe(duplex=True)
        echo = ctx.Process(target=_echo, args=(theirs,), daemon=True)
        echo.start()
        mine.send(reply)

        def round_trip():
            mine.send(message)
            mine.recv()
        out["pipe_round_trip_us"] = median_ms(round_trip, n) * 1000
        mine.close()
        echo.kill()
        echo.join()
        pool_app.extensions["koopgraph.store"].flush()
        pool.close()
        del pool_app, pc, pool, primary, replica
        # cached: the middleware alone (a prepared environ) and through Flask's test client
        cache_app = create_app({"STORE": ":memory:"})
        cc = cache_app.test_client()
        url = "/sparql?" + urlencode({"query": POINT})
        assert cc.get(url, headers={"Accept": b.JSON_RESULTS}).status_code == 200
        assert cc.get(url, headers={"Accept": b.JSON_RESULTS}).status_code == 200
        environ = EnvironBuilder(path="/sparql", query_string=urlencode({"query": POINT}),
                                 headers={"Accept": b.JSON_RESULTS}).get_environ()
        statuses = []

        def start_response(status, headers_, exc_info=None):
            statuses.append(status)

        def middleware():
            e = dict(environ)
            e["wsgi.input"] = io.BytesIO()
            b"".join(cache_app.wsgi_app(e, start_response))
        middleware()
        assert statuses[-1].startswith("200"), statuses[-1:]
        out["cached_middleware_us"] = median_ms(middleware, n) * 1000
        out["cached_test_client_us"] = median_ms(lambda: cc.get(url, headers={"Accept": b.JSON_RESULTS}), n) * 1000
        cache_app.extensions["koopgraph.queries"].close()
        del cache_app, cc
    finally:
        undo()
    return out


FLOOR_APP = r'''
import sys, pyoxigraph as ox
from waitress import serve
store = ox.Store.read_only(sys.argv[1])
BASE = "https://w3id.org/koopgraph/"
def answer(text):
    return store.query(text, use_default_graph_as_union=True, base_iri=BASE).serialize(format=ox.QueryResultsFormat.JSON)
if sys.argv[3] == "wsgi":
    def app(environ, start_response):
        n = int(environ.get("CONTENT_LENGTH") or 0)
        body = answer(environ["wsgi.input"].read(n).decode()) if environ["REQUEST_METHOD"] == "POST" else b"ok"
        start_response("200 OK", [("Content-Type", "application/sparql-results+json"), ("Content-Length", str(len(body)))])
        return [body]
else:
    from flask import Flask, Response, request
    app = Flask(__name__)
    @app.post("/sparql")
    def sparql():
        return Response(answer(request.get_data().decode()), content_type="application/sparql-results+json")
    @app.get("/sparql")
    def ready():
        return "ok"
serve(app, host="127.0.0.1", port=int(sys.argv[2]), threads=4, _quiet=True)
'''

# The bare WSGI function on granian, as `koopgraph serve` runs granian (one worker process,
# 4 blocking threads here); the store path comes from the environment (granian imports the module).
GRANIAN_APP = r'''
import os, pyoxigraph as ox
store = ox.Store.read_only(os.environ["FLOOR_STORE"])
BASE = "https://w3id.org/koopgraph/"
def app(environ, start_response):
    n = int(environ.get("CONTENT_LENGTH") or 0)
    if environ["REQUEST_METHOD"] == "POST":
        body = store.query(environ["wsgi.input"].read(n).decode(), use_default_graph_as_union=True,
                           base_iri=BASE).serialize(format=ox.QueryResultsFormat.JSON)
    else:
        body = b"ok"
    start_response("200 OK", [("Content-Type", "application/sparql-results+json"), ("Content-Length", str(len(body)))])
    return [body]
if __name__ == "__main__":
    import sys
    from granian import Granian
    from granian.constants import Interfaces
    Granian("granian_floor:app", address="127.0.0.1", port=int(sys.argv[1]), interface=Interfaces.WSGI, workers=1,
            blocking_threads=4, log_enabled=False).serve()
'''


def cpu_split(srv: b.Server) -> dict[str, float]:
    """CPU seconds so far of the server's processes: the query workers (children of
    multiprocessing's forkserver) apart from the rest, and the busiest single process."""
    workers, serving, single = 0.0, 0.0, {}
    for pid in srv.pids():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        sec = b.cpu_seconds([pid])
        single[pid] = sec
        if b"forkserver" in cmdline:
            workers += sec
        else:
            serving += sec
    return {"serving": serving, "workers": workers, "single": single}


def http_floor(args, work: Path) -> dict:
    store_dir = work / "floor-seed"
    b.koopgraph_store(store_dir, None)
    export = work / "floor.nq"
    b.export_nquads(store_dir, export)
    b.oxigraph_store(work / "floor-ox", export)
    floor_py = work / "floor_app.py"
    floor_py.write_text(FLOOR_APP)
    servers = {
        "waitress + bare WSGI": b.Server("waitress-wsgi", [sys.executable, str(floor_py), str(store_dir), "0", "wsgi"], 0,
                                         "/sparql", "/sparql", work / "wsgi.log"),
        "waitress + minimal Flask": b.Server("waitress-flask", [sys.executable, str(floor_py), str(store_dir), "0", "flask"], 0,
                                             "/sparql", "/sparql", work / "flask.log"),
        "koopgraph serve": None,
        "oxigraph serve": None,
    }
    granian_ok = True
    try:
        import granian  # noqa: F401
    except ImportError:
        granian_ok = False
    after = "--server" in b.koopgraph_serve_options()  # issue 15: granian, worker processes, cached-answer middleware
    if granian_ok:
        (work / "granian_floor.py").write_text(GRANIAN_APP)
        servers["granian + bare WSGI"] = b.Server(
            "granian-wsgi", [sys.executable, str(work / "granian_floor.py"), "0"], 0, "/sparql", "/sparql",
            work / "granian.log", env={"FLOOR_STORE": str(store_dir), "PYTHONPATH": str(work)})
    if after:
        servers["koopgraph serve, cached (GET)"] = None
    get_url = {}
    for name, srv in list(servers.items()):
        port = b.free_port()
        if srv is not None:
            srv.port = port
            srv.cmd[-1 if name.startswith("granian") else 3] = str(port)
        elif name == "koopgraph serve":
            copy = work / "floor-seed-kg"
            shutil.copytree(store_dir, copy)
            servers[name] = b.koopgraph_server(copy, port, work, ["--no-cache"] if after else [], name="koopgraph-floor")
        elif name.startswith("koopgraph serve, cached"):
            copy = work / "floor-seed-kg-cached"
            shutil.copytree(store_dir, copy)
            servers[name] = b.koopgraph_server(copy, port, work, name="koopgraph-floor-cached")
            get_url[name] = "/sparql?" + urlencode({"query": POINT})
        else:
            servers[name] = b.oxigraph_server(work / "floor-ox", port, work)
    if after:
        servers["koopgraph serve --no-cache"] = servers.pop("koopgraph serve")
    body = work / "point.rq"
    body.write_text(POINT)
    runs: dict[str, list[dict]] = {k: [] for k in servers}
    try:
        for srv in servers.values():
            srv.start()
        for name, path in get_url.items():  # the first GET fills the cache
            assert b.request(servers[name].base + path, headers={"Accept": b.JSON_RESULTS}).status == 200
        names = list(servers)
        for rnd in range(-1, args.rounds):
            for name in names[rnd % len(names):] + names[:rnd % len(names)]:
                srv = servers[name]
                before, t0 = cpu_split(srv), time.perf_counter()
                if name in get_url:
                    r = b.wrk(srv.base + get_url[name], duration=args.duration if rnd >= 0 else 1)
                else:
                    r = b.wrk(srv.base + srv.sparql_path, method="POST", body_file=body,
                              duration=args.duration if rnd >= 0 else 1)
                wall, now = time.perf_counter() - t0, cpu_split(srv)
                answers = max(1, r["requests"] - r["status_errors"])
                r["cpu_us_serving"] = (now["serving"] - before["serving"]) / answers * 1e6
                r["cpu_us_workers"] = (now["workers"] - before["workers"]) / answers * 1e6
                r["busiest_process_busy"] = max(now["single"][p] - before["single"].get(p, 0.0)
                                                for p in now["single"]) / wall
                b.wait_idle(srv, cap=10)
                if rnd >= 0:
                    runs[name].append(r)
    finally:
        for srv in servers.values():
            srv.stop()
    out = {}
    for name, rs in runs.items():
        out[name] = {"rps": statistics.median(r["rps"] for r in rs), "p50_ms": statistics.median(r["p50_us"] for r in rs) / 1000,
                     "p99_ms": statistics.median(r["p99_us"] for r in rs) / 1000, "errors": sum(r["errors"] for r in rs),
                     "cpu_us_serving": statistics.median(r["cpu_us_serving"] for r in rs),
                     "cpu_us_workers": statistics.median(r["cpu_us_workers"] for r in rs),
                     "busiest_process_busy": statistics.median(r["busiest_process_busy"] for r in rs)}
        if name != "oxigraph serve":
            out[name]["ratio_to_oxigraph"] = statistics.median(
                r["rps"] / o["rps"] for r, o in zip(rs, runs["oxigraph serve"]))
    return out


def report(res: dict) -> str:
    lines = ["Engine alone: median ms per query (evaluate + serialize JSON), on-disk store vs in-memory copy", "",
             "| size | query | disk (as Koopgraph runs it) | memory | disk/memory | disk, parameters as literal text | memory, literal |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for row in res.get("engine", []):
        if "disk_ms" not in row:
            if "seconds" in row:
                lines.append(f"| {row['size']} | copy of {row['quads']:,} quads into memory | {row['seconds']:.1f} s | | | | |")
            else:
                lines.append(f"| {row['size']} | {row['query']} | skipped | | | | |")
            continue
        lit = row.get("disk_literal_ms")
        lines.append(f"| {row['size']} | {row['query']} | {row['disk_ms']:.2f} | {row['memory_ms']:.2f} | "
                     f"{row['disk_ms'] / row['memory_ms']:.1f}× | {'' if lit is None else f'{lit:.2f}'} | "
                     f"{'' if lit is None else '{:.2f}'.format(row['memory_literal_ms'])} |")
    p = res.get("python")
    if p:
        lines += ["", f"Point lookup in-process (seed): through Koopgraph's Flask app {p['app_us']:.0f} µs uncached, "
                  f"{p.get('app_cache_hit_us', 0):.0f} µs as a cache hit, "
                  f"pyoxigraph alone {p['pyoxigraph_us']:.0f} µs, Flask test client on a 404 {p['test_client_404_us']:.0f} µs; "
                  "cProfile shares: " + ", ".join(f"{k} {v:.0%}" for k, v in p["profile_share"].items())]
        steps = [("app_threads_us", "Flask app, uncached, evaluated in a thread of this process (QUERY_PROCESSES false)"),
                 ("app_workers_us", "Flask app, uncached, through the worker pool (the default)"),
                 ("evaluate_in_process_us", "workers.evaluate on an in-memory replica, in this process"),
                 ("pool_ask_us", "QueryPool.ask: the same through a worker process"),
                 ("pipe_round_trip_us", "bare pipe round trip of the same ask and answer to a forkserver process"),
                 ("pickle_us", "pickling + unpickling the ask and the answer"),
                 ("cached_middleware_us", "cached answer: the WSGI middleware alone (web/cached.py)"),
                 ("cached_test_client_us", "cached answer: GET through Flask's test client (middleware + test client)")]
        if any(k in p for k, _ in steps):
            lines += ["", "Point lookup, step by step in-process (median µs per request; seed store)", "",
                      "| step | µs |", "|---|---:|"]
            lines += [f"| {label} | {p[k]:,.0f} |" for k, label in steps if k in p]
    f = res.get("floor")
    if f:
        lines += ["", "HTTP, point lookup at seed size, wrk -c4 (median of rounds); CPU µs per answer of the serving "
                  "process(es) and of the query workers; busiest process: share of one core", "",
                  "| server | req/s | p50 ms | p99 ms | ratio to oxigraph | CPU µs serving | CPU µs workers | busiest process |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for name, e in f.items():
            ratio = e.get("ratio_to_oxigraph")
            lines.append(f"| {name} | {e['rps']:,.0f} | {e['p50_ms']:.2f} | {e['p99_ms']:.2f} | "
                         f"{'1' if ratio is None else f'{ratio:.2f}×'} | {e.get('cpu_us_serving', 0):,.0f} | "
                         f"{e.get('cpu_us_workers', 0):,.0f} | {e.get('busiest_process_busy', 0):.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="seed,100k,1m")
    ap.add_argument("--engine-runs", type=int, default=30)
    ap.add_argument("--duration", type=float, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--skip", default="", help="parts to skip: engine,python,floor")
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=HERE / "results" / "request_path.json")
    args = ap.parse_args(argv)
    b.stop_on_sigterm()
    skip = set(args.skip.split(","))
    work = b.tmpdir("kg-path-")
    res: dict = {"versions": b.versions(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    try:
        if "engine" not in skip:
            res["engine"] = []
            for label in args.sizes.split(","):
                res["engine"] += engine(label, args, work)
        if "python" not in skip:
            res["python"] = python_path(work)
        if "floor" not in skip:
            res["floor"] = http_floor(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False))
    print(report(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
