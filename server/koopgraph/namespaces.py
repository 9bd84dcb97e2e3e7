"""The IRIs Koopgraph mints and the vocabularies it speaks, in one place.

Everything Koopgraph names lives under BASE: the ontology under
``ontology#``, records under ``id/``, named graphs under ``id/graph/``.
"""

BASE = "https://w3id.org/koopgraph/"
ONTOLOGY_NS = BASE + "ontology#"
KOOP = ONTOLOGY_NS
ID = BASE + "id/"
GRAPH = ID + "graph/"
GENID = BASE + ".well-known/genid/"  # skolem IRIs of blank nodes on a remote engine (RDF 1.1 §3.5)
DATASET = ID + "dataset/koopgraph"

# Graphs built from the files (content.graph_sources decides which file goes where).
ONTOLOGY_GRAPH = GRAPH + "ontology"
SHAPES_GRAPH = GRAPH + "shapes"
KATALOG_GRAPH = GRAPH + "katalog"
FILE_GRAPHS = tuple(GRAPH + name for name in ("ontology", "shapes", "katalog", "seed", "opendata"))

# Graphs written through the write gate.
SUBMISSIONS_GRAPH = GRAPH + "einreichungen"  # the submission log
SUBMISSION_PREFIX = GRAPH + "einreichung/"  # one graph per submission
IMPORT_PREFIX = GRAPH + "import/"  # one graph per import (CSV or RDF)
AGENT_PREFIX = ID + "zugang/"  # who wrote: one agent per token name

# Derived from all other graphs by the write gate on every write (domain/derived.py):
# koop:imKreis, koop:imLand, koop:faelltUnter. No interface may write it.
DERIVED_GRAPH = GRAPH + "abgeleitet"

# Bookkeeping on a remote engine, hidden from queries and listings.
VERSION_GRAPH = GRAPH + "stand"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"
