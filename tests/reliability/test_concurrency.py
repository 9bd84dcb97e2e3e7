"""Concurrency and load: writers insert records while readers query, all
against a real waitress server on 127.0.0.1 with an on-disk store. Every
query sees a consistent snapshot (each record together with its log entry,
never one without the other), no request fails, and every write the server
confirmed is there at the end. The load is a fixed number of requests; the
test stops by itself."""

import threading
import urllib.parse

from . import helpers
from .helpers import WRITER, call

WRITERS, WRITES = 4, 15
READERS, READS = 4, 40
PREFIX = "https://w3id.org/koopgraph/id/kooperation/last-"
SNAPSHOT = f"""PREFIX koop: <https://w3id.org/koopgraph/ontology#>
SELECT (COUNT(DISTINCT ?r) AS ?records) (COUNT(DISTINCT ?e) AS ?logged) WHERE {{
  {{ ?r a koop:Kooperation FILTER(STRSTARTS(STR(?r), "{PREFIX}")) }}
  UNION
  {{ GRAPH <https://w3id.org/koopgraph/id/graph/einreichungen> {{ ?s koop:eintrag ?e FILTER(STRSTARTS(STR(?e), "{PREFIX}")) }} }}
}}"""


def test_readers_see_consistent_snapshots_while_writers_insert_and_nothing_fails(built_store):
    application = helpers.app(STORE=str(built_store), MAX_CONCURRENT_QUERIES=4, QUERY_TIMEOUT=10)
    failures, confirmed, snapshots = [], [], []
    lock = threading.Lock()
    with helpers.live(application, threads=4) as base:
        def write(worker: int) -> None:
            for i in range(WRITES):
                key = f"last-{worker}-{i}"
                answer = call(base + "records", method="POST", body=helpers.record(key),
                              headers={"Authorization": f"Bearer {WRITER}", "Content-Type": "text/turtle"})
                with lock:
                    (confirmed.append(key) if answer.status == 201 else failures.append(("write", key, answer.status)))

        def read(worker: int) -> None:
            seen = (0, 0)
            for i in range(READS):
                if i % 3 == 2:
                    answer = call(base + "queries/kooperation-nach-region?land=01")
                    ok = answer.status == 200
                else:
                    answer = call(base + "sparql?" + urllib.parse.urlencode({"query": SNAPSHOT}))
                    ok = answer.status == 200
                    if ok:
                        row = answer.json()["results"]["bindings"][0]
                        now = (int(row["records"]["value"]), int(row["logged"]["value"]))
                        ok = now[0] == now[1] and now >= seen  # each record with its log entry; never going back
                        seen = now
                        with lock:
                            snapshots.append(now)
                if not ok:
                    with lock:
                        failures.append(("read", worker, i, answer.status, answer.body[:200]))

        threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
        threads += [threading.Thread(target=read, args=(r,)) for r in range(READERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not any(thread.is_alive() for thread in threads), "the load did not end in time"
        assert failures == []
        assert len(confirmed) == WRITERS * WRITES
        assert len({s for s in snapshots}) > 2  # the readers really ran while the writers wrote
        final = call(base + "sparql?" + urllib.parse.urlencode(
            {"query": f'SELECT ?r WHERE {{ ?r a <https://w3id.org/koopgraph/ontology#Kooperation> '
                      f'FILTER(STRSTARTS(STR(?r), "{PREFIX}")) }}'}), headers={"Accept": "text/csv"})
        present = set(final.body.decode().split("\r\n")[1:-1])
        assert present == {helpers.record_iri(key) for key in confirmed}
