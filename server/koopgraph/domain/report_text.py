"""A validation report as text a case worker can act on: grouped by record,
the record named by its label, each problem with the property's name, the
value found and what is expected, and where in the file it is."""

import re
from collections.abc import Callable

from koopgraph.domain.validation import Report, Result

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)


def line_of(text: str, iri: str) -> int | None:
    """The first line mentioning iri, as a full IRI or a prefixed name the
    file declares; None when the file does not spell it out (blank nodes)."""
    spellings = [f"<{iri}>"]
    for prefix, namespace in _PREFIX.findall(text):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            spellings.append(f"{prefix}:{iri[len(namespace):]}")
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        if any(re.search(re.escape(s) + r"(?![\w-])", line) for s in spellings):
            return number
    return None


def as_text(report: Report, *, file: str, text: str, label: Callable[[str, str], str], lang: str = "de") -> str:
    """The report of one file; label(iri, lang) names records and properties."""
    de = lang == "de"
    if report.conforms:
        return f"{file}: {'in Ordnung – keine Verstöße' if de else 'OK – no violations'}\n"
    by_record: dict[str, list[Result]] = {}
    for result in report.results:
        by_record.setdefault(result.focus_node, []).append(result)
    count = len(report.results)
    lines = [f"{file}: {count} {'Verstoß' if de and count == 1 else 'Verstöße' if de else 'violation(s)'}"]
    for iri, results in by_record.items():
        where = line_of(text, iri)
        position = f"{file}:{where}" if where else file
        lines.append(f"\n{'Eintrag' if de else 'Record'} „{label(iri, lang)}“ <{iri}> ({position})")
        for r in results:
            prop = label(r.path, lang) if r.path else ("Eintrag als Ganzes" if de else "the record as a whole")
            value = f" – {'Wert' if de else 'value'}: {r.value}" if r.value and r.value != iri else ""
            lines.append(f"  • {prop}{value}\n    {r.message(lang)}")
    return "\n".join(lines) + "\n"
