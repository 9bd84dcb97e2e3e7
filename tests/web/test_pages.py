"""The web pages over the real graph: start page with questions and SPARQL
editor, a page per resource with provenance and content negotiation, the
ontology with one anchor per term, the map with its table, the English
switch, and no inline script anywhere (ready for a strict CSP)."""

import json
import re
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib
from flask.testing import FlaskClient

from koopgraph.domain import choropleth
from koopgraph.web import pages
from koopgraph.domain import questions
from koopgraph import engine as kgstore
from koopgraph.domain.examples import EXAMPLES
from realkg import ID, KOOP

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
SVG = "{http://www.w3.org/2000/svg}"
FORMAL = {"01003": "ja", "01002": "ja", "01051": "ja", "01059": "ja", "01061": "keine-angaben"}
ALL_KREISE = ["01001", "01002", "01003", "01004", "01051", "01053", "01054", "01055", "01056", "01057", "01058",
              "01059", "01060", "01061", "01062"]


def html(client: FlaskClient, path: str, **kwargs) -> str:
    response = client.get(path, headers=BROWSER, **kwargs)
    assert response.status_code == 200, (path, response.get_data(as_text=True)[:500])
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def map_regions(page: str) -> dict[str, str]:
    svg = ET.fromstring(re.search(r"<svg .*?</svg>", page, re.S).group(0))
    return {g.get("data-ags"): g.get("data-wert") for g in svg.iter(SVG + "g") if g.get("data-ags")}


# ------------------------------------------------------------------- start page


def test_start_page_says_in_german_what_the_graph_is(client):
    page = html(client, "/")
    assert '<html lang="de">' in page
    assert "Protokoll der vier regionalen Arbeitsgruppen" in page and "ARGE-Zeit 2005–2010" in page
    assert "amtlichen Regionalschlüsseln" in page


def test_start_page_lists_every_named_question_with_title_description_and_link(client):
    page = html(client, "/")
    catalogue = questions.load_queries()
    assert len(catalogue) >= 10
    for name, question in catalogue.items():
        assert question.title["de"] in page and question.description["de"][:60] in page
        assert f'href="/queries/{name}' in page
    assert 'href="/queries/akteure?ags=' in page  # required parameters get their example value


def test_start_page_has_a_plain_get_form_to_sparql_with_a_labelled_textarea(client):
    page = html(client, "/")
    form = re.search(r'<form id="sparql-form"[^>]*>', page).group(0)
    assert 'method="get"' in form and 'action="/sparql"' in form
    assert re.search(r'<label for="query">[^<]+</label>\s*<textarea id="query" name="query"', page)
    assert 'value="csv"' in page  # CSV download works without JavaScript too
    assert '<script src="/static/editor.js" defer></script>' in page


def test_start_page_links_map_questions_and_offers_between_three_and_five_examples(client):
    page = html(client, "/")
    assert 'href="/map"' in page and 'href="/queries"' in page
    assert 3 <= len(EXAMPLES) <= 5
    assert page.count("data-query=") == len(EXAMPLES)


def test_an_example_is_picked_without_javascript_by_its_link(client):
    page = html(client, "/?beispiel=frauenhaeuser")
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)
    assert "oart:frauenhaus" in textarea


def test_every_example_query_runs_on_the_real_graph(kg):
    for example in EXAMPLES:
        rows = list(kgstore.query(kg, example.sparql))
        assert rows, example.key


def test_the_womens_shelter_example_finds_the_three_shelters(kg):
    example = next(e for e in EXAMPLES if e.key == "frauenhaeuser")
    names = sorted(row["name"].value for row in kgstore.query(kg, example.sparql))
    assert names == ["Autonomes Frauenhaus Rendsburg", "Frauenhaus Kreis Plön", "Frauenhaus Norderstedt"]


def test_the_measures_example_rolls_places_up_to_the_kreis(kg):
    example = next(e for e in EXAMPLES if e.key == "massnahmen-je-kreis")
    counts = {row["name"].value: int(row["massnahmen"].value) for row in kgstore.query(kg, example.sparql)}
    assert counts["Flensburg"] == 13 and counts["Stormarn"] == 8


