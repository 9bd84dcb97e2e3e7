"""What every command shares: the `koopgraph` group, the store and backend
options, opening the store to read or to write, and user errors as one line
with exit status 2."""

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from koopgraph import config as settings
from koopgraph import engine
from koopgraph.about import __version__
from koopgraph.config import default_store_path
from koopgraph.domain import report_text
from koopgraph.engine import formats
from koopgraph.engine import rdf as ox
from koopgraph.engine.remote import open_remote
from koopgraph.errors import ApiError, KoopgraphError
from koopgraph.writes.build import build as build_from_files
from koopgraph.writes.gate import RecordError

EXIT_USER_ERROR = 2


_store_path_option = click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Speicherverzeichnis / store directory "
    "(default: $KOOPGRAPH_STORE or $XDG_DATA_HOME/koopgraph/store)",
)


# Where the remote engine lives (BACKEND sparql). The values are collected
# in the context instead of being passed to each command; remote_engine() reads
# them together with $KOOPGRAPH_* and the config file.
_BACKEND_META = "koopgraph.backend"


_BACKEND_SETTINGS = {"backend": "BACKEND", "query_url": "QUERY_URL", "update_url": "UPDATE_URL",
                     "gsp_url": "GSP_URL", "auth": "REMOTE_AUTH"}


def _remember(ctx: click.Context, param: click.Parameter, value):
    if value is not None:
        ctx.meta.setdefault(_BACKEND_META, {})[_BACKEND_SETTINGS[param.name]] = value
    return value


_backend_options = [
    click.option("--backend", type=click.Choice(settings.BACKENDS), default=None, expose_value=False, callback=_remember,
                 help="oxigraph: eingebetteter Speicher (Standard) / embedded store (default); "
                      "sparql: ein SPARQL-1.1-Triplestore / a SPARQL 1.1 engine"),
    click.option("--query-url", default=None, expose_value=False, callback=_remember,
                 help="SPARQL-Abfrage-Endpunkt des Triplestores / query endpoint (--backend sparql)"),
    click.option("--update-url", default=None, expose_value=False, callback=_remember,
                 help="SPARQL-Update-Endpunkt / update endpoint (--backend sparql)"),
    click.option("--gsp-url", default=None, expose_value=False, callback=_remember,
                 help="Graph-Store-Endpunkt (optional) / Graph Store endpoint (optional)"),
    click.option("--auth", default=None, expose_value=False, callback=_remember,
                 help="user:passwort oder 'Bearer TOKEN' für den Triplestore (besser: $KOOPGRAPH_REMOTE_AUTH) / "
                      "credentials for the engine"),
]


def store_option(command):
    """--store, and where a remote engine is (--backend sparql --query-url …)."""
    for option in reversed(_backend_options):
        command = option(command)
    return _store_path_option(command)


def backend_overrides() -> dict:
    ctx = click.get_current_context(silent=True)
    return dict(ctx.meta.get(_BACKEND_META, {})) if ctx is not None else {}


def remote_engine():
    """The remote engine when BACKEND is sparql (option, environment or
    config file), else None: the command then uses the embedded store."""
    config = settings.load(backend_overrides())
    return open_remote(config) if config["BACKEND"] == "sparql" else None


def resolve_store_path(store_path: Path | None) -> Path:
    return store_path if store_path is not None else default_store_path()


def read_only_store(store_path: Path | None):
    """The store to read from: the remote engine, or the embedded store
    opened read-only (works next to a running server)."""
    remote = remote_engine()
    return remote if remote is not None else engine.open_read_only(resolve_store_path(store_path))


class _Group(click.Group):
    """Turns user errors into one line on stderr and exit 2 for every
    subcommand, also when invoked through click's test runner."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (KoopgraphError, ApiError) as error:
            message = f"{error.de} / {error.en}" if isinstance(error, ApiError) else str(error)
            click.echo(f"koopgraph: {message}", err=True)
            ctx.exit(EXIT_USER_ERROR)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="koopgraph")
def koopgraph() -> None:
    """Koopgraph: Wissensgraph Jobcenter und Migrationsdienste / knowledge graph."""


def table(rows: list[tuple[str, ...]], right: set[int]) -> list[str]:
    """Plain aligned columns; columns in `right` (counts) are right-aligned,
    the last column is never padded so long IRIs do not add trailing blanks."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row[:-1], widths[:-1]))
        ]
        lines.append("  ".join([*cells, row[-1]]))
    return lines


