"""Entering records in the browser (/forms): forms generated from the
shapes, over the real packaged data with the Flask test client.

Proves: which kinds get a form (derived from the shapes), that a form has a
field per property shape labelled from the ontology with required markers
from sh:minCount, that drop-downs list exactly the concepts of the scheme,
that form data becomes the expected triples, that "Prüfen" works without
JavaScript and puts each message next to its field, that nobody writes
without signing in (the Turtle download is offered instead), that signing in
exchanges the token for a HttpOnly SameSite=Strict session cookie, that
every POST needs the CSRF token, that a signed-in submit goes through the
records gate and lands on the record's page, that editing prefills and
replaces, that deleting asks first, and that a property added to a shape
(in a test copy) appears in the form without any code change.
"""

import re
import shutil
from html import unescape
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SH, SKOS

from koopgraph.writes import gate
from koopgraph.domain import forms, questions
from koopgraph import content
from koopgraph import engine as kgstore
from koopgraph.web.sessions import SESSION_COOKIE
from koopgraph.domain.validation import load_shapes
from writeapp import make_app

SECRET = "fallbearbeitung-geheimnis-0123456789"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
KOOP = "https://w3id.org/koopgraph/ontology#"
ID = "https://w3id.org/koopgraph/id/"
KFORM = ID + "kooperationsform/"
KSTATUS = ID + "kooperationsstatus/"
NEW = ID + "kooperation/ostholstein-vereinbarung-2026"

# A new written agreement in Ostholstein, as a person fills in the form.
FILLED = {
    "kuerzel": "ostholstein-vereinbarung-2026",
    "rdfs:label": "Kooperationsvereinbarung ARGE und Migrationsfachdienste Ostholstein",
    "rdfs:label@sprache": "de",
    "koop:region": "Ostholstein (region/01055)",
    "koop:kooperationsform": KFORM + "kooperationsvereinbarung",
    "koop:status": KSTATUS + "besteht",
    "koop:beteiligt": ["ARGE Ostholstein", "Migrationsfachdienste in Ostholstein (organisation/migrationsfachdienste-ostholstein)"],
    "koop:seit": "2026",
    "dcterms:source": "Unterzeichnete Vereinbarung vom 2. März 2026",
    "dcterms:source@sprache": "de",
}


def _app(root: Path | None = None, **config):
    return make_app(TOKENS=f"fallbearbeitung:{SECRET}", **({"RESOURCES": str(root)} if root else {}), **config)


@pytest.fixture
def app():
    return _app()


def page(web, path: str, status: int = 200) -> str:
    response = web.get(path, headers=BROWSER)
    assert response.status_code == status, (path, response.get_data(as_text=True)[:400])
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def post(web, path: str, data: dict, token: str | None = None, headers=BROWSER):
    """POST a form the way a browser does after loading it (with its CSRF token)."""
    if token is None:
        token = csrf(page(web, path if "?" not in path else path.split("?")[0]))
    return web.post(path, data={**data, "csrf": token}, headers=headers)


def sign_in(web, secret: str = SECRET):
    return post(web, "/login", {"token": secret, "weiter": "/forms"}, token=csrf(page(web, "/login")))


def field_html(html: str, key: str) -> str:
    """The markup of one field's container (up to the next field)."""
    dom = re.sub(r"[^A-Za-z0-9_-]", "-", key)
    start = html.rindex('<div class="feld', 0, html.index(f'id="feld-{dom}"'))
    end = html.find('<div class="feld', start + 10)
    return html[start:end if end > 0 else len(html)]


def messages_of(html: str, key: str) -> list[str]:
    dom = re.sub(r"[^A-Za-z0-9_-]", "-", key)
    listed = re.search(rf'<ul class="feldfehler" id="fehler-{dom}">(.*?)</ul>', html, re.S).group(1)
    return [unescape(m) for m in re.findall(r"<li>(.*?)</li>", listed, re.S)]


def dump(app) -> bytes:
    return app.extensions["koopgraph.store"].dump(format=ox.RdfFormat.N_QUADS)


# ---------------------------------------------------------------- which kinds, which fields


