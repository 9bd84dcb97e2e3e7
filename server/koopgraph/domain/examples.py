"""Example queries offered in the SPARQL editor on the start page.

Each one is runnable as it stands and shows one idea of the model: the
roll-up to the Kreis with the derived koop:imKreis, vocabulary labels, provenance.
tests/test_pages.py runs every example against the real graph.
"""

from dataclasses import dataclass

_PREFIXES = """PREFIX koop: <https://w3id.org/koopgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@dataclass(frozen=True)
class Example:
    key: str
    title_de: str
    title_en: str
    sparql: str

    def title(self, lang: str) -> str:
        return self.title_de if lang == "de" else self.title_en


EXAMPLES = (
    Example(
        "kooperationen-je-kreis", "Kreise und ihre Kooperationen mit Form und Status",
        "Districts and their cooperation records with form and status",
        _PREFIXES + """
SELECT DISTINCT ?kreis ?name ?kooperation ?form ?status WHERE {
  VALUES ?typ { koop:Kreis koop:KreisfreieStadt }
  ?kreis a ?typ ; rdfs:label ?name .
  ?k a koop:Kooperation ; rdfs:label ?kooperation ; koop:region ?ort ;
     koop:kooperationsform/skos:prefLabel ?form ; koop:status/skos:prefLabel ?status .
  ?ort koop:imKreis ?kreis .
  FILTER (LANG(?form) = "de" && LANG(?status) = "de")
}
ORDER BY ?name ?kooperation
"""),
    Example(
        "frauenhaeuser", "Alle Frauenhäuser mit ihrem Ort", "All women's shelters with their place",
        _PREFIXES + """PREFIX oart: <https://w3id.org/koopgraph/id/organisationsart/>

SELECT DISTINCT ?frauenhaus ?name ?ort WHERE {
  ?frauenhaus koop:organisationsart oart:frauenhaus ; rdfs:label ?name .
  OPTIONAL { ?frauenhaus koop:region/rdfs:label ?ort }
}
ORDER BY ?name
"""),
    Example(
        "massnahmen-je-kreis", "Maßnahmen je Kreis (Orte rollen über koop:imKreis auf)",
        "Measures per district (places roll up via koop:imKreis)",
        _PREFIXES + """
SELECT ?kreis ?name (COUNT(DISTINCT ?massnahme) AS ?massnahmen) WHERE {
  VALUES ?typ { koop:Kreis koop:KreisfreieStadt }
  ?kreis a ?typ ; rdfs:label ?name .
  ?massnahme a koop:Massnahme ; koop:region ?ort .
  ?ort koop:imKreis ?kreis .
}
GROUP BY ?kreis ?name
ORDER BY DESC(?massnahmen) ?name
"""),
    Example(
        "zitate-stormarn", "Was das Protokoll über Stormarn sagt (mit Abschnitt und Zitat)",
        "What the minutes say about Stormarn (with section and quote)",
        _PREFIXES + """PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>

SELECT DISTINCT ?eintrag ?abschnitt ?zitat WHERE {
  ?eintrag koop:region ?ort ; koop:zitat ?zitat ; prov:wasDerivedFrom/dcterms:title ?abschnitt .
  ?ort koop:imKreis <https://w3id.org/koopgraph/id/region/01062> .
}
ORDER BY ?abschnitt ?eintrag
"""),
    Example(
        "anzahl-je-klasse", "Anzahl der Einträge je Klasse", "Number of records per class",
        _PREFIXES + """
SELECT ?klasse ?bezeichnung (COUNT(DISTINCT ?eintrag) AS ?anzahl) WHERE {
  ?eintrag a ?klasse .
  OPTIONAL { ?klasse rdfs:label ?bezeichnung FILTER (LANG(?bezeichnung) = "de") }
}
GROUP BY ?klasse ?bezeichnung
ORDER BY DESC(?anzahl)
"""),
)

BY_KEY = {example.key: example for example in EXAMPLES}
