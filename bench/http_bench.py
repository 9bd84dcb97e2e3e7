#!/usr/bin/env python3
"""HTTP throughput and latency: `koopgraph serve` side by side with `oxigraph serve` and
rdflib-endpoint, on the same data and the same query texts.

    python bench/http_bench.py [--sizes seed,100k,1m] [--duration 5] [--rounds 3] [--connections 4]

Per size: the project's files are built into a store with `koopgraph build --store DIR`,
the bench/generate.py file for the size (kg-<size>.nq in --data-dir, made if missing) is
bulk-loaded into it, the store is exported as N-Quads with `koopgraph export --format nq`,
and that export is loaded into `oxigraph load` (served with --union-default-graph) and
into an rdflib Dataset(default_union=True) served by rdflib-endpoint
(bench/rdflib_server.py). If `koopgraph serve --help` offers --no-cache, a second
Koopgraph server on a copy of the store runs with it.

Queries: the named questions (Koopgraph answers GET /queries/<name>?params; the peers,
and Koopgraph's /sparql as "koopgraph-sparql", get the question's SPARQL text with the
parameters written in as literals, see peer_text) and ad-hoc SPARQL (POST
application/sparql-query, Accept application/sparql-results+json, to every server;
Koopgraph with --no-cache, and as GET /sparql?query=… to the server with the cache, which
then answers from its cache after the probe).

Every (query, server) first gets one probe request, bounded by --cap seconds; its answer
is compared with Koopgraph's (rows as a multiset of values). A server with no answer in
--cap s is reported as such, not loaded with wrk, and restarted (nothing cancels a running
query). Then wrk (-c --connections, -t2) runs --duration s per server, servers alternating
(A B C A B C …, order rotated each round) for --rounds rounds; after each run the harness
waits until the server is idle again (or restarts it) so no run inherits another's
backlog. Reported: medians over rounds of req/s, p50 and p99 latency, and the median of
the per-round ratios Koopgraph/oxigraph and Koopgraph/rdflib-endpoint. Raw figures go to
--json (default bench/results/http.json).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import benchlib as b  # noqa: E402
from koopgraph.engine import binding  # noqa: E402
from koopgraph.domain import questions as kq  # noqa: E402

ID = "https://w3id.org/koopgraph/id/"
G = ID + "graph/"
PREFIXES = """PREFIX koop: <https://w3id.org/koopgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX sdmxd: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

# (name, parameters) of the named questions measured
NAMED = [
    ("kooperation-nach-region", {}),
    ("kreise-ohne-formale-kooperation", {}),
    ("anschlussqualifikation", {}),
    ("akteure", {"ags": "01003"}),
    ("region-suchen", {"q": "berg"}),
    ("kooperation-und-bevoelkerung", {}),
    ("kreise-ohne-formale-kooperation-betroffene", {}),
    # issue 17: the other questions rewritten over the derived graph (koop:imKreis)
    ("massnahmen", {}),
    ("zusatzleistungen", {}),
    ("frauenhaeuser", {}),
]

LACKING = """  VALUES ?typ { koop:Kreis koop:KreisfreieStadt }
  ?region a ?typ ; koop:kreisschluessel ?ags .
  %s { ?k a koop:Kooperation ; koop:region ?place . ?place koop:liegtIn* ?region . }"""

# name -> (kind, SPARQL); kind "small" = the engine's work does not grow with the graph
ADHOC = {
    "punkt (all properties of one region)": ("small", f"SELECT ?p ?o WHERE {{ <{ID}region/01062> ?p ?o }}"),
    "zaehlen-seed (count of the project's own graphs)": ("small", f"""SELECT (COUNT(*) AS ?n) WHERE {{
  VALUES ?g {{ <{G}ontology> <{G}seed> <{G}shapes> <{G}katalog> }}
  GRAPH ?g {{ ?s ?p ?o }}
}}"""),
    "klassen (instances per class)": ("heavy", "SELECT ?class (COUNT(*) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) ?class"),
    "rollup (population per Land and year over liegtIn*)": ("heavy", PREFIXES + """SELECT ?land ?stichtag (COUNT(*) AS ?einheiten) (SUM(?e) AS ?einwohner) WHERE {
  ?obs qb:measureType koop:einwohner ; sdmxd:refArea ?area ; sdmxd:refPeriod ?stichtag ; koop:einwohner ?e .
  ?area koop:liegtIn* ?land . ?land a koop:Land .
} GROUP BY ?land ?stichtag ORDER BY ?land ?stichtag"""),
    "ohne-kooperation FILTER NOT EXISTS": ("heavy", PREFIXES + "SELECT ?region ?ags WHERE {\n"
                                           + LACKING % "FILTER NOT EXISTS" + "\n} ORDER BY ?ags"),
    "ohne-kooperation MINUS": ("heavy", PREFIXES + "SELECT ?region ?ags WHERE {\n" + LACKING % "MINUS"
                               + "\n} ORDER BY ?ags"),
}