def test_the_kinds_listed_are_the_koop_classes_of_shapes_with_property_shapes_minus_regions_event_and_provenance(web, app):
    html = page(web, "/forms")
    links = re.findall(r'<li><a href="/forms/([a-z]+)">([^<]+)</a>', html)
    assert links == [("helferfunktion", "Helferfunktion"), ("kooperation", "Kooperation"), ("massnahme", "Maßnahme"),
                     ("organisation", "Organisation"), ("zusatzleistung", "Zusatzleistung")]
    classes = forms.kind_classes(load_shapes(), app.extensions["koopgraph.store"])
    assert set(classes.values()) == {KOOP + c for c in ("Helferfunktion", "Kooperation", "Massnahme", "Organisation",
                                                        "Zusatzleistung")}
    assert '<a href="/forms"' in html and ">Erfassen</a>" in html  # in the navigation
    assert "Enter records" in page(web, "/forms?lang=en")


def test_the_kooperation_form_has_a_field_per_property_shape_labelled_from_the_ontology_with_required_from_min_count(web, kg):
    html = page(web, "/forms/kooperation")
    shapes = load_shapes()
    shape = URIRef("https://w3id.org/koopgraph/shapes#KooperationShape")
    paths = {str(shapes.value(ps, SH.path)): int(shapes.value(ps, SH.minCount) or 0)
             for ps in shapes.objects(shape, SH.property)}
    assert len(paths) == 16 and KOOP + "region" in paths  # ksh:RegionPflicht, reached via sh:property
    labels = {row["p"].value: row["l"].value for row in kgstore.query(kg, """SELECT ?p ?l WHERE {
        ?p <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANG(?l) = "de") }""")}
    for path, min_count in paths.items():
        key = {str(RDFS.label): "rdfs:label", str(SKOS.editorialNote): "skos:editorialNote"}.get(path) or "koop:" + path.rsplit("#", 1)[1]
        markup = field_html(html, key)
        label = re.search(r'<label for="f-[^"]+-1">([^<]+)', markup).group(1)
        if path.startswith(KOOP):
            assert label == labels[path][:1].upper() + labels[path][1:], path
        assert ('class="pflicht"' in markup) == (min_count >= 1), path
        assert (" required" in markup) == (min_count >= 1), path
    assert re.search(r'<label for="f-koop-seit-1">Besteht seit</label>', html)
    assert "Das Jahr, seit dem die Kooperation besteht." in field_html(html, "koop:seit")  # skos:definition as help
    assert "Genau ein Status ist nötig" in field_html(html, "koop:status")  # the shape's sh:message as the rule
    # the note a record with status "keine bekannt" needs (ksh:KeineBekanntMitHinweisShape): sh:name as label
    assert re.search(r'<label for="f-skos-editorialNote-1">Redaktionelle Anmerkung</label>', html)
    assert "wessen Kenntnis es ist" in field_html(html, "skos:editorialNote")
    # the source: required (every record names one), the slug with the base from the shape's sh:pattern
    assert 'class="pflicht"' in field_html(html, "dcterms:source")
    assert "https://w3id.org/koopgraph/id/kooperation/</span>" in html and 'name="kuerzel"' in html


def test_the_form_speaks_english_with_lang_en(web):
    html = page(web, "/forms/kooperation?lang=en")
    assert '<html lang="en">' in html
    assert re.search(r'<label for="f-koop-seit-1">Exists since</label>', html)
    assert "Exactly one status is required" in html and ">exists</option>" in html


def test_widgets_follow_the_shapes_datatypes_and_cardinalities(web):
    html = page(web, "/forms/massnahme")
    assert re.search(r'<input type="number" id="f-koop-anzahl-1" name="koop:anzahl" value="" step="1" min="1"', html)
    assert re.search(r'<input type="number" id="f-koop-weiterbildungsanteil-1"[^>]* step="any" min="0" max="1"', html)
    assert re.search(r'<input type="checkbox" id="f-koop-migrantenspezifisch-1" name="koop:migrantenspezifisch" value="true"', html)
    assert re.search(r'<input type="text" id="f-rdfs-label-1" name="rdfs:label" value="" lang="de"', html)
    # repeatable (no sh:maxCount): checkboxes for vocabularies, "+ weitere" for others; single-valued: no button
    assert 'name="koop:zielgruppe" value="https://w3id.org/koopgraph/id/zielgruppe/' in html
    assert 'value="mehr:koop:anbieter"' in html and 'value="mehr:koop:anzahl"' not in html
    kooperation = page(web, "/forms/kooperation")
    assert re.search(r'<input type="number" id="f-koop-seit-1" name="koop:seit" value="" step="1"', kooperation)
    # pickers: a datalist of what the graph holds, and the classes for the search
    assert re.search(r'<input type="text" id="f-koop-region-1" name="koop:region" value="" list="liste-koop-Region"'
                     r' autocomplete="off" data-klassen="koop:Region"', kooperation)
    assert '<option value="Ostholstein (region/01055)" label="Kreis">' in kooperation
    assert '<option value="ARGE Ostholstein (organisation/arge-ostholstein)"' in kooperation
    assert 'data-klassen="koop:Organisation koop:Kooperation"' in kooperation  # initiator: sh:or of two classes


