"""Parameters written into a SPARQL text as RDF terms.

A named question's parameters are checked and turned into pyoxigraph terms
first (queries.py); here each variable is replaced by the term's own SPARQL
syntax (``str(term)``: an escaped literal or an IRI in angle brackets), never
by the user's raw text. The result is what pyoxigraph's substitutions
(SEP-0007) compute – a test checks it for every named question – but the
engine plans a constant better than a substituted variable (1.4–2.4× faster
at one million triples, bench/README.md), and a remote engine has no
substitutions at all. Strings, IRIs and comments are never touched: the
tokens are sparqltext's, the one reading of SPARQL text.
"""

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from koopgraph.engine import sparqltext
from koopgraph.engine.sparqltext import Token


class BindError(ValueError):
    """A parameter is used where a constant cannot stand (BIND … AS, VALUES)."""


@dataclass
class _Select:
    projection: tuple[int, int]  # token indexes of the SELECT clause
    body: tuple[int, int]        # token indexes of its WHERE group


def _punct(token: Token) -> str | None:
    return token.text if token.kind in ("open", "close") else None


def _word(token: Token) -> str:
    return token.word


def _selects(tokens: list[Token]) -> list[_Select]:
    """Every SELECT with the span of its clause and of its group."""
    found: list[_Select] = []
    for i, token in enumerate(tokens):
        if _word(token) != "SELECT":
            continue
        j, parens = i + 1, 0
        while j < len(tokens):
            w, punct = _word(tokens[j]), _punct(tokens[j])
            parens += (punct == "(") - (punct == ")")
            if parens == 0 and (w in ("WHERE", "FROM") or punct == "{"):
                break
            j += 1
        k = j
        while k < len(tokens) and _punct(tokens[k]) != "{":
            k += 1
        depth, end = 0, k
        for end in range(k, len(tokens)):
            punct = _punct(tokens[end])
            depth += (punct == "{") - (punct == "}")
            if depth == 0:
                break
        found.append(_Select((i + 1, j), (k, end)))
    return found


def bind_text(sparql: str, terms: dict[str, Any]) -> str:
    """sparql with each variable in terms replaced by its RDF term, as
    pyoxigraph's substitutions do. In a SELECT clause ?v becomes
    (term AS ?v), so the column stays, unless a SELECT inside it already
    gives ?v; in ORDER BY / GROUP BY it becomes (term); elsewhere the term
    itself. Strings, IRIs and comments are never touched (the tokenizer is
    querytext's)."""
    if not terms:
        return sparql
    tokens = list(sparqltext.read(sparql, max_tokens=None).tokens)
    selects = _selects(tokens)

    def projected(select: _Select, name: str) -> bool:
        return any(tokens[t].text[1:] == name for t in range(*select.projection) if tokens[t].kind == "var")

    replacement: dict[int, str] = {}
    for index, token in enumerate(tokens):
        text = token.text
        if token.kind != "var" or text[1:] not in terms:
            continue
        name, value = text[1:], terms[text[1:]]
        if isinstance(value, ox.BlankNode):
            raise BindError(f"?{name}: ein leerer Knoten hat keine Schreibweise in einer Abfrage / "
                            "a blank node cannot be written into a query")
        term = str(value)
        before = [_word(t) for t in tokens[max(0, index - 2):index]]
        if before and before[-1] in ("AS", "VALUES"):
            raise BindError(f"?{name} wird in der Abfrage gebunden und kann kein Parameter sein / "
                            f"?{name} is bound in the query and cannot be a parameter")
        owner = next((s for s in selects if s.projection[0] <= index < s.projection[1]), None)
        if owner is not None:
            parens = sum((_punct(tokens[t]) == "(") - (_punct(tokens[t]) == ")")
                         for t in range(owner.projection[0], index))
            inner = [s for s in selects if owner.body[0] < s.projection[0] < owner.body[1]]
            if parens > 0:
                replacement[index] = term
            elif not any(projected(s, name) for s in inner):
                replacement[index] = f"({term} AS {text})"
        elif (clause := _ordering(tokens, index)) == "ORDER":
            continue  # the SELECT clause binds ?v ((term AS ?v) or a sub-select): ORDER BY sees it
        elif clause == "GROUP":
            owner = max((s for s in selects if s.body[1] < index), key=lambda s: s.body[1], default=None)
            inner = [s for s in selects if owner and owner.body[0] < s.projection[0] < owner.body[1]]
            if any(projected(s, name) for s in inner):
                continue  # a sub-select gives ?v: group by it as it is
            if _punct(tokens[index - 1]) == "(":
                replacement[index] = term
            else:
                replacement[index] = f"({term})"  # GROUP BY "1" is not SPARQL, GROUP BY ("1") is
        else:
            replacement[index] = term
    out, last = [], 0
    for index in sorted(replacement):
        out.append(sparql[last:tokens[index].start] + replacement[index])
        last = tokens[index].end
    out.append(sparql[last:])
    return "".join(out)


def _ordering(tokens: list[Token], index: int) -> str | None:
    """"ORDER" or "GROUP" when token index is inside an ORDER BY or GROUP BY clause."""
    for t in range(index - 1, -1, -1):
        word, punct = _word(tokens[t]), _punct(tokens[t])
        if punct in ("{", "}") or word in ("LIMIT", "OFFSET", "HAVING", "VALUES", "SELECT", "WHERE"):
            return None
        if word == "BY":
            before = _word(tokens[t - 1]) if t > 0 else ""
            return before if before in ("ORDER", "GROUP") else None
    return None