KOOP, KOOP_NC, KOOP_SPARQL, OXI, RDFLIB = "koopgraph", "koopgraph --no-cache", "koopgraph-sparql", "oxigraph", "rdflib-endpoint"
KOOP_BEFORE = "koopgraph-before --no-cache"  # --before-koopgraph: another build of koopgraph, uncached, side by side


# ---------------------------------------------------------------- named question → SPARQL text

def peer_text(sparql: str, terms: dict) -> str:
    """The question's SPARQL with each parameter written in as an RDF term, exactly as
    Koopgraph runs it (koopgraph.bindtext, whose answers are tested to equal pyoxigraph's
    substitutions): the text the peers and Koopgraph's /sparql receive."""
    return binding.bind_text(sparql, terms)


# ---------------------------------------------------------------- answers

def rows_of(body: bytes) -> Counter | None:
    """The answer as a multiset of rows (values only; blank nodes as '_')."""
    try:
        data = json.loads(body)
        names = sorted(data["head"].get("vars", []))
        rows = Counter()
        for row in data["results"]["bindings"]:
            rows[tuple("_" if row.get(v, {}).get("type") in ("bnode",) else _norm(row.get(v)) for v in names)] += 1
        return rows
    except (ValueError, KeyError, TypeError):
        return None


def _norm(cell: dict | None) -> str:
    if cell is None:
        return ""
    value = cell["value"]
    if cell.get("datatype", "").endswith(("#decimal", "#double")):
        try:
            return repr(float(value))
        except ValueError:
            pass
    return value


@dataclass
class Target:
    """One way of asking one server one query."""

    server: str
    url: str
    method: str
    body: bytes | None
    body_file: Path | None = None


def probe(srv: b.Server, t: Target, cap: float) -> b.Answer:
    headers = {"Accept": b.JSON_RESULTS}
    if t.method == "POST":
        headers["Content-Type"] = "application/sparql-query"
    return b.request(t.url, t.method, t.body, headers, timeout=cap)


# ---------------------------------------------------------------- one size

def setup(label: str, args, work: Path, no_cache: bool) -> tuple[dict[str, b.Server], dict]:
    nq = b.data_file(label, args.data_dir, args.seed)
    info: dict = {"size": label, "generated_file": str(nq) if nq else None}
    kg = work / "koopgraph-store"
    b.log(f"[{label}] koopgraph build + bulk_load …")
    info.update(b.koopgraph_store(kg, nq))
    export = work / "export.nq"
    b.log(f"[{label}] koopgraph export --format nq …")
    info["quads"] = b.export_nquads(kg, export)
    b.log(f"[{label}] oxigraph load ({info['quads']:,} quads) …")
    info["oxigraph_load_s"] = round(b.oxigraph_store(work / "oxigraph-store", export), 2)
    servers = {KOOP: b.koopgraph_server(kg, b.free_port(), work, args.koopgraph_args.split(), name="koopgraph")}
    if no_cache:
        shutil.copytree(kg, work / "koopgraph-store-nocache")
        servers[KOOP_NC] = b.koopgraph_server(work / "koopgraph-store-nocache", b.free_port(), work,
                                              ["--no-cache", *args.koopgraph_args.split()], name="koopgraph-nocache")
    if args.before_koopgraph:
        shutil.copytree(kg, work / "koopgraph-store-before")
        before = b.koopgraph_server(work / "koopgraph-store-before", b.free_port(), work, ["--no-cache"],
                                    name="koopgraph-before")
        before.cmd[0] = str(args.before_koopgraph)
        servers[KOOP_BEFORE] = before
    servers[OXI] = b.oxigraph_server(work / "oxigraph-store", b.free_port(), work)
    if label not in args.skip_rdflib.split(","):
        servers[RDFLIB] = b.rdflib_server(export, b.free_port(), work)
    for name, srv in servers.items():
        b.log(f"[{label}] starting {name} …")
        info[f"start_s {name}"] = round(srv.start(), 2)
    # The store must hold what was loaded: a server that rebuilt file-backed graphs at
    # start (files changed since the build) would answer on other data.
    health = json.loads(b.request(servers[KOOP].base + "/healthz").body)
    info["koopgraph_quads"] = health.get("triples")
    if health.get("triples") != info["quads"]:
        raise SystemExit(f"koopgraph serve holds {health.get('triples')} quads, the export {info['quads']}: "
                         "the project's files changed during set-up, run again")
    if KOOP_BEFORE in servers:  # it may have rebuilt graphs from its own checkout's files: say so
        info["koopgraph_before_quads"] = json.loads(b.request(servers[KOOP_BEFORE].base + "/healthz").body).get("triples")
        b.log(f"[{label}] {KOOP_BEFORE} holds {info['koopgraph_before_quads']} quads, the export {info['quads']}")
    return servers, info


