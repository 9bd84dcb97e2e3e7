"""Finds the few SPARQL keywords that decide how a query may be run,
without a full parser.

Two keywords matter before the engine sees a query: FROM (the query brings
its own dataset, which the union default graph must not silently replace)
and SERVICE (the engine would fetch any URL, also on the server's own
network). Strings, IRIs, comments, variables and prefixed names are skipped
as whole tokens, so `?from`, `ex:service`, `"FROM"` or `<urn:from>` never
count; one linear regex pass (possessive loops, no backtracking), safe on any input.
"""

import re
from functools import cache

_TOKENS = re.compile(
    r'''
      """[^"\\]*+(?:(?:\\.|"(?!""))[^"\\]*+)*+"""          # long strings
    | \'\'\'[^'\\]*+(?:(?:\\.|'(?!''))[^'\\]*+)*+\'\'\'
    | "[^"\\\n\r]*+(?:\\.[^"\\\n\r]*+)*+"                  # short strings
    | '[^'\\\n\r]*+(?:\\.[^'\\\n\r]*+)*+'
    | <[^<>"{}|^`\\\x00-\x20]*>              # IRIs (a lone "<" is less-than)
    | \#[^\n\r]*                             # comments
    | [?$]\w+                                # variables
    | (?P<word>[A-Za-z_][\w.\-]*+)                         # keywords, prefixes,
      (?P<local>:(?:(?:[\w:%\-]|\\\S)(?:[\w.:%\-]++|\\\S)*+)?)?  # prefixed names
    ''',
    re.VERBOSE,
)

_SEPARATORS = re.compile(r"[.\-]")
KEYWORDS = frozenset({"FROM", "SERVICE"})


@cache
def _candidate(wanted: frozenset[str]) -> re.Pattern:
    return re.compile("|".join(sorted(wanted)), re.IGNORECASE)


def keywords(sparql: str, wanted: frozenset[str] = KEYWORDS) -> set[str]:
    """Which of wanted (upper case keywords or function names) occur in
    sparql as keywords."""
    found: set[str] = set()
    if not _candidate(wanted).search(sparql):
        return found  # the common case costs one scan in C
    for match in _TOKENS.finditer(sparql):
        word = match.group("word")
        if word and match.group("local") is None:
            # "true.SERVICE" is two tokens for SPARQL, one run of word characters here
            found.update(part.upper() for part in _SEPARATORS.split(word) if part.upper() in wanted)
    return found
