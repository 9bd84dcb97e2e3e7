#!/usr/bin/env python3
"""How long does checking a new 20-triple record take, as the store grows?

    python bench/validation_bench.py [--sizes seed,100k,1m] [--runs 50] [--store memory|disk]

For every size the store is built like the server builds it (koopgraph.store.build of
the project's files) plus, except at "seed", a file from bench/generate.py
(Store.bulk_load; made in --data-dir if missing). Then
koopgraph.validation.check_change(store, Change(inserts=record)) is timed: a few
warm-up calls, then --runs calls, interleaved with the prototypes of bench/fastcheck.py
(cached pySHACL shapes, changed nodes only, pyshacl-turbo), so that all variants see
the same machine noise. Every variant's results are compared with check_change's on the
good record and on every broken record of tests/shapes/invalid/.

At "seed" and 100k it also times pySHACL's own focus_nodes option over the whole graph as
an rdflib Graph (the approach check_change avoids), and checks whether that option finds
the violations check_change finds. At "seed" it times a full validation of the project's
data with pySHACL and with pyshacl-turbo and compares their result sets.

--profile adds a cProfile breakdown of check_change at the largest size.
Results go to --json (default bench/results/validation.json) and a table to stdout.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import pyoxigraph as ox  # noqa: E402
import pyshacl  # noqa: E402
import rdflib  # noqa: E402
from rdflib import Graph, URIRef  # noqa: E402

import fastcheck  # noqa: E402
import generate  # noqa: E402
from koopgraph import content
from koopgraph.writes import build
from koopgraph import engine as kstore
from koopgraph.domain import validation  # noqa: E402
from koopgraph.namespaces import SHAPES_GRAPH# noqa: E402

try:
    import pyshacl_turbo
except ImportError:  # optional
    pyshacl_turbo = None

ID = "https://w3id.org/koopgraph/id/"
KOOP = "https://w3id.org/koopgraph/ontology#"
TARGET_MS = 15.0
RECORD = ox.NamedNode(ID + "kooperation/bench-messung-ostholstein")


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def koop(name: str) -> ox.NamedNode:
    return n(KOOP + name)


# ---------------------------------------------------------------- stores and the record


def build_store(nq: Path | None, kind: str, tmp: Path) -> tuple[ox.Store, dict]:
    started = time.perf_counter()
    path = None if kind == "memory" else tmp / f"store-{nq.stem if nq else 'seed'}"
    s = kstore.open_store(path)
    build.build(s, content.root())
    built = time.perf_counter()
    if nq is not None:
        s.native.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    loaded = time.perf_counter()
    if path is not None:
        s.optimize()
    return s, {"quads": len(s), "build_s": round(built - started, 2), "bulk_load_s": round(loaded - built, 2)}


def _first(s: ox.Store, sparql: str, limit: int) -> list[ox.NamedNode]:
    return [row[0] for row in kstore.query(s, sparql)][:limit]


def make_record(s: ox.Store, generated: bool) -> tuple[ox.Triple, ...]:
    """A new written agreement in Ostholstein (20 triples), pointing to generated
    organisations and a generated Gemeinde when the store has them, else to the
    project's own (at the seed size)."""
    bench = 'FILTER(STRSTARTS(STR(?o), "https://w3id.org/koopgraph/id/organisation/bench-"))' if generated else ""
    orgs = _first(s, f"""PREFIX koop: <{KOOP}>
        SELECT DISTINCT ?o WHERE {{ ?o a koop:Organisation ; koop:region ?r .
        ?r koop:liegtIn* <{ID}region/01055> {bench} }} ORDER BY ?o""", 4)
    if len(orgs) < 4:
        orgs += [o for o in _first(s, f"PREFIX koop: <{KOOP}> SELECT DISTINCT ?o WHERE {{ ?o a koop:Organisation }} ORDER BY ?o", 8)
                 if o not in orgs][:4 - len(orgs)]
    (gemeinde,) = _first(s, f"""PREFIX koop: <{KOOP}>
        SELECT ?g WHERE {{ ?g a koop:Gemeinde ; koop:liegtIn <{ID}region/01055> }} ORDER BY DESC(?g)""", 1)
    kform, kstatus = ID + "kooperationsform/", ID + "kooperationsstatus/"
    rdfs_label = n("http://www.w3.org/2000/01/rdf-schema#label")
    r = RECORD
    triples = [
        (r, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), koop("Kooperation")),
        (r, rdfs_label, ox.Literal("Kooperationsvereinbarung Jobcenter und Migrationsdienste Ostholstein", language="de")),
        (r, rdfs_label, ox.Literal("Cooperation agreement job centre and migration services Ostholstein", language="en")),
        (r, koop("region"), n(ID + "region/01055")),
        (r, koop("region"), gemeinde),
        (r, koop("kooperationsform"), n(kform + "kooperationsvereinbarung")),
        (r, koop("status"), n(kstatus + "besteht")),
        *((r, koop("beteiligt"), o) for o in orgs),
        (r, koop("initiator"), orgs[0]),
        (r, koop("haeufigkeit"), n(ID + "haeufigkeit/vierteljaehrlich")),
        (r, koop("ebene"), n(ID + "ebene/kreisebene")),
        (r, koop("ziel"), ox.Literal("Zuständigkeiten klären", language="de")),
        (r, koop("ziel"), ox.Literal("Übergänge aus dem Integrationskurs verbessern", language="de")),
        (r, koop("ziel"), ox.Literal("Doppelberatung vermeiden", language="de")),
        (r, koop("seit"), ox.Literal("2026", datatype=n("http://www.w3.org/2001/XMLSchema#gYear"))),
        (r, koop("anzahlTreffen"), ox.Literal("4", datatype=n("http://www.w3.org/2001/XMLSchema#integer"))),
        (r, n("http://purl.org/dc/terms/source"), ox.Literal("Unterzeichnete Vereinbarung vom 2. März 2026", language="de")),
    ]
    out = tuple(ox.Triple(*t) for t in triples)
    assert len(out) == 20, len(out)
    return out


