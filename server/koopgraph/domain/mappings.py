"""Turning CSV files into RDF with declarative mappings in data/mappings/.

A mapping is a SPARQL CONSTRUCT query whose variables are the CSV's columns
(the approach of TARQL, "SPARQL for tables"), with a YAML header in "#+"
lines that declares the columns' types, constants and the import graph. The
rows are checked against the declared types first, so a broken row is named
by its line and column; then they are bound as typed RDF terms in a VALUES
block and Oxigraph runs the CONSTRUCT, in batches, with progress reports.
No conversion logic lives in Python: the mapping file is the mapping.

Why not RML or CSVW: the maintained Python RML engine (morph-kgc) pins
pyoxigraph < 0.4 and rdflib < 7.3, which this project cannot use, and no
maintained Python library turns CSVW metadata into RDF.
"""

import csv
import re
from collections.abc import Callable, Iterator, Mapping as Lookup
from dataclasses import dataclass
from pathlib import Path

import yaml

from koopgraph.engine import rdf as ox
from koopgraph.engine.embedded import scratch
from koopgraph import content
from koopgraph.errors import KoopgraphError
from koopgraph.domain.questions import PARAM_TYPES, ParameterError

BATCH = 1000
HEADER_KEYS = {"title", "description", "graph", "key", "columns", "constants", "skip_when_empty"}


class MappingError(KoopgraphError):
    """A mapping file that cannot be used."""


class RowError(KoopgraphError):
    """Rows of the CSV that do not fit the mapping's declared columns."""

    def __init__(self, problems: list[tuple[int, str, str]], total: int) -> None:
        self.problems = problems
        shown = problems[:20]
        lines_de = [f"Zeile {line}, Spalte {column}: {message}" for line, column, message in shown]
        more = f" … und {total - len(shown)} weitere" if total > len(shown) else ""
        more_en = f" … and {total - len(shown)} more" if total > len(shown) else ""
        super().__init__(f"{total} fehlerhafte Angaben, nichts importiert:\n  " + "\n  ".join(lines_de) + more,
                         f"{total} invalid values, nothing imported{more_en}")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool


@dataclass(frozen=True)
class TableMapping:
    name: str
    title: dict[str, str]
    graph: str
    key: str
    columns: tuple[Column, ...]
    constants: dict[str, tuple[str, str]]  # name -> (type, value)
    skip_when_empty: tuple[str, ...]
    sparql: str
    path: Path


def _header(path: Path, text: str) -> dict:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        lines.append(line[3:] if line.startswith("#+ ") else line[2:])
    try:
        header = yaml.safe_load("\n".join(lines)) if lines else None
    except yaml.YAMLError as error:
        raise MappingError(f"{path.name}: Kopf ist kein gültiges YAML: {error}", f"{path.name}: header is not valid YAML: {error}") from error
    if not isinstance(header, dict) or set(header) - HEADER_KEYS or not {"graph", "key", "columns"} <= set(header):
        raise MappingError(f"{path.name}: der „#+“-Kopf braucht graph, key und columns; erlaubt: {sorted(HEADER_KEYS)}",
                           f"{path.name}: the '#+' header needs graph, key and columns; allowed: {sorted(HEADER_KEYS)}")
    return header


def load_mapping(path: Path) -> TableMapping:
    """A mapping file, checked: types known, SPARQL parses, key declared."""
    text = Path(path).read_text(encoding="utf-8")
    header = _header(Path(path), text)
    columns = []
    for name, spec in header["columns"].items():
        if not isinstance(spec, dict) or spec.get("type") not in PARAM_TYPES:
            raise MappingError(f"{Path(path).name}: Spalte {name}: Typ fehlt oder unbekannt ({sorted(PARAM_TYPES)})",
                               f"{Path(path).name}: column {name}: type missing or unknown ({sorted(PARAM_TYPES)})")
        columns.append(Column(name, spec["type"], bool(spec.get("required"))))
    constants = {n: (c["type"], str(c["value"])) for n, c in (header.get("constants") or {}).items()}
    mapping = TableMapping(Path(path).stem, header.get("title") or {}, str(header["graph"]), str(header["key"]),
                      tuple(columns), constants, tuple(header.get("skip_when_empty") or ()), text, Path(path))
    if mapping.key not in {c.name for c in columns}:
        raise MappingError(f"{Path(path).name}: key {mapping.key} ist keine Spalte", f"{Path(path).name}: key {mapping.key} is not a column")
    if not re.search(r"\bWHERE\s*\{", text, re.IGNORECASE):
        raise MappingError(f"{Path(path).name}: keine WHERE-Klausel gefunden", f"{Path(path).name}: no WHERE clause found")
    _query(mapping, [])  # parses once: a syntax error shows now, not after reading a big file
    return mapping