# ------------------------------------------------------------------- language


def test_lang_en_switches_the_page_and_is_remembered_in_a_cookie(real_app):
    client = real_app.test_client()
    page = html(client, "/?lang=en")
    assert '<html lang="en">' in page and "Questions to the graph" in page
    assert "ARGE era 2005–2010" in page
    assert client.get_cookie("lang").value == "en"
    assert '<html lang="en">' in html(client, "/map")
    assert '<html lang="de">' in html(client, "/map?lang=de")


def test_every_page_has_the_navigation_and_a_language_switch_keeping_its_parameters(client):
    page = html(client, "/map?frage=vereinbarung")
    for href, label in [("/", "Start"), ("/queries", "Fragen"), ("/map", "Karte"), ("/#sparql", "SPARQL"),
                        ("/void", "Über die Daten")]:
        assert f'href="{href}"' in page and label in page
    switch = re.search(r'<a class="sprache" href="([^"]+)"', page).group(1)
    assert switch == "/map?frage=vereinbarung&amp;lang=en"


# ------------------------------------------------------------------- resource pages


def test_the_stormarn_page_shows_its_name_nuts_code_and_the_spelling_of_the_minutes(client):
    page = html(client, "/id/region/01062")
    assert "<h1>Stormarn</h1>" in page
    assert "DEF0F" in page and "01062" in page
    assert "Stormann" in page and "andere Schreibweise" in page
    assert 'href="/ontology#Kreis"' in page  # the type, linked to its ontology anchor
    assert 'href="/id/region/01"' in page and "Schleswig-Holstein" in page  # liegtIn, by label


def test_statistical_observations_are_named_by_area_measure_and_date_not_by_their_iri(client):
    """Issue 16: incoming observations on a region page read as words. Expected:
    the Destatis table of 31.12.2018 gives Pinneberg (01056) 314,391 inhabitants
    (data/opendata/regions-sh.csv, column einwohner_2018)."""
    page = html(client, "/id/region/01056")
    assert '<a href="/id/beobachtung/destatis-kreise-2018/01056/einwohner">Pinneberg: Einwohnerzahl, Stand 31.12.2018</a>' \
        in page
    assert ">beobachtung:" not in page and ">http://purl.org/linked-data/sdmx/2009/dimension#refArea<" not in page
    assert ">Gebiet</a>" in page
    observation = html(client, "/id/beobachtung/destatis-kreise-2018/01056/einwohner")
    assert "<h1>Pinneberg: Einwohnerzahl, Stand 31.12.2018</h1>" in observation
    assert ">statistische Angabe</a>" in observation and ">Anzahl</a>" in observation and "314391" in observation
    english = html(client, "/id/beobachtung/destatis-kreise-2018/01056/einwohner?lang=en")
    assert "<h1>Pinneberg: " in english and ", as of 2018-12-31</h1>" in english


def test_the_arge_segeberg_page_shows_the_incoming_link_from_the_refused_cooperation(client):
    page = html(client, "/id/organisation/arge-segeberg")
    assert re.search(r'<a href="/id/kooperation/segeberg-ablehnung">ARGE wünscht Kooperation nicht \(Kreis Segeberg\)</a>'
                     r"</td><td><a href=\"/ontology#abgelehntVon\">abgelehnt von</a>", page)


def test_a_cooperation_page_shows_section_title_quote_and_editorial_note(client):
    page = html(client, "/id/kooperation/ploen-formale-kooperation")
    box = re.search(r'<aside class="herkunft".*?</aside>', page, re.S).group(0)
    assert '<a href="/id/abschnitt/ag1-kooperation">Themenkomplex Kooperation</a>' in box
    assert "„Aus Plön ist eine Vertreterin des Frauenhauses anwesend. Ihr ist keine formale Kooperationsstruktur bekannt.“" in box
    assert "Kenntnisstand der Vertreterin des Frauenhauses Kreis Plön" in box


