"""The language and "HTML or data?" are decided once (web/context.py), so
every part of a page agrees: the page text and the question titles speak
the same language, whatever the URL and the cookie say, and the same Accept
header gets a page or data the same way on every endpoint."""

import re
from pathlib import Path

import pytest

QUERIES = Path(__file__).resolve().parents[2] / "queries"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _title(name: str, lang: str) -> str:
    """A question's title as its .rq header states it."""
    header = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    return re.search(rf"^#\+   {lang}: (.+)$", header, re.M).group(1).strip()


def _page(client, url: str, cookie: str | None = None) -> str:
    if cookie:
        client.set_cookie("lang", cookie)
    response = client.get(url, headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("asked, remembered", [("de", "en"), ("en", "de")])
def test_the_url_language_wins_over_the_cookie_for_page_text_and_question_titles(real_app, asked, remembered):
    page = _page(real_app.test_client(), f"/queries?lang={asked}", cookie=remembered)
    assert f'<html lang="{asked}">' in page
    heading = {"de": "Fragen an den Graphen", "en": "Questions to the graph"}
    assert heading[asked] in page and heading[remembered] not in page
    assert _title("kooperation-nach-region", asked) in page
    assert _title("kooperation-nach-region", remembered) not in page


def test_without_lang_in_the_url_the_cookie_decides_everything(real_app):
    page = _page(real_app.test_client(), "/queries", cookie="en")
    assert '<html lang="en">' in page and "Questions to the graph" in page
    assert _title("kooperation-nach-region", "en") in page


def test_a_question_answer_page_speaks_the_urls_language_against_the_cookie(real_app):
    page = _page(real_app.test_client(), "/queries/kooperation-nach-region?lang=de", cookie="en")
    assert '<html lang="de">' in page and _title("kooperation-nach-region", "de") in page
    assert _title("kooperation-nach-region", "en") not in page


# (path, Accept, page?) – programs get data on a tie, resources answer people first.
DECISIONS = [
    ("/queries", BROWSER, True),
    ("/queries", "*/*", False),
    ("/queries", None, False),
    ("/queries", "application/json", False),
    ("/queries/arbeitsgruppen", BROWSER, True),
    ("/queries/arbeitsgruppen", "*/*", False),
    ("/sparql?query=ASK%20%7B%7D", BROWSER, True),
    ("/sparql?query=ASK%20%7B%7D", "*/*", False),
    ("/sparql?query=ASK%20%7B%7D&format=html", "*/*", True),
    ("/id/region/01056", "*/*", True),
    ("/id/region/01056", None, True),
    ("/id/region/01056", "text/turtle", False),
    ("/id/region/01056?format=html", "text/turtle", True),
    ("/ontology", "text/turtle, text/html;q=0.5", False),
]


@pytest.mark.parametrize("path, accept, page", DECISIONS)
def test_html_or_data_is_the_same_rule_on_every_endpoint(client, path, accept, page):
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert (response.mimetype == "text/html") is page


@pytest.mark.parametrize("old, new", [
    ("/karte?frage=vereinbarung", "/map?frage=vereinbarung"),
    ("/erfassen", "/forms"),
    ("/erfassen/kooperation", "/forms/kooperation"),
    ("/erfassen/bearbeiten/kooperation/x", "/forms/edit/kooperation/x"),
    ("/erfassen/loeschen/kooperation/x", "/forms/delete/kooperation/x"),
    ("/erfassen/suche?q=Kiel", "/forms/search?q=Kiel"),
    ("/anmelden", "/login"),
    ("/abmelden", "/logout"),
])
def test_the_old_german_paths_redirect_permanently_keeping_method_and_query(client, old, new):
    response = client.get(old)
    assert response.status_code == 308
    assert response.headers["Location"] == new


def test_a_post_to_an_old_form_path_is_redirected_with_308_so_the_body_is_resent(client):
    response = client.post("/erfassen/kooperation", data={"aktion": "pruefen"})
    assert response.status_code == 308 and response.headers["Location"] == "/forms/kooperation"
