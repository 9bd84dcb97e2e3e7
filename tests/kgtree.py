"""A tiny, fully known resources tree, so tests can assert exact numbers
without depending on the real (growing) content of the repository."""

from pathlib import Path

KG = "https://w3id.org/koopgraph/ontology#"
ID = "https://w3id.org/koopgraph/id/"
GRAPH = ID + "graph/"

PREFIXES = f"""@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix kg: <{KG}> .
@prefix id: <{ID}> .
"""

# file (relative to root) -> content; the comment says how many triples.
FILES = {
    # 5 triples
    "ontology/koop.ttl": PREFIXES
    + """kg:Jobcenter a owl:Class ; rdfs:label "Jobcenter"@de , "Job centre"@en .
kg:Migrationsdienst a owl:Class ; rdfs:label "Migrationsdienst"@de .
""",
    # 1 triple, in a subfolder: ontology/ is read recursively
    "ontology/vocab/extra.ttl": PREFIXES + "kg:Kooperation a owl:Class .\n",
    # 2 triples
    "shapes/jobcenter.ttl": PREFIXES + "kg:JobcenterShape a sh:NodeShape ; sh:targetClass kg:Jobcenter .\n",
    # 3 triples
    "data/katalog.ttl": PREFIXES
    + """id:jc-kiel a kg:Jobcenter ; rdfs:label "Jobcenter Kiel"@de .
id:jc-luebeck a kg:Jobcenter .
""",
    # 2 triples
    "data/seed/seed.ttl": PREFIXES + "id:md-kiel a kg:Migrationsdienst .\nid:jc-kiel kg:kooperiertMit id:md-kiel .\n",
    # 1 triple, N-Triples, nested two levels below data/opendata
    "data/opendata/nested/stationen.nt": f"<{ID}jc-kiel> <{KG}ort> \"Kiel\" .\n",
    # never loaded
    "data/seed/notes.md": "# not RDF\n",
    "data/opendata/orte.csv": "ort\nKiel\n",
    "data/opendata/kreise.geojson": "{}\n",
    # a valid named question: the app loads queries/ at start-up and refuses a broken one
    "queries/count.rq": ("#+ title: {de: Anzahl der Aussagen, en: Number of statements}\n"
                         "#+ description: {de: Zählt alle Aussagen., en: Counts all statements.}\n"
                         "#+ columns: [n]\n"
                         "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n"),
}

EXPECTED_COUNTS = {
    GRAPH + "katalog": 3,
    GRAPH + "ontology": 6,
    GRAPH + "opendata": 1,
    GRAPH + "seed": 2,
    GRAPH + "shapes": 2,
}


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
