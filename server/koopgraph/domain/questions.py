"""Named questions: one `queries/<name>.rq` file each, metadata in `#+` lines.

The header is YAML inside SPARQL comments, so every file stays valid SPARQL
that can be pasted into any editor. A broken header or query stops loading
with the file and the reason: a silently missing question is worse than a
server that refuses to start. Parameters are typed, checked, and bound as
RDF terms (never pasted into the query text), so no value can change what a
query means.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from koopgraph.engine import rdf as ox
from koopgraph.engine.interface import Engine
from koopgraph.engine import reading
from koopgraph.engine.embedded import scratch
from koopgraph import content
from koopgraph.errors import KoopgraphError


class QueryDefinitionError(KoopgraphError):
    """A queries/*.rq file whose header or SPARQL cannot be used: named by
    its path and, where the parser says, the line."""

    def __init__(self, path: Path, de: str, en: str, line: int | None = None) -> None:
        self.path, self.line = path, line
        de, en = " ".join(de.split()), " ".join(en.split())  # one line, whatever the parser says
        super().__init__(f"{path}{f', Zeile {line}' if line else ''}: {de}",
                         f"{path}{f', line {line}' if line else ''}: {en}")


_ENGINE_POSITION = re.compile(r"error at (\d+):\d+")


class ParameterError(KoopgraphError):
    """A parameter value a user supplied that does not fit its declared type."""

    def __init__(self, name: str, de: str, en: str) -> None:
        self.name = name
        super().__init__(f"Parameter „{name}“: {de}", f"parameter '{name}': {en}")


@dataclass(frozen=True)
class ParamType:
    """How a raw text value becomes an RDF term, and what it may look like."""

    pattern: str
    hint_de: str
    hint_en: str
    make: type = ox.Literal
    datatype: str | None = None

    def bind(self, name: str, raw: str) -> ox.Literal | ox.NamedNode:
        if not re.fullmatch(self.pattern, raw):
            raise ParameterError(name, f"„{_clip(raw)}“ ist ungültig: {self.hint_de}", f"'{_clip(raw)}' is invalid: {self.hint_en}")
        if self.make is ox.NamedNode:
            return ox.NamedNode(raw)
        if self.datatype:
            return ox.Literal(raw, datatype=ox.NamedNode(self.datatype))
        return ox.Literal(raw)


XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES: dict[str, ParamType] = {
    "land": ParamType(r"(0[1-9]|1[0-6])", "erwartet wird ein Landesschlüssel 01–16", "expected a state key 01–16"),
    "kreisschluessel": ParamType(
        r"(0[1-9]|1[0-6])[0-9]{3}", "erwartet wird ein fünfstelliger Kreisschlüssel, z. B. 01062",
        "expected a five-digit district key, e.g. 01062"),
    "ags": ParamType(
        r"(0[1-9]|1[0-6])[0-9]{6}", "erwartet wird ein achtstelliger Gemeindeschlüssel, z. B. 01060063",
        "expected an eight-digit municipality key, e.g. 01060063"),
    "text": ParamType(
        r"[^\x00-\x1f\x7f]{1,100}", "erwartet wird ein Text mit 1 bis 100 Zeichen ohne Steuerzeichen",
        "expected text of 1 to 100 characters without control characters"),
    "string": ParamType(
        r"[^\x00-\x1f\x7f]{1,500}", "erwartet wird ein Text mit 1 bis 500 Zeichen ohne Steuerzeichen",
        "expected text of 1 to 500 characters without control characters"),
    "integer": ParamType(r"-?[0-9]{1,9}", "erwartet wird eine ganze Zahl", "expected a whole number",
                         datatype=XSD + "integer"),
    "boolean": ParamType(r"true|false", "erwartet wird true oder false", "expected true or false",
                         datatype=XSD + "boolean"),
    "decimal": ParamType(r"-?[0-9]{1,12}(\.[0-9]{1,12})?", "erwartet wird eine Dezimalzahl mit Punkt, z. B. 58.10",
                         "expected a decimal number with a point, e.g. 58.10", datatype=XSD + "decimal"),
    "date": ParamType(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "erwartet wird ein Datum JJJJ-MM-TT",
                      "expected a date YYYY-MM-DD", datatype=XSD + "date"),
    "ars": ParamType(r"(0[1-9]|1[0-6])[0-9]{10}", "erwartet wird ein zwölfstelliger Regionalschlüssel",
                     "expected a twelve-digit regional key"),
    "iri": ParamType(
        r"https?://[^\s<>\"{}|\\^`]{1,500}", "erwartet wird eine http(s)-IRI ohne Leerzeichen",
        "expected an http(s) IRI without spaces", make=ox.NamedNode),
}


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None
    example: str
    description: Mapping[str, str]

    @property
    def required(self) -> bool:
        return self.default is None


# What a column holds, so a page can show it to people: region, organisation and resource are
# IRIs (shown by name, linked); name is a text linked to the IRI in its `link` column; key is an
# official key (text, leading zeros kept); code a value of a SKOS vocabulary (`scheme`), shown
# as its word; number (optional `unit`, optional `total`), date, text as they say.
COLUMN_KINDS = ("region", "organisation", "resource", "name", "key", "code", "number", "date", "text")
IRI_KINDS = ("region", "organisation", "resource")
COLUMN_KEYS = {"de", "en", "kind", "unit", "link", "scheme", "total"}


@dataclass(frozen=True)
class Column:
    """One declared column: its titles, its kind and what that kind needs."""

    name: str
    title: Mapping[str, str]
    kind: str = "text"
    unit: Mapping[str, str] | None = None
    link: str | None = None
    scheme: tuple[str, ...] = ()
    total: bool = False


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    columns: tuple[str, ...]
    params: tuple[Param, ...]
    sparql: str
    path: Path
    column_specs: tuple[Column, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.column_specs if c.name == name)

    def bind(self, raw: Mapping[str, str]) -> dict[str, ox.Literal | ox.NamedNode]:
        """Typed RDF terms for every declared parameter; unknown names are refused."""
        unknown = sorted(set(raw) - {p.name for p in self.params})
        if unknown:
            known = ", ".join(p.name for p in self.params) or "–"
            raise ParameterError(unknown[0], f"unbekannt (erlaubt: {known})", f"unknown (allowed: {known})")
        terms = {}
        for param in self.params:
            value = raw.get(param.name, param.default)
            if value is None:
                raise ParameterError(param.name, f"fehlt (Beispiel: {param.example})", f"missing (example: {param.example})")
            terms[param.name] = PARAM_TYPES[param.type].bind(param.name, value)
        return terms


HEADER_KEYS = {"title", "description", "columns", "params"}
PARAM_KEYS = {"type", "default", "example", "description"}


def _header(path: Path, text: str) -> dict:
    all_lines = text.splitlines()
    lines = []
    for line in all_lines:
        if not line.startswith("#+"):
            break
        lines.append(line[3:] if line.startswith("#+ ") else line[2:])
    if any(line.startswith("#+") for line in all_lines[len(lines):]):
        raise QueryDefinitionError(path, "alle „#+“-Zeilen müssen am Anfang zusammenhängend stehen",
                                   "all '#+' lines must stand together at the top")
    if not lines:
        raise QueryDefinitionError(path, "die Datei beginnt nicht mit „#+“-Kopfzeilen", "the file does not start with '#+' header lines")
    try:
        header = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)  # the header's lines are the file's first lines
        raise QueryDefinitionError(path, f"Kopf ist kein gültiges YAML: {error}", f"header is not valid YAML: {error}",
                                   mark.line + 1 if mark is not None else None) from error
    if not isinstance(header, dict):
        raise QueryDefinitionError(path, "der Kopf muss eine Zuordnung sein", "the header must be a mapping")
    return header


def _bilingual(path: Path, header: dict, key: str) -> dict[str, str]:
    value = header.get(key)
    if not (isinstance(value, dict) and isinstance(value.get("de"), str) and isinstance(value.get("en"), str)):
        raise QueryDefinitionError(path, f"„{key}“ braucht Texte für de und en", f"'{key}' needs texts for de and en")
    return {"de": value["de"].strip(), "en": value["en"].strip()}


def _params(path: Path, header: dict) -> tuple[Param, ...]:
    raw = header.get("params") or {}
    if not isinstance(raw, dict):
        raise QueryDefinitionError(path, "„params“ muss eine Zuordnung sein", "'params' must be a mapping")
    params = []
    for name, spec in raw.items():
        if not isinstance(spec, dict) or set(spec) - PARAM_KEYS or spec.get("type") not in PARAM_TYPES:
            given = spec.get("type") if isinstance(spec, dict) else spec
            raise QueryDefinitionError(
                path, f"Parameter „{name}“ ({given!r}): erlaubt sind die Schlüssel {sorted(PARAM_KEYS)} und die Typen {sorted(PARAM_TYPES)}",
                f"parameter '{name}' ({given!r}): allowed keys are {sorted(PARAM_KEYS)} and types {sorted(PARAM_TYPES)}")
        default = None if spec.get("default") is None else str(spec["default"])
        example = str(spec.get("example", default or ""))
        param = Param(str(name), spec["type"], default, example, _bilingual(path, spec, "description"))
        try:  # the example and default must pass their own type check
            for value in {example, default} - {None}:
                PARAM_TYPES[param.type].bind(param.name, value)
        except ParameterError as error:
            raise QueryDefinitionError(path, error.de, error.en) from error
        params.append(param)
    return tuple(params)


def _column(path: Path, name: str, spec: object) -> Column:
    """A declared column, checked strictly: both titles, a known kind, and
    only the keys its kind uses."""
    where_de, where_en = f"Spalte „{name}“", f"column '{name}'"
    if not isinstance(spec, dict) or set(spec) - COLUMN_KEYS:
        raise QueryDefinitionError(path, f"{where_de}: erlaubt sind die Schlüssel {sorted(COLUMN_KEYS)}",
                                   f"{where_en}: allowed keys are {sorted(COLUMN_KEYS)}")
    title = _bilingual(path, {"title": {k: spec.get(k) for k in ("de", "en")}}, "title")
    kind = spec.get("kind")
    if kind not in COLUMN_KINDS:
        raise QueryDefinitionError(path, f"{where_de}: „kind“ muss eine von {list(COLUMN_KINDS)} sein",
                                   f"{where_en}: 'kind' must be one of {list(COLUMN_KINDS)}")
    uses = {"unit": kind == "number", "total": kind == "number", "link": kind == "name", "scheme": kind == "code"}
    wrong = sorted(key for key, allowed in uses.items() if key in spec and not allowed)
    if wrong or (kind == "name" and not isinstance(spec.get("link"), str)):
        raise QueryDefinitionError(
            path, f"{where_de}: „unit“ und „total“ gehören zu number, „link“ (Pflicht) zu name, „scheme“ zu code ({wrong})",
            f"{where_en}: 'unit' and 'total' belong to number, 'link' (required) to name, 'scheme' to code ({wrong})")
    unit = _bilingual(path, spec, "unit") if "unit" in spec else None
    scheme = spec.get("scheme", [])
    scheme = [scheme] if isinstance(scheme, str) else scheme
    if not (isinstance(scheme, list) and all(isinstance(s, str) and re.fullmatch(r"[a-z][a-z0-9-]*", s) for s in scheme)):
        raise QueryDefinitionError(path, f"{where_de}: „scheme“ nennt Vokabulare wie antwortwert",
                                   f"{where_en}: 'scheme' names vocabularies such as antwortwert")
    if not isinstance(spec.get("total", False), bool):
        raise QueryDefinitionError(path, f"{where_de}: „total“ ist true oder false", f"{where_en}: 'total' is true or false")
    return Column(name, title, kind, unit, spec.get("link"), tuple(scheme), spec.get("total", False))


def _columns(path: Path, header: dict) -> tuple[Column, ...]:
    """`columns` as a list of names (shown as text under their own name) or,
    as every question in queries/ has it, a mapping of name to declaration."""
    columns = header.get("columns")
    if isinstance(columns, list) and columns and all(isinstance(c, str) for c in columns):
        return tuple(Column(c, {"de": c, "en": c}) for c in columns)
    if isinstance(columns, dict) and columns and all(isinstance(c, str) for c in columns):
        declared = tuple(_column(path, name, spec) for name, spec in columns.items())
        for column in declared:
            if column.link in columns and columns[column.link].get("kind") not in IRI_KINDS:
                raise QueryDefinitionError(path, f"Spalte „{column.name}“: „link“ muss eine IRI-Spalte nennen",
                                           f"column '{column.name}': 'link' must name an IRI column")
        return declared
    raise QueryDefinitionError(path, "„columns“ muss eine Liste von Spaltennamen oder eine Zuordnung Name → Angaben sein",
                               "'columns' must be a list of column names or a mapping of name to declaration")


def load_query(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header = _header(path, text)
    unknown = set(header) - HEADER_KEYS
    if unknown:
        raise QueryDefinitionError(path, f"unbekannte Kopfzeilen {sorted(unknown)}", f"unknown header keys {sorted(unknown)}")
    specs = _columns(path, header)
    query = NamedQuery(path.stem, _bilingual(path, header, "title"), _bilingual(path, header, "description"),
                       tuple(c.name for c in specs), _params(path, header), text, path, specs)
    _check_against_engine(query)
    return query


def _check_against_engine(query: NamedQuery) -> None:
    """Parse and run the query once on an empty store with the example values:
    this finds syntax errors, and columns or parameters the query does not
    project, at load time instead of at a user's first click."""
    try:
        terms = query.bind({p.name: p.example for p in query.params})
        solutions = scratch().query(query.sparql, substitutions={ox.Variable(k): v for k, v in terms.items()})
    except (SyntaxError, RuntimeError, ValueError) as error:
        position = _ENGINE_POSITION.search(str(error))  # the query text is the whole file
        raise QueryDefinitionError(query.path, f"SPARQL-Fehler: {error}", f"SPARQL error: {error}",
                                   int(position.group(1)) if position else None) from error
    if not isinstance(solutions, ox.QuerySolutions):
        raise QueryDefinitionError(query.path, "benannte Fragen müssen SELECT-Abfragen sein", "named questions must be SELECT queries")
    projected = {v.value for v in solutions.variables}
    missing = [c for c in query.columns if c not in projected]
    missing += [c.link for c in query.column_specs if c.link and c.link not in projected]
    if missing:
        raise QueryDefinitionError(query.path, f"Spalten fehlen im SELECT: {missing}", f"columns missing from SELECT: {missing}")


def load_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every queries/*.rq, by name, in name order."""
    folder = (content.root() / "queries") if folder is None else Path(folder)
    return {q.name: q for q in map(load_query, sorted(folder.glob("*.rq")))}


def run(kg: Engine, query: NamedQuery, raw: Mapping[str, str]) -> ox.QuerySolutions:
    """Answer a named question over the union graph with checked parameters."""
    return reading.query(kg, query.sparql, substitutions=query.bind(raw))
