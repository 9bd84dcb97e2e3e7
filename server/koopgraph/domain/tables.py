"""A named question's answer as a table people read: names instead of IRIs,
words instead of codes, German numbers with units, dates as dates.

The question's header declares every column's titles and kind
(domain/questions.Column); this module turns the answer's RDF terms into
cells that keep both faces – the text a page shows and the typed value a
spreadsheet stores – so the HTML table, the profile and the downloads can
never disagree. The data formats (CSV, JSON, SPARQL results) are not made
here: they keep the stable codes and column names.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from koopgraph import engine
from koopgraph.domain import descriptions
from koopgraph.domain.questions import IRI_KINDS, Column, NamedQuery
from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Engine
from koopgraph.namespaces import ID

SKOS = descriptions.SKOS
VOCABULARY = ID + "vokabular/"

Value = str | int | Decimal | datetime.date | None


@dataclass(frozen=True)
class Cell:
    """One value as shown (text, link) and as stored in a spreadsheet (value)."""

    text: str
    value: Value
    href: str | None = None
    code: str | None = None  # the stable value behind a word, for data attributes and tests


@dataclass
class Table:
    """What a page or a spreadsheet shows of an answer."""

    columns: list[Column]
    rows: list[list[Cell]]
    totals: list[Cell | None] = field(default_factory=list)

    def count_text(self, lang: str) -> str:
        n = len(self.rows)
        if lang == "de":
            return "1 Zeile" if n == 1 else f"{format_number(n, 'de')} Zeilen"
        return "1 row" if n == 1 else f"{format_number(n, 'en')} rows"


# ------------------------------------------------------------------- formats


def format_number(value: int | Decimal, lang: str) -> str:
    """316103 → 316.103, 56.73 → 56,73 in German; 316,103 and 56.73 in English."""
    text = f"{value:,}" if isinstance(value, int) else f"{value:,f}"
    if lang == "de":
        return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_date(value: datetime.date, lang: str) -> str:
    return value.strftime("%d.%m.%Y") if lang == "de" else value.isoformat()


def _number(text: str) -> int | Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return int(number) if number == number.to_integral_value() and "." not in text and "e" not in text.lower() else number


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


# ------------------------------------------------------------------- words for codes


def code_words(kg: Engine, schemes: Iterable[str], lang: str) -> dict[str, dict[str, str]]:
    """scheme → {code: word}: a concept's code is its skos:notation or the
    last part of its IRI (kooperationsstatus/geplant → geplant)."""
    schemes = sorted(set(schemes))
    if not schemes:
        return {}
    values = " ".join(f"<{VOCABULARY}{s}>" for s in schemes)
    sparql = f"""SELECT ?scheme ?c ?notation ?label WHERE {{ VALUES ?scheme {{ {values} }}
      ?c <{SKOS}inScheme> ?scheme ; <{SKOS}prefLabel> ?label FILTER (LANG(?label) = "{lang}")
      OPTIONAL {{ ?c <{SKOS}notation> ?notation }} }}"""
    words: dict[str, dict[str, str]] = {s: {} for s in schemes}
    for row in engine.query(kg, sparql):
        scheme = words[row["scheme"].value[len(VOCABULARY):]]
        scheme.setdefault(row["c"].value.rsplit("/", 1)[-1], row["label"].value)
        if row["notation"] is not None:
            scheme[row["notation"].value] = row["label"].value
    return words


def word_for(code: str, column: Column, words: Mapping[str, Mapping[str, str]]) -> str:
    """The word of the first declared vocabulary that knows the code, else the text as it is."""
    for scheme in column.scheme:
        if code in words.get(scheme, {}):
            return words[scheme][code]
    return code


# ------------------------------------------------------------------- the table


def shown_columns(query: NamedQuery) -> list[Column]:
    """The columns a person sees: an IRI column whose page a name column
    links to is shown through that name; the first name (or IRI) column
    comes first, as the table's key column."""
    linked = {c.link for c in query.column_specs if c.link}
    columns = [c for c in query.column_specs if c.name not in linked]
    keys = [c for c in columns if c.kind == "name"] or [c for c in columns if c.kind in IRI_KINDS]
    return ([keys[0]] + [c for c in columns if c is not keys[0]]) if keys else columns


def _cell(column: Column, term, row: Mapping[str, object], names: Mapping[str, ox.Literal],
          words: Mapping[str, Mapping[str, str]], lang: str) -> Cell:
    if term is None:
        return Cell("", None)
    text = term.value
    if column.kind in IRI_KINDS:
        name = names.get(text)
        return Cell(name.value if name else descriptions.curie(text), name.value if name else text,
                    descriptions.local_href(text))
    if column.kind == "name":
        target = row.get(column.link)
        href = descriptions.local_href(target.value) if isinstance(target, ox.NamedNode) else None
        return Cell(text, text, href)
    if column.kind == "code":
        word = word_for(text, column, words)
        return Cell(word, word, None, text)
    if column.kind == "number":
        number = _number(text)
        if number is None:
            return Cell(text, text)
        unit = f" {column.unit[lang]}" if column.unit else ""
        return Cell(format_number(number, lang) + unit, number)
    if column.kind == "date":
        date = _date(text)
        return Cell(format_date(date, lang), date) if date else Cell(text, text)
    return Cell(text, text)


def build(kg: Engine, query: NamedQuery, rows: Sequence[Mapping[str, object]], lang: str,
          sort: str | None = None) -> Table:
    """The readable table of an answer given as rows of {variable: term}."""
    columns = shown_columns(query)
    iris = {row[c.name].value for row in rows for c in columns
            if c.kind in IRI_KINDS and isinstance(row.get(c.name), ox.NamedNode)}
    names = descriptions.labels(kg, iris, lang)
    words = code_words(kg, {s for c in columns for s in c.scheme}, lang)
    cells = [[_cell(c, row.get(c.name), row, names, words, lang) for c in columns] for row in rows]
    table = Table(columns, _sorted(cells, columns, sort))
    if any(c.total for c in columns) and len(rows) > 1:
        table.totals = [_total(i, c, cells, lang) for i, c in enumerate(columns)]
    return table


def _sorted(cells: list[list[Cell]], columns: list[Column], sort: str | None) -> list[list[Cell]]:
    """Rows by the column `sort` names (`-name`: descending); numbers and dates by value."""
    if not sort:
        return cells
    name = sort.lstrip("-")
    index = next((i for i, c in enumerate(columns) if c.name == name), None)
    if index is None:
        return cells

    def key(row: list[Cell]) -> tuple:
        value = row[index].value
        if isinstance(value, (int, Decimal)):
            return (0, value, "")
        if isinstance(value, datetime.date):
            return (0, value.toordinal(), "")
        return (1, 0, row[index].text.casefold())

    return sorted(cells, key=key, reverse=sort.startswith("-"))


def _total(index: int, column: Column, cells: list[list[Cell]], lang: str) -> Cell | None:
    if not column.total:
        return None
    values = [row[index].value for row in cells if isinstance(row[index].value, (int, Decimal))]
    total = sum(values, start=0)
    unit = f" {column.unit[lang]}" if column.unit else ""
    return Cell(format_number(total, lang) + unit, total)


def solution_rows(solutions: ox.QuerySolutions) -> list[dict[str, object]]:
    """Rows of {variable: term} from query solutions (None where unbound)."""
    names = [v.value for v in solutions.variables]
    return [{n: row[i] for i, n in enumerate(names)} for row in solutions]
