#!/usr/bin/env python3
"""Loading, start-up and memory of Koopgraph at the sizes of bench/generate.py.

    python bench/load_bench.py [--sizes 100k,1m] [--runs 2] [--startups 5] [--load-seconds 5]

1. Bulk load of the generated files (kg-<size>.nq in --data-dir, made if missing) into a
   fresh on-disk store, each in its own child process (seconds, triples/s, peak RSS from
   getrusage in the child), methods alternating (A B C A B C …):
   - `bulk_load`: pyoxigraph's own Store.bulk_load of the N-Quads file (the reference);
   - `koopgraph load_triples`: koopgraph.store.load_triples, the library's loader for RDF
     files (parse, then Store.extend in one transaction), one call per graph on the file
     split into N-Triples per graph (splitting not timed);
   - `koopgraph build`: the way files reach the store today – the split files placed as
     data/<graph>/ folders of a copy of the project's files and `koopgraph.store.build`
     run on it (parse everything, DROP + one INSERT DATA per graph; includes the
     project's own ~7k triples).
   - `koopgraph import rdf` (koopgraph.bulk, into …/graph/import/bench of a store that
     holds the project's files): with the SHACL gate, and `--ohne-pruefung` for trusted
     data (a parsing pass, then the file streamed into Store.bulk_extend).
2. Start-up of `koopgraph serve` until /healthz answers: on an empty store directory
   (it builds the project's files), on an existing seed store, and on an existing store
   with the generated file (the first start after loading, then --startups restarts).
3. Peak RSS of the server process (one process; waitress threads) under wrk load at the
   largest size: VmHWM after start, reset (/proc/PID/clear_refs), then wrk on every named
   question and the heavy ad-hoc queries of bench/http_bench.py, --load-seconds each.
4. The Germany-wide municipality import, `koopgraph import gemeindeverzeichnis
   ../shared/opendata/municipalities-de.csv` on a freshly built store (if the file
   exists): rows/s and peak RSS (getrusage of the child), then once more (unchanged).

Raw figures go to --json (default bench/results/load.json), tables to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import benchlib as b  # noqa: E402

CSV = REPO.parent / "shared" / "opendata" / "municipalities-de.csv"
METHODS = ("bulk_load", "koopgraph import rdf --ohne-pruefung", "koopgraph import rdf", "koopgraph load_triples",
           "koopgraph build")


# ---------------------------------------------------------------- children (one measurement each)

def child(method: str, store: str, source: str) -> dict:
    """Runs in a fresh process; prints seconds, quads and this process's peak RSS."""
    import pyoxigraph as ox

    from koopgraph import content
    from koopgraph import engine as kstore
    from koopgraph.writes import build

    if method.startswith("koopgraph import rdf"):
        # `koopgraph import rdf` (koopgraph.bulk) into a store holding the project's files
        # (the checked import needs them as context); only the import is timed.
        from koopgraph.writes.imports import rdf as rdf_import

        s = kstore.open_store(store)
        build.build(s)
        base = len(s)
        started = time.perf_counter()
        rdf_import.run(s, Path(source), ox.RdfFormat.N_QUADS, "bench", "bench", check="--ohne-pruefung" not in method)
        s.flush()
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "quads": len(s) - base,
                "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
    started = time.perf_counter()
    if method == "bulk_load":
        s = ox.Store(store)
        s.bulk_load(path=source, format=ox.RdfFormat.N_QUADS)
    elif method == "koopgraph load_triples":
        s = kstore.open_store(store)
        for nt in sorted(Path(source).glob("*/*.nt")):
            build.load_file(s, nt, json.loads((nt.parent / "graph.json").read_text()))
    elif method == "koopgraph build":
        s = kstore.open_store(store)
        build.build(s, Path(source))
    else:
        raise SystemExit(f"unknown method {method}")
    s.flush()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "quads": len(s), "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def measured(cmd: list[str], env: dict | None = None, timeout: float | None = None) -> dict:
    """Run cmd in a child; wall seconds and the child's peak RSS (getrusage of children,
    taken in a fresh wrapper process so earlier children do not count)."""
    wrapper = ("import resource, subprocess, sys, time, json; t = time.perf_counter(); "
               "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "print(json.dumps({'seconds': time.perf_counter() - t, 'rc': r.returncode, 'out': r.stdout[-2000:], "
               "'err': r.stderr[-2000:], 'peak_rss_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))")
    done = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=timeout)
    return json.loads(done.stdout)


# ---------------------------------------------------------------- 1. bulk load

def split_by_graph(nq: Path, folder: Path) -> dict[str, int]:
    """The N-Quads file as data/<graph>/<graph>.nt folders (N-Triples, one per graph)."""
    handles, counts = {}, {}
    with open(nq, encoding="utf-8") as f:
        for line in f:
            body = line.rstrip()
            if not body or body.startswith("#"):
                continue
            triple, graph = body[:-1].rstrip().rsplit(" ", 1)
            iri = graph[1:-1]
            if iri not in handles:
                name = "bench-" + iri.rstrip("/").rsplit("/", 1)[-1]
                (folder / name).mkdir(parents=True, exist_ok=True)
                (folder / name / "graph.json").write_text(json.dumps(iri))
                handles[iri] = open(folder / name / f"{name}.nt", "w", encoding="utf-8")
                counts[iri] = 0
            handles[iri].write(triple + " .\n")
            counts[iri] += 1
    for h in handles.values():
        h.close()
    return counts


def project_copy_with(split: Path, root: Path) -> None:
    """A copy of the project's files (ontology, shapes, data) with the split graphs as
    extra data/ folders (graph.json files are not RDF, so build ignores them)."""
    for name in ("ontology", "shapes", "data", "queries"):
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.geojson", "*.csv"))
    for sub in split.iterdir():
        shutil.copytree(sub, root / "data" / sub.name)


def bench_bulk(label: str, args, work: Path) -> dict:
    nq = b.data_file(label, args.data_dir, args.seed)
    triples = sum(1 for line in open(nq, "rb") if line.strip())
    split = work / f"split-{label}"
    split_by_graph(nq, split)
    root = work / f"root-{label}"
    project_copy_with(split, root)
    sources = {"bulk_load": str(nq), "koopgraph load_triples": str(split), "koopgraph build": str(root),
               "koopgraph import rdf --ohne-pruefung": str(nq), "koopgraph import rdf": str(nq)}
    runs: dict[str, list[dict]] = {m: [] for m in METHODS}
    for rnd in range(args.runs):
        order = METHODS[rnd % len(METHODS):] + METHODS[:rnd % len(METHODS)]
        for method in order:
            store = work / f"store-{label}-{method.replace(' ', '-')}"
            shutil.rmtree(store, ignore_errors=True)
            b.log(f"[load {label}] {method} (round {rnd + 1}) …")
            try:
                done = subprocess.run([sys.executable, __file__, "--child", method, str(store), sources[method]],
                                      capture_output=True, text=True, timeout=args.cap)
                if done.returncode:
                    runs[method].append({"error": done.stderr[-600:]})
                else:
                    runs[method].append(json.loads(done.stdout.strip().splitlines()[-1]))
            except subprocess.TimeoutExpired:
                runs[method].append({"error": f"not done in {args.cap:.0f} s"})
            shutil.rmtree(store, ignore_errors=True)
    out = {"triples": triples, "methods": {}}
    ref = None
    for method in METHODS:
        ok = [r for r in runs[method] if "seconds" in r]
        entry = {"runs": runs[method]}
        if ok:
            entry["seconds"] = statistics.median(r["seconds"] for r in ok)
            # rate over what the store holds afterwards (build also loads the project's files)
            entry["triples_per_s"] = statistics.median(r["quads"] / r["seconds"] for r in ok)
            entry["peak_rss_mib"] = max(r["peak_rss_kib"] for r in ok) / 1024
            entry["quads_in_store"] = ok[0]["quads"]
        if method == "bulk_load":
            ref = runs[method]
        elif ref and ok and all("seconds" in r for r in ref) and len(ref) == len(runs[method]):
            # per-round ratio of rates (= bulk_load seconds / this method's seconds)
            entry["ratio_to_bulk_load"] = statistics.median(
                (r["quads"] / r["seconds"]) / (r0["quads"] / r0["seconds"]) for r0, r in zip(ref, runs[method])
                if "seconds" in r)
        out["methods"][method] = entry
    return out


# ---------------------------------------------------------------- 2. start-up

def startup(store: Path, n: int, work: Path, fresh: bool = False) -> list[float]:
    times = []
    for _ in range(n):
        if fresh:
            shutil.rmtree(store, ignore_errors=True)
        srv = b.koopgraph_server(store, b.free_port(), work)
        try:
            times.append(srv.start(timeout=600))
        finally:
            srv.stop()
    return times


def bench_startup(labels: list[str], args, work: Path) -> dict:
    out = {}
    floor = [measured([b.tool("koopgraph"), "--version"])["seconds"] for _ in range(args.startups)]
    out["koopgraph --version (Python + imports)"] = {"times": floor}
    b.log("[start] empty store directory (builds the project's files) …")
    out["seed, empty directory (builds)"] = {"times": startup(work / "start-fresh", args.startups, work, fresh=True)}
    seed = work / "start-seed"
    b.koopgraph_store(seed, None)
    out["seed, existing store"] = {"times": startup(seed, args.startups, work)}
    for label in labels:
        store = work / f"start-{label}"
        b.log(f"[start] {label} …")
        b.koopgraph_store(store, b.data_file(label, args.data_dir, args.seed))
        first = startup(store, 1, work)
        out[f"{label}, first start after the bulk load"] = {"times": first}
        out[f"{label}, existing store"] = {"times": startup(store, args.startups, work)}
    for entry in out.values():
        entry["median_s"] = statistics.median(entry["times"])
    return out


# ---------------------------------------------------------------- 3. memory under load

def bench_memory(label: str, args, work: Path) -> dict:
    import http_bench as hb
    from koopgraph.domain import questions as kq

    store = work / f"start-{label}"
    if not store.exists():
        b.koopgraph_store(store, b.data_file(label, args.data_dir, args.seed))
    # uncached (the worst case: every request evaluated) where the server can switch its cache off
    extra = ["--no-cache"] if "--no-cache" in b.koopgraph_serve_options() else []
    srv = b.koopgraph_server(store, b.free_port(), work, extra, name=f"koopgraph-memory-{label}")
    out: dict = {"size": label, "options": extra}
    try:
        srv.start()
        pid = srv.proc.pid
        out["rss_after_start_mib"] = b.status_kib(pid, "VmRSS") / 1024
        out["peak_during_start_mib"] = b.status_kib(pid, "VmHWM") / 1024
        out["peak_reset"] = b.reset_peak(pid)
        catalogue = kq.load_queries()
        body = work / "memory-body.rq"
        runs = []
        for name, params in hb.NAMED:
            url = srv.base + f"/queries/{name}" + (f"?{urlencode(params)}" if params else "")
            r = b.wrk(url, duration=args.load_seconds, timeout=30)
            runs.append({"query": name, "rps": r["rps"], "errors": r["errors"]})
            b.wait_idle(srv, cap=60)
        for name, (kind, text) in hb.ADHOC.items():
            if "NOT EXISTS" in name:
                continue  # seconds per request at 1M; adds nothing to the memory picture
            body.write_text(text)
            r = b.wrk(srv.base + "/sparql", method="POST", body_file=body, duration=args.load_seconds, timeout=30)
            runs.append({"query": name, "rps": r["rps"], "errors": r["errors"]})
            b.wait_idle(srv, cap=60)
        del catalogue
        out["runs"] = runs
        out["peak_under_load_mib"] = b.status_kib(pid, "VmHWM") / 1024
        out["rss_after_load_mib"] = b.status_kib(pid, "VmRSS") / 1024
        out["threads"] = len(os.listdir(f"/proc/{pid}/task"))
    finally:
        srv.stop()
    return out


# ---------------------------------------------------------------- 4. municipality import

def bench_import(args, work: Path) -> dict | None:
    if not CSV.exists():
        return None
    rows = sum(1 for _ in open(CSV, encoding="utf-8")) - 1
    out = {"csv": str(CSV), "rows": rows, "runs": []}
    for rnd in range(args.runs):
        store = work / f"import-{rnd}"
        b.koopgraph_store(store, None)
        cmd = [b.tool("koopgraph"), "import", "gemeindeverzeichnis", str(CSV), "--als", "bench", "--store", str(store)]
        b.log(f"[import] round {rnd + 1} …")
        first = measured(cmd, timeout=args.cap)
        again = measured(cmd, timeout=args.cap)
        out["runs"].append({"first": first, "again": again})
        shutil.rmtree(store, ignore_errors=True)
    firsts = [r["first"] for r in out["runs"] if r["first"]["rc"] == 0]
    if firsts:
        out["seconds"] = statistics.median(r["seconds"] for r in firsts)
        out["rows_per_s"] = rows / out["seconds"]
        out["peak_rss_mib"] = max(r["peak_rss_kib"] for r in firsts) / 1024
        out["again_seconds"] = statistics.median(r["again"]["seconds"] for r in out["runs"])
        out["outcome"] = firsts[0]["out"].strip().splitlines()[-1] if firsts[0]["out"].strip() else ""
    else:
        out["error"] = out["runs"][0]["first"]["err"][-800:]
    return out


# ---------------------------------------------------------------- output

def report(res: dict) -> str:
    lines = ["Bulk load into a fresh on-disk store (median of runs; ratio = per-round rate / bulk_load's)", "",
             "| size | method | quads in the store | seconds | quads/s | ratio to bulk_load | peak RSS MiB |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for label, r in res.get("bulk", {}).items():
        for method, e in r["methods"].items():
            if "seconds" not in e:
                err = next((x.get("error", "") for x in e["runs"] if "error" in x), "")
                lines.append(f"| {label} | {method} | {r['triples']:,} | failed: {err.strip().splitlines()[-1][:80] if err else ''} | | | |")
                continue
            ratio = "1" if method == "bulk_load" else f"{e.get('ratio_to_bulk_load', 0):.2f}×"
            lines.append(f"| {label} | {method} | {e['quads_in_store']:,} | {e['seconds']:.1f} | {e['triples_per_s']:,.0f} | "
                         f"{ratio} | {e['peak_rss_mib']:,.0f} |")
    if "startup" in res:
        lines += ["", "Start-up of `koopgraph serve` until /healthz answers", "",
                  "| case | median s | all runs s |", "|---|---:|---|"]
        for case, e in res["startup"].items():
            lines.append(f"| {case} | {e['median_s']:.2f} | {', '.join(f'{t:.2f}' for t in e['times'])} |")
    if "memory" in res:
        m = res["memory"]
        lines += ["", f"Memory of the `koopgraph serve {' '.join(m.get('options', []))}` process at {m['size']} "
                  f"({m.get('threads', '?')} threads)", "",
                  f"- RSS after start: {m['rss_after_start_mib']:,.0f} MiB; peak during start: {m['peak_during_start_mib']:,.0f} MiB",
                  f"- peak under load (VmHWM{' reset after start' if m.get('peak_reset') else ', incl. start'}): "
                  f"{m['peak_under_load_mib']:,.0f} MiB; RSS after the load: {m['rss_after_load_mib']:,.0f} MiB"]
    imp = res.get("import")
    if imp:
        lines += ["", "Germany-wide municipality import (`koopgraph import gemeindeverzeichnis`)", ""]
        if "seconds" in imp:
            lines.append(f"- {imp['rows']:,} rows in {imp['seconds']:.1f} s = {imp['rows_per_s']:,.0f} rows/s, peak RSS "
                         f"{imp['peak_rss_mib']:,.0f} MiB; again (unchanged): {imp['again_seconds']:.1f} s")
            lines.append(f"- {imp['outcome']}")
        else:
            lines.append(f"- failed: {imp.get('error')}")
    lines += ["", "Targets of issue 6", "", "| target | met | measured |", "|---|---|---|"]
    for label, r in res.get("bulk", {}).items():
        if label in ("1m",):
            for method in METHODS[1:]:
                e = r["methods"][method]
                ratio = e.get("ratio_to_bulk_load")
                lines.append(f"| import at {label} ≥ 0.7× bulk_load ({method}) | {'**met**' if ratio and ratio >= 0.7 else 'not met'} | "
                             + (f"{ratio:.2f}× ({e['triples_per_s']:,.0f} vs {r['methods']['bulk_load']['triples_per_s']:,.0f} triples/s)"
                                if ratio else "failed") + " |")
    for case, e in res.get("startup", {}).items():
        if "1m" in case:
            lines.append(f"| start < 2 s on a 1M store ({case}) | {'**met**' if e['median_s'] < 2 else 'not met'} | {e['median_s']:.2f} s |")
    if "memory" in res and res["memory"]["size"] == "1m":
        peak = max(res["memory"]["peak_under_load_mib"], 0)
        lines.append(f"| ≤ 1 GiB RSS per worker at 1M under load | {'**met**' if peak <= 1024 else 'not met'} | {peak:,.0f} MiB |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child(*sys.argv[2:5])))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100k,1m", help="generated sizes for the bulk load; the largest is used for memory")
    ap.add_argument("--runs", type=int, default=2, help="rounds per bulk-load method and import")
    ap.add_argument("--startups", type=int, default=5)
    ap.add_argument("--load-seconds", type=float, default=5, help="wrk seconds per query in the memory test")
    ap.add_argument("--cap", type=float, default=900, help="seconds one load may take")
    ap.add_argument("--skip", default="", help="parts to skip: bulk,startup,memory,import")
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path, default=HERE / "results" / "load.json")
    args = ap.parse_args(argv)
    b.stop_on_sigterm()
    labels = [s for s in args.sizes.split(",") if s and s != "seed"]
    skip = set(args.skip.split(","))
    work = b.tmpdir("kg-load-")
    res: dict = {"versions": b.versions(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                 "args": {k: str(v) for k, v in vars(args).items()}}

    def save() -> None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False))

    try:
        if "bulk" not in skip:
            res["bulk"] = {}
            for label in labels:
                res["bulk"][label] = bench_bulk(label, args, work)
                save()
        if "startup" not in skip:
            res["startup"] = bench_startup(labels[-1:], args, work)
            save()
        if "memory" not in skip and labels:
            res["memory"] = bench_memory(labels[-1], args, work)
            save()
        if "import" not in skip:
            res["import"] = bench_import(args, work)
            save()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(report(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
