"""Which SPARQL endpoints a query may call with SERVICE.

The engine would fetch any URL it is given, also on the server's own
network, so every SERVICE target is checked against an allow-list before
the query runs: a target not on the list, or one named by a variable, is
refused and never contacted. The targets come from the one reading of the
text (sparqltext.py), which refuses what it cannot read exactly as the
engine does. A refusal names the target asked for, never the list itself
(it may name internal endpoints).
"""

from koopgraph.engine.sparqltext import Reading
from koopgraph.errors import ApiError

WIKIDATA = "https://query.wikidata.org/sparql"


def allowed(setting: str) -> frozenset[str]:
    """The SERVICE_ALLOWLIST setting as a set of endpoint IRIs."""
    return frozenset(setting.replace(",", " ").split())


def check(reading: Reading, allowlist: frozenset[str]) -> None:
    """Refuse the query (403) unless every SERVICE target is allow-listed."""
    for target in reading.services:
        if target is None:
            raise ApiError(403, "SERVICE mit einer Variablen als Ziel ist nicht erlaubt.",
                           "SERVICE with a variable as its target is not allowed.", "service-forbidden")
        if target not in allowlist:
            raise ApiError(403, f"Der Endpunkt {target} ist kein erlaubtes SERVICE-Ziel dieses Servers; er wird nicht "
                                "aufgerufen. Welche Ziele erlaubt sind, legt der Betreiber fest (SERVICE_ALLOWLIST).",
                           f"The endpoint {target} is not an allowed SERVICE target of this server; it is not "
                           "contacted. The operator decides which targets are allowed (SERVICE_ALLOWLIST).",
                           "service-forbidden", details={"endpoint": target})
