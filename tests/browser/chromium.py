"""What both browser suites share: the real server on a free loopback port
(waitress in a thread, in-memory store built from the repository's files),
Debian's headless Chromium with a throwaway profile, waiting, the console's
errors and full-page screenshots for docs/screenshots/."""

import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from koopgraph.web.app import create_app
from koopgraph import content
from koopgraph.web import serving
from koopgraph.config import load

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
needs_chromium = pytest.mark.skipif(
    not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()),
    reason="chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)",
)

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
TIMEOUT = 15
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,900")


@contextmanager
def running_server(name: str, **settings) -> Iterator[str]:
    """The real app under waitress in a thread; yields its base URL. settings
    are added to the test's (e.g. TOKENS)."""
    config = load({"STORE": ":memory:", "RESOURCES": str(content.root()), "BUILD_IF_EMPTY": True,
                   "HOST": "127.0.0.1", "PORT": 0, "THREADS": 4} | settings, environ={})
    server = serving.make_server(create_app(config), config)
    thread = threading.Thread(target=server.run, name=name, daemon=True)
    thread.start()
    try:
        yield serving.url(server).rstrip("/")
    finally:
        serving.stop(server)
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "server thread did not stop"


@contextmanager
def headless_chromium() -> Iterator[webdriver.Chrome]:
    """Headless Chromium with its own throwaway profile; no network besides the test server."""
    profile = tempfile.mkdtemp(prefix="koopgraph-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    except WebDriverException as error:
        shutil.rmtree(profile, ignore_errors=True)
        pytest.skip(f"chromium does not start here: {error.msg}")
    driver.set_page_load_timeout(TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait(browser, condition):
    return WebDriverWait(browser, TIMEOUT).until(condition)


def console_errors(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def screenshot(browser, name: str, max_height: int) -> Path:
    """A full-page PNG in docs/screenshots/: the window is made as tall as the page first."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(max(height, 900), max_height))
    extra = browser.execute_script("return window.outerHeight - window.innerHeight")
    browser.set_window_size(1280, min(max(height + extra, 900), max_height))
    browser.execute_script("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert browser.save_screenshot(str(path))
    browser.set_window_size(1280, 900)
    return path
