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

from collections.abc import Iterator

import pytest

from chromium import console_errors, needs_chromium, running_server, screenshot, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

pytestmark = needs_chromium

SECRET = "browser-geheimnis-0123456789abcdef"
LABEL = "Kooperationsvereinbarung ARGE und Migrationsfachdienste Ostholstein"
KFORM = "https://w3id.org/koopgraph/id/kooperationsform/"
SLUG_MESSAGE = ("Die IRI einer Kooperation ist https://w3id.org/koopgraph/id/kooperation/ mit einem Kürzel aus "
                "Kleinbuchstaben, Ziffern und Bindestrichen.")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_server("koopgraph-forms-browser-test-server", TOKENS=f"browsertest:{SECRET}") as url:
        yield url


def messages(browser, dom_id: str) -> list[str]:
    """The messages next to a field, read in one go (the script replaces them while we look)."""
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#fehler-' + arguments[0] + ' li'), li => li.textContent)", dom_id)


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
    browser.get(base_url + "/forms")
    browser.find_element(By.LINK_TEXT, "Kooperation").click()
    wait(browser, ec.url_to_be(base_url + "/forms/kooperation"))
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
    path = screenshot(browser, max_height=5000, name="erfassen")
    assert path.stat().st_size > 10_000

    # Not signed in: saving starts with signing in, and the form comes back filled.
    browser.find_element(By.CSS_SELECTOR, '.knoepfe button[value="anmelden"]').click()
    wait(browser, ec.url_contains("/login"))
    token = browser.find_element(By.ID, "token")
    assert token.get_attribute("type") == "password" and SECRET not in browser.current_url
    token.send_keys(SECRET)
    token.send_keys(Keys.ENTER)
    wait(browser, ec.url_contains("/forms/kooperation?entwurf="))
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
    # issue 16: the columns by their German titles, the key column (the region's name) a row header
    header = [th.text.rstrip(" ↕▲▼") for th in browser.find_elements(By.CSS_SELECTOR, "main table thead th")]
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "main table tbody tr") if "01055" in r.text)
    cells = [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
    assert cells[header.index("Schriftliche Vereinbarung")] == "ja"
    assert cells[header.index("Formale Kooperation")] == "ja"
    assert console_errors(browser) == []


def test_the_form_is_keyboard_usable_from_the_skip_link_to_the_first_field(browser, base_url):
    browser.get(base_url + "/forms/organisation")
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
