"""Reading a SPARQL Update request: its algebra (rdflib's parser), the
right it needs, and the protocol's rules for its dataset parameters."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import rdflib
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.processor import prepareUpdate

from koopgraph.domain import access
from koopgraph.writes.gate import RecordError

ADMIN_OPERATIONS = frozenset({"Clear", "Drop", "Create", "Add", "Move", "Copy"})
WRITE_OPERATIONS = frozenset({"InsertData", "DeleteData", "DeleteWhere", "Modify"})


class UpdateRefused(RecordError):
    """An update or graph write that is refused before or while it is
    evaluated (syntax, LOAD, rights, protected graphs, failed operations)."""


@dataclass(frozen=True)
class Parsed:
    operations: list[CompValue]


_PARSE_LOCK = threading.Lock()


def parse(text: str, base_iri: str) -> Parsed:
    """The update's algebra; 400 with the parser's message if it does not parse.

    rdflib normalises typed literals while it parses ("01"^^xsd:integer
    becomes "1", 1.50 becomes 1.5), so INSERT DATA would store something else
    than was sent and DELETE DATA would miss the stored statement. Its only
    switch is process-wide (rdflib.NORMALIZE_LITERALS); it is off for the
    milliseconds of parsing, one parse at a time. A literal another thread
    builds in that moment keeps its lexical form as given, which is the exact
    form anyway."""
    try:
        with _PARSE_LOCK:
            previous, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
            try:
                parsed = prepareUpdate(text, base=base_iri)
            finally:
                rdflib.NORMALIZE_LITERALS = previous
    except Exception as error:  # pyparsing's ParseException, or translation errors (unknown prefix, …)
        detail = " ".join(str(error).split())
        raise UpdateRefused(400, "update-syntax", f"Syntaxfehler im SPARQL Update: {detail}",
                            f"Syntax error in the SPARQL update: {detail}") from error
    return Parsed(list(parsed.algebra or []))


def _walk(node) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


def required_right(parsed: Parsed) -> str:
    """LOAD and SERVICE are refused outright (the server would fetch any
    URL); graph management needs "verwalten", statement changes "schreiben"."""
    names = {op.name for op in parsed.operations}
    if "Load" in names:
        raise UpdateRefused(403, "load-forbidden", "LOAD ist abgeschaltet: der Server lädt keine Daten aus dem Netz.",
                            "LOAD is disabled: the server does not fetch data from the network.")
    if any(node.name == "ServiceGraphPattern" for op in parsed.operations for node in _walk(op.where)):
        raise UpdateRefused(403, "service-forbidden",
                            "Föderierte Abfragen (SERVICE) sind an diesem Endpunkt abgeschaltet.",
                            "Federated queries (SERVICE) are disabled on this endpoint.")
    return access.ADMIN if names & ADMIN_OPERATIONS else access.WRITE


def check_protocol_dataset(parsed: Parsed, using: list[str], using_named: list[str]) -> None:
    """The protocol's using-graph-uri/using-named-graph-uri must not meet
    USING or WITH in the request (SPARQL 1.1 Protocol 2.2.3)."""
    if not (using or using_named):
        return
    if any(op.name == "Modify" and (op.using or op.withClause is not None) for op in parsed.operations):
        raise UpdateRefused(400, "dataset-conflict",
                            "using-graph-uri/using-named-graph-uri und USING/WITH schließen einander aus.",
                            "using-graph-uri/using-named-graph-uri cannot be combined with USING/WITH.")