def test_drop_down_options_are_exactly_the_concepts_of_the_scheme_with_their_german_labels(web, kg):
    html = page(web, "/forms/kooperation")
    select = re.search(r'<select id="f-koop-kooperationsform-1".*?</select>', field_html(html, "koop:kooperationsform"), re.S).group(0)
    shown = dict(re.findall(r'<option value="([^"]+)">([^<]+)</option>', select))
    concepts = {row["c"].value: row["l"].value for row in kgstore.query(kg, """
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?c ?l WHERE { ?c skos:inScheme <https://w3id.org/koopgraph/id/vokabular/kooperationsform> ;
                                skos:prefLabel ?l FILTER(LANG(?l) = "de") }""")}
    assert {v: t.removeprefix("– ") for v, t in shown.items()} == concepts
    assert shown[KFORM + "kooperationsvereinbarung"] == "– Kooperationsvereinbarung (schriftlich)"  # under its broader
    status = re.search(r'<select id="f-koop-status-1".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]+)">', status) == [KSTATUS + s for s in (
        "besteht", "in-vorbereitung", "geplant", "angestrebt", "keine", "keine-bekannt", "abgelehnt", "keine-angaben")]  # sh:in order
    assert ">in Vorbereitung</option>" in status


# ---------------------------------------------------------------- form -> RDF, checking


def test_form_data_becomes_the_expected_triples(app):
    store = app.extensions["koopgraph.store"]
    with app.test_request_context("/forms/kooperation"):
        kind = forms.kind(load_shapes(), store, "kooperation", "de")
        state = {k: v if isinstance(v, list) else [v] for k, v in FILLED.items()}
        built = forms.to_rdf(kind, state, store, "de")
    n = ox.NamedNode
    s = n(NEW)
    assert built.problems == {} and built.iri == NEW
    assert set(built.triples) == {
        ox.Triple(s, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(KOOP + "Kooperation")),
        ox.Triple(s, n("http://www.w3.org/2000/01/rdf-schema#label"),
                  ox.Literal(FILLED["rdfs:label"], language="de")),
        ox.Triple(s, n(KOOP + "region"), n(ID + "region/01055")),
        ox.Triple(s, n(KOOP + "kooperationsform"), n(KFORM + "kooperationsvereinbarung")),
        ox.Triple(s, n(KOOP + "status"), n(KSTATUS + "besteht")),
        ox.Triple(s, n(KOOP + "beteiligt"), n(ID + "organisation/arge-ostholstein")),
        ox.Triple(s, n(KOOP + "beteiligt"), n(ID + "organisation/migrationsfachdienste-ostholstein")),
        ox.Triple(s, n(KOOP + "seit"), ox.Literal("2026", datatype=n("http://www.w3.org/2001/XMLSchema#gYear"))),
        ox.Triple(s, n("http://purl.org/dc/terms/source"), ox.Literal(FILLED["dcterms:source"], language="de")),
    }
    assert forms.check(store, built, load_shapes()).conforms


