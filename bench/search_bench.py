#!/usr/bin/env python3
"""The full-text index against the label scan: `region-suchen` at a size.

    python bench/search_bench.py --triples 1000000 [--q berg] [--runs 30]

Generates the graph (generate.py) into an in-memory store with the project's
files, builds the search index (domain/search.py) and times, median of
--runs: the question as written (every region label compared with
CONTAINS), the same question narrowed to the index's hits (what the server
answers, web/questions.py), the index lookup alone, and a /search-style
grouped search. Both answers are compared row by row before timing.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

from koopgraph import content, engine  # noqa: E402
from koopgraph.domain import questions, search  # noqa: E402
from koopgraph.engine import rdf as ox  # noqa: E402
from koopgraph.writes.build import build  # noqa: E402


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--triples", type=int, default=1_000_000)
    ap.add_argument("--q", nargs="+", default=["berg", "stormann"])
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args(argv)
    store = engine.open_store(None)
    build(store, content.root())
    with tempfile.TemporaryDirectory() as work:
        nq = Path(work) / "bench.nq"
        generate.generate(args.triples, nq)
        store.native.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    total = engine.triple_count(store)
    start = time.perf_counter()
    index = search.SearchIndex()
    documents = index.rebuild(store, search.signature(store))
    built = time.perf_counter() - start
    print(f"{total:,} triples, {documents:,} documents indexed in {built:.1f} s")
    query = questions.load_queries()["region-suchen"]
    for q in args.q:
        terms = query.bind({"q": q})

        def scan():
            return list(engine.query(store, query.sparql, substitutions=terms))

        def narrowed():
            return list(engine.query(store, search.narrowed(query.sparql, index.regions(q)), substitutions=terms))

        assert sorted(map(str, scan())) == sorted(map(str, narrowed())), "the index gives other rows than the scan"
        print(f"q={q!r}: {len(scan())} rows")
        print(f"  region-suchen as written (label scan):  {median_ms(scan, args.runs):8.2f} ms")
        print(f"  region-suchen narrowed by the index:    {median_ms(narrowed, args.runs):8.2f} ms")
        print(f"  index lookup alone (regions):           {median_ms(lambda: index.regions(q), args.runs):8.2f} ms")
        print(f"  grouped search (/search):               {median_ms(lambda: index.search(q), args.runs):8.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
