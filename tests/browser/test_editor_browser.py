"""The SPARQL editor people write in (issue 16): CodeMirror 6 with its SPARQL
mode, installed from the npm registry by the package build and served from
this server – syntax highlighting, the graph's prefixes offered while
typing, Ctrl+Enter, and a query using koop: without PREFIX answers in the
page. Where node is missing the build leaves the plain textarea, which the
other browser tests drive."""


import pytest

from chromium import REPO, console_errors, needs_chromium, wait
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

BUNDLE = REPO / "server" / "koopgraph" / "web" / "static" / "vendor" / "sparql-editor.js"
pytestmark = [needs_chromium, pytest.mark.skipif(not BUNDLE.is_file(), reason="the editor was not built (no node)")]


def editor(browser):
    """The editor's content element, inside the shadow root it lives in."""
    host = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#sparql-form .sparql-editor"))[0]
    return host.shadow_root


def test_the_editor_highlights_sparql_and_keeps_the_form_field_in_step(browser, base_url):
    browser.get(base_url + "/")
    root = editor(browser)
    content = root.find_element(By.CSS_SELECTOR, ".cm-content")
    assert browser.find_element(By.ID, "query").get_attribute("hidden") == "true"
    assert content.get_attribute("aria-label") == "SPARQL-Abfrage"
    highlighted = root.find_elements(By.CSS_SELECTOR, ".cm-line span[class]")
    assert len(highlighted) > 5  # keywords, variables, prefixed names in their own colours
    browser.find_element(By.CSS_SELECTOR, 'a[href="/?beispiel=frauenhaeuser#sparql"]').click()
    assert "oart:frauenhaus" in content.text
    assert "oart:frauenhaus" in browser.find_element(By.ID, "query").get_attribute("value")
    assert console_errors(browser) == []


def test_the_graphs_prefixes_are_offered_and_a_query_without_prefix_answers(browser, base_url):
    browser.get(base_url + "/")
    root = editor(browser)
    content = root.find_element(By.CSS_SELECTOR, ".cm-content")
    # emptied the way an example fills it: the form field changes, the editor follows
    browser.execute_script("var t = document.getElementById('query'); t.value = ''; t.dispatchEvent(new Event('input'));")
    content.click()
    content.send_keys("SELECT ?name WHERE { ?k a ko")
    options = wait(browser, lambda b: root.find_elements(By.CSS_SELECTOR, ".cm-tooltip-autocomplete .cm-completionLabel"))
    assert "koop:" in [o.text for o in options]
    # typed on where the caret is (send_keys on the element would put it at the end again)
    ActionChains(browser).send_keys(Keys.ESCAPE).send_keys('op:Kreis ; koop:kreisschluessel "01056" ; rdfs:label ?name') \
        .key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    query = browser.find_element(By.ID, "query").get_attribute("value")
    rows = wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#sparql-ergebnis tbody tr, #sparql-ergebnis .fehler"))
    assert [r.text for r in rows] == ["Pinneberg"], query
    assert console_errors(browser) == []
