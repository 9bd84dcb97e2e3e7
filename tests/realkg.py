"""Helpers for tests that read the real graph: SPARQL with the project's
prefixes, and where the minutes live (beside the repository, not in it)."""

from pathlib import Path

import pyoxigraph
import pytest

from koopgraph import engine

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_FILE = SHARED / "seed" / "000_b24577efa543cd49.txt"
needs_seed = pytest.mark.skipif(
    not SEED_FILE.is_file(), reason=f"the minutes are not beside the repository ({SEED_FILE} missing)"
)
needs_shared_opendata = pytest.mark.skipif(
    not (SHARED / "opendata").is_dir(), reason=f"{SHARED / 'opendata'} missing (fresh clone without ../shared)"
)

ID = "https://w3id.org/koopgraph/id/"
KOOP = "https://w3id.org/koopgraph/ontology#"

PREFIXES = """
PREFIX koop: <https://w3id.org/koopgraph/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX region: <https://w3id.org/koopgraph/id/region/>
PREFIX organisation: <https://w3id.org/koopgraph/id/organisation/>
PREFIX kooperation: <https://w3id.org/koopgraph/id/kooperation/>
PREFIX massnahme: <https://w3id.org/koopgraph/id/massnahme/>
PREFIX zusatzleistung: <https://w3id.org/koopgraph/id/zusatzleistung/>
PREFIX beitrag: <https://w3id.org/koopgraph/id/beitrag/>
PREFIX arbeitsgruppe: <https://w3id.org/koopgraph/id/arbeitsgruppe/>
PREFIX leitfrage: <https://w3id.org/koopgraph/id/leitfrage/>
PREFIX abschnitt: <https://w3id.org/koopgraph/id/abschnitt/>
PREFIX quelle: <https://w3id.org/koopgraph/id/quelle/>
PREFIX kform: <https://w3id.org/koopgraph/id/kooperationsform/>
PREFIX kstatus: <https://w3id.org/koopgraph/id/kooperationsstatus/>
PREFIX astatus: <https://w3id.org/koopgraph/id/angebotsstatus/>
PREFIX mart: <https://w3id.org/koopgraph/id/massnahmenart/>
PREFIX oart: <https://w3id.org/koopgraph/id/organisationsart/>
PREFIX aw: <https://w3id.org/koopgraph/id/antwortwert/>
PREFIX leist: <https://w3id.org/koopgraph/id/leistungsart/>
PREFIX zg: <https://w3id.org/koopgraph/id/zielgruppe/>
PREFIX foerd: <https://w3id.org/koopgraph/id/foerderer/>
PREFIX tk: <https://w3id.org/koopgraph/id/themenkomplex/>
PREFIX vok: <https://w3id.org/koopgraph/id/vokabular/>
"""


def select(kg: pyoxigraph.Store, sparql: str) -> list[dict[str, str]]:
    """Run a SELECT over the union graph; every bound value as a plain string."""
    rows = engine.query(kg, PREFIXES + sparql)
    names = [v.value for v in rows.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in rows]


def column(kg: pyoxigraph.Store, sparql: str) -> set[str]:
    """The values of the only projected variable, as a set."""
    return {next(iter(row.values())) for row in select(kg, sparql) if row}


def short(iri: str) -> str:
    """The key of a resource IRI (…/id/region/01062 -> 01062)."""
    return iri.rsplit("/", 1)[-1]
