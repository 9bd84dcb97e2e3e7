"""A hostile query costs one worker, never the server: the guards read SPARQL
text exactly as the engine does or refuse it, queries run in worker
processes that are stopped at their deadline or replaced after a crash,
cheap requests are never queued behind heavy ones, no path or parameter
answers 500, sessions and sign-in resist forgery and guessing, and error
bodies tell the user's problem and nothing internal."""

import os
import re
import signal
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import rdflib

from listener import Listener

from . import helpers
from .helpers import ADMIN, WRITER, call

SHARED = Path(__file__).resolve().parents[3] / "shared"
needs_w3c = pytest.mark.skipif(not (SHARED / "w3c-sparql11").is_dir() or not (SHARED / "w3c-sparql10").is_dir(),
                               reason=f"the W3C test suites are not beside the repository ({SHARED} missing)")
CHEAP = "ASK { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"


def _query(client, text: str, **headers):
    return client.get("/sparql", query_string={"query": text}, headers=headers)


@pytest.fixture(scope="module")
def threaded():
    """The real app, queries in threads: the guards run before any engine."""
    return helpers.app()


# ---------------------------------------------------------------- SERVICE: the one reading of the text

def reported(url: str) -> list[str]:
    """The three texts that reached a listener before (issue 14)."""
    return [
        f"PREFIX : <urn:x:> SELECT * WHERE {{ {{ ?a :b\\# ?c }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"PREFIX : <urn:x:> SELECT * WHERE {{ {{ ?a :b\\' ?c }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ ?a <urn:x:\\u0041#> ?c }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    ]


def test_the_three_reported_service_texts_are_refused_and_make_no_connection(threaded):
    client = threaded.test_client()
    with Listener("x") as listener:
        statuses = [_query(client, text).status_code for text in reported(listener.url)]
        assert listener.settle() == 0
    assert statuses == [400, 400, 400]


def test_a_less_than_that_could_read_as_an_iri_hiding_a_comment_is_refused(threaded):
    client = threaded.test_client()
    with Listener("x") as listener:
        text = (f'SELECT * WHERE {{ ?a ?b ?c FILTER(?a<?b#>) """\n'
                f'}} UNION {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }} """ }}')
        response = _query(client, text)
        assert listener.settle() == 0
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "ambiguous-less-than"


def _manifest_cases(folder: Path) -> list[tuple[str, str]]:
    """(kind, text) of every positive syntax test of a W3C manifest."""
    graph = rdflib.Graph().parse(folder / "manifest.ttl", format="turtle")
    mf = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
    found = []
    for test, kind in graph.subject_objects(rdflib.RDF.type):
        name = str(kind).rsplit("#", 1)[-1]
        if not name.startswith("Positive"):
            continue
        action = graph.value(test, mf.action)
        path = folder / Path(urllib.parse.urlsplit(str(action)).path).name
        if path.is_file():
            found.append(("update" if "Update" in name else "query", path.read_text(encoding="utf-8")))
    return sorted(found)


def _spliced(text: str, clause: str) -> list[str]:
    """text with clause put after its first "{", before its last "}", and
    after the first "{" that follows WHERE."""
    places = {text.find("{") + 1, text.rfind("}")}
    where = re.search(r"WHERE\s*\{", text, re.IGNORECASE)
    if where:
        places.add(where.end())
    return [text[:p] + " " + clause + " " + text[p:] for p in sorted(places) if 0 < p <= len(text)]


def _variants(url: str) -> list[tuple[str, str]]:
    """(prologue, clause): a SERVICE to url written plainly, and with every
    trick that made a hand-written tokenizer miss it."""
    plain = f"SERVICE <{url}> {{ ?s ?p ?o }}"
    return [
        ("", plain),
        ("PREFIX : <urn:x:>\n", f"{{ ?zz :b\\# ?zz }} UNION {{ {plain} }}"),
        ("PREFIX : <urn:x:>\n", f"{{ ?zz :b\\' ?zz }} UNION {{ {plain} }}"),
        ("", f"{{ ?zz <urn:x:\\u0041#> ?zz }} UNION {{ {plain} }}"),
        ("", f"SERVIC\\u0045 <{url}> {{ ?s ?p ?o }}"),
        ("", f"SERVICE#comment {{\n\t<{url}>\r\n{{ ?s\t?p\n?o }}"),
        (f"PREFIX svc: <{url.rsplit('/', 1)[0]}/>\n", "SERVICE SILENT svc:x { ?s ?p ?o }"),
        ("", f'{{ FILTER(?zz<?yy#>) """\n}} UNION {{ {plain} }} """ }}'),
    ]


@needs_w3c
def test_service_spliced_into_every_positive_w3c_syntax_test_makes_no_connection(threaded):
    folders = sorted((SHARED / "w3c-sparql11").glob("syntax-*")) + sorted((SHARED / "w3c-sparql10").glob("syntax-*"))
    cases = [case for folder in folders for case in _manifest_cases(folder)]
    assert len(cases) > 200
    client = threaded.test_client()
    statuses: dict[int, int] = {}
    answered = []
    with Listener("x", lifetime=600) as listener:
        for kind, text in cases:
            for prologue, clause in _variants(listener.url):
                for spliced in _spliced(text, clause):
                    if kind == "query":
                        response = _query(client, prologue + spliced)
                    else:
                        response = client.post("/sparql", data={"update": prologue + spliced},
                                               headers={"Authorization": f"Bearer {ADMIN}"})
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    if response.status_code == 200:
                        answered.append((spliced, clause))
        assert listener.settle() == 0
    assert set(statuses) <= {200, 400, 403}, statuses
    # answered only where the splice landed in a comment ("## SELECT … {" in a test file)
    assert all("#" in spliced[:spliced.index(clause)].rsplit("\n", 1)[-1] for spliced, clause in answered)


def test_an_allow_listed_service_is_called_and_its_failure_is_a_502_without_its_words():
    with Listener("sparql") as listener:
        app = helpers.app(SERVICE_ALLOWLIST=listener.url)
        client = app.test_client()
        text = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
        first, second = _query(client, text), _query(client, text)
        assert listener.settle() == 2  # called, and not answered from the cache the second time
    for response in (first, second):
        assert response.status_code == 502
        error = response.get_json()["error"]
        assert error["code"] == "service-failed"
        assert error["message"] == "Ein SERVICE-Endpunkt hat nicht richtig geantwortet."
        assert "127.0.0.1" not in response.get_data(as_text=True)


def test_a_refused_service_target_is_named_but_the_allow_list_is_not():
    internal = "http://intern.example/sparql"
    app = helpers.app(SERVICE_ALLOWLIST=f"https://query.wikidata.org/sparql {internal}")
    response = _query(app.test_client(), "SELECT * WHERE { SERVICE <http://elsewhere.example/q> { ?s ?p ?o } }")
    assert response.status_code == 403
    body = response.get_data(as_text=True)
    assert "http://elsewhere.example/q" in body
    assert internal not in body and "wikidata" not in body


def test_nested_services_are_refused_without_library_messages(threaded):
    text = ("SELECT * WHERE { SERVICE <http://a.example/q> { SERVICE <http://b.example/q> "
            "{ SERVICE <http://c.example/q> { ?s ?p ?o } } } }")
    response = _query(threaded.test_client(), text)
    assert response.status_code == 403
    assert "recursion" not in response.get_data(as_text=True).lower()


# ---------------------------------------------------------------- queries in worker processes

@pytest.fixture(scope="module")
def isolated():
    """The real app with its queries in worker processes, on waitress."""
    app = helpers.app(QUERY_PROCESSES=True, QUERY_TIMEOUT=2.0, MAX_CONCURRENT_QUERIES=4, THREADS=32)
    with helpers.live(app, threads=32) as base:
        yield app, base
    app.extensions["koopgraph.queries"].close()


def _sparql(base: str, text: str, timeout: float = 30):
    return call(base + "sparql?" + urllib.parse.urlencode({"query": text}), timeout=timeout)


def test_thirty_thousand_braces_and_a_hundred_thousand_parentheses_are_400_and_the_next_query_is_answered(isolated):
    _, base = isolated
    braces = "PREFIX : <urn:x:> SELECT * WHERE { ?a :b\\# ?c " + "{" * 30_000 + "}" * 30_000 + " }"
    parentheses = "SELECT * WHERE { FILTER(" + "(" * 100_000 + "1" + ")" * 100_000 + ") }"
    for text in (braces, parentheses):
        body = text.encode()
        refused = call(base + "sparql", method="POST", body=body, headers={"Content-Type": "application/sparql-query"})
        assert refused.status == 400
        started = time.monotonic()
        assert _sparql(base, CHEAP).status == 200
        assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("number", [signal.SIGKILL, signal.SIGSEGV], ids=["SIGKILL", "SIGSEGV"])
def test_a_worker_killed_in_the_middle_of_a_query_costs_that_request_only(isolated, number):
    app, base = isolated
    pool = app.extensions["koopgraph.queries"]
    restarts = pool.restarts
    answer = {}
    runner = threading.Thread(target=lambda: answer.update(result=_sparql(base, RUNAWAY)))
    runner.start()
    deadline = time.monotonic() + 5
    while not pool.answering() and time.monotonic() < deadline:
        time.sleep(0.01)
    (pid,) = pool.answering()
    os.kill(pid, number)
    runner.join(10)
    assert answer["result"].status == 503
    assert answer["result"].json()["error"]["code"] == "query-crashed"
    assert _sparql(base, CHEAP).status == 200
    assert pool.restarts == restarts + 1
    assert call(base + "healthz").json()["queries"]["restarts"] == restarts + 1


def _tree_cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by pid and every process below it (/proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


@pytest.fixture
def served(tmp_path):
    """`koopgraph serve` as a real process, queries in worker processes."""
    with helpers.Served(tmp_path / "store", extra_env={"KOOPGRAPH_QUERY_TIMEOUT": "2",
                                                       "KOOPGRAPH_LOG_REQUESTS": "false"}) as server:
        yield server


def test_four_runaway_queries_each_get_503_at_the_deadline_and_the_server_recovers_at_once(served):
    with ThreadPoolExecutor(4) as pool:
        started = time.monotonic()
        answers = list(pool.map(lambda _: (_sparql(served.url, RUNAWAY), time.monotonic() - started), range(4)))
    for answer, seconds in answers:
        assert answer.status == 503 and answer.json()["error"]["code"] == "query-timeout"
        assert 1.9 <= seconds < 4.0
    cheap = _sparql(served.url, "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }")  # uncached: never asked before
    assert cheap.status == 200 and time.monotonic() - started < 2.0 + 2.0
    time.sleep(0.5)  # the new workers have loaded the (small) store
    before = _tree_cpu_seconds(served.process.pid)
    time.sleep(1.0)
    assert _tree_cpu_seconds(served.process.pid) - before < 0.3  # near idle: nothing runs on


def test_health_and_a_cached_question_stay_fast_while_heavy_queries_fill_every_worker(tmp_path):
    with helpers.Served(tmp_path / "store", extra_env={"KOOPGRAPH_QUERY_TIMEOUT": "30",
                                                       "KOOPGRAPH_LOG_REQUESTS": "false"}) as server:
        assert call(server.url + "queries/arbeitsgruppen").status == 200  # now cached
        stop = threading.Event()

        def heavy() -> None:
            while not stop.is_set():
                _sparql(server.url, HEAVY, timeout=60)

        clients = [threading.Thread(target=heavy, daemon=True) for _ in range(24)]  # 8 clients × 3 queries
        for client in clients:
            client.start()
        time.sleep(1.0)
        timings = []
        for _ in range(40):
            for path in ("healthz", "queries/arbeitsgruppen"):
                started = time.monotonic()
                assert call(server.url + path).status == 200
                timings.append(time.monotonic() - started)
        stop.set()
        for client in clients:
            client.join(60)
    timings.sort()
    assert timings[int(len(timings) * 0.99) - 1] < 0.5


# ---------------------------------------------------------------- no 500 for any path or parameter

TEMPLATES = ["/id/{}", "/id/region/{}", "/id/region/01056{}", "/forms/{}", "/forms/edit/{}", "/forms/delete/{}",
             "/forms/edit/kooperation/{}", "/queries/{}", "/queries/akteure?ags={}", "/sparql?query={}",
             "/map?frage={}", "/?beispiel={}", "/id/region/01056?format={}", "/queries?lang={}",
             "/forms/search?klasse={}&q={}", "/store?graph={}", "/login?weiter={}", "/ontology?format={}"]


def test_no_byte_in_a_path_or_parameter_makes_a_500(threaded):
    client = threaded.test_client()
    failures = []
    for template in TEMPLATES:
        for byte in range(256):
            value = f"%{byte:02X}"
            for text in (value, "a" + value + "b"):
                url = template.replace("{}", text)
                status = client.get(url, headers={"Accept": "text/html"}).status_code
                if status >= 500:
                    failures.append((url, status))
    assert failures == []


# ---------------------------------------------------------------- sessions and sign-in

def _signed_in(client) -> str:
    """Sign in with the writer's token; returns the session's CSRF token."""
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"csrf": csrf, "token": WRITER}).status_code == 303
    page = client.get("/forms/kooperation").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_a_session_cookie_with_somebody_elses_form_cookie_and_token_is_refused():
    app = helpers.app()
    victim, attacker = app.test_client(), app.test_client()
    _signed_in(victim)
    page = attacker.get("/forms/kooperation").get_data(as_text=True)
    attacker_csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    attacker_form = attacker.get_cookie("koopgraph_formular").value
    victim.set_cookie("koopgraph_formular", attacker_form)
    response = victim.post("/forms/kooperation", data={"csrf": attacker_csrf, "aktion": "speichern"})
    assert response.status_code == 403
    assert "CSRF" in response.get_data(as_text=True)


def test_over_https_the_cookies_are_host_prefixed_and_secure():
    app = helpers.app()
    client = app.test_client()
    response = client.get("/login", base_url="https://koopgraph.example")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-koopgraph_formular=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie
    plain = app.test_client().get("/login").headers["Set-Cookie"]
    assert plain.startswith("koopgraph_formular=") and "Secure" not in plain


def test_the_https_setting_makes_cookies_secure_behind_a_proxy():
    cookie = helpers.app(HTTPS="on").test_client().get("/login").headers["Set-Cookie"]
    assert cookie.startswith("__Host-koopgraph_formular=") and "Secure" in cookie


def test_wrong_tokens_at_sign_in_are_slowed_down_with_retry_after():
    client = helpers.app().test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    statuses = [client.post("/login", data={"csrf": csrf, "token": f"falsch-{n}"}).status_code for n in range(6)]
    assert statuses == [403] * 5 + [429]
    refused = client.post("/login", data={"csrf": csrf, "token": WRITER})
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 61
    assert client.get("/queries").status_code == 200  # reading is never slowed


def test_wrong_bearer_tokens_are_slowed_down_with_retry_after():
    client = helpers.app().test_client()
    headers = {"Authorization": "Bearer falsch-0123456789abcdef", "Content-Type": "text/turtle"}
    statuses = [client.post("/records", data=helpers.record(f"x{n}"), headers=headers).status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]
    refused = client.post("/records", data=helpers.record("y"), headers={**headers, "Authorization": f"Bearer {WRITER}"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.get_json()["error"]["code"] == "too-many-attempts"


# ---------------------------------------------------------------- /healthz

def test_healthz_tells_the_workers_busy_and_restarts(isolated):
    _, base = isolated
    queries = call(base + "healthz").json()["queries"]
    assert queries["mode"] == "processes" and queries["workers"] == 4 and queries["alive"] == 4
    assert queries["busy"] == 0 and queries["restarts"] >= 0


def test_healthz_is_503_when_no_query_can_be_served():
    app = helpers.app(QUERY_PROCESSES=True, MAX_CONCURRENT_QUERIES=1)
    pool = app.extensions["koopgraph.queries"]
    try:
        pool.close()  # no worker left, none coming
        response = app.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.get_json()["status"] == "unavailable" and response.headers["Retry-After"] == "5"
    finally:
        pool.close()
