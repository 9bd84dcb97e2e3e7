""""Über die Daten" as a page and the addresses people open in a browser
(issue 16): /void, /catalog and /.well-known/void give a page to a browser
and exactly the Turtle they gave before to RDF clients; /sparql without a
query leads a browser to the query page; the ontology's owl:versionIRI
dereferences. Expected values from data/katalog.ttl and ontology/koopgraph.ttl."""

import pytest

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize("path", ["/void", "/catalog", "/.well-known/void"])
def test_a_browser_gets_the_page_about_the_data(client, path):
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "<h1>Über die Daten</h1>" in html
    assert '<a href="https://www.govdata.de/dl-de/by-2-0">Datenlizenz Deutschland – Namensnennung – Version 2.0</a>' in html
    assert "<dd>26.11.2026</dd>" in html  # dcterms:modified "2026-11-26"
    assert "Statistisches Bundesamt (Destatis)" in html and "Bundesamt für Kartographie und Geodäsie (BKG)" in html
    assert '<a href="/dump/koopgraph.ttl">Gesamtabzug als Turtle</a>' in html
    assert "Aus dem Protokoll abgeleitete Einträge" in html


@pytest.mark.parametrize("path", ["/void", "/catalog", "/.well-known/void"])
@pytest.mark.parametrize("accept", [None, "*/*", "text/turtle", "text/turtle, text/html;q=0.5"])
def test_rdf_clients_still_get_turtle(client, path, accept):
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    assert "dcat:Dataset" in response.get_data(as_text=True)


def test_json_ld_is_still_given_on_request(client):
    assert client.get("/void", headers={"Accept": "application/ld+json"}).mimetype == "application/ld+json"


def test_sparql_opened_in_a_browser_leads_to_the_query_page(client):
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 303 and response.headers["Location"] == "/#sparql"


def test_sparql_without_a_query_still_describes_the_service_to_programs(client):
    for accept in (None, "*/*", "text/turtle"):
        response = client.get("/sparql", headers={"Accept": accept} if accept else {})
        assert response.status_code == 200 and response.mimetype == "text/turtle"
        assert "sd:Service" in response.get_data(as_text=True)


def test_the_ontology_version_iri_dereferences(client):
    # ontology/koopgraph.ttl: owl:versionIRI <https://w3id.org/koopgraph/ontology/0.1.0>
    page = client.get("/ontology/0.1.0", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.mimetype == "text/html"
    turtle = client.get("/ontology/0.1.0", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and "owl:versionIRI" in turtle.get_data(as_text=True)
    assert client.get("/ontology/9.9.9", headers={"Accept": "text/turtle"}).status_code == 404
