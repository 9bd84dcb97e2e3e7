"""Reading RDF: a request body or a file users send, in any of the formats
the project speaks, and the project's own source files; always with the
parser's position on errors."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from koopgraph.engine import limits
from koopgraph.errors import KoopgraphError
from koopgraph.namespaces import BASE

BY_MEDIA_TYPE = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/trig": ox.RdfFormat.TRIG,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}
BY_SUFFIX = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD,
             ".json": ox.RdfFormat.JSON_LD, ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
             ".xml": ox.RdfFormat.RDF_XML, ".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
BY_NAME = {"turtle": ox.RdfFormat.TURTLE, "ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
           "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
           "trig": ox.RdfFormat.TRIG, "nquads": ox.RdfFormat.N_QUADS, "nq": ox.RdfFormat.N_QUADS}


# English names of the places RDF is read from (file names stay as they are).
WHERE_EN = {"Anfragekörper": "request body", "Eingabe": "input"}


class UnsupportedFormatError(KoopgraphError):
    """No parser for the announced media type or file name."""


class RdfSyntaxError(KoopgraphError):
    """The text is not valid RDF in the announced format."""

    def __init__(self, where: str, message: str, line: int | None, column: int | None) -> None:
        self.line, self.column = line, column
        position = f" (Zeile {line}, Spalte {column})" if line else ""
        position_en = f" (line {line}, column {column})" if line else ""
        super().__init__(f"{where}: kein gültiges RDF{position}: {message}",
                         f"{WHERE_EN.get(where, where)}: not valid RDF{position_en}: {message}")


@dataclass(frozen=True)
class Parsed:
    triples: tuple[ox.Triple, ...]
    format: ox.RdfFormat


def format_for_media_type(media_type: str | None) -> ox.RdfFormat:
    fmt = BY_MEDIA_TYPE.get((media_type or "").split(";")[0].strip().lower())
    if fmt is None:
        offered = ", ".join(BY_MEDIA_TYPE)
        raise UnsupportedFormatError(f"Content-Type „{media_type or '–'}“ wird nicht unterstützt; möglich: {offered}",
                                     f"Content-Type '{media_type or '–'}' is not supported; possible: {offered}")
    return fmt


def format_for_file(path: Path, name: str | None = None) -> ox.RdfFormat:
    fmt = BY_NAME.get(name.lower()) if name else BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise UnsupportedFormatError(
            f"{path}: Format nicht erkannt; bitte --input-format angeben ({', '.join(sorted(BY_NAME))})",
            f"{path}: format not recognised; give --input-format ({', '.join(sorted(BY_NAME))})")
    return fmt


def parse(data: bytes, fmt: ox.RdfFormat, where: str = "Eingabe") -> Parsed:
    """All triples of the data; graph names of TriG/N-Quads are dropped,
    because the server decides which graph a submission goes to. Relative
    IRIs resolve against the Koopgraph namespace."""
    try:
        limits.check_rdf_body(data, fmt)  # shapes the parsers cannot survive: 400 before they see them
        quads = list(ox.parse(data, format=fmt, base_iri=BASE, rename_blank_nodes=True))
    except SyntaxError as error:
        message = error.msg if isinstance(error.msg, str) else str(error)
        raise RdfSyntaxError(where, message, error.lineno, error.offset) from error
    except (ValueError, UnicodeDecodeError) as error:
        raise RdfSyntaxError(where, str(error), None, None) from error
    return Parsed(tuple(dict.fromkeys(q.triple for q in quads)), fmt)


# ---------------------------------------------------------------- the project's source files

SOURCE_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}


class SourceError(KoopgraphError):
    """An RDF file cannot be read or parsed."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = " ".join(detail.split())  # one line, whatever the parser says
        super().__init__(
            f"Fehler in {path}: {self.detail}",
            f"Error in {path}: {self.detail}",
        )


def read_source(path: Path) -> list[ox.Triple]:
    """All triples of one source file. Graph names inside TriG are dropped
    on purpose: the file's location alone decides its graph."""
    try:
        data = path.read_bytes()
        quads = ox.parse(data, format=SOURCE_FORMATS[path.suffix.lower()], rename_blank_nodes=False)
        return _stable_blank_nodes([quad.triple for quad in quads], f"{path.parent.name}/{path.name}", data)
    except SyntaxError as error:
        detail = error.msg if isinstance(error.msg, str) else str(error)
        if error.lineno and f"line {error.lineno}" not in detail:
            detail = f"line {error.lineno}: {detail}"
        raise SourceError(path, detail) from error
    except (OSError, ValueError) as error:
        raise SourceError(path, str(error)) from error


def _stable_blank_nodes(triples: list[ox.Triple], name: str, data: bytes) -> list[ox.Triple]:
    """Blank nodes renamed after the file and their order of appearance:
    `_:x` in two files stays apart, and building the same file twice gives
    the same nodes, so a rebuild changes nothing (also on a remote engine)."""
    prefix = "f" + hashlib.sha256(name.encode() + b"\0" + data).hexdigest()[:12] + "b"
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term):
        if isinstance(term, ox.BlankNode):
            return names.setdefault(term, ox.BlankNode(f"{prefix}{len(names)}"))
        return term

    return [ox.Triple(stable(t.subject), t.predicate, stable(t.object)) for t in triples]
