"""Embedded store versus a remote engine (Oxigraph's own server over the
SPARQL protocol), side by side in one run: every named question answered
through Koopgraph's app, uncached, alternating A B A B; plus the write path
(a record through the SHACL gate) and the time a second Koopgraph instance
needs to see it.

    .venv/bin/python bench/remote_bench.py [--runs 30] [--extra /tmp/kg-100k.nq]

--extra loads a generated graph (bench/generate.py) into both stores first.
Prints medians in milliseconds and the ratio remote / embedded.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "server"))
sys.path.insert(0, str(HERE.parent / "tests"))

import remotekg  # noqa: E402
from koopgraph.web.app import create_app
from koopgraph import content  # noqa: E402

WRITER = "bench-schreiben-0123456789abcdef"
RECORD = (HERE.parent / "tests" / "shapes" / "valid" / "kooperation-ostholstein.ttl").read_bytes()


def _apps(base: str) -> tuple:
    common = {"TESTING": True, "RESOURCES": str(content.root()), "CACHE": False, "LOG_REQUESTS": False,
              "TOKENS": f"bench:{WRITER}:schreiben+verwalten", "MAX_RESULT_ROWS": 10_000_000}
    embedded = create_app(common | {"STORE": ":memory:"})
    remote = create_app(common | remotekg.settings(base))
    return embedded, remote


def _load_extra(apps, path: Path) -> None:
    for app in apps:
        store = app.extensions["koopgraph.store"]
        quads = list(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
        started = time.perf_counter()
        gate.add_trusted(store, quads)
        print(f"  {len(quads):,} quads geladen / loaded in {time.perf_counter() - started:.1f} s: {store!r}")


def _time(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url, headers={"Accept": "application/sparql-results+json"})
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:300])
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--extra", type=Path, default=None, help="N-Quads from bench/generate.py, loaded into both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, remotekg.oxigraph_server(Path(folder) / "db") as base:
        embedded, remote = _apps(base)
        if args.extra:
            _load_extra((embedded, remote), args.extra)
        clients = {"eingebettet": embedded.test_client(), "oxigraph-server": remote.test_client()}
        questions = [q for q in clients["eingebettet"].get("/queries").get_json()["queries"]]
        print(f"\n{'Frage / question':45} {'eingebettet ms':>15} {'remote ms':>10} {'remote/eingeb.':>15}")
        ratios = []
        for question in questions:
            url = "/queries/" + question["name"] + "?" + "&".join(f"{p['name']}={p['example']}" for p in question["params"])
            times = {name: [] for name in clients}
            for _ in range(3):
                for client in clients.values():
                    _time(client, url)
            for run in range(args.runs):
                order = list(clients.items()) if run % 2 == 0 else list(reversed(clients.items()))
                for name, client in order:
                    times[name].append(_time(client, url))
            a, b = statistics.median(times["eingebettet"]), statistics.median(times["oxigraph-server"])
            ratios.append(b / a)
            print(f"{question['name']:45} {a:15.2f} {b:10.2f} {b / a:14.2f}×")
        print(f"{'Median der Verhältnisse / median ratio':45} {'':15} {'':10} {statistics.median(ratios):14.2f}×")

        writes = {name: [] for name in clients}
        auth = {"Authorization": f"Bearer {WRITER}", "Content-Type": "text/turtle"}
        for run in range(min(args.runs, 20)):
            for name, client in clients.items():
                started = time.perf_counter()
                created = client.post("/records", data=RECORD, headers=auth)
                assert created.status_code == 201, created.get_data(as_text=True)
                writes[name].append((time.perf_counter() - started) * 1000)
                assert client.delete("/records/kooperation/ostholstein-neu", headers=auth).status_code == 200
        a, b = statistics.median(writes["eingebettet"]), statistics.median(writes["oxigraph-server"])
        print(f"\n{'Eintrag speichern / POST /records':45} {a:15.2f} {b:10.2f} {b / a:14.2f}×")

        other = create_app({"TESTING": True, "RESOURCES": str(content.root()), "LOG_REQUESTS": False}
                           | remotekg.settings(base)).test_client()
        gaps = "/queries/kreise-ohne-formale-kooperation"
        seen = []
        for _ in range(min(args.runs, 20)):
            other.get(gaps)  # cached on the second instance
            clients["oxigraph-server"].post("/records", data=RECORD, headers=auth)
            started = time.perf_counter()
            fresh = other.get(gaps, headers={"Accept": "text/csv"}).get_data()
            seen.append((time.perf_counter() - started) * 1000)
            assert b"01055" not in fresh, "the second instance must see the write at once"
            clients["oxigraph-server"].delete("/records/kooperation/ostholstein-neu", headers=auth)
        print(f"{'zweite Instanz sieht den Eintrag / 2nd instance sees the write':45} "
              f"{'':15} {statistics.median(seen):10.2f}   (sofort, mit Cache / at once, cache on)")


if __name__ == "__main__":
    main()