def test_pruefen_without_javascript_shows_the_german_message_next_to_the_missing_status(web, app):
    before = dump(app)
    data = {k: v for k, v in FILLED.items() if k != "koop:status"}
    response = post(web, "/forms/kooperation", data | {"aktion": "pruefen"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    status = field_html(html, "koop:status")
    assert messages_of(html, "koop:status") == ["Genau ein Status ist nötig: besteht, in Vorbereitung, geplant, "
                                                "angestrebt, keine, keine bekannt, abgelehnt oder keine Angaben."]
    assert 'class="feld hat-fehler"' in status and 'aria-invalid="true"' in status
    assert all(not messages_of(html, key) for key in ("koop:region", "rdfs:label", "dcterms:source"))
    assert '<a href="#f-koop-status-1">Status</a>' in html  # the summary at the top links to the field
    # what was entered is still there, the preview shows the record
    assert 'value="ostholstein-vereinbarung-2026"' in html and 'value="Ostholstein (region/01055)"' in html
    assert "kooperation:ostholstein-vereinbarung-2026 a koop:Kooperation" in unescape(html)
    assert dump(app) == before  # nothing stored


def test_messages_about_the_whole_record_go_to_the_slug_and_the_source_field(web):
    data = {k: v for k, v in FILLED.items() if k != "dcterms:source"} | {"kuerzel": "Ostholstein-Neu"}
    html = post(web, "/forms/kooperation", data | {"aktion": "pruefen"}).get_data(as_text=True)
    assert messages_of(html, "kuerzel")[0].startswith("Die IRI einer Kooperation ist https://w3id.org/koopgraph/id/kooperation/")
    assert messages_of(html, "dcterms:source")[0].startswith("Quelle fehlt")


def test_an_ill_formed_year_gets_the_shapes_message_and_an_unknown_name_a_hint(web):
    data = FILLED | {"koop:seit": "20x6", "koop:beteiligt": ["Gibt es nicht GmbH"]}
    html = post(web, "/forms/kooperation", data | {"aktion": "pruefen"}).get_data(as_text=True)
    assert messages_of(html, "koop:seit") == ["„Besteht seit“ ist höchstens eine Jahreszahl (xsd:gYear, z. B. \"2000\"^^xsd:gYear)."]
    assert "gibt es im Graphen nicht" in messages_of(html, "koop:beteiligt")[0]


def test_checking_while_typing_gets_json_with_messages_by_field_and_stores_nothing(web, app):
    before = dump(app)
    data = {k: v for k, v in FILLED.items() if k != "koop:status"}
    response = post(web, "/forms/kooperation?lang=en", data | {"aktion": "pruefen"},
                    headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["conforms"] is False and body["record"] == NEW and body["general"] == []
    assert body["fields"] == {"koop:status": ["Exactly one status is required: exists, in preparation, planned, "
                                              "aimed for, none, none known, refused or not reported."]}
    assert "koop:region region:01055" in body["turtle"]
    ok = post(web, "/forms/kooperation", FILLED | {"aktion": "pruefen"}, headers={"Accept": "application/json"})
    assert ok.get_json()["conforms"] is True and ok.get_json()["fields"] == {}
    assert dump(app) == before


def test_the_search_finds_things_of_the_class_with_the_text_as_a_bound_parameter(web):
    found = web.get("/forms/search", query_string={"klasse": "koop:Region", "q": "osthol"}).get_json()["results"]
    assert found[0] == {"value": "Ostholstein (region/01055)", "label": "Ostholstein", "iri": ID + "region/01055",
                        "kind": "Kreis"}
    organisations = web.get("/forms/search", query_string={"klasse": "koop:Organisation", "q": "ARGE Osth"}).get_json()
    assert organisations["results"][0]["iri"] == ID + "organisation/arge-ostholstein"
    nasty = web.get("/forms/search", query_string={"klasse": "koop:Region", "q": '") } } SELECT * { ?s ?p ?o } #'})
    assert nasty.status_code == 200 and nasty.get_json()["results"] == []
    assert web.get("/forms/search", query_string={"klasse": "rdfs:Resource", "q": "x"}).status_code == 400


# ---------------------------------------------------------------- signing in, CSRF, writing


def test_submit_without_signing_in_stores_nothing_and_offers_the_turtle_download(web, app):
    before = dump(app)
    response = post(web, "/forms/kooperation", FILLED | {"aktion": "speichern"})
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Zum Speichern bitte anmelden" in html
    assert '<button type="submit" name="aktion" value="herunterladen" class="zweitrangig">Als Turtle herunterladen</button>' in html
    assert 'value="Kooperationsvereinbarung ARGE und Migrationsfachdienste Ostholstein"' in html  # nothing lost
    download = post(web, "/forms/kooperation", FILLED | {"aktion": "herunterladen"})
    assert download.status_code == 200 and download.mimetype == "text/turtle"
    assert download.headers["Content-Disposition"] == 'attachment; filename="ostholstein-vereinbarung-2026.ttl"'
    text = download.get_data(as_text=True)
    assert "# Die Datenpflege prüft ihn mit: koopgraph validate ostholstein-vereinbarung-2026.ttl" in text
    g = Graph().parse(data=text, format="turtle")
    assert len(g) == 9 and (URIRef(NEW), URIRef(KOOP + "status"), URIRef(KSTATUS + "besteht")) in g
    assert dump(app) == before


def test_a_downloaded_record_that_is_not_yet_valid_says_what_is_missing(web):
    data = {k: v for k, v in FILLED.items() if k != "koop:status"}
    text = post(web, "/forms/kooperation", data | {"aktion": "herunterladen"}).get_data(as_text=True)
    assert "# Noch nicht in Ordnung:\n# - Genau ein Status ist nötig" in text


def test_signing_in_exchanges_the_token_for_an_httponly_samesite_strict_session_cookie(web):
    html = page(web, "/login")
    assert '<input type="password" id="token" name="token"' in html and 'method="post" action="/login"' in html
    response = sign_in(web)
    assert response.status_code == 303 and response.headers["Location"] == "/forms"
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(SESSION_COOKIE + "=")]
    assert len(cookies) == 1
    cookie = cookies[0]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http in the test; https sets Secure
    value = cookie.split(";")[0].split("=", 1)[1]
    assert SECRET not in cookie and len(value) >= 40
    assert "Angemeldet als <strong>fallbearbeitung</strong>" in page(web, "/forms")
    # over https the cookie is Secure and __Host- prefixed (its form cookie too: the CSRF token comes from an https page)
    form = web.get("/login", base_url="https://localhost", headers=BROWSER).get_data(as_text=True)
    secure = web.post("/login", base_url="https://localhost", headers=BROWSER, data={"token": SECRET, "csrf": csrf(form)})
    assert any("Secure" in c for c in secure.headers.getlist("Set-Cookie") if c.startswith("__Host-" + SESSION_COOKIE))


def test_signing_in_returns_only_to_a_path_on_this_site(web):
    for target, expected in (("/forms/massnahme", "/forms/massnahme"), ("//evil.example/x", "/forms"),
                             ("https://evil.example/", "/forms"), ("/\t/evil.example", "/forms"),
                             ("/\\evil.example", "/forms")):
        response = post(web, "/login", {"token": SECRET, "weiter": target}, token=csrf(page(web, "/login")))
        assert response.status_code == 303 and response.headers["Location"] == expected, target


def test_a_wrong_token_or_a_token_in_the_url_does_not_sign_in(web):
    response = sign_in(web, "falsch-falsch-falsch-falsch")
    assert response.status_code == 403 and "Dieses Token ist nicht gültig." in response.get_data(as_text=True)
    assert not any(c.startswith(SESSION_COOKIE + "=") and "Expires=Thu, 01 Jan 1970" not in c
                   for c in response.headers.getlist("Set-Cookie"))
    for path in (f"/login?token={SECRET}", f"/forms?token={SECRET}"):
        response = web.get(path, headers=BROWSER)
        assert not any(c.startswith(SESSION_COOKIE) for c in response.headers.getlist("Set-Cookie"))
        assert "Angemeldet als" not in response.get_data(as_text=True)


def test_a_post_without_or_with_a_wrong_csrf_token_is_refused(web, app):
    before = dump(app)
    sign_in(web)
    page(web, "/forms/kooperation")
    for data in (FILLED | {"aktion": "speichern"}, FILLED | {"aktion": "speichern", "csrf": "falsch"}):
        response = web.post("/forms/kooperation", data=data, headers=BROWSER)
        assert response.status_code == 403 and "CSRF" in response.get_data(as_text=True)
    assert web.post("/login", data={"token": SECRET}, headers=BROWSER).status_code == 403
    assert web.post("/logout", data={}, headers=BROWSER).status_code == 403
    assert "Angemeldet als" in page(web, "/forms")  # the refused sign-out did nothing
    assert dump(app) == before
    # another browser's token does not fit this browser
    other = app.test_client()
    foreign = csrf(page(other, "/forms/kooperation"))
    assert web.post("/forms/kooperation", data=FILLED | {"aktion": "pruefen", "csrf": foreign},
                    headers=BROWSER).status_code == 403


def test_a_signed_in_submit_creates_the_record_and_lands_on_its_page(web, app):
    store = app.extensions["koopgraph.store"]
    answer = {r["ags"].value: r["vereinbarung"].value
              for r in questions.run(store, questions.load_queries()["kooperation-nach-region"], {})}
    assert answer["01055"] == "keine-angaben"
    sign_in(web)
    response = post(web, "/forms/kooperation", FILLED | {"aktion": "speichern"})
    assert response.status_code == 303 and response.headers["Location"] == "/id/kooperation/ostholstein-vereinbarung-2026"
    record = page(web, response.headers["Location"])
    assert "Kooperationsvereinbarung ARGE und Migrationsfachdienste Ostholstein" in record
    submissions = web.get("/submissions").get_json()["submissions"]
    assert submissions[-1]["agent"] == "fallbearbeitung" and submissions[-1]["records"] == [NEW]
    answer = {r["ags"].value: r["vereinbarung"].value
              for r in questions.run(store, questions.load_queries()["kooperation-nach-region"], {})}
    assert answer["01055"] == "ja"
    # the same slug again: refused at the slug field, nothing doubled
    again = post(web, "/forms/kooperation", FILLED | {"aktion": "speichern"})
    assert again.status_code == 409 and "Diesen Eintrag gibt es schon" in messages_of(again.get_data(as_text=True), "kuerzel")[0]


def test_an_invalid_signed_in_submit_is_refused_by_the_gate_with_the_messages_at_the_fields(web, app):
    before = dump(app)
    sign_in(web)
    response = post(web, "/forms/kooperation", {k: v for k, v in FILLED.items() if k != "koop:region"} | {"aktion": "speichern"})
    assert response.status_code == 422
    assert messages_of(response.get_data(as_text=True), "koop:region")[0].startswith("Mindestens eine Region ist nötig")
    assert dump(app) == before


def test_the_form_is_kept_through_signing_in(web):
    response = post(web, "/forms/kooperation", FILLED | {"aktion": "anmelden"})
    assert response.status_code == 303
    target = re.search(r"weiter=([^&]+)", response.headers["Location"]).group(1)
    from urllib.parse import unquote
    back = unquote(target)
    assert back.startswith("/forms/kooperation?entwurf=")
    signed = post(web, "/login", {"token": SECRET, "weiter": back}, token=csrf(page(web, "/login")))
    assert signed.headers["Location"] == back
    html = page(web, back)
    assert "Ihre Angaben sind wieder da" in html and 'value="ostholstein-vereinbarung-2026"' in html
    assert '<button type="submit" name="aktion" value="speichern">Speichern</button>' in html
    assert 'value="ostholstein-vereinbarung-2026"' not in page(web, back)  # a draft is restored once


def test_editing_opens_the_form_filled_with_the_record_and_replaces_it(web, app):
    sign_in(web)
    post(web, "/forms/kooperation", FILLED | {"aktion": "speichern"})
    path = "/forms/edit/kooperation/ostholstein-vereinbarung-2026"
    html = page(web, path)
    assert 'name="kuerzel"' not in html and NEW in html
    assert 'value="Kooperationsvereinbarung ARGE und Migrationsfachdienste Ostholstein"' in html
    assert 'value="Ostholstein (region/01055)"' in html and 'value="ARGE Ostholstein (organisation/arge-ostholstein)"' in html
    assert f'<option value="{KSTATUS}besteht" selected>' in html and 'value="2026"' in html
    assert f'<option value="{KFORM}kooperationsvereinbarung" selected>' in html
    changed = FILLED | {"koop:status": KSTATUS + "in-vorbereitung"}
    del changed["kuerzel"]
    response = post(web, path, changed | {"aktion": "speichern"})
    assert response.status_code == 303 and response.headers["Location"] == "/id/kooperation/ostholstein-vereinbarung-2026"
    store = app.extensions["koopgraph.store"]
    statuses = {q.object.value for q in store.quads_for_pattern(ox.NamedNode(NEW), ox.NamedNode(KOOP + "status"), None, None)}
    assert statuses == {KSTATUS + "in-vorbereitung"}
    assert web.get("/submissions").get_json()["submissions"][-1]["operation"] == "ersetzen"


def test_a_submitted_records_page_links_to_its_form_and_a_record_from_the_files_does_not(web):
    sign_in(web)
    post(web, "/forms/kooperation", FILLED | {"aktion": "speichern"})
    link = 'href="/forms/edit/kooperation/ostholstein-vereinbarung-2026"'
    assert link in page(web, "/id/kooperation/ostholstein-vereinbarung-2026")
    from_minutes = page(web, "/id/organisation/arge-ostholstein")
    assert "/forms/edit/" not in from_minutes and "bearbeiten oder löschen" not in from_minutes


def test_editing_keeps_statements_the_form_cannot_show(app):
    """A false boolean (a checkbox only says true) and a property without a
    field are kept as they are, not dropped by saving the form."""
    store = app.extensions["koopgraph.store"]
    iri = ID + "massnahme/test-kurs"
    n = ox.NamedNode
    triples = [ox.Triple(n(iri), n(KOOP + "migrantenspezifisch"), ox.Literal("false", datatype=n("http://www.w3.org/2001/XMLSchema#boolean"))),
               ox.Triple(n(iri), n("http://www.w3.org/2004/02/skos/core#editorialNote"), ox.Literal("Notiz", language="de")),
               ox.Triple(n(iri), n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(KOOP + "Massnahme"))]
    for t in triples:
        gate.add_trusted(store, [ox.Quad(t.subject, t.predicate, t.object, n(ID + "graph/einreichung/test"))])
    with app.test_request_context("/"):
        kind = forms.kind(load_shapes(), store, "massnahme", "de")
        state, rest = forms.prefill(kind, store, iri, "de")
        built = forms.to_rdf(kind, state, store, "de", iri=iri, keep=rest)
    assert "koop:migrantenspezifisch" not in state
    assert set(triples) <= set(built.triples)


def test_deleting_asks_for_confirmation_then_deletes(web, app):
    sign_in(web)
    post(web, "/forms/kooperation", FILLED | {"aktion": "speichern"})
    path = "/forms/delete/kooperation/ostholstein-vereinbarung-2026"
    html = page(web, path)
    assert "Eintrag löschen?" in html and f'<form method="post" action="{path}"' in html
    store = app.extensions["koopgraph.store"]
    assert forms.record_triples(store, NEW)  # asking deleted nothing
    response = post(web, path, {}, token=csrf(html))
    assert response.status_code == 303 and response.headers["Location"] == "/forms?geloescht=kooperation%2Fostholstein-vereinbarung-2026"
    assert forms.record_triples(store, NEW) == []
    assert "Gelöscht" in page(web, response.headers["Location"])
    assert web.get("/submissions").get_json()["submissions"][-1]["operation"] == "loeschen"


def test_records_from_the_source_files_are_shown_read_only_with_a_note(web, app):
    sign_in(web)
    path = "/forms/edit/kooperation/ploen-formale-kooperation"
    html = page(web, path)
    assert "stammt aus den Quelldateien" in html and '<fieldset class="alles" disabled>' in html
    assert 'value="speichern"' not in html
    before = dump(app)
    assert post(web, path, {"aktion": "speichern"}, token=csrf(html)).status_code == 403
    assert dump(app) == before


def test_signing_out_ends_the_session(web):
    sign_in(web)
    html = page(web, "/forms")
    response = post(web, "/logout", {}, token=csrf(html))
    assert response.status_code == 303
    assert any(c.startswith(SESSION_COOKIE + "=;") for c in response.headers.getlist("Set-Cookie"))
    assert "Nicht angemeldet" in page(web, "/forms")


# ---------------------------------------------------------------- the shapes are the source of truth


EXTRA_PROPERTY = """
ksh:KooperationShape sh:property [
    sh:path koop:ansprechstelle ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ;
    sh:name "Ansprechstelle"@de , "Contact point"@en ;
    sh:description "Wo Fragen zur Vereinbarung beantwortet werden."@de ;
    sh:message "Genau eine Ansprechstelle ist nötig."@de , "Exactly one contact point is required."@en ] .
"""


def _copy_resources(tmp_path: Path) -> Path:
    root = tmp_path / "resources"
    for folder in content.FOLDERS:
        shutil.copytree(content.root() / folder, root / folder)
    return root


def test_a_property_added_to_a_shape_in_a_test_copy_appears_in_the_form_without_code_changes(tmp_path):
    root = _copy_resources(tmp_path)
    with (root / "shapes" / "kooperationen.shacl.ttl").open("a", encoding="utf-8") as shapes:
        shapes.write(EXTRA_PROPERTY)
    web = _app(root).test_client()
    html = page(web, "/forms/kooperation")
    markup = field_html(html, "koop:ansprechstelle")
    assert re.search(r'<label for="f-koop-ansprechstelle-1">Ansprechstelle<span class="pflicht"', markup)
    assert 'name="koop:ansprechstelle"' in markup and " required" in markup
    assert "Wo Fragen zur Vereinbarung beantwortet werden." in markup
    checked = post(web, "/forms/kooperation", FILLED | {"aktion": "pruefen"})
    assert messages_of(checked.get_data(as_text=True), "koop:ansprechstelle") == ["Genau eine Ansprechstelle ist nötig."]
    filled = post(web, "/forms/kooperation", FILLED | {"koop:ansprechstelle": "Integrationsbüro Eutin", "aktion": "herunterladen"})
    assert 'koop:ansprechstelle "Integrationsbüro Eutin"' in filled.get_data(as_text=True)
    assert "Contact point" in page(web, "/forms/kooperation?lang=en")
    assert "Ansprechstelle" not in page(_app().test_client(), "/forms/kooperation")  # the packaged shapes are untouched


def test_a_new_node_shape_for_a_koop_class_becomes_a_kind_of_its_own(tmp_path):
    root = _copy_resources(tmp_path)
    (root / "shapes" / "beratung.shacl.ttl").write_text("""
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix koop: <https://w3id.org/koopgraph/ontology#> .
@prefix ksh: <https://w3id.org/koopgraph/shapes#> .
ksh:BeratungsstelleShape a sh:NodeShape ; rdfs:label "Beratungsstelle"@de , "Counselling office"@en ;
    sh:targetClass koop:Beratungsstelle ;
    sh:property ksh:Bezeichnung , ksh:RegionPflicht ;
    sh:property [ sh:path koop:oeffnungszeiten ; sh:datatype rdf:langString ; sh:name "Öffnungszeiten"@de ] .
""", encoding="utf-8")
    web = _app(root).test_client()
    assert '<a href="/forms/beratungsstelle">Beratungsstelle</a>' in page(web, "/forms")
    html = page(web, "/forms/beratungsstelle")
    assert "https://w3id.org/koopgraph/id/beratungsstelle/</span>" in html  # no sh:pattern: /id/<kind>/
    assert re.search(r'<label for="f-koop-region-1">Region<span class="pflicht"', html)
    assert re.search(r'<label for="f-koop-oeffnungszeiten-1">Öffnungszeiten</label>', html)


# ---------------------------------------------------------------- accessible, CSP-ready


def _form_pages(web) -> dict[str, str]:
    sign_in(web)
    post(web, "/forms/kooperation", FILLED | {"aktion": "speichern"})
    paths = ["/forms", "/forms?lang=en", "/login", "/logout",
             "/forms/edit/kooperation/ostholstein-vereinbarung-2026",
             "/forms/edit/kooperation/ploen-formale-kooperation",
             "/forms/delete/kooperation/ostholstein-vereinbarung-2026"]
    paths += [f"/forms/{key}" for key in ("kooperation", "massnahme", "organisation", "zusatzleistung", "helferfunktion")]
    found = {path: page(web, path) for path in paths}
    found["pruefen"] = post(web, "/forms/kooperation", {"aktion": "pruefen"}).get_data(as_text=True)
    return found


def test_no_form_page_has_inline_script_style_or_event_handlers_and_every_control_has_a_label(web):
    pages = _form_pages(web)
    for path, html in pages.items():
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script\s*>", html, re.I | re.S)
        assert html.lower().count("<script") == len(scripts), path
        for attributes, body in scripts:
            assert re.search(r'\bsrc="/static/[^"]+"', attributes) and not body.strip(), (path, attributes)
        assert not re.search(r"\son[a-z]+\s*=", html, re.I), path
        assert not re.search(r"\sstyle\s*=", html, re.I) and "<style" not in html, path
        assert "javascript:" not in html.lower(), path
        for control in re.findall(r"<(?:textarea|select|input)\b[^>]*>", html):
            if 'type="hidden"' in control:
                continue
            control_id = re.search(r'\bid="([^"]+)"', control).group(1)
            assert f'<label for="{control_id}">' in html, (path, control)
        if "<form" in html and 'method="post"' in html:
            assert html.count('name="csrf"') >= html.count('method="post"'), path
    assert '<script src="/static/erfassen.js" defer></script>' in pages["/forms/kooperation"]


def test_the_form_script_and_stylesheet_are_static_files(web):
    script = web.get("/static/erfassen.js")
    assert script.status_code == 200 and "javascript" in script.mimetype
    text = script.get_data(as_text=True)
    assert "application/json" in text and "innerHTML" not in text
    assert web.get("/static/erfassen.css").mimetype == "text/css"