def targets_for(servers: dict[str, b.Server], kind: str, query: str) -> list[Target]:
    """kind 'named': query is a question name (with its params in NAMED)."""
    out = []
    if kind == "named":
        name, params = query, dict(NAMED)[query]
        question = kq.load_queries()[name]
        text = peer_text(question.sparql, question.bind(params)).encode()
        path = f"/queries/{name}" + (f"?{urlencode(params)}" if params else "")
        for s in (KOOP, KOOP_NC, KOOP_BEFORE):
            if s in servers:
                out.append(Target(s, servers[s].base + path, "GET", None))
        # the same text through /sparql, uncached where that is possible: /queries vs /sparql
        out.append(Target(KOOP_SPARQL, servers.get(KOOP_NC, servers[KOOP]).base + "/sparql", "POST", text))
    else:
        # ad-hoc SPARQL is measured with the result cache off where it can be switched off
        text = ADHOC[query][1].encode()
        s = KOOP_NC if KOOP_NC in servers else KOOP
        out.append(Target(s, servers[s].base + "/sparql", "POST", text))
        if s != KOOP:
            # and cached: the same text as GET on the server with the cache (the probe
            # fills the cache, so wrk measures the cached-answer path)
            out.append(Target(KOOP, servers[KOOP].base + "/sparql?" + urlencode({"query": text.decode()}), "GET", None))
        if KOOP_BEFORE in servers:
            out.append(Target(KOOP_BEFORE, servers[KOOP_BEFORE].base + "/sparql", "POST", text))
    for s in (OXI, RDFLIB):
        if s in servers:
            out.append(Target(s, servers[s].base + servers[s].sparql_path, "POST", text))
    return out


def server_of(servers: dict[str, b.Server], t: Target) -> b.Server:
    if t.server == KOOP_SPARQL:
        return servers.get(KOOP_NC, servers[KOOP])
    return servers[t.server]


def measure_query(servers, kind: str, query: str, args, work: Path) -> dict:
    targets = targets_for(servers, kind, query)
    result = {"kind": kind, "query": query, "servers": {}}
    reference = None
    live = []
    for t in targets:
        srv = server_of(servers, t)
        answer = probe(srv, t, args.cap)
        entry = {"probe_s": round(answer.seconds, 4), "status": answer.status, "runs": []}
        result["servers"][t.server] = entry
        if answer.status != 200:
            entry["error"] = answer.error or answer.body[:300].decode("utf-8", "replace")
            if answer.status == 0 and answer.seconds >= args.cap * 0.99:
                entry["no_answer_in_s"] = args.cap
            b.log(f"    {t.server}: no answer ({entry['error'][:120]}) – restarting")
            if not b.wait_idle(srv, cap=1.0):
                srv.restart()
            continue
        rows = rows_of(answer.body)
        entry["rows"] = sum(rows.values()) if rows is not None else None
        entry["bytes"] = len(answer.body)
        if reference is None:
            reference = rows
            entry["same_answer"] = True
        else:
            entry["same_answer"] = rows == reference
        if t.method == "POST":
            body_file = work / f"body-{len(live)}.rq"
            body_file.write_bytes(t.body)
            t.body_file = body_file
        else:
            t.body_file = None
        live.append(t)
    order = list(live)
    for rnd in range(-1 if args.warmup else 0, args.rounds):
        turn = order[rnd % len(order):] + order[:rnd % len(order)] if order else []
        for t in turn:
            srv, entry = server_of(servers, t), result["servers"][t.server]
            slow = entry["probe_s"]
            if rnd < 0 and slow > 0.2:
                continue  # the probe was the warm-up
            if rnd > 0 and slow >= args.slow:
                continue  # seconds per request: one round is enough (and all there is time for)
            duration = args.duration if rnd >= 0 else 1
            if rnd >= 0 and 1.5 * args.connections * slow > duration:
                # a server that answers one request at a time needs this long for a few answers
                duration = min(1.5 * args.connections * slow, 3 * args.cap)
            figures = b.wrk(t.url, method=t.method, body_file=t.body_file, duration=duration,
                            connections=args.connections, threads=args.threads, timeout=args.cap)
            if not b.wait_idle(srv, cap=args.cap):
                b.log(f"    {t.server} still busy {args.cap} s after the run – restarting")
                srv.restart()
                figures["restarted"] = True
            if rnd >= 0:
                entry["runs"].append(figures)
    summarise(result, args.cap)
    return result


