"""The ontology and vocabularies: every public term is documented in German
and English, every term the data uses is declared, and the standard
vocabularies are aligned."""

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from koopgraph import content
from realkg import KOOP

ONTOLOGY = URIRef("https://w3id.org/koopgraph/ontology")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in sorted((content.root() / "ontology").rglob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def terms(ontology: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for k in kinds for s in ontology.subjects(RDF.type, k) if str(s).startswith(KOOP)}


def _langs(graph: Graph, subject: URIRef, predicate: URIRef) -> set[str]:
    return {o.language for o in graph.objects(subject, predicate) if getattr(o, "language", None)}


def test_ontology_has_version_info_and_a_version_iri_that_carries_it(ontology):
    version = str(ontology.value(ONTOLOGY, OWL.versionInfo))
    assert version == "0.1.0"
    assert ontology.value(ONTOLOGY, OWL.versionIRI) == URIRef(f"https://w3id.org/koopgraph/ontology/{version}")


def test_every_class_and_property_has_german_and_english_label_and_definition(ontology, terms):
    missing = sorted(
        str(t)
        for t in terms
        if _langs(ontology, t, RDFS.label) < {"de", "en"} or _langs(ontology, t, SKOS.definition) < {"de", "en"}
    )
    assert missing == []
    assert len(terms) > 80  # regions, actors, cooperation, measures, event, provenance


def test_every_koop_term_used_in_data_or_shapes_is_declared_in_the_ontology(ontology):
    declared = {s for s in ontology.subjects() if str(s).startswith(KOOP)}
    used = Graph()
    for folder in ("data", "shapes"):
        for path in sorted((content.root() / folder).rglob("*.ttl")):
            used.parse(path)
    mentioned = {n for triple in used for n in triple if isinstance(n, URIRef) and str(n).startswith(KOOP)}
    assert sorted(map(str, mentioned - declared)) == []


def test_every_concept_has_german_and_english_preflabel_definition_and_scheme(ontology):
    concepts = set(ontology.subjects(RDF.type, SKOS.Concept))
    bad = sorted(
        str(c)
        for c in concepts
        if _langs(ontology, c, SKOS.prefLabel) != {"de", "en"}
        or not _langs(ontology, c, SKOS.definition) >= {"de", "en"}
        or ontology.value(c, SKOS.inScheme) is None
    )
    assert bad == []


def test_vocabularies_named_by_the_model_exist_as_skos_concept_schemes(ontology):
    schemes = {str(s).rsplit("/", 1)[-1] for s in ontology.subjects(RDF.type, SKOS.ConceptScheme)}
    assert schemes == {
        "kooperationsform", "kooperationsstatus", "angebotsstatus", "haeufigkeit", "ebene", "organisationsart",
        "massnahmenart", "zielgruppe", "foerderer", "leistungsart", "antwortwert", "themenkomplex", "traegerform",
    }


def test_concept_iris_are_id_scheme_key_and_belong_to_the_scheme_of_that_name(ontology):
    wrong = []
    for concept in ontology.subjects(RDF.type, SKOS.Concept):
        kind = str(concept).removeprefix("https://w3id.org/koopgraph/id/").split("/")[0]
        scheme = URIRef(f"https://w3id.org/koopgraph/id/vokabular/{kind}")
        if (concept, SKOS.inScheme, scheme) not in ontology:
            wrong.append(str(concept))
    assert wrong == []


def test_cooperation_vocabularies_cover_the_forms_and_statuses_the_model_requires(ontology):
    def keys(scheme: str) -> set[str]:
        node = URIRef(f"https://w3id.org/koopgraph/id/vokabular/{scheme}")
        return {str(c).rsplit("/", 1)[-1] for c in ontology.subjects(SKOS.inScheme, node)}

    assert {"kooperationsvereinbarung", "arbeitskreis", "runder-tisch", "stadtteilkonferenz", "migrationsrunde",
            "kooperationsprojekt", "einzelfallkooperation"} <= keys("kooperationsform")
    assert keys("kooperationsstatus") == {"besteht", "in-vorbereitung", "geplant", "angestrebt", "keine",
                                          "keine-bekannt", "abgelehnt", "keine-angaben"}
    assert {"vierteljaehrlich", "jaehrlich", "unregelmaessig", "bei-bedarf"} <= keys("haeufigkeit")
    assert keys("ebene") == {"kreisebene", "stadtteil", "obere-ebene"}
    assert {"arge", "jobcenter", "optionskommune", "sozialzentrum", "mbe", "msb", "jmd", "frauenhaus",
            "bildungstraeger", "integrationskurstraeger", "auslaenderbehoerde", "jugendamt", "schulamt", "bamf",
            "bundesagentur", "ministerium", "beauftragte", "wohlfahrtsverband"} <= keys("organisationsart")
    assert {"integrationskurs", "orientierungskurs", "arge-sprachkurs", "berufsbezogener-sprachkurs",
            "alphabetisierungskurs", "berufsorientierung", "arbeitsgelegenheit-mit-sprachmodul",
            "arbeitsgelegenheit-mit-weiterbildungsanteil", "anschlussqualifikation",
            "qualifizierung-mit-kinderbetreuung", "praktikum", "sprachpatenschaft", "anpassungskurs"} <= keys("massnahmenart")
    assert {"frauen", "alleinerziehende", "unter-25", "akademiker", "ungesicherter-aufenthalt",
            "strassenkinder"} <= keys("zielgruppe")
    assert {"bamf", "arge", "esf", "kommune"} <= keys("foerderer")
    assert {"fahrtkosten", "kinderbetreuung", "anerkennungskosten", "berufsspezifischer-sprachkurs"} <= keys("leistungsart")
    assert keys("antwortwert") == {"ja", "nein", "teilweise", "keine-angaben"}


@pytest.mark.parametrize(
    ("term", "standard"),
    [
        ("Organisation", "http://www.w3.org/ns/org#Organization"),
        ("Region", "http://purl.org/dc/terms/Location"),
        ("Quelle", "http://www.w3.org/ns/prov#Entity"),
        ("Abschnitt", "http://www.w3.org/ns/prov#Entity"),
        ("Veranstaltung", "https://schema.org/Event"),
    ],
)
def test_own_classes_are_aligned_to_standard_classes(ontology, term, standard):
    assert (URIRef(KOOP + term), RDFS.subClassOf, URIRef(standard)) in ontology


@pytest.mark.parametrize(
    ("term", "standard"),
    [
        ("liegtIn", "https://schema.org/containedInPlace"),
        ("organisationsart", "http://www.w3.org/ns/org#classification"),
        ("region", "http://purl.org/dc/terms/spatial"),
        ("nachfolger", "http://purl.org/dc/terms/isReplacedBy"),
        ("kreisschluessel", "http://purl.org/dc/terms/identifier"),
    ],
)
def test_own_properties_are_aligned_to_standard_properties(ontology, term, standard):
    assert (URIRef(KOOP + term), RDFS.subPropertyOf, URIRef(standard)) in ontology


def test_containment_is_transitive_so_places_roll_up_to_their_kreis(ontology):
    assert (URIRef(KOOP + "liegtIn"), RDF.type, OWL.TransitiveProperty) in ontology
