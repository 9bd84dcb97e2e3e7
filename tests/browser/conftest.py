"""Fixtures the browser tests share: per test module, the real app on a
loopback port and one headless Chromium (a module may define its own, e.g.
a server with tokens)."""

from collections.abc import Iterator

import pytest

from chromium import headless_chromium, running_server


@pytest.fixture(scope="module")
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    with running_server(f"koopgraph-{request.module.__name__}-server") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as driver:
        yield driver
