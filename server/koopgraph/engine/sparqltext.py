"""The one reading of SPARQL text before an engine sees it.

Every decision taken before a query runs is taken from this reading: the
SERVICE targets (allow-list), the dataset clauses (FROM), the form
(SELECT/ASK/…), the size and the nesting depth, the functions whose value
changes between runs (answer cache), and where parameters are written into
the text (binding.py). No other module tokenizes SPARQL.

The reading must never be more permissive than the engine's own. So it
refuses (400) whatever it cannot read with certainty the way the engine
does, rather than guess:

- ``\\u``/``\\U`` escapes anywhere: SPARQL replaces them before it parses
  (so ``<a\\u003E`` is an IRI's end to the engine and not to a tokenizer);
- a backslash outside a string literal: prefixed names with escapes
  (``:b\\#``) read as a comment start by a naive tokenizer;
- in an expression, ``<`` right after an operand is "less than" to the
  engine; if the text there would also read as an IRI holding ``#`` or a
  quote, two readers could disagree about where a comment or a string
  starts, and the text is refused.

Apart from these, the SPARQL 1.1 grammar decides unambiguously where
strings, IRIs and comments begin and end, and the reading below follows it
token by token, so brackets, keywords and targets are counted exactly.
Readings are kept by text (an LRU), so a repeated query is read once.
"""

import re
import threading
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass, field

from koopgraph.errors import ApiError

MAX_NESTING = 100  # brackets of all kinds, and runs of unary operators
MAX_QUERY_TOKENS = 20_000  # the engine's planner recurses once per sequence element

_TOKEN = re.compile(
    r"""
      (?P<lstring>\"\"\"(?:[^"\\]++|\\.|"(?!""))*+\"\"\"|'\'\'(?:[^'\\]++|\\.|'(?!''))*+'\'\')
    | (?P<string>"(?:[^"\\\n\r]++|\\.)*+"|'(?:[^'\\\n\r]++|\\.)*+')
    | (?P<comment>\#[^\n\r]*+)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*+>)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]++)
    | (?P<bnode>_:[\w.\-]*+)
    | (?P<pname>(?:[^\W\d_][\w.\-\u00b7]{0,255}?)?:(?:[\w:%\-](?:[\w.:%\-]*[\w:%\-])?)?)  # bounded: linear time
    | (?P<word>[^\W\d][\w]*+)
    | (?P<number>\d*\.?\d+(?:[eE][+-]?\d+)?)
    | (?P<open>[({\[])
    | (?P<close>[)}\]])
    | (?P<space>\s++)
    | (?P<lt><=|<)
    | (?P<other>\^\^|&&|\|\||!=|>=|[\s\S])
    """,
    re.VERBOSE,
)
_UNICODE_ESCAPE = re.compile(r"\\[uU]")
_OPERAND_KINDS = {"var", "string", "lstring", "iri", "pname", "bnode", "number"}
_UNARY = {"!", "-", "+", "^"}
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
VOLATILE = frozenset({"SERVICE", "NOW", "RAND", "UUID", "STRUUID"})  # functions whose value changes between runs


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # lstring string comment var bnode pname word number open close lt iri other
    text: str
    start: int
    end: int

    @property
    def word(self) -> str:
        """The keyword this token is, upper case (ASCII), or ""."""
        return self.text.upper() if self.kind == "word" and self.text.isascii() else ""


@dataclass(frozen=True)
class Reading:
    """What the text says, as the engine will read it."""

    text: str
    tokens: tuple[Token, ...]  # without whitespace and comments
    depth: int  # deepest nesting of brackets
    words: frozenset[str]  # keywords and function names, upper case
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE, or None (an update)
    services: tuple[str | None, ...]  # SERVICE targets as named (see _services), None for a variable
    prefixes: dict[str, str] = field(default_factory=dict)
    graphs: frozenset[str] = frozenset()  # graphs the text names: GRAPH <iri>, FROM <iri>, FROM NAMED <iri>

    def has(self, word: str) -> bool:
        return word in self.words

    @property
    def cacheable(self) -> bool:
        """False when the answer may change without a write (SERVICE, NOW(), RAND(), …)."""
        return not (self.words & VOLATILE)