def summarise(result: dict, cap: float) -> None:
    """Medians over the rounds and the per-round ratios, from the raw wrk figures.
    A run whose answers all came later than wrk's --timeout has requests but no
    recorded latency (wrk drops latencies over its timeout): it counts as no answer."""
    for entry in result["servers"].values():
        runs = entry.get("runs")
        if entry.get("status") != 200 or runs is None:
            continue
        for r in runs:
            if r["requests"] and not r["p50_us"]:
                r["late"] = r["requests"]
                r["rps"] = 0.0
        ok = [r for r in runs if r["rps"]]
        entry["rps"] = statistics.median(r["rps"] for r in runs) if runs else 0.0
        entry["p50_ms"] = statistics.median(r["p50_us"] for r in ok) / 1000 if ok else None
        entry["p99_ms"] = statistics.median(r["p99_us"] for r in ok) / 1000 if ok else None
        entry["errors"] = sum(r["errors"] for r in runs)
        entry["status_errors"] = sum(r["status_errors"] for r in runs)
        if not ok:
            entry["no_answer_in_s"] = max([r["duration_us"] / 1e6 for r in runs] + [cap])
    result.pop("ratios", None)
    result.pop("lower_bounds", None)
    # per-round ratios, Koopgraph over each peer
    for mine in (KOOP, KOOP_NC, KOOP_SPARQL, KOOP_BEFORE):
        me = result["servers"].get(mine)
        if not me or not me.get("runs"):
            continue
        for peer in (OXI, RDFLIB):
            other = result["servers"].get(peer)
            key = f"{mine}/{peer}"
            if not other:
                continue
            runs = other.get("runs") or []
            if runs and all(r["rps"] for r in runs):
                if len(runs) == len(me["runs"]):  # per-round ratios, then their median
                    ratio = statistics.median(m["rps"] / o["rps"] for m, o in zip(me["runs"], runs))
                else:  # a slow peer measured in one round only
                    ratio = me["rps"] / other["rps"]
                result.setdefault("ratios", {})[key] = ratio
            elif not me["rps"]:
                result.setdefault("ratios", {})[key] = None  # neither answered under load
            else:
                # the peer answered nothing within its time: at least this many times faster
                waited = max([r["duration_us"] / 1e6 for r in runs] + [other.get("no_answer_in_s") or cap])
                if other.get("status") == 200 and other.get("probe_s"):
                    waited = other["probe_s"]  # it answered alone in this time: at most 1/probe_s req/s
                result.setdefault("ratios", {})[key] = me["rps"] * waited
                result.setdefault("lower_bounds", []).append(key)


def bench_size(label: str, args, no_cache: bool) -> dict:
    work = b.tmpdir(f"kg-http-{label}-")
    servers, info = setup(label, args, work, no_cache)
    out = {"info": info, "queries": []}
    try:
        todo = [("named", n) for n, _ in NAMED] + [("adhoc", q) for q in ADHOC]
        if args.only:
            todo = [(k, q) for k, q in todo if re.search(args.only, q)]
        for kind, query in todo:
            b.log(f"[{label}] {query}")
            res = measure_query(servers, kind, query, args, work)
            out["queries"].append(res)
            print_query(label, res)
        for name, srv in servers.items():
            info[f"peak_rss_mib {name}"] = round(srv.peak_kib() / 1024, 1)
    finally:
        for srv in servers.values():
            srv.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            b.log(f"[{label}] kept {work}")
    return out


