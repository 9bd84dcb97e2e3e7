"""Which SPARQL endpoints a query may call with SERVICE.

The engine would fetch any URL it is given, also on the server's own
network, so every SERVICE target is checked against an allow-list before
the query runs: a target not on the list, or one named by a variable, is
refused and never contacted. The targets are read from the query's algebra
(rdflib's parser resolves prefixes and nesting), not guessed from its text.
"""

from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef

from koopgraph.engine import sparqltext
from koopgraph.errors import ApiError

WIKIDATA = "https://query.wikidata.org/sparql"


def allowed(setting: str) -> frozenset[str]:
    """The SERVICE_ALLOWLIST setting as a set of endpoint IRIs."""
    return frozenset(setting.replace(",", " ").split())


def targets(sparql: str) -> list[str | None]:
    """Every SERVICE target of the query: an IRI, or None for a variable."""
    try:
        algebra = translateQuery(parseQuery(sparql)).algebra
    except Exception as error:  # noqa: BLE001 - any parser failure means: cannot be checked
        raise ApiError(400, f"Die Ziele von SERVICE lassen sich nicht prüfen: {error}",
                       f"The SERVICE targets cannot be checked: {error}", "service-unchecked") from error
    found: list[str | None] = []

    def walk(node) -> None:
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                found.append(str(node.term) if isinstance(node.term, URIRef) else None)
            for value in node.values():
                walk(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value)

    walk(algebra)
    return found


def check(sparql: str, allowlist: frozenset[str]) -> None:
    """Refuse the query (403) unless every SERVICE target is allow-listed."""
    if "SERVICE" not in sparqltext.keywords(sparql):
        return
    for target in targets(sparql):
        if target is None:
            raise ApiError(403, "SERVICE mit einer Variablen als Ziel ist nicht erlaubt.",
                           "SERVICE with a variable as its target is not allowed.", "service-forbidden")
        if target not in allowlist:
            listed = ", ".join(sorted(allowlist)) or "–"
            raise ApiError(403, f"Der Endpunkt {target} steht nicht auf der Liste erlaubter SERVICE-Ziele ({listed}); er wird nicht aufgerufen.",
                           f"The endpoint {target} is not on the SERVICE allow-list ({listed}); it is not contacted.",
                           "service-forbidden", details={"endpoint": target})
