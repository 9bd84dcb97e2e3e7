"""Rules and help texts of the forms in plain words.

The shapes' messages are written for both audiences – a case worker and the
API's users – so they name the RDF terms behind a rule ("(rdfs:label)",
"\"2000\"^^xsd:gYear", "@de"). A form shows the plain sentence and keeps the
whole message behind a "technische Details" toggle; the shapes stay the one
place a rule is written.
"""

import re

_LITERAL = re.compile(r'"([^"]*)"(?:@[A-Za-z-]+|\^\^[a-z]+:[A-Za-z]+)')
_TERM = r"[a-z]+:[A-Za-z][\w]*"
_ONLY_TERMS = re.compile(rf"\s*\((?:{_TERM})(?:(?:,\s*|\s+oder\s+|\s+or\s+){_TERM})*\)")
_LEADING_TERM = re.compile(rf"\((?:{_TERM}),\s*")
_VIA_TERM = re.compile(rf"\s+(?:über|via|through)\s+{_TERM}")
_IRI_FOR = re.compile(r"https?://\S+\s+(?:für|for)\s+")
_JARGON = re.compile(r"\s*\((?:IRI|SHACL)\)")
_ADDRESS_RULE = re.compile(r"\bDie IRI (\w+ \w+) ist https?://\S+ mit\b")


def plain(text: str) -> str:
    """The sentence without RDF terms: literals as quoted words, CURIEs and
    IRIs dropped where they only name the technique."""
    text = _LITERAL.sub(lambda m: m.group(1) if m.group(1).isdigit() else f"„{m.group(1)}“", text)
    text = _ONLY_TERMS.sub("", text)
    text = _LEADING_TERM.sub("(", text)
    text = _VIA_TERM.sub("", text)
    text = _IRI_FOR.sub("", text)
    text = _JARGON.sub("", text)
    text = _ADDRESS_RULE.sub(r"Die Adresse \1 endet mit", text)
    text = re.sub(r"\beine IRI\b", "eine Adresse", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def technical(text: str) -> bool:
    """Does the text name RDF terms that plain() leaves out?"""
    return plain(text) != text.strip()
