"""The graph's prefixes are known without a PREFIX line (issue 16): a query
written as the pages show terms (koop:Kreis, skos:prefLabel) answers; a
prefix that is neither declared nor the graph's gets a short German message
naming it; declared prefixes win, so no valid query changes meaning."""

from koopgraph.domain.prefixes import declared

JSON = {"Accept": "application/sparql-results+json"}


def test_a_query_using_koop_without_prefix_answers(client):
    query = 'SELECT ?name WHERE { ?k a koop:Kreis ; koop:kreisschluessel "01056" ; rdfs:label ?name }'
    response = client.get("/sparql", query_string={"query": query}, headers=JSON)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [b["name"]["value"] for b in response.get_json()["results"]["bindings"]] == ["Pinneberg"]


def test_an_unknown_prefix_gets_a_short_german_message_naming_it(client):
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s foo:bar ?o }"}, headers=JSON)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["message"] == "Das Präfix „foo:“ ist nicht deklariert: bitte „PREFIX foo: <…>“ voranstellen."
    assert error["code"] == "unknown-prefix" and error["prefix"] == "foo"


def test_declared_prefixes_win_and_strings_iris_and_comments_are_not_read():
    own = "PREFIX koop: <urn:eigen#> SELECT * WHERE { ?s a koop:X }"
    assert declared(own) == own
    text = 'SELECT * WHERE { ?s <http://x/a:b> "c:d" } # e:f'
    assert declared(text) == text
    assert declared("ASK { ?s a skos:Concept }").startswith("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ASK")