def mapping_path(name_or_path: str) -> Path:
    """A file path, or the name of a mapping shipped in data/mappings/."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.is_file():
        return path
    shipped = content.root() / "data" / "mappings" / f"{name_or_path}.rq"
    if shipped.is_file():
        return shipped
    known = ", ".join(p.stem for p in sorted((content.root() / "data" / "mappings").glob("*.rq")))
    raise MappingError(f"Mapping „{name_or_path}“ nicht gefunden; vorhanden: {known}",
                       f"mapping '{name_or_path}' not found; available: {known}")


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        for row in reader:
            yield reader.line_num, row


def _terms(mapping: TableMapping, line: int, row: dict[str, str], problems: list) -> list:
    terms = []
    for column in mapping.columns:
        raw = (row.get(column.name) or "").strip()
        if not raw:
            if column.required:
                problems.append((line, column.name, "Wert fehlt / value missing"))
            terms.append(None)
            continue
        try:
            terms.append(PARAM_TYPES[column.type].bind(column.name, raw))
        except ParameterError as error:
            problems.append((line, column.name, error.de.split(": ", 1)[-1]))
            terms.append(None)
    return terms


def _constants(mapping: TableMapping, overrides: Lookup[str, str]) -> list:
    unknown = set(overrides) - set(mapping.constants)
    if unknown:
        raise MappingError(f"unbekannte Konstante {sorted(unknown)}; möglich: {sorted(mapping.constants)}",
                           f"unknown constant {sorted(unknown)}; possible: {sorted(mapping.constants)}")
    try:
        return [PARAM_TYPES[t].bind(n, overrides.get(n, v)) for n, (t, v) in mapping.constants.items()]
    except ParameterError as error:
        raise MappingError(error.de, error.en) from error


def _query(mapping: TableMapping, rows: list[list]) -> list[ox.Triple]:
    names = [c.name for c in mapping.columns] + list(mapping.constants)
    values = " ".join("(" + " ".join("UNDEF" if t is None else str(t) for t in row) + ")" for row in rows)
    block = f"VALUES ({' '.join('?' + n for n in names)}) {{ {values} }}"
    text = re.sub(r"(\bWHERE\s*\{)", lambda m: m.group(1) + "\n  " + block + "\n", mapping.sparql, count=1, flags=re.IGNORECASE)
    try:
        return list(scratch().query(text))
    except (SyntaxError, RuntimeError, ValueError) as error:
        raise MappingError(f"{mapping.path.name}: SPARQL-Fehler: {error}", f"{mapping.path.name}: SPARQL error: {error}") from error


@dataclass(frozen=True)
class Converted:
    triples: frozenset[ox.Triple]
    rows: int
    skipped: tuple[int, ...]  # CSV line numbers


def convert(mapping: TableMapping, csv_path: Path, constants: Lookup[str, str] | None = None,
            progress: Callable[[int], None] | None = None) -> Converted:
    """The whole CSV as triples, or a RowError naming every broken row."""
    fixed = _constants(mapping, constants or {})
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f), [])
    missing = [c.name for c in mapping.columns if c.required and c.name not in header]
    if missing:
        raise MappingError(f"{csv_path}: Spalten fehlen: {missing}", f"{csv_path}: columns missing: {missing}")
    problems: list = []
    batch, triples, skipped, count = [], set(), [], 0
    for line, row in _rows(csv_path):
        if any(not (row.get(c) or "").strip() for c in mapping.skip_when_empty):
            skipped.append(line)
            continue
        batch.append(_terms(mapping, line, row, problems) + fixed)
        count += 1
        if len(batch) == BATCH:
            triples.update(_query(mapping, batch) if not problems else ())
            batch = []
            if progress:
                progress(count)
    if problems:
        raise RowError(problems, len(problems))
    if batch:
        triples.update(_query(mapping, batch))
    if progress:
        progress(count)
    return Converted(frozenset(triples), count, tuple(skipped))


def count_rows(csv_path: Path) -> int:
    return sum(1 for _ in _rows(csv_path))