def test_vocabulary_values_are_shown_by_their_german_label_and_link_to_their_page(client):
    page = html(client, "/id/kooperation/segeberg-ablehnung")
    assert '<a href="/id/kooperationsstatus/abgelehnt">abgelehnt</a>' in page
    assert '<a href="/id/organisation/arge-segeberg">ARGE Segeberg</a>' in page


def test_resource_pages_in_english_use_english_labels_of_terms(client):
    page = html(client, "/id/kooperation/segeberg-ablehnung?lang=en")
    assert '<a href="/id/kooperationsstatus/abgelehnt">refused</a>' in page
    assert '<a href="/ontology#abgelehntVon">refused by</a>' in page
    assert "Provenance" in page and "Verbatim quote from the minutes" in page


def test_turtle_for_stormarn_parses_and_states_the_district_key(client):
    response = client.get("/id/region/01062", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    text = response.get_data(as_text=True)
    assert 'koop:kreisschluessel "01062"' in text
    graph = rdflib.Graph().parse(data=text, format="turtle")
    stormarn = rdflib.URIRef(ID + "region/01062")
    assert (stormarn, rdflib.URIRef(KOOP + "kreisschluessel"), rdflib.Literal("01062")) in graph
    assert (stormarn, rdflib.SKOS.altLabel, rdflib.Literal("Stormann", lang="de")) in graph
    # incoming links are part of the description
    assert (rdflib.URIRef(ID + "organisation/arge-stormarn"), rdflib.URIRef(KOOP + "region"), stormarn) in graph


# rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph internally.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_json_ld_for_stormarn_parses_with_the_same_triples_as_turtle(client):
    response = client.get("/id/region/01062", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    from_json = rdflib.Graph().parse(data=response.get_data(as_text=True), format="json-ld")
    from_turtle = rdflib.Graph().parse(data=client.get("/id/region/01062?format=ttl").get_data(as_text=True),
                                       format="turtle")
    assert len(from_json) == len(from_turtle) > 20
    assert set(from_json) == set(from_turtle)


def test_browsers_and_clients_without_preference_get_html_and_the_answer_varies_on_accept(client):
    for headers in (BROWSER, {}, {"Accept": "*/*"}):
        response = client.get("/id/region/01062", headers=headers)
        assert response.mimetype == "text/html", headers
        assert "Accept" in response.headers["Vary"]


def test_the_page_links_its_turtle_and_json_ld_and_format_html_wins_over_accept(client):
    page = html(client, "/id/region/01062")
    assert 'href="/id/region/01062?format=ttl"' in page and 'href="/id/region/01062?format=jsonld"' in page
    response = client.get("/id/region/01062?format=html", headers={"Accept": "text/turtle"})
    assert response.mimetype == "text/html"


def test_an_unknown_resource_is_404_in_german_and_english(client):
    response = client.get("/id/region/99999", headers={"Accept": "application/json"})
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "unknown-resource"
    assert "gibt es im Koopgraph nicht" in error["message"] and "does not exist" in error["message_en"]
    plain = client.get("/id/region/99999", headers={"Accept": "text/plain"})
    assert plain.status_code == 404 and "gibt es" in plain.get_data(as_text=True) and "does not exist" in plain.get_data(as_text=True)


def test_an_unacceptable_format_is_406_listing_html_and_the_rdf_types(client):
    response = client.get("/id/region/01062", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/html" in response.get_data(as_text=True) and "text/turtle" in response.get_data(as_text=True)


# ------------------------------------------------------------------- the ontology


def test_the_ontology_page_has_an_anchor_for_every_koop_term(client, kg):
    page = html(client, "/ontology")
    terms = {r["t"].value for r in kgstore.query(
        kg, f'SELECT DISTINCT ?t WHERE {{ ?t a ?k FILTER(STRSTARTS(STR(?t), "{KOOP}")) }}')}
    assert len(terms) > 60
    for term in terms:
        assert f'id="{term[len(KOOP):]}"' in page, term
    assert re.search(r'<section class="begriff" id="liegtIn".*?liegt in.*?Die Region liegt in der angegebenen', page, re.S)


def test_the_ontology_as_turtle_parses_and_holds_classes_and_properties(client):
    response = client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert (rdflib.URIRef(KOOP + "Kreis"), rdflib.RDF.type, rdflib.OWL.Class) in graph
    assert (rdflib.URIRef(KOOP + "liegtIn"), rdflib.RDF.type, rdflib.OWL.TransitiveProperty) in graph
    assert not any(str(s).startswith(ID) for s in graph.subjects())  # vocabularies live under /id


# ------------------------------------------------------------------- the map


def test_the_map_has_fifteen_regions_coloured_by_their_formal_cooperation(client):
    regions = map_regions(html(client, "/map"))
    assert sorted(regions) == ALL_KREISE
    assert regions == {ags: FORMAL.get(ags, "nein") for ags in ALL_KREISE}


def test_the_map_table_gives_each_region_its_answer_and_links_its_page(client):
    page = html(client, "/map")
    table = re.search(r'<table class="karte-tabelle">.*?</table>', page, re.S).group(0)
    rows = re.findall(r'<tr data-ags="(\d+)" data-wert="([a-z-]+)"><td><a href="/id/region/\1">([^<]+)</a>', table)
    assert [(ags, value) for ags, value, _ in rows] == [(ags, FORMAL.get(ags, "nein")) for ags in ALL_KREISE]
    assert ("01062", "nein", "Stormarn") in rows
    assert "? = keine Angaben" in table and "J = formale Kooperation" in table
    assert "© GeoBasis-DE / BKG 2020 (Daten verändert)" in page and 'href="https://www.bkg.bund.de"' in page


@pytest.mark.parametrize("key, query, column", [("vereinbarung", "kooperation-nach-region", "vereinbarung"),
                                                ("anschlussqualifikation", "anschlussqualifikation", "antwort")])
def test_other_map_questions_show_the_answers_of_their_named_query(client, kg, key, query, column):
    expected = {row["ags"].value: row[column].value for row in questions.run(kg, questions.load_queries()[query], {})}
    page = html(client, f"/map?frage={key}")
    assert map_regions(page) == expected
    assert len(re.findall(r'<pattern id="muster-\d"', page)) == 4
    assert f'<option value="{key}" selected>' in page


def test_the_second_and_third_map_questions_have_four_categories_with_distinct_patterns_and_marks():
    for categories, values in [(choropleth.VEREINBARUNG, ["ja", "geplant", "nein", "keine-angaben"]),
                               (choropleth.ANSCHLUSSQUALIFIKATION, ["ja", "teilweise", "nein", "keine-angaben"])]:
        assert [c.value for c in categories] == values
        assert len({c.pattern for c in categories}) == len({c.mark for c in categories}) == 4


def test_the_english_map_has_english_legend_labels(client):
    german, english = html(client, "/map?lang=de"), html(client, "/map?lang=en")
    assert "N = keine formale Kooperation" in german and "N = no formal cooperation" not in german
    assert "N = no formal cooperation" in english and "? = not reported" in english
    assert "N = keine formale Kooperation" not in english


def test_an_unknown_map_question_is_a_bilingual_400(client):
    response = client.get("/map?frage=wetter", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "formaleKooperation" in response.get_json()["error"]["message_en"]


# ------------------------------------------------------------------- SPARQL results as HTML


def test_render_results_html_shows_a_table_with_links_and_a_csv_link(real_app, kg):
    query = "SELECT ?r ?name WHERE { ?r <https://w3id.org/koopgraph/ontology#kreisschluessel> \"01062\" ; <http://www.w3.org/2000/01/rdf-schema#label> ?name }"
    with real_app.test_request_context("/sparql", headers=BROWSER):
        page = pages.render_results_html(kgstore.query(kg, query), query=query)
    assert '<th scope="col">r</th><th scope="col">name</th>' in page
    assert '<a href="/id/region/01062">https://w3id.org/koopgraph/id/region/01062</a>' in page and "<td>Stormarn</td>" in page
    assert "1 Zeilen" in page or "1 Zeile" in page
    assert 'href="/sparql?query=SELECT' in page and "format=csv" in page
    assert "kreisschluessel&gt; &#34;01062&#34;" in page or "kreisschluessel&gt; &quot;01062&quot;" in page  # query kept in the editor


def test_render_results_html_answers_ask_with_yes_or_no(real_app, kg):
    with real_app.test_request_context("/sparql?lang=en"):
        page = pages.render_results_html(kgstore.query(kg, "ASK { ?s a <https://w3id.org/koopgraph/ontology#Kreis> }"))
    assert "Answer: <strong>yes</strong>" in page


def test_render_results_html_stops_at_the_row_limit_and_says_so(real_app, kg):
    with real_app.test_request_context("/sparql"):
        page = pages.render_results_html(kgstore.query(kg, "SELECT * WHERE { ?s ?p ?o }"), query="SELECT * WHERE { ?s ?p ?o }")
    assert page.count("<tr>") == pages.MAX_ROWS + 1  # header row + limit
    assert f"gezeigt werden die ersten {pages.MAX_ROWS}" in page


# ------------------------------------------------------------------- static files and CSP readiness


def test_the_editor_script_and_the_stylesheet_are_served_as_static_files(client):
    script = client.get("/static/editor.js")
    assert script.status_code == 200 and "javascript" in script.mimetype
    assert "application/sparql-results+json" in script.get_data(as_text=True)
    assert client.get("/static/koopgraph.css").mimetype == "text/css"


def _pages(client: FlaskClient, real_app) -> dict[str, str]:
    paths = ["/", "/?lang=en", "/?beispiel=zitate-stormarn", "/map", "/map?frage=vereinbarung",
             "/map?frage=anschlussqualifikation&lang=en", "/id/region/01062", "/id/organisation/arge-segeberg",
             "/id/kooperation/ploen-formale-kooperation", "/id/kooperationsstatus/abgelehnt", "/ontology",
             "/queries", "/queries/kooperation-nach-region", "/queries/akteure?ags=01062"]
    found = {path: html(client, path) for path in paths}
    with real_app.test_request_context("/sparql"):
        found["render_results_html"] = pages.render_results_html(
            kgstore.query(real_app.extensions["koopgraph.store"], "SELECT * WHERE { ?s ?p ?o } LIMIT 3"), query="x")
    return found


def test_no_page_has_an_inline_script_or_an_inline_event_handler(client, real_app):
    for path, page in _pages(client, real_app).items():
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script\s*>", page, re.I | re.S)
        assert page.lower().count("<script") == len(scripts), path
        for attributes, body in scripts:
            assert re.search(r'\bsrc="/static/[^"]+"', attributes) and not body.strip(), (path, attributes)
        assert not re.search(r"\son[a-z]+\s*=", page, re.I), path
        assert "javascript:" not in page.lower(), path


def test_every_form_control_has_a_visible_label(client, real_app):
    for path, page in _pages(client, real_app).items():
        for control in re.findall(r"<(?:textarea|select|input)\b[^>]*>", page):
            if 'type="hidden"' in control:
                continue
            control_id = re.search(r'\bid="([^"]+)"', control).group(1)
            assert f'<label for="{control_id}">' in page, (path, control)


def test_the_named_question_pages_are_rendered_in_the_shared_layout(client):
    page = html(client, "/queries/kooperation-nach-region")
    assert '<nav aria-label="Hauptnavigation">' in page and "Kooperation nach Region" in page
    # issue 16: the region by its name, linked to its page – not the IRI as text
    assert '<a href="/id/region/01062">Stormarn</a>' in page and ">https://w3id.org/koopgraph/id/region/01062<" not in page
    assert "format=csv" in page
    assert "Akteure in einer Region" in html(client, "/queries")


def test_a_browser_gets_a_bilingual_html_error_page_for_an_unknown_resource(client):
    response = client.get("/id/region/09999", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "Fehler 404" in text and 'lang="en"' in text


def test_programs_still_get_json_errors_from_the_api(client):
    response = client.get("/queries/unbekannt", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.mimetype == "application/json"
