#!/usr/bin/env python3
"""The named questions through Koopgraph on OpenLink Virtuoso (`--backend sparql`) beside
the embedded store, on the same generated graph (issue 17).

    .venv/bin/python bench/virtuoso_bench.py [--size 1m] [--runs 5] [--json bench/results/virtuoso-17-1m.json]

Data: exactly as bench/http_bench.py prepares it (benchlib.koopgraph_store: `koopgraph
build`, the generated file bulk-loaded, the derived graph recomputed), exported once as
N-Quads; that export is loaded into a fresh Virtuoso (tests/remotekg.virtuoso_server, with
more buffers) by its bulk loader (ld_dir + rdf_loader_run), so both hold the same quads.
Then every named question (its example parameters) through Koopgraph's app in this
process, uncached, one request at a time: the embedded store on disk (queries evaluated
in-process, QUERY_PROCESSES off) and Virtuoso, alternating A B / B A, --runs timed runs
after one warm-up each; medians in ms, the ratio Virtuoso / embedded, and whether the rows
are equal (concatenated parts and numbers compared by value; the rows that differ are shown).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

import benchlib as b  # noqa: E402
import remotekg  # noqa: E402
from koopgraph import content  # noqa: E402
from koopgraph.engine import embedded  # noqa: E402
from koopgraph.namespaces import VERSION_GRAPH  # noqa: E402
from koopgraph.web.app import create_app  # noqa: E402

# 1M quads do not fit the tests' 10,000 buffers (80 MB) well: about 1.3 GB here
remotekg._VIRTUOSO_INI = (remotekg._VIRTUOSO_INI.replace("NumberOfBuffers = 10000", "NumberOfBuffers = 170000")
                          .replace("MaxDirtyBuffers = 6000", "MaxDirtyBuffers = 130000"))


def isql(folder: Path, script: str, timeout: float = 1800) -> str:
    port = re.search(r"\[Parameters\]\nServerPort = 127\.0\.0\.1:(\d+)", (folder / "virtuoso.ini").read_text())[1]
    _, tool = remotekg.virtuoso_executables()
    done = subprocess.run([tool, port, "dba", "dba", "VERBOSE=OFF", "ERRORS=STDOUT"], input=script + "\nEXIT;\n",
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or "Error" in done.stdout:
        raise SystemExit(f"isql: {done.stdout[-2000:]} {done.stderr[-2000:]}")
    return done.stdout


def fingerprints(store: Path) -> dict[str, str]:
    """The file graphs' fingerprints recorded in an embedded store (read-only)."""
    return embedded.open_read_only(store).fingerprints()


def rows(response) -> list:
    """The answer's rows as sorted tuples of comparable values: the parts of a
    concatenation in sorted order (SPARQL leaves GROUP_CONCAT's order open) and
    numbers by value (engines write 15, 15.0 or 1.5E1)."""
    data = response.get_json()
    names = sorted(data["head"]["vars"])
    return sorted(tuple(comparable((r.get(v) or {}).get("value", "")) for v in names) for r in data["results"]["bindings"])


def comparable(value: str) -> str:
    for separator in (" | ", "; "):  # notes (" | ") may themselves hold "; "
        if separator in value:
            return separator.join(sorted(value.split(separator)))
    try:
        return repr(float(value))
    except ValueError:
        return value


def differences(a: list, b: list, shown: int = 3) -> dict:
    """What one answer has that the other lacks (a few rows of each)."""
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    return {"rows": [len(a), len(b)], "only_embedded": only_a[:shown], "only_virtuoso": only_b[:shown]}


