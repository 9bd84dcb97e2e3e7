"""The graph's prefixes, known to every query without a PREFIX line.

People write `koop:Kreis` and `skos:prefLabel` because every page shows
them so; a query that uses them without declaring them would otherwise fail
with the parser's long message. Before the text is read, the declarations
it uses but does not make are put in front of it; a prefix that is used,
not declared and not one of the graph's gets a short message naming it.
Declared prefixes always win, so no valid query changes meaning.
"""

import re

from koopgraph.domain import descriptions
from koopgraph.errors import KoopgraphError
from koopgraph.namespaces import ID

# The vocabularies the data speaks, and one prefix per kind of thing under …/id/.
KNOWN = {
    **descriptions.PREFIXES,
    "qb": "http://purl.org/linked-data/cube#",
    "sdmxd": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "void": "http://rdfs.org/ns/void#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "id": ID,
    **{kind: f"{ID}{kind}/" for kind in (
        "region", "organisation", "kooperation", "massnahme", "leistung", "antwort", "abschnitt", "leitfrage",
        "arbeitsgruppe", "person", "quelle", "beobachtung", "vokabular")},
    "kform": ID + "kooperationsform/", "kstatus": ID + "kooperationsstatus/", "freq": ID + "haeufigkeit/",
    "oart": ID + "organisationsart/", "mart": ID + "massnahmenart/", "astatus": ID + "angebotsstatus/",
    "aw": ID + "antwortwert/", "zg": ID + "zielgruppe/", "foerd": ID + "foerderer/", "ebene": ID + "ebene/",
    "lart": ID + "leistungsart/", "tk": ID + "themenkomplex/", "tf": ID + "traegerform/",
}


class UnknownPrefix(KoopgraphError):
    """A prefix used, not declared and not one of the graph's."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        super().__init__(
            f"Das Präfix „{prefix}:“ ist nicht deklariert: bitte „PREFIX {prefix}: <…>“ voranstellen.",
            f"The prefix '{prefix}:' is not declared: please add 'PREFIX {prefix}: <…>'.")


# Strings, IRIs and comments: what a prefixed name is never inside.
_OPAQUE = re.compile(r"""'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\s]*>|\#[^\n]*""",
                     re.S)
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.I)
_USED = re.compile(r"(?<![\w?$:.\-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:(?=[\w%\\]|\s|[;,.)\]}]|$)")


def declared(text: str) -> str:
    """text with PREFIX lines for the graph's prefixes it uses but does not
    declare; raises UnknownPrefix for any other undeclared prefix."""
    bare = _OPAQUE.sub(" ", text)
    have = {m.group(1) or "" for m in _DECLARED.finditer(bare)}
    used = []
    for match in _USED.finditer(bare):
        prefix = match.group(1) or ""
        if prefix not in have and prefix not in used and not _is_keyword_colon(bare, match):
            used.append(prefix)
    missing = [p for p in used if p not in KNOWN]
    if missing:
        raise UnknownPrefix(missing[0])
    if not used:
        return text
    # on the first line, so the engine's line numbers still point into the text as written
    return "".join(f"PREFIX {p}: <{KNOWN[p]}> " for p in used) + text


def _is_keyword_colon(bare: str, match: re.Match) -> bool:
    """`PREFIX :` and `BASE` lines, and a colon that is no prefixed name (e.g. in a time)."""
    before = bare[:match.start()].rstrip()
    return before.upper().endswith("PREFIX") or (match.group(1) or "").isdigit()
