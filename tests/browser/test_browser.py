"""The web pages in a real browser: headless Chromium (Debian's chromium and
chromium-driver) driven by selenium against the real server (waitress on a
free loopback port, in-memory store built from the repository's files).

Proves what only a browser can: editor.js runs (no errors in the console),
a picked example is run and rendered as a table, the keyboard reaches the
page, the map is drawn. Also writes the screenshots in docs/screenshots/.
"""

import csv
import io
import urllib.request


from chromium import TIMEOUT, console_errors, needs_chromium, screenshot, wait
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

pytestmark = needs_chromium


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
    # the CodeMirror editor where the package build installed it (issue 16), else the plain textarea
    hosts = browser.find_elements(By.CSS_SELECTOR, "#sparql-form .sparql-editor")
    field = hosts[0].shadow_root.find_element(By.CSS_SELECTOR, ".cm-content") if hosts else browser.find_element(By.ID, "query")
    browser.execute_script("var t = document.getElementById('query'); t.value = ''; t.dispatchEvent(new Event('input'));")
    field.click()
    field.send_keys("SELECT * WHERE { ?s ?p }")
    field.send_keys(Keys.CONTROL, Keys.ENTER)
    error = wait(browser, ec.visibility_of_element_located((By.CSS_SELECTOR, "#sparql-ergebnis .fehler")))
    assert error.text.startswith("Die Abfrage ist fehlgeschlagen: Syntaxfehler") and "(400)" in error.text


def test_screenshot_of_the_start_page_with_an_example_result(browser, base_url):
    browser.get(base_url + "/")
    browser.find_element(By.CSS_SELECTOR, 'a[href="/?beispiel=massnahmen-je-kreis#sparql"]').click()
    browser.find_element(By.CSS_SELECTOR, "#sparql-form button:not([name])").click()
    wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#sparql-ergebnis tbody tr")) == 14)
    path = screenshot(browser, max_height=4000, name="start")
    assert path.stat().st_size > 10_000


def test_a_named_question_is_a_table_of_the_fifteen_kreise(browser, base_url):
    browser.get(base_url + "/queries/kooperation-nach-region")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Kooperation nach Region"
    rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    assert len(rows) == 15
    stormarn = next(r for r in rows if "01062" in r.text)
    assert "Stormarn" in stormarn.text


def test_the_map_draws_fifteen_regions_with_legend_and_switches_question_by_form(browser, base_url):
    browser.get(base_url + "/map")
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
    browser.get(base_url + "/map")
    path = screenshot(browser, max_height=4000, name="karte")
    assert path.stat().st_size > 10_000