# ---------------------------------------------------------------- output

def fmt_rps(e: dict | None) -> str:
    if e is None:
        return "–"
    if e.get("status") == 503:
        return f"503 after {e['probe_s']:.0f} s"
    if e.get("runs") and e["p50_ms"] is None:
        return f"none under load ({e['no_answer_in_s']:.0f} s; alone: {e['probe_s']:.1f} s)"
    if e.get("no_answer_in_s") is not None and not e.get("runs"):
        return f"no answer in {e.get('no_answer_in_s', 0):.0f} s"
    if e.get("status") != 200:
        return f"HTTP {e.get('status')}"
    return f"{e['rps']:,.1f}" if e["rps"] < 100 else f"{e['rps']:,.0f}"


def fmt_ms(v: float | None) -> str:
    return "–" if v is None else (f"{v:.2f}" if v < 10 else f"{v:,.0f}")


def fmt_ratio(v) -> str:
    return "–" if v is None else (f"{v:.2f}×" if v < 10 else f"{v:,.0f}×")


def print_query(label: str, res: dict) -> None:
    for name, e in res["servers"].items():
        extra = "" if e.get("same_answer", True) else "  (answer differs)"
        print(f"  {label:>5} {res['query'][:48]:48} {name:22} {fmt_rps(e):>18} req/s  p50 {fmt_ms(e.get('p50_ms')):>7} ms  "
              f"p99 {fmt_ms(e.get('p99_ms')):>7} ms  rows {e.get('rows', '–')}{extra}", flush=True)


def table(results: dict) -> str:
    lines = []
    servers = [KOOP, KOOP_NC, KOOP_SPARQL, KOOP_BEFORE, OXI, RDFLIB]
    present = [s for s in servers if any(s in q["servers"] for r in results["sizes"].values() for q in r["queries"])]
    head = "| size | query | " + " | ".join(f"{s} req/s (p50/p99 ms)" for s in present)
    head += " | K/oxigraph | K uncached/oxigraph | K/rdflib | rows |"
    lines += [head, "|" + "---|" * (head.count("|") - 1)]
    for label, r in results["sizes"].items():
        for q in r["queries"]:
            cells = []
            for s in present:
                e = q["servers"].get(s)
                if e is None:
                    cells.append("")
                    continue
                cell = fmt_rps(e)
                if e.get("p50_ms") is not None:
                    cell += f" ({fmt_ms(e['p50_ms'])}/{fmt_ms(e['p99_ms'])})"
                if e.get("status") == 200 and not e.get("same_answer", True):
                    cell += " ≠"
                if e.get("status_errors"):
                    cell += f" [{e['status_errors']} non-2xx]"
                cells.append(cell)
            first = KOOP_NC if q["kind"] == "adhoc" and KOOP_NC in q["servers"] else KOOP
            ratios = q.get("ratios", {})
            ko, kr = ratios.get(f"{first}/{OXI}"), ratios.get(f"{first}/{RDFLIB}")
            kr_text = fmt_ratio(kr)
            if f"{first}/{RDFLIB}" in q.get("lower_bounds", []):
                kr_text = "> " + kr_text
            if f"{first}/{OXI}" in q.get("lower_bounds", []):
                kr_text += " (oxigraph: no answer)"
            rows = {e.get("rows") for e in q["servers"].values() if e.get("rows") is not None}
            name = q["query"] if q["kind"] == "adhoc" else f"/queries/{q['query']}"
            knc = ratios.get(f"{KOOP_NC}/{OXI}") if q["kind"] == "named" else None
            if q["kind"] == "adhoc" and KOOP in q["servers"] and first == KOOP_NC:
                ko, knc = ratios.get(f"{KOOP}/{OXI}"), ratios.get(f"{KOOP_NC}/{OXI}")  # cached, uncached
            lines.append(f"| {label} | {name} | " + " | ".join(cells) + f" | {fmt_ratio(ko)} | {fmt_ratio(knc)} | {kr_text} | "
                         + "/".join(str(x) for x in sorted(rows)) + " |")
    return "\n".join(lines)


