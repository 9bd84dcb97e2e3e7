"""A tiny, fully known store for the endpoint tests: two data graphs that
share one triple, an ontology graph, and a literal that needs escaping in
CSV and TSV. Independent of the real (growing) content of the repository."""

from pathlib import Path
from typing import Any

from kgtree import GRAPH, ID, KG, PREFIXES, write_tree

FILES = {
    # 2 triples
    "ontology/koop.ttl": PREFIXES + 'kg:Jobcenter a owl:Class ; rdfs:label "Jobcenter"@de .\n',
    # 4 triples
    "data/katalog.ttl": PREFIXES
    + """id:jc-kiel a kg:Jobcenter ; rdfs:label "Jobcenter Kiel"@de .
id:jc-luebeck a kg:Jobcenter ; rdfs:label "Jobcenter Lübeck, \\"Hansestadt\\""@de .
""",
    # 2 triples; the label is also in the katalog graph
    "data/seed/seed.ttl": PREFIXES + 'id:jc-kiel kg:kooperiertMit id:md-kiel ; rdfs:label "Jobcenter Kiel"@de .\n',
}

COUNTS = {GRAPH + "katalog": 4, GRAPH + "ontology": 2, GRAPH + "seed": 2}
UNION_DISTINCT_TRIPLES = 7  # 8 statements, one of them in two graphs
LUEBECK_LABEL = 'Jobcenter Lübeck, "Hansestadt"'

SPARQL_PREFIXES = f"""PREFIX kg: <{KG}>
PREFIX id: <{ID}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def write(root: Path) -> Path:
    return write_tree(root, FILES)


def app_config(root: Path, **overrides: Any) -> dict[str, Any]:
    """Every setting explicit, so the developer's environment cannot leak in."""
    return {
        "TESTING": True,
        "QUERY_PROCESSES": False,  # queries in threads: fast to start; the worker processes have tests of their own
        "STORE": ":memory:",
        "RESOURCES": str(root),
        "BUILD_IF_EMPTY": True,
        "STRICT_DATASET": False,
        "MAX_BODY_BYTES": 10 * 1024 * 1024,
        "CORS_ORIGINS": "*",
        **overrides,
    }
