"""Shared fixtures: a fake resources tree and an environment that never
touches the developer's real store."""

from pathlib import Path

import pytest

from kgtree import FILES, write_tree


@pytest.fixture
def fake_root(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "resources", FILES)


@pytest.fixture
def web(app):
    """A test client of the module's `app` fixture."""
    return app.test_client()


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may read or write the developer's real store or depend on
    their environment."""
    monkeypatch.delenv("KOOPGRAPH_RESOURCES", raising=False)
    monkeypatch.delenv("KOOPGRAPH_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


# ---------------------------------------------------------------- the real graph

import pyoxigraph  # noqa: E402
from rdflib import Graph  # noqa: E402

from koopgraph import content
from koopgraph import engine  # noqa: E402
from koopgraph.writes import build  # noqa: E402
from koopgraph.namespaces import SHAPES_GRAPH# noqa: E402


@pytest.fixture(scope="session")
def kg() -> pyoxigraph.Store:
    """The real ontology, data and shapes in an in-memory store, built once."""
    s = engine.open_store(None)
    build.build(s, content.root())
    return s


@pytest.fixture(scope="session")
def kg_graph(kg: pyoxigraph.Store) -> Graph:
    """Ontology and data (not the shapes) as one rdflib graph, for pySHACL."""
    graph = Graph()
    for name in kg.named_graphs():
        if name.value != SHAPES_GRAPH:
            graph.parse(data=kg.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=name), format="nt")
    return graph


@pytest.fixture(scope="session")
def real_app():
    """The web app over the real packaged data in an in-memory store, built
    once per test run (read-only tests only: never write through it)."""
    from koopgraph.web.app import create_app

    return create_app({"TESTING": True, "QUERY_PROCESSES": False, "STORE": ":memory:", "RESOURCES": str(content.root()),
                       "BUILD_IF_EMPTY": True})


@pytest.fixture
def client(real_app):
    return real_app.test_client()


# ---------------------------------------------------------------- a remote engine

@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> str:
    """Oxigraph's own server on loopback, one per test module (so modules
    running side by side never see each other's writes)."""
    import remotekg

    with remotekg.oxigraph_server(tmp_path_factory.mktemp("oxigraph-server")) as base:
        yield base


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory):
    """OpenLink Virtuoso on loopback, one per test module; skipped where
    virtuoso-t is not installed."""
    import remotekg

    with remotekg.virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as engine:
        yield engine


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "xfail_on(backend, reason): xfail(strict=True) where the test runs on that backend")


def pytest_collection_modifyitems(items) -> None:
    """A test marked xfail_on(backend, reason) is an expected failure
    exactly in its parametrization for that backend."""
    for item in items:
        marker = item.get_closest_marker("xfail_on")
        callspec = getattr(item, "callspec", None)
        if marker is not None and callspec is not None and marker.args[0] in callspec.params.values():
            item.add_marker(pytest.mark.xfail(strict=True, reason=marker.args[1]))
