"""The pages people read, in Debian's Chromium at 1280 and 390 px (issue 16):
the landing page, a question, the Pinneberg profile, the map, search and a
form – nothing wider than the phone's screen but the tables, which scroll
with their key column kept in view; axe-core finds no serious or critical
violation on any page type; screenshots of each at both widths go to
docs/screenshots/ (linked from README.md).

axe-core comes from the npm registry (package.json; `npm ci`, which the
package build and .ci/run do); without node_modules/axe-core that test skips.
"""

from pathlib import Path

import pytest

from chromium import REPO, SCREENSHOTS, console_errors, needs_chromium
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

pytestmark = needs_chromium

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 390)
# name of the screenshot → page (the six of the issue)
SHOWN = {
    "start": "/",
    "frage": "/queries/kooperation-nach-region",
    "profil-pinneberg": "/id/region/01056",
    "karte": "/map",
    "suche": "/search?q=Kaltenkirchen",
    "formular": "/forms/kooperation",
}
# every page type, for axe
PAGE_TYPES = [*SHOWN.values(), "/queries", "/queries/akteure", "/void", "/ontology", "/id/region/01056039",
              "/id/organisation/arge-luebeck", "/id/kooperation/luebeck-arbeitskreise",
              "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%203&format=html",
              "/forms", "/login", "/gibt-es-nicht"]


def at_width(browser, width: int, height: int = 900) -> None:
    """The viewport of a desktop (1280) or a phone (390, touch, as a phone reports it)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def overflowing(browser) -> list[str]:
    """Elements reaching past the right edge, outside a scrolling table."""
    return browser.execute_script("""
        var w = document.documentElement.clientWidth, out = [];
        document.querySelectorAll('body *').forEach(function (e) {
          if (e.closest('.tabelle') || e.closest('details:not([open])')) return;
          var r = e.getBoundingClientRect();
          if (r.width > 0 && r.right > w + 1) out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));
        });
        return out.slice(0, 5);""")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name, path", SHOWN.items())
def test_the_page_fits_the_screen_and_is_photographed(browser, base_url, name, path, width):
    at_width(browser, width)
    browser.get(base_url + path)
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width + 1, overflowing(browser)
    assert overflowing(browser) == []
    assert console_errors(browser) == []
    height = min(browser.execute_script("return document.documentElement.scrollHeight"), 5000)
    at_width(browser, width, max(height, 600))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / f"{name}-{width}.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 5_000
    at_width(browser, width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/queries/kooperation-nach-region", "/queries/kooperation-und-bevoelkerung",
                                  "/id/region/01056"])
def test_no_key_column_is_cut_off_even_when_the_table_is_scrolled(browser, base_url, path, width):
    at_width(browser, width)
    browser.get(base_url + path)
    tables = browser.find_elements(By.CSS_SELECTOR, ".tabelle.lesbar")
    assert tables, path
    for container in tables:
        browser.execute_script("arguments[0].scrollIntoView(); arguments[0].scrollLeft = arguments[0].scrollWidth;",
                               container)
        for key in container.find_elements(By.CSS_SELECTOR, ".schluessel")[:6]:
            box = browser.execute_script("var r = arguments[0].getBoundingClientRect(); return [r.left, r.right];", key)
            frame = browser.execute_script("var r = arguments[0].getBoundingClientRect(); return [r.left, r.right];",
                                           container)
            assert frame[0] - 1 <= box[0] and box[1] <= min(frame[1], width) + 1, (path, key.text, box, frame)
            assert key.text.strip(), "the key column shows the name"


def test_the_map_is_wide_on_a_desktop_and_every_kreis_is_reached_by_the_tab_key(browser, base_url):
    at_width(browser, 1280)
    browser.get(base_url + "/map")
    svg = browser.find_element(By.CSS_SELECTOR, "svg.karte")
    assert svg.size["width"] >= 850  # ~900 px: the full content width
    browser.find_element(By.ID, "frage").send_keys(Keys.TAB)  # from the chooser on
    reached = set()
    for _ in range(40):
        active = browser.switch_to.active_element
        href = active.get_attribute("href") or ""
        if "/id/region/" in href:
            reached.add(href.rsplit("/", 1)[-1])
        active.send_keys(Keys.TAB)
    assert len(reached) == 15
    at_width(browser, 390)
    browser.get(base_url + "/map")
    assert browser.find_element(By.CSS_SELECTOR, "svg.karte").size["width"] <= 390


def _printed_pages(browser) -> tuple[int, str]:
    """The page printed to A4 by Chromium (as a user's print dialog would): its
    number of pages, and the text the print shows (print media emulated)."""
    import base64
    import re

    pdf = base64.b64decode(browser.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": 8.27, "paperHeight": 11.69, "marginTop": 0.4, "marginBottom": 0.4,
        "marginLeft": 0.4, "marginRight": 0.4, "printBackground": False})["data"])
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        shown = browser.execute_script("return document.body.innerText;")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf)), shown


# The 15 Kreise and kreisfreie Städte of Schleswig-Holstein (official keys).
KREISE = ["01001", "01002", "01003", "01004", "01051", "01053", "01054", "01055", "01056", "01057", "01058",
          "01059", "01060", "01061", "01062"]


def test_every_kreis_profile_prints_on_one_or_two_a4_pages_without_the_sites_navigation(browser, base_url):
    """Issue 16: the Kreisprofil is print-friendly (one or two A4 pages); the
    print shows the content (the Kreis's name), not the header's search box,
    the downloads or the full statement list."""
    at_width(browser, 1280)
    for ags in KREISE:
        browser.get(base_url + f"/id/region/{ags}")
        name = browser.find_element(By.TAG_NAME, "h1").text
        pages, printed = _printed_pages(browser)
        assert 1 <= pages <= 2, (ags, pages)
        assert name in printed
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            for hidden in (".kopf", ".downloads", ".suche", ".alle-angaben"):
                assert not any(e.is_displayed() for e in browser.find_elements(By.CSS_SELECTOR, hidden)), (ags, hidden)
        finally:
            browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm ci)")
@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_serious_or_critical_violation_on_any_page_type(browser, base_url, width):
    source = AXE.read_text(encoding="utf-8")
    found = {}
    for path in PAGE_TYPES:
        at_width(browser, width)
        browser.get(base_url + path)
        browser.execute_script(source)
        result = browser.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(function (r) {"
            "  done(r.violations.map(function (v) { return [v.id, v.impact, v.nodes.length,"
            "    v.nodes.slice(0, 2).map(function (n) { return n.target.join(' '); })]; })); });")
        serious = [v for v in result if v[1] in ("serious", "critical")]
        if serious:
            found[path] = serious
    assert found == {}


def test_the_screenshots_are_linked_from_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in SHOWN:
        for width in WIDTHS:
            assert f"docs/screenshots/{name}-{width}.png" in readme
    assert Path(SCREENSHOTS).is_dir()