def broken_records() -> list[tuple[str, tuple[ox.Triple, ...]]]:
    folder = REPO / "tests" / "shapes"
    return [(p.name, tuple(q.triple for q in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE)))
            for p in sorted((folder / "invalid").glob("*.ttl")) + sorted((folder / "valid").glob("*.ttl"))]


def union_graph(s: ox.Store, extra: tuple[ox.Triple, ...] = ()) -> Graph:
    """Everything but the shapes, as one rdflib Graph (what pySHACL would be given)."""
    text = s.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{SHAPES_GRAPH}>) }}")
    graph = Graph().parse(data=text.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")
    if extra:
        graph.parse(data="".join(f"{t} .\n" for t in extra), format="nt")
    return graph


# ---------------------------------------------------------------- timing


def summary(times_ms: list[float]) -> dict:
    ordered = sorted(times_ms)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return {"median_ms": round(statistics.median(ordered), 2), "p90_ms": round(p90, 2),
            "min_ms": round(ordered[0], 2), "runs": len(ordered)}


def interleaved(calls: dict, runs: int, warmup: int) -> dict[str, dict]:
    """Time every call runs times, rotating their order each round."""
    names = list(calls)
    for _ in range(warmup):
        for name in names:
            calls[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(runs):
        order = names[i % len(names):] + names[:i % len(names)]
        for name in order:
            started = time.perf_counter()
            calls[name]()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: summary(t) for name, t in times.items()}


def result_set(report_graph: Graph, shapes: Graph) -> set[tuple]:
    return {(r.focus_node, r.path, r.component, r.source_shape) for r in fastcheck.results(report_graph, shapes)}


# ---------------------------------------------------------------- the parts


def engines_for(shapes: Graph) -> dict:
    out = {
        "pyshacl, cached shapes": fastcheck.PyshaclEngine(shapes),
        "pyshacl, cached shapes, changed nodes only": fastcheck.PyshaclEngine(shapes, restrict=True),
    }
    if pyshacl_turbo is not None:
        out["pyshacl-turbo, compiled shapes, changed nodes only"] = fastcheck.TurboEngine(shapes, restrict=True)
    return out


def agreement(s: ox.Store, record, shapes: Graph, engines: dict, with_fixtures: bool) -> dict:
    """Do the prototypes report exactly what check_change reports?"""
    cases = [("bench record", record)] + (broken_records() if with_fixtures else [])
    out = {name: [] for name in engines}
    for case, triples in cases:
        change = validation.Change(inserts=triples)
        want = fastcheck.result_key(validation.check_change(s, change, shapes))
        for name, engine in engines.items():
            got = fastcheck.result_key(fastcheck.check(s, change, engine, shapes))
            if got != want:
                out[name].append({"case": case, "check_change": sorted(want), "engine": sorted(got)})
    return {"cases": len(cases), "differences": out}


def time_check_change(s: ox.Store, record, shapes: Graph, engines: dict, runs: int, warmup: int) -> dict:
    change = validation.Change(inserts=record)
    report = validation.check_change(s, change, shapes)
    assert report.conforms, [(r.focus_node, r.path, r.component) for r in report.results]
    calls = {"check_change (current)": lambda: validation.check_change(s, change, shapes)}
    for name, engine in engines.items():
        calls[name] = (lambda e=engine: fastcheck.check(s, change, e, shapes))
    gc.collect()
    return interleaved(calls, runs, warmup)


def time_whole_graph_focus(s: ox.Store, record, shapes: Graph, runs: int) -> dict:
    """pySHACL (and pyshacl-turbo) with focus_nodes over the whole graph + the record."""
    started = time.perf_counter()
    graph = union_graph(s, record)
    load_s = time.perf_counter() - started
    focus = [RECORD.value]
    out = {"rdflib_graph_triples": len(graph), "rdflib_load_s": round(load_s, 2)}
    calls = {"pyshacl focus_nodes, whole graph": lambda: pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", focus_nodes=focus)}
    if pyshacl_turbo is not None:
        program = pyshacl_turbo.compile_shapes(shapes)
        calls["pyshacl-turbo focus_nodes, whole graph"] = lambda: program.validate(graph, focus_nodes=focus)
    for name, call in calls.items():
        conforms, _, _ = call()
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        out[name] = summary(times) | {"conforms": bool(conforms)}
    return out


def focus_nodes_misses(s: ox.Store, shapes: Graph) -> dict:
    """Broken records whose violation pySHACL's focus_nodes option does not report."""
    graph = union_graph(s)
    misses = []
    cases = broken_records()
    for case, triples in cases:
        want = fastcheck.result_key(validation.check_change(s, validation.Change(inserts=triples), shapes))
        data = graph + Graph().parse(data="".join(f"{t} .\n" for t in triples), format="nt")
        focus = sorted({t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)})
        _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", focus_nodes=focus)
        got = result_set(report, shapes)
        if not want <= got:
            misses.append({"case": case, "missing": sorted(want - got)})
    return {"cases": len(cases), "missed": misses}


def full_seed(s: ox.Store, shapes: Graph, runs: int) -> dict:
    """Full validation of the project's data: pySHACL vs pyshacl-turbo, same results?"""
    graph = union_graph(s)
    broken = Graph()
    for _, triples in broken_records():
        broken.parse(data="".join(f"{t} .\n" for t in triples), format="nt")
    out = {"triples": len(graph)}
    engines = {"pyshacl": lambda g: pyshacl.validate(g, shacl_graph=shapes, inference="none")}
    if pyshacl_turbo is not None:
        engines["pyshacl-turbo"] = lambda g: pyshacl_turbo.validate(g, shacl_graph=shapes)
        program = pyshacl_turbo.compile_shapes(shapes)
        engines["pyshacl-turbo, compiled shapes"] = lambda g: program.validate(g)
    sets = {}
    for name, run in engines.items():
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            conforms, report, _ = run(graph)
            times.append((time.perf_counter() - started) * 1000)
        _, broken_report, _ = run(graph + broken)
        sets[name] = (result_set(report, shapes), result_set(broken_report, shapes))
        out[name] = summary(times) | {"conforms": bool(conforms), "results": len(sets[name][0]),
                                      "results_with_broken_records": len(sets[name][1])}
    if "pyshacl-turbo" in sets:
        same = sets["pyshacl"] == sets["pyshacl-turbo"] == sets["pyshacl-turbo, compiled shapes"]
        out["same_results"] = same
        if not same:
            a, b = sets["pyshacl"][1], sets["pyshacl-turbo"][1]
            out["only_pyshacl"], out["only_turbo"] = sorted(a - b)[:20], sorted(b - a)[:20]
    return out


def profile(s: ox.Store, record, shapes: Graph, calls: int = 100) -> dict:
    """Where check_change's time goes (cProfile, cumulative seconds per call)."""
    change = validation.Change(inserts=record)
    for _ in range(5):
        validation.check_change(s, change, shapes)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        validation.check_change(s, change, shapes)
    prof.disable()
    stats = pstats.Stats(prof).stats

    def cum(file_end: str, func: str) -> float:
        return sum(v[3] for (f, _, fn), v in stats.items() if f.endswith(file_end) and fn == func)

    total = cum("koopgraph/validation.py", "check_change")
    validate = cum("koopgraph/validation.py", "validate")
    run = cum("pyshacl/validator.py", "run")
    parts = {
        "building the view (pyoxigraph lookups, rdflib adds)": total - validate,
        "pySHACL: rebuilding the ShapesGraph": cum("pyshacl/shapes_graph.py", "_build_node_shape_cache"),
        "pySHACL: report graph": cum("pyshacl/validator.py", "create_validation_report"),
        "koopgraph: reading the report (_results)": cum("koopgraph/validation.py", "_results"),
        "pySHACL entry point (loading inputs, Validator setup)": cum("pyshacl/entrypoints.py", "validate") - run,
    }
    parts["pySHACL: validating the view's nodes"] = (run - parts["pySHACL: rebuilding the ShapesGraph"]
                                                      - parts["pySHACL: report graph"])
    sparql = cum("constraints/sparql/sparql_based_constraints.py", "evaluate")
    shapes_validated = sum(v[1] for (f, _, fn), v in stats.items() if f.endswith("pyshacl/shape.py") and fn == "validate")
    return {"calls": calls, "total_ms_per_call_under_cprofile": round(total / calls * 1000, 2),
            "share": {k: round(v / total, 3) for k, v in parts.items()},
            "share_sparql_constraints_within_validating": round(sparql / total, 3),
            "shape_validations_per_call": round(shapes_validated / calls, 1)}


# ---------------------------------------------------------------- main


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = next((int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    import importlib.metadata as md

    def version(dist: str) -> str | None:
        try:
            return md.version(dist)
        except md.PackageNotFoundError:
            return None

    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem / 1024 / 1024, 1),
            "python": platform.python_version(), "pyoxigraph": ox.__version__, "pyshacl": pyshacl.__version__,
            "rdflib": rdflib.__version__, "pyshacl-turbo": version("pyshacl-turbo")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="seed,100k,1m", help="comma-separated: seed and/or triple counts (100k, 1m, 5m)")
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--slow-runs", type=int, default=3, help="runs of whole-graph and full validations")
    ap.add_argument("--whole-graph-sizes", default="seed,100k", help="sizes for pySHACL focus_nodes over the whole graph")
    ap.add_argument("--store", choices=["memory", "disk"], default="memory")
    ap.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--skip-full", action="store_true", help="skip the full validation of the seed data")
    ap.add_argument("--json", type=Path, default=HERE / "results" / "validation.json")
    args = ap.parse_args(argv)

    shapes = validation.load_shapes()
    engines = engines_for(shapes)
    result = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"), "store": args.store,
              "runs": args.runs, "warmup": args.warmup, "target_ms": TARGET_MS, "sizes": {}}
    whole = set(args.whole_graph_sizes.split(",")) if args.whole_graph_sizes else set()
    sizes = args.sizes.split(",")
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        for label in sizes:
            nq = None
            if label != "seed":
                nq = args.data_dir / f"kg-{label}.nq"
                if not nq.is_file():
                    print(f"generating {nq} …", file=sys.stderr)
                    generate.generate(generate.parse_size(label), nq, seed=args.seed)
            print(f"[{label}] building the store …", file=sys.stderr)
            s, info = build_store(nq, args.store, Path(tmp))
            record = make_record(s, generated=nq is not None)
            entry = {"store": info}
            entry["agreement"] = agreement(s, record, shapes, engines, with_fixtures=True)
            print(f"[{label}] {info['quads']:,} quads; timing check_change …", file=sys.stderr)
            entry["check_change"] = time_check_change(s, record, shapes, engines, args.runs, args.warmup)
            if label in whole:
                print(f"[{label}] pySHACL focus_nodes over the whole graph …", file=sys.stderr)
                entry["whole_graph"] = time_whole_graph_focus(s, record, shapes, args.slow_runs)
            if label == "seed":
                entry["focus_nodes_option"] = focus_nodes_misses(s, shapes)
                if not args.skip_full:
                    print("[seed] full validation pySHACL vs pyshacl-turbo …", file=sys.stderr)
                    entry["full_validation"] = full_seed(s, shapes, args.slow_runs)
            if args.profile and label == sizes[-1]:
                entry["profile"] = profile(s, record, shapes)
            result["sizes"][label] = entry
            del s
            gc.collect()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(table(result))
    return 0


