"""Entering a record as a person would, in a real browser: headless Chromium
(Debian's chromium and chromium-driver) driven by selenium against the real
server (waitress on a free loopback port, in-memory store built from the
repository's files, one write token configured).

Proves what only a browser can: erfassen.js checks while typing and shows
the German message next to the field, the region and organisation pickers
search the graph as you type, "+ weitere Angabe" adds a row in place, the
form survives signing in, and the saved record is on its page and in the
answer of the named question kooperation-nach-region. Also writes
docs/screenshots/erfassen.png (the filled form).
"""

import shutil
import tempfile
import threading
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
SECRET = "browser-geheimnis-0123456789abcdef"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,900")
LABEL = "Kooperationsvereinbarung ARGE und Migrationsfachdienste Ostholstein"
KFORM = "https://w3id.org/koopgraph/id/kooperationsform/"
SLUG_MESSAGE = ("Die IRI einer Kooperation ist https://w3id.org/koopgraph/id/kooperation/ mit einem Kürzel aus "
                "Kleinbuchstaben, Ziffern und Bindestrichen.")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The real app under waitress in a thread, with one write token."""
    settings = load({"STORE": ":memory:", "RESOURCES": str(resources.root()), "BUILD_IF_EMPTY": True,
                     "HOST": "127.0.0.1", "PORT": 0, "THREADS": 4, "TOKENS": f"browsertest:{SECRET}"}, environ={})
    server = serving.make_server(create_app(settings), settings)
    thread = threading.Thread(target=server.run, name="koopgraph-forms-browser-test-server", daemon=True)
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


def messages(browser, dom_id: str) -> list[str]:
    """The messages next to a field, read in one go (the script replaces them while we look)."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#fehler-' + arguments[0] + ' li'), li => li.textContent)", dom_id)


