"""The web pages in a real browser: headless Chromium (Debian's chromium and
chromium-driver) driven by selenium against the real server (waitress on a
free loopback port, in-memory store built from the repository's files).

Proves what only a browser can: editor.js runs (no errors in the console),
a picked example is run and rendered as a table, the keyboard reaches the
page, the map is drawn. Also writes the screenshots in docs/screenshots/.
"""

import csv
import io
import shutil
import tempfile
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from koopgraph import create_app, resources, serving
from koopgraph.config import load

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()),
    reason="chromium and chromedriver are not installed (Debian: apt-get install chromium chromium-driver)",
)

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
TIMEOUT = 15
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,900")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The real app under waitress in a thread, over the repository's own data."""
    settings = load({"STORE": ":memory:", "RESOURCES": str(resources.root()), "BUILD_IF_EMPTY": True,
                     "HOST": "127.0.0.1", "PORT": 0, "THREADS": 4}, environ={})
    server = serving.make_server(create_app(settings), settings)
    thread = threading.Thread(target=server.run, name="koopgraph-browser-test-server", daemon=True)
    thread.start()
    try:
        yield serving.url(server).rstrip("/")
    finally:
        serving.stop(server)
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "server thread did not stop"


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
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


def screenshot(browser, name: str) -> Path:
    """A full-page PNG: the window is made as tall as the page first."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(max(height, 900), 4000))
    extra = browser.execute_script("return window.outerHeight - window.innerHeight")
    browser.set_window_size(1280, min(max(height + extra, 900), 4000))
    browser.execute_script("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert browser.save_screenshot(str(path))
    browser.set_window_size(1280, 900)
    return path


def test_the_start_page_loads_its_script_without_errors_and_the_skip_link_comes_first(browser, base_url):
    browser.get(base_url + "/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert "Protokoll der vier regionalen Arbeitsgruppen" in browser.find_element(By.TAG_NAME, "main").text
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "sprung"
    assert console_errors(browser) == []


def test_a_picked_example_runs_in_the_page_and_its_rows_appear_as_a_table(browser, base_url):
    browser.get(base_url + "/")
    browser.find_element(By.CSS_SELECTOR, 'a[href="/?beispiel=frauenhaeuser#sparql"]').click()
    assert browser.current_url.rstrip("/") == base_url, "the link was followed: editor.js did not take the click"
    textarea = browser.find_element(By.ID, "query")
    assert "oart:frauenhaus" in textarea.get_attribute("value")
    browser.find_element(By.CSS_SELECTOR, "#sparql-form button:not([name])").click()
    rows = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#sparql-ergebnis tbody tr"))
    names = sorted(row.find_elements(By.TAG_NAME, "td")[1].text for row in rows)
    assert names == ["Autonomes Frauenhaus Rendsburg", "Frauenhaus Kreis Plön", "Frauenhaus Norderstedt"]
    first = rows[0].find_element(By.CSS_SELECTOR, "td a")
    assert first.get_attribute("href").startswith(base_url + "/id/organisation/")
    assert "3 Zeilen" in browser.find_element(By.CSS_SELECTOR, "#sparql-ergebnis .anzahl").text
    csv_url = browser.find_element(By.LINK_TEXT, "CSV herunterladen").get_attribute("href")
    with urllib.request.urlopen(csv_url, timeout=TIMEOUT) as response:
        table = list(csv.DictReader(io.StringIO(response.read().decode("utf-8"))))
    assert sorted(r["name"] for r in table) == names
    assert console_errors(browser) == []


def test_ctrl_enter_runs_the_query_and_errors_are_shown_in_german(browser, base_url):
    browser.get(base_url + "/")
    textarea = browser.find_element(By.ID, "query")
    textarea.clear()
    textarea.send_keys("SELECT * WHERE { ?s ?p }")
    textarea.send_keys(Keys.CONTROL, Keys.ENTER)
    error = wait(browser, ec.visibility_of_element_located((By.CSS_SELECTOR, "#sparql-ergebnis .fehler")))
    assert error.text.startswith("Die Abfrage ist fehlgeschlagen: Syntaxfehler") and "(400)" in error.text


def test_screenshot_of_the_start_page_with_an_example_result(browser, base_url):
    browser.get(base_url + "/")
    browser.find_element(By.CSS_SELECTOR, 'a[href="/?beispiel=massnahmen-je-kreis#sparql"]').click()
    browser.find_element(By.CSS_SELECTOR, "#sparql-form button:not([name])").click()
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#sparql-ergebnis tbody tr")) == 14)
    path = screenshot(browser, "start")
    assert path.stat().st_size > 10_000


def test_a_named_question_is_a_table_of_the_fifteen_kreise(browser, base_url):
    browser.get(base_url + "/queries/kooperation-nach-region")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Kooperation nach Region"
    rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    assert len(rows) == 15
    stormarn = next(r for r in rows if "01062" in r.text)
    assert "Stormarn" in stormarn.text


def test_the_map_draws_fifteen_regions_with_legend_and_switches_question_by_form(browser, base_url):
    browser.get(base_url + "/karte")
    regions = browser.find_elements(By.CSS_SELECTOR, "svg.karte g.region")
    assert len(regions) == 15
    assert {r.get_attribute("data-ags"): r.get_attribute("data-wert") for r in regions}["01002"] == "ja"
    legend = [g.text for g in browser.find_elements(By.CSS_SELECTOR, "svg.karte g.legende")]
    assert legend == ["J = formale Kooperation", "N = keine formale Kooperation", "? = keine Angaben"]
    assert browser.find_element(By.CSS_SELECTOR, "svg.karte").size["height"] > 300
    Select(browser.find_element(By.ID, "frage")).select_by_value("vereinbarung")
    browser.find_element(By.CSS_SELECTOR, "form.frage-wahl button").click()
    wait(browser, ec.url_contains("frage=vereinbarung"))
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.karte g.legende")) == 4
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.karte-tabelle tbody tr")) == 15


def test_screenshot_of_the_map(browser, base_url):
    browser.get(base_url + "/karte")
    path = screenshot(browser, "karte")
    assert path.stat().st_size > 10_000