def timed(client, url: str, cap_s: float) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(url, headers={"Accept": "application/sparql-results+json"})
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        return float("nan"), response.get_data(as_text=True)[:300]
    return elapsed, response


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", default="1m")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="", help="regular expression over the question names")
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp"))
    ap.add_argument("--cap", type=float, default=60, help="a question slower than this (ms × 1000) is timed once")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    nq = b.data_file(args.size, args.data_dir)
    out: dict = {"size": args.size, "runs": args.runs, "versions": b.versions(), "questions": {}}
    with tempfile.TemporaryDirectory(prefix="kg-virtuoso-") as tmp:
        work = Path(tmp)
        kg = work / "koopgraph-store"
        b.log(f"[{args.size}] koopgraph build + bulk_load + rederive …")
        out.update(b.koopgraph_store(kg, nq))
        vfolder = work / "virtuoso"
        vfolder.mkdir()
        b.log(f"[{args.size}] koopgraph export --format nq …")
        out["quads"] = b.export_nquads(kg, vfolder / "export.nq")
        with remotekg.virtuoso_server(vfolder) as engine:
            b.log(f"[{args.size}] Virtuoso bulk load of {out['quads']:,} quads …")
            started = time.perf_counter()
            isql(vfolder, f"ld_dir('{vfolder}', 'export.nq', 'urn:koopgraph:bench:default');\n"
                          "rdf_loader_run();\ncheckpoint;")
            out["virtuoso_load_s"] = round(time.perf_counter() - started, 1)
            counted = isql(vfolder, "SPARQL SELECT COUNT(*) WHERE { GRAPH ?g { ?s ?p ?o } "
                                    "FILTER (STRSTARTS(STR(?g), 'https://w3id.org/koopgraph/')) };")
            out["virtuoso_quads_all_graphs"] = (re.findall(r"^\s*(\d+)\s*$", counted, re.M) or ["?"])[-1]
            b.log(f"[{args.size}] loaded in {out['virtuoso_load_s']} s; Virtuoso counts {out['virtuoso_quads_all_graphs']} "
                  "in Koopgraph's graphs")
            # The packaged files' fingerprints, as the embedded store records them (the export
            # leaves Koopgraph's version graph out): without them the app would rebuild the file
            # graphs on Virtuoso at start and drop the generated regions in …/graph/opendata.
            remotekg.store_at(engine).set_fingerprints(fingerprints(kg))
            common = {"TESTING": True, "RESOURCES": str(content.root()), "CACHE": False, "LOG_REQUESTS": False,
                      "MAX_RESULT_ROWS": 10_000_000, "QUERY_PROCESSES": False}
            apps = {"embedded": create_app(common | {"STORE": str(kg)}),
                    "virtuoso": create_app(common | remotekg.settings(engine))}
            clients = {name: app.test_client() for name, app in apps.items()}
            out["virtuoso_quads_after_start"] = int(next(iter(remotekg.store_at(engine).query(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), 'https://w3id.org/koopgraph/')"
                f" && ?g != <{VERSION_GRAPH}>) }}")))["n"].value)
            b.log(f"[{args.size}] after the apps started: Virtuoso holds {out['virtuoso_quads_after_start']:,} quads "
                  f"(the export {out['quads']:,})")
            if out["virtuoso_quads_after_start"] != out["quads"]:
                raise SystemExit("Virtuoso no longer holds the embedded store's data: the comparison would be void")
            questions = clients["embedded"].get("/queries").get_json()["queries"]
            print(f"\n{'question':45} {'embedded ms':>12} {'Virtuoso ms':>12} {'V/emb.':>8}  rows")
            for q in questions:
                if args.only and not re.search(args.only, q["name"]):
                    continue
                url = "/queries/" + q["name"] + "?" + "&".join(f"{p['name']}={p['example']}" for p in q["params"]
                                                               if p.get("example") is not None)
                first = {name: timed(c, url, args.cap) for name, c in clients.items()}  # warm-up, answers
                same, diff = None, None
                if all(not isinstance(r, str) for _, r in first.values()):
                    answers = {name: rows(response) for name, (_, response) in first.items()}
                    same = answers["embedded"] == answers["virtuoso"]
                    diff = None if same else differences(answers["embedded"], answers["virtuoso"])
                times = {name: [] for name in clients}
                slow = any(ms > args.cap * 1000 for ms, _ in first.values())
                for run in range(1 if slow else args.runs):
                    order = list(clients.items()) if run % 2 == 0 else list(reversed(clients.items()))
                    for name, c in order:
                        times[name].append(timed(c, url, args.cap)[0])
                med = {n: statistics.median(t) for n, t in times.items()}
                errors = {n: r for n, (_, r) in first.items() if isinstance(r, str)}
                out["questions"][q["name"]] = {"url": url, "median_ms": med, "times_ms": times,
                                               "rows_equal": same, "differences": diff,
                                               "errors": errors}
                print(f"{q['name']:45} {med['embedded']:12.1f} {med['virtuoso']:12.1f} "
                      f"{med['virtuoso'] / med['embedded']:7.2f}×  {'=' if same else ('≠' if same is False else errors)}",
                      flush=True)
                if diff:
                    print(f"    {diff}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
