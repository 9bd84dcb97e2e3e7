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


def test_void_points_to_the_sparql_endpoint_and_dcat_describes_it_as_a_data_service(client):
    g = _void(client)
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")
    (service,) = g.subjects(RDF.type, DCAT.DataService)
    assert g.value(service, DCAT.endpointURL) == URIRef("https://w3id.org/koopgraph/sparql")
    assert g.value(service, DCAT.servesDataset) == DATASET


def test_catalog_lists_the_dataset_with_dump_distributions_and_the_sparql_service(client):
    g = Graph().parse(data=client.get("/catalog").get_data(as_text=True), format="turtle")
    (catalog,) = g.subjects(RDF.type, DCAT.Catalog)
    assert g.value(catalog, DCAT.dataset) == DATASET
    downloads = {str(g.value(d, DCAT.downloadURL)) for d in g.objects(DATASET, DCAT.distribution) if g.value(d, DCAT.downloadURL)}
    assert downloads == {f"https://w3id.org/koopgraph/dump/koopgraph.{ext}" for ext in ("ttl", "jsonld", "nt", "trig")}
    for d in g.objects(DATASET, DCAT.distribution):
        assert g.value(d, DCTERMS.license) == URIRef("http://dcat-ap.de/def/licenses/dl-by-de/2.0")


def test_example_resources_exist_in_the_graph(client, kg):
    g = _void(client)
    for example in g.objects(DATASET, VOID.exampleResource):
        assert kg.query(f"ASK {{ <{example}> ?p ?o }}", use_default_graph_as_union=True)


def test_each_dump_the_catalogue_lists_is_served_and_parses(client, kg):
    count = int(next(iter(kg.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
                                   use_default_graph_as_union=True)))["n"].value)
    for ext, fmt in (("ttl", pyoxigraph.RdfFormat.TURTLE), ("nt", pyoxigraph.RdfFormat.N_TRIPLES),
                     ("jsonld", pyoxigraph.RdfFormat.JSON_LD)):
        response = client.get(f"/dump/koopgraph.{ext}")
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        assert len(set(pyoxigraph.parse(response.get_data(), format=fmt))) == count, ext
    graphs = {q.graph_name.value for q in pyoxigraph.parse(client.get("/dump/koopgraph.trig").get_data(),
                                                          format=pyoxigraph.RdfFormat.TRIG)}
    assert "https://w3id.org/koopgraph/id/graph/seed" in graphs
    assert client.get("/dump/koopgraph.pdf").status_code == 404


def test_export_all_writes_the_dumps_the_catalogue_names(tmp_path):
    from click.testing import CliRunner

    from koopgraph.cli import koopgraph

    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(koopgraph, ["build", "--store", str(store)]).exit_code == 0
    assert runner.invoke(koopgraph, ["export", "--all", str(tmp_path / "dumps"), "--store", str(store)]).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "dumps").iterdir()) == [
        "koopgraph.jsonld", "koopgraph.nt", "koopgraph.trig", "koopgraph.ttl"]