class TextRefused(ApiError):
    """A SPARQL text the reader cannot read with certainty, or one too big or
    too deep for the engine; always a 400 with the reason in the user's terms."""

    def __init__(self, de: str, en: str, code: str = "query-unreadable", **details) -> None:
        super().__init__(400, de, en, code, details=details or None)


def _refuse_escapes(text: str) -> None:
    if _UNICODE_ESCAPE.search(text):
        raise TextRefused("Die Anfrage enthält eine \\u-Schreibweise. Bitte das Zeichen selbst schreiben "
                          "(Koopgraph liest \\u-Schreibweisen nicht, damit es die Anfrage genau wie die Datenbank liest).",
                          "The request contains a \\u escape. Please write the character itself "
                          "(Koopgraph does not read \\u escapes, so that it reads the request exactly as the database does).",
                          "unicode-escape")


def _tokenize(text: str, max_tokens: int | None) -> list[Token]:
    """Significant tokens in order, following the grammar's own lexical
    rules, with the one contextual rule SPARQL has ("<" after an operand in
    an expression is less-than, not the start of an IRI). Stops with a 400
    once there are more than max_tokens."""
    tokens: list[Token] = []
    context: list[str] = []  # the open brackets
    matches = _TOKEN.finditer(text)
    for match in matches:
        kind, token_text, position = match.lastgroup, match.group(0), match.start()
        if kind in ("space", "comment"):
            continue
        if kind == "iri" and context and context[-1] == "(" and tokens and (
                tokens[-1].kind in _OPERAND_KINDS or tokens[-1].text in (")", "]") or tokens[-1].word in ("TRUE", "FALSE")):
            if re.search(r"[#'\"]", token_text):
                raise TextRefused(
                    "Ein Vergleich mit < ist hier nicht eindeutig zu lesen. Bitte ein Leerzeichen nach < setzen.",
                    "A comparison with < cannot be read unambiguously here. Please put a space after <.",
                    "ambiguous-less-than")
            less = "<=" if token_text.startswith("<=") else "<"
            kind, token_text = "lt", less
            matches = _TOKEN.finditer(text, position + len(less))  # read on after the operator
        if kind == "other" and token_text == "\\":
            raise TextRefused("Ein \\ außerhalb einer Zeichenkette (etwa in einem Präfix-Namen wie ex:a\\#b) wird "
                              "nicht angenommen. Bitte den Namen als <IRI> schreiben.",
                              "A \\ outside a string (as in a prefixed name like ex:a\\#b) is not accepted. "
                              "Please write the name as an <IRI>.", "escape-outside-string")
        if kind == "open":
            context.append(token_text)
        elif kind == "close" and context:
            context.pop()
        tokens.append(Token(kind, token_text, position, position + len(token_text)))
        if max_tokens is not None and len(tokens) > max_tokens:
            raise _too_long(max_tokens)
    return tokens


def _too_long(max_tokens: int) -> "TextRefused":
    return TextRefused(f"Die Anfrage ist zu lang: mehr als {max_tokens} Bestandteile (Wörter, Namen, Zeichen).",
                       f"The request is too long: more than {max_tokens} tokens (words, names, symbols).",
                       "query-too-complex", limit=max_tokens)


def _depth(tokens: list[Token]) -> int:
    deepest = depth = unary = 0
    for token in tokens:
        if token.kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif token.kind == "close":
            depth = max(0, depth - 1)
        unary = unary + 1 if token.kind == "other" and token.text in _UNARY else 0
        deepest = max(deepest, unary)
    return deepest


def _declarations(tokens: list[Token]) -> tuple[dict[str, str], str | None]:
    prefixes, base = {}, None
    for i, token in enumerate(tokens):
        if token.word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1].kind == "pname" \
                and tokens[i + 2].kind == "iri":
            prefixes[tokens[i + 1].text.rstrip(":")] = tokens[i + 2].text[1:-1]
        elif token.word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            base = tokens[i + 1].text[1:-1]
    return prefixes, base