def targets(results: dict) -> str:
    """Each target of issue 6 that this benchmark measures, met or not, per size."""
    lines = []
    for label, r in results["sizes"].items():
        for q in r["queries"]:
            ratios, srv = q.get("ratios", {}), q["servers"]
            if q["kind"] == "named":
                goal = 1 if label == "seed" else 10
                ko = ratios.get(f"{KOOP}/{OXI}")
                lines.append((label, f"/queries/{q['query']}", f"≥ {goal}× oxigraph req/s", ko is not None and ko >= goal,
                              fmt_ratio(ko)))
                if label in ("1m", "5m"):
                    uncached = srv.get(KOOP_NC) or srv.get(KOOP)
                    p50 = uncached.get("p50_ms") if uncached else None
                    lines.append((label, f"/queries/{q['query']}", "p50 < 50 ms uncached", p50 is not None and p50 < 50,
                                  f"{fmt_ms(p50)} ms"))
            else:
                mine = KOOP_NC if KOOP_NC in srv else KOOP
                ko = ratios.get(f"{mine}/{OXI}")
                kind = ADHOC[q["query"]][0]
                oxi_p50 = (srv.get(OXI) or {}).get("probe_s", 0) * 1000
                if kind == "small":
                    lines.append((label, q["query"], "≥ 0.4× oxigraph (small)", ko is not None and ko >= 0.4, fmt_ratio(ko)))
                elif label != "seed" and oxi_p50 >= 5:
                    lines.append((label, q["query"], "≥ 0.9× oxigraph (engine ≥ 5 ms)", ko is not None and ko >= 0.9,
                                  fmt_ratio(ko)))
            mine = KOOP_NC if q["kind"] == "adhoc" and KOOP_NC in srv else KOOP
            if RDFLIB in srv:
                kr = ratios.get(f"{mine}/{RDFLIB}")
                bound = f"{mine}/{RDFLIB}" in q.get("lower_bounds", [])
                lines.append((label, q["query"] if q["kind"] == "adhoc" else f"/queries/{q['query']}",
                              "≥ 50× rdflib-endpoint", kr is not None and kr >= 50,
                              ("> " if bound else "") + fmt_ratio(kr) + (" (rdflib: no answer)" if bound else "")))
    out = ["| size | query | target | met | measured |", "|---|---|---|---|---|"]
    out += [f"| {a} | {b_} | {c} | {'**met**' if d else 'not met'} | {e} |" for a, b_, c, d, e in lines]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="seed,100k,1m", help="comma-separated: seed, 100k, 1m, 5m, …")
    ap.add_argument("--duration", type=float, default=5, help="seconds of wrk per server, query and round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--cap", type=float, default=15, help="seconds a single request may take")
    ap.add_argument("--slow", type=float, default=1.0,
                    help="a server whose probe took this many seconds or more is measured in one round only")
    ap.add_argument("--no-warmup", dest="warmup", action="store_false")
    ap.add_argument("--skip-rdflib", default="", help="sizes without rdflib-endpoint, e.g. 5m")
    ap.add_argument("--koopgraph-args", default="", help="extra options for koopgraph serve, e.g. '--threads 8'")
    ap.add_argument("--before-koopgraph", type=Path, default=None,
                    help="the koopgraph command of another checkout (its venv's bin/koopgraph): served --no-cache "
                         "beside the others, for before/after comparisons in one run")
    ap.add_argument("--only", default="", help="regular expression: measure only matching queries")
    ap.add_argument("--data-dir", type=Path, default=Path("/tmp"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the stores and logs")
    ap.add_argument("--json", type=Path, default=HERE / "results" / "http.json")
    ap.add_argument("--report", type=Path, default=None, help="only print the tables of a saved --json file")
    args = ap.parse_args(argv)
    b.stop_on_sigterm()
    if args.report:
        results = json.loads(args.report.read_text())
        cap = float(results["args"]["cap"])
        for r in results["sizes"].values():
            for q in r["queries"]:
                summarise(q, cap)
        print(table(results))
        print()
        print(targets(results))
        return 0

    no_cache = "--no-cache" in b.koopgraph_serve_options()
    results = {"versions": b.versions(), "no_cache_option": no_cache, "args": {k: str(v) for k, v in vars(args).items()},
               "started": time.strftime("%Y-%m-%d %H:%M:%S"), "sizes": {}}
    b.log(f"koopgraph serve --no-cache: {'yes' if no_cache else 'not offered'}")
    for label in args.sizes.split(","):
        results["sizes"][label] = bench_size(label, args, no_cache)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print()
    print(table(results))
    print()
    print(targets(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