def table(result: dict) -> str:
    lines = ["| size | quads | variant | median ms | p90 ms | vs. check_change | < 15 ms? |", "|---|---:|---|---:|---:|---:|---|"]
    for label, entry in result["sizes"].items():
        base = entry["check_change"]["check_change (current)"]["median_ms"]
        for name, t in entry["check_change"].items():
            lines.append(f"| {label} | {entry['store']['quads']:,} | {name} | {t['median_ms']} | {t['p90_ms']} | "
                         f"{t['median_ms'] / base:.2f} | {'yes' if t['median_ms'] < TARGET_MS else 'no'} |")
        for name, t in entry.get("whole_graph", {}).items():
            if isinstance(t, dict):
                lines.append(f"| {label} | {entry['store']['quads']:,} | {name} | {t['median_ms']} | {t['p90_ms']} | "
                             f"{t['median_ms'] / base:.1f} | {'yes' if t['median_ms'] < TARGET_MS else 'no'} |")
    out = "\n".join(lines)
    full = result["sizes"].get("seed", {}).get("full_validation")
    if full:
        out += "\n\nfull validation of the seed data: " + ", ".join(
            f"{k} {v['median_ms']} ms" for k, v in full.items() if isinstance(v, dict))
        out += f"; same results: {full.get('same_results')}"
    return out


if __name__ == "__main__":
    sys.exit(main())
