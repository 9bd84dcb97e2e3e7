"""/void describes the dataset in VoID and DCAT-AP: licence, publisher,
sources, temporal coverage, sizes that match the store, the endpoint and
example resources that dereference."""

import pyoxigraph
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")

DATASET = URIRef("https://w3id.org/koopgraph/id/dataset/koopgraph")


def _void(client, **kw) -> Graph:
    response = client.get("/void", **kw)
    assert response.status_code == 200
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def test_void_is_turtle_by_default_and_json_ld_on_request(client):
    assert client.get("/void").mimetype == "text/turtle"
    response = client.get("/void", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    assert len(list(pyoxigraph.parse(response.get_data(), format=pyoxigraph.RdfFormat.JSON_LD))) > 30


def test_void_names_licence_publisher_sources_version_and_coverage(client):
    g = _void(client)
    assert (DATASET, RDF.type, DCAT.Dataset) in g and (DATASET, RDF.type, VOID.Dataset) in g
    assert g.value(DATASET, DCTERMS.license) == URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")
    assert g.value(DATASET, DCTERMS.publisher) is not None
    assert g.value(DATASET, OWL.versionInfo) == Literal("0.1.0")
    sources = set(g.objects(DATASET, DCTERMS.source))
    assert URIRef("https://w3id.org/koopgraph/id/quelle/protokoll-regionale-arbeitsgruppen") in sources
    assert g.value(DATASET, DCTERMS.temporal) == URIRef("https://w3id.org/koopgraph/id/zeitraum/arge-aera-2005-2010")


def test_void_sizes_match_the_store(client, kg):
    g = _void(client)
    total = int(g.value(DATASET, VOID.triples))
    distinct = int(next(iter(kg.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
                                      use_default_graph_as_union=True)))["n"].value)
    assert total == distinct
    subsets = {str(s).rsplit("/", 1)[-1]: int(g.value(s, VOID.triples)) for s in g.objects(DATASET, VOID.subset)}
    assert set(subsets) == {"katalog", "ontology", "seed", "opendata", "shapes"}
    assert subsets["seed"] > 2500


def test_void_points_to_the_sparql_endpoint_as_a_dcat_data_service(client):
    g = _void(client)
    endpoint = URIRef("http://localhost/sparql")
    assert g.value(DATASET, VOID.sparqlEndpoint) == endpoint
    service = g.value(DATASET, DCAT.distribution)
    assert (service, RDF.type, DCAT.DataService) in g and g.value(service, DCAT.endpointURL) == endpoint


def test_example_resources_exist_in_the_graph(client, kg):
    g = _void(client)
    for example in g.objects(DATASET, VOID.exampleResource):
        assert kg.query(f"ASK {{ <{example}> ?p ?o }}", use_default_graph_as_union=True)