def _services(tokens: list[Token], prefixes: dict[str, str]) -> tuple[str | None, ...]:
    """The target of every SERVICE: the IRI it names, None for a variable.
    A relative IRI, or a prefixed name whose prefix is not declared, stays
    as written: it never equals an allow-listed (absolute) IRI, so such a
    target is refused rather than resolved by a reading of our own."""
    found: list[str | None] = []
    for i, token in enumerate(tokens):
        if token.word != "SERVICE":
            continue
        j = i + 1
        if j < len(tokens) and tokens[j].word == "SILENT":
            j += 1
        target = tokens[j] if j < len(tokens) else None
        if target is not None and target.kind == "var":
            found.append(None)
            continue
        if target is None:
            found.append("")
        elif target.kind == "iri":
            found.append(target.text[1:-1])
        elif target.kind == "pname" and target.text.partition(":")[0] in prefixes:
            prefix, _, local = target.text.partition(":")
            found.append(prefixes[prefix] + local)
        else:
            found.append(target.text)
    return tuple(found)


def _named_graphs(tokens: list[Token], prefixes: dict[str, str], base: str | None) -> frozenset[str]:
    """The IRIs after GRAPH, FROM and FROM NAMED (prefixed names expanded when
    declared, relative IRIs resolved against the query's BASE as RFC 3986
    says): the graphs a query asks for by name."""
    found = set()
    for i, token in enumerate(tokens):
        if token.word not in ("GRAPH", "FROM") or i + 1 >= len(tokens):
            continue
        target = tokens[i + 2] if tokens[i + 1].word == "NAMED" and i + 2 < len(tokens) else tokens[i + 1]
        if target.kind == "iri":
            found.add(_resolved(target.text[1:-1], base))
        elif target.kind == "pname" and target.text.partition(":")[0] in prefixes:
            prefix, _, local = target.text.partition(":")
            found.add(_resolved(prefixes[prefix] + local, base))
    return frozenset(found)


def _resolved(iri: str, base: str | None) -> str:
    """iri against base (RFC 3986, urllib's reading); absolute IRIs unchanged."""
    if base is None or urllib.parse.urlsplit(iri).scheme:
        return iri
    return urllib.parse.urljoin(base, iri)


def _form(tokens: list[Token]) -> str | None:
    """The query form: the first of SELECT/ASK/CONSTRUCT/DESCRIBE (a
    subquery's SELECT always comes after its query's own form)."""
    return next((t.word for t in tokens if t.word in FORMS), None)


_READINGS: OrderedDict[str, Reading] = OrderedDict()  # the last readings, by text (an LRU)
_READINGS_KEPT = 2048
_READINGS_LOCK = threading.Lock()


def _read(text: str, max_tokens: int | None = None) -> Reading:
    """The whole reading of text. A reading that stayed within a token
    limit is complete, so it is kept by text for every later limit."""
    with _READINGS_LOCK:
        found = _READINGS.get(text)
        if found is not None:
            _READINGS.move_to_end(text)
    if found is not None:
        if max_tokens is not None and len(found.tokens) > max_tokens:
            raise _too_long(max_tokens)
        return found
    _refuse_escapes(text)
    tokens = _tokenize(text, max_tokens)
    prefixes, base = _declarations(tokens)
    reading = Reading(text, tuple(tokens), _depth(tokens), frozenset(t.word for t in tokens if t.word), _form(tokens),
                      _services(tokens, prefixes), prefixes, _named_graphs(tokens, prefixes, base))
    with _READINGS_LOCK:
        _READINGS[text] = reading
        while len(_READINGS) > _READINGS_KEPT:
            _READINGS.popitem(last=False)
    return reading


def read(text: str, *, max_tokens: int | None = MAX_QUERY_TOKENS) -> Reading:
    """The reading of a query or update text, or a 400 saying why it is
    refused: unreadable with certainty, more than max_tokens tokens, or
    nested deeper than MAX_NESTING."""
    reading = _read(text, max_tokens)
    if reading.depth > MAX_NESTING:
        raise TextRefused(f"Die Anfrage ist zu tief geschachtelt: mehr als {MAX_NESTING} Ebenen "
                          "(Klammern oder aufeinanderfolgende Vorzeichen).",
                          f"The request is nested too deeply: more than {MAX_NESTING} levels "
                          "(brackets or consecutive signs).", "query-too-complex", limit=MAX_NESTING)
    return reading


def keywords(sparql: str, wanted: frozenset[str] = frozenset({"FROM", "SERVICE"})) -> set[str]:
    """Which of wanted (upper-case keywords or function names) the text uses
    (a text longer than MAX_QUERY_TOKENS is refused, as at /sparql)."""
    return set(read(sparql).words & wanted)