def screenshot(browser, name: str) -> Path:
    """A full-page PNG: the window is made as tall as the page first."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(max(height, 900), 5000))
    extra = browser.execute_script("return window.outerHeight - window.innerHeight")
    browser.set_window_size(1280, min(max(height + extra, 900), 5000))
    browser.execute_script("window.scrollTo(0, 0)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    assert browser.save_screenshot(str(path))
    browser.set_window_size(1280, 900)
    return path


def pick(browser, input_id: str, typed: str, wanted: str) -> None:
    """Type into a picker, wait until the search has put the wanted
    suggestion into its datalist, and take it."""
    field = browser.find_element(By.ID, input_id)
    field.clear()
    field.send_keys(typed)
    list_id = field.get_attribute("list")

    def suggested(b):
        values = b.execute_script("return Array.from(document.getElementById(arguments[0]).options, o => o.value)",
                                  list_id)
        return values if wanted in values and len(values) <= 20 else False  # the search's answer, not the full list

    wait(browser, suggested)
    field.clear()
    field.send_keys(wanted)
    assert field.get_attribute("value") == wanted


def test_a_new_agreement_in_ostholstein_is_checked_while_typing_signed_in_saved_and_answers_the_question(browser, base_url):
    browser.get(base_url + "/erfassen")
    browser.find_element(By.LINK_TEXT, "Kooperation").click()
    wait(browser, ec.url_to_be(base_url + "/erfassen/kooperation"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Neuer Eintrag: Kooperation"

    # The name suggests the slug; a slug with capital letters gets the shape's German message next to it.
    browser.find_element(By.ID, "f-rdfs-label-1").send_keys(LABEL)
    slug = browser.find_element(By.ID, "f-kuerzel")
    assert slug.get_attribute("value") == "kooperationsvereinbarung-arge-und-migrationsfachdienste"
    slug.clear()
    slug.send_keys("Ostholstein-Vereinbarung-2026")
    wait(browser, lambda b: messages(b, "kuerzel"))
    assert messages(browser, "kuerzel") == [SLUG_MESSAGE]
    assert slug.get_attribute("aria-invalid") == "true"
    assert not browser.find_element(By.ID, "regel-kuerzel").is_displayed()  # the rule gives way to the message
    assert messages(browser, "koop-status") == []  # untouched fields stay quiet while typing

    pick(browser, "f-koop-region-1", "Osthol", "Ostholstein (region/01055)")
    Select(browser.find_element(By.ID, "f-koop-kooperationsform-1")).select_by_value(KFORM + "kooperationsvereinbarung")
    Select(browser.find_element(By.ID, "f-koop-status-1")).select_by_visible_text("besteht")
    pick(browser, "f-koop-beteiligt-1", "ARGE Osth", "ARGE Ostholstein (organisation/arge-ostholstein)")
    # a second participant: the row is added in place, labelled, without a round trip
    url = browser.current_url
    browser.find_element(By.CSS_SELECTOR, "#feld-koop-beteiligt button.mehr").click()
    second = wait(browser, ec.presence_of_element_located((By.ID, "f-koop-beteiligt-2")))
    assert browser.current_url == url and second == browser.switch_to.active_element
    assert browser.find_element(By.CSS_SELECTOR, 'label[for="f-koop-beteiligt-2"]').text == "Beteiligt (2)"
    pick(browser, "f-koop-beteiligt-2", "Migrationsfach",
         "Migrationsfachdienste in Ostholstein (organisation/migrationsfachdienste-ostholstein)")
    browser.find_element(By.ID, "f-koop-seit-1").send_keys("2026")
    browser.find_element(By.ID, "f-dcterms-source-1").send_keys("Unterzeichnete Vereinbarung vom 2. März 2026")

    # Corrected: the message goes away; "Prüfen" checks everything and says so.
    slug.clear()
    slug.send_keys("ostholstein-vereinbarung-2026")
    wait(browser, lambda b: not messages(b, "kuerzel"))
    browser.find_element(By.CSS_SELECTOR, '.knoepfe button[value="pruefen"]').click()
    status = browser.find_element(By.ID, "erfassen-status")
    wait(browser, lambda b: "Alles in Ordnung" in status.text)
    assert browser.current_url == url  # checked in place
    assert "koop:region region:01055" in browser.find_element(By.CSS_SELECTOR, "#vorschau pre").get_attribute("textContent")
    path = screenshot(browser, "erfassen")
    assert path.stat().st_size > 10_000

    # Not signed in: saving starts with signing in, and the form comes back filled.
    browser.find_element(By.CSS_SELECTOR, '.knoepfe button[value="anmelden"]').click()
    wait(browser, ec.url_contains("/anmelden"))
    token = browser.find_element(By.ID, "token")
    assert token.get_attribute("type") == "password" and SECRET not in browser.current_url
    token.send_keys(SECRET)
    token.send_keys(Keys.ENTER)
    wait(browser, ec.url_contains("/erfassen/kooperation?entwurf="))
    assert SECRET not in browser.current_url
    assert "Angemeldet als browsertest" in browser.find_element(By.CSS_SELECTOR, ".sitzung").text
    assert browser.find_element(By.ID, "f-kuerzel").get_attribute("value") == "ostholstein-vereinbarung-2026"
    assert browser.find_element(By.ID, "f-koop-beteiligt-2").get_attribute("value").startswith("Migrationsfachdienste")
    cookies = {c["name"]: c for c in browser.get_cookies()}
    assert cookies["koopgraph_sitzung"]["httpOnly"] and cookies["koopgraph_sitzung"]["sameSite"] == "Strict"
    assert all(SECRET not in c["value"] for c in cookies.values())

    browser.find_element(By.CSS_SELECTOR, '.knoepfe button[value="speichern"]').click()
    wait(browser, ec.url_to_be(base_url + "/id/kooperation/ostholstein-vereinbarung-2026"))
    assert browser.find_element(By.TAG_NAME, "h1").text == LABEL
    assert "ARGE Ostholstein" in browser.find_element(By.TAG_NAME, "main").text

    browser.get(base_url + "/queries/kooperation-nach-region")
    header = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "main table thead th")]
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "main table tbody tr") if "01055" in r.text)
    cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
    assert cells[header.index("vereinbarung")] == "ja"
    assert cells[header.index("formaleKooperation")] == "ja"
    assert console_errors(browser) == []


def test_the_form_is_keyboard_usable_from_the_skip_link_to_the_first_field(browser, base_url):
    browser.get(base_url + "/erfassen/organisation")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("class") == "sprung"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    reached = []
    for _ in range(12):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        reached.append(browser.switch_to.active_element.get_attribute("id") or "")
        if reached[-1] == "f-kuerzel":
            break
    assert "f-kuerzel" in reached  # the hidden default button is skipped
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.get_attribute("id") == "f-rdfs-label-1"
    assert console_errors(browser) == []