FORMAT_NAMES = {"json": "application/sparql-results+json", "csv": "text/csv", "tsv": "text/tab-separated-values",
                "xml": "application/sparql-results+xml"}


def print_result(result, fmt: str) -> None:
    """A result on stdout: an aligned table for people, or a standard format
    written by the engine (SPARQL JSON/CSV/TSV/XML, Turtle for graphs)."""
    kind = engine.result_kind(result)
    if fmt == "table" and kind == formats.SOLUTIONS:
        names = [v.value for v in result.variables]
        rows = [tuple(names)] + [tuple("" if t is None else t.value for t in row) for row in result]
        for line in table(rows, right=set()) if names else []:
            click.echo(line.rstrip())
        click.echo(f"({len(rows) - 1} Zeilen / rows)", err=True)
        return
    if fmt == "table":
        fmt = "json" if kind == formats.BOOLEAN else "ttl"
    chosen = formats.negotiate(None, kind, [fmt])
    click.echo(formats.serialize(result, chosen).decode("utf-8"), nl=False)


format_option = click.option(
    "--format", "fmt", default="table", show_default=True,
    type=click.Choice(["table", "json", "csv", "tsv", "xml", "ttl", "nt", "jsonld"]),
    help="Ausgabeformat / output format",
)


def context_store(store_path: Path | None):
    """The graph new records are checked against: the user's store if it
    exists (read-only, works next to a running server), else the packaged
    data built in memory."""
    remote = remote_engine()
    if remote is not None:
        return remote
    path = resolve_store_path(store_path)
    if path.is_dir():
        return engine.open_read_only(path)
    store = engine.open_store(None)
    build_from_files(store)
    return store


def labeller(store, triples: tuple = ()) -> Callable[[str, str], str]:
    """Names for records and properties: the file's own labels first, then
    the graph's (so a new record is called what its author called it)."""
    own = {(t.subject.value, t.object.language or ""): t.object.value for t in triples
           if t.predicate.value == "http://www.w3.org/2000/01/rdf-schema#label" and isinstance(t.object, ox.Literal)}

    def label(iri: str, lang: str) -> str:
        for key in ((iri, lang), (iri, "de"), (iri, "")):
            if key in own:
                return own[key]
        rows = engine.query(store, "SELECT ?x ?l WHERE { { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l } UNION "
                             "{ ?x <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }",
                             substitutions={"x": ox.NamedNode(iri)})
        labels = {r["l"].language or "": r["l"].value for r in rows}
        return labels.get(lang) or labels.get("de") or labels.get("") or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return label


agent_option = click.option("--als", "agent", default=None,
                            help="Name für das Protokoll / name recorded as author (default: $USER)")


def agent_name(agent: str | None) -> str:
    return agent or os.environ.get("USER") or "kommandozeile"


def writable_store(store_path: Path | None):
    """The store for a writing command, brought up to the installed release
    first (only graphs whose files changed are rebuilt), so new records are
    checked against the current ontology and shapes."""
    remote = remote_engine()
    if remote is not None:
        build_from_files(remote, only_changed=not engine.is_empty(remote))
        return remote
    path = resolve_store_path(store_path)
    try:
        store = engine.open_store(path)
    except engine.StoreBusyError as error:
        raise KoopgraphError(
            error.de + " Schreiben geht dann über den Server: POST /records mit einem Token.",
            error.en + " Write through the server instead: POST /records with a token.") from error
    build_from_files(store, only_changed=not engine.is_empty(store))
    return store


def record_error(error: RecordError) -> None:
    click.echo(f"koopgraph: {error}", err=True)
    if error.report is not None:
        click.echo(report_text.as_text(error.report, file="Eingabe", text="", label=lambda i, lang: i, lang="de"), err=True)
    sys.exit(1 if error.status == 422 else 2)
