"""Command line: build the store from the packaged files and look inside it.

Mistakes a user can fix (busy store, broken Turtle, missing content) end in
one bilingual line and exit status 2, because a traceback hides the one
sentence that matters.
"""

import json
import os
import re
import secrets
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import click

from koopgraph.engine import rdf as ox
from koopgraph.about import __version__
from koopgraph.writes.gate import RecordError
from koopgraph.writes.submissions import listing as list_submissions
from koopgraph.writes.revert import revert as revert_submission
from koopgraph.writes.build import build as build_from_files
from koopgraph.domain import access, questions, report_text, mappings, validation
from koopgraph.writes.imports import csv as csv_import, rdf as rdf_import
from koopgraph import config as settings
from koopgraph.web.app import create_app
from koopgraph.engine import formats, rdf_input
from koopgraph import engine
from koopgraph.engine.remote import open_remote
from koopgraph.writes import records
from koopgraph.web import serving
from koopgraph.engine.export_formats import EXPORT_FORMATS
from koopgraph.config import default_store_path
from koopgraph.errors import ApiError, KoopgraphError
from koopgraph.namespaces import BASE

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
# in the context instead of being passed to each command; _remote() reads
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


def _backend_overrides() -> dict:
    ctx = click.get_current_context(silent=True)
    return dict(ctx.meta.get(_BACKEND_META, {})) if ctx is not None else {}


def _remote():
    """The remote engine when BACKEND is sparql (option, environment or
    config file), else None: the command then uses the embedded store."""
    config = settings.load(_backend_overrides())
    return open_remote(config) if config["BACKEND"] == "sparql" else None


def _resolve(store_path: Path | None) -> Path:
    return store_path if store_path is not None else default_store_path()


def _read_only(store_path: Path | None):
    """The store to read from: the remote engine, or the embedded store
    opened read-only (works next to a running server)."""
    remote = _remote()
    return remote if remote is not None else engine.open_read_only(_resolve(store_path))


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


@koopgraph.command()
@store_option
def build(store_path: Path | None) -> None:
    """Speicher aus den RDF-Dateien neu aufbauen / rebuild the store from the RDF files.

    Mit --backend sparql in den Triplestore, in Häppchen und wiederholbar /
    with --backend sparql into the engine, in chunks, idempotent."""
    remote = _remote()
    path = remote.endpoints.update_url if remote is not None else _resolve(store_path)
    store = remote if remote is not None else engine.open_store(path)
    counts = build_from_files(store,
                           progress=lambda graph: click.echo(f"… {graph}", err=True))
    store.flush()
    total = sum(counts.values())
    width = len(str(total))
    for graph_iri, n in counts.items():
        click.echo(f"{n:>{width}}  {graph_iri}")
    click.echo(f"{total:>{width}}  Tripel gesamt / triples total ({path})")


def _table(rows: list[tuple[str, ...]], right: set[int]) -> list[str]:
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


@koopgraph.command()
@store_option
def stats(store_path: Path | None) -> None:
    """Instanzen je Klasse und Tripel je Graph / instances per class and triples per graph."""
    remote = _remote()
    path = remote.endpoints.query_url if remote is not None else _resolve(store_path)
    if remote is not None:
        store = remote
    else:  # looking must not create a store as a side effect
        store = engine.open_store(path) if path.exists() else None
    if store is None or engine.is_empty(store):
        click.echo(
            f"Der Speicher {path} ist leer – bitte zuerst `koopgraph build` ausführen. / "
            f"The store {path} is empty – run `koopgraph build` first."
        )
        return
    click.echo("Instanzen je Klasse / Instances per class")
    classes = [("Klasse / class", "Anzahl / count", "IRI")]
    classes += [(label or "–", str(n), iri) for iri, label, n in engine.class_counts(store)]
    for line in _table(classes, right={1}):
        click.echo(f"  {line}")
    click.echo("")
    click.echo("Tripel je Graph / Triples per graph")
    graphs = [("Anzahl / count", "Graph")]
    graphs += [(str(n), iri) for iri, n in engine.graph_counts(store)]
    for line in _table(graphs, right={0}):
        click.echo(f"  {line}")


@koopgraph.command()
@click.option("--host", default=None, help="Adresse / interface (default 127.0.0.1)")
@click.option("--port", type=int, default=None, help="Port (default 8000; 0 = any free port)")
@store_option
@click.option(
    "--strict-dataset",
    is_flag=True,
    default=None,
    help="Standardgraph = Default-Graph des Speichers statt Vereinigung / "
    "plain SPARQL dataset: default graph is the store's default graph, not the union",
)
@click.option("--threads", type=int, default=None, help="Worker-Threads / worker threads (default 4)")
@click.option("--no-cache", "no_cache", is_flag=True, default=False,
              help="Antworten nicht zwischenspeichern (z. B. zum Messen) / do not cache answers (e.g. to measure)")
@click.option("--tokens", "tokens_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Token-Datei (von koopgraph token) / tokens file (from koopgraph token); ohne Tokens nur lesend / "
                   "read-only without tokens")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="TOML-Konfigurationsdatei / config file (default: $KOOPGRAPH_CONFIG)",
)
def serve(
    host: str | None,
    port: int | None,
    store_path: Path | None,
    strict_dataset: bool | None,
    threads: int | None,
    no_cache: bool,
    tokens_file: Path | None,
    config_file: Path | None,
) -> None:
    """SPARQL-Endpunkt starten / run the SPARQL endpoint (waitress)."""
    options = {"HOST": host, "PORT": port, "STORE": store_path, "STRICT_DATASET": strict_dataset, "THREADS": threads,
               "TOKENS_FILE": tokens_file, "CACHE": False if no_cache else None}
    options |= _backend_overrides()
    config = settings.load({k: v for k, v in options.items() if v is not None}, config_file=config_file)
    server = serving.make_server(create_app(config), config)
    serving.stop_on_signals()
    base = serving.url(server)
    click.echo(f"Koopgraph läuft auf / listening on {base}  (SPARQL: {base}sparql)")
    serving.run(server)


FORMAT_NAMES = {"json": "application/sparql-results+json", "csv": "text/csv", "tsv": "text/tab-separated-values",
                "xml": "application/sparql-results+xml"}


def _print_result(result, fmt: str) -> None:
    """A result on stdout: an aligned table for people, or a standard format
    written by the engine (SPARQL JSON/CSV/TSV/XML, Turtle for graphs)."""
    kind = engine.result_kind(result)
    if fmt == "table" and kind == formats.SOLUTIONS:
        names = [v.value for v in result.variables]
        rows = [tuple(names)] + [tuple("" if t is None else t.value for t in row) for row in result]
        for line in _table(rows, right=set()) if names else []:
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


@koopgraph.command()
@click.argument("sparql", required=False)
@click.option("--file", "query_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Abfrage aus Datei / read the query from a file")
@format_option
@store_option
def query(sparql: str | None, query_file: Path | None, fmt: str, store_path: Path | None) -> None:
    """SPARQL-Abfrage ausführen / run a SPARQL query (default graph = union of all graphs)."""
    if (sparql is None) == (query_file is None):
        raise click.UsageError("Bitte genau eins angeben: SPARQL-Text oder --file / give either the query text or --file")
    text = query_file.read_text(encoding="utf-8") if query_file else sparql
    _print_result(engine.query(_read_only(store_path), text, base_iri=BASE), fmt)


@koopgraph.command(name="queries")
def list_queries() -> None:
    """Benannte Fragen auflisten / list the named questions."""
    named = questions.load_queries().values()
    width = max((len(q.name) for q in named), default=0)
    for q in named:
        params = " ".join(f"{p.name}={p.example}" for p in q.params)
        click.echo(f"{q.name:{width}}  {q.title['de']}" + (f"  [{params}]" if params else ""))


@koopgraph.command()
@click.argument("name")
@click.option("--param", "params", multiple=True, metavar="NAME=WERT",
              help="Parameter der Frage, mehrfach möglich / question parameter, repeatable")
@format_option
@store_option
def run(name: str, params: tuple[str, ...], fmt: str, store_path: Path | None) -> None:
    """Benannte Frage beantworten / answer a named question."""
    catalogue = questions.load_queries()
    if name not in catalogue:
        raise click.UsageError(f"Unbekannte Frage / unknown question '{name}'. Vorhanden / available: {', '.join(catalogue)}")
    raw = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--param erwartet NAME=WERT / expects NAME=VALUE, not '{item}'")
        raw[key] = value
    _print_result(questions.run(_read_only(store_path), catalogue[name], raw), fmt)


@koopgraph.command()
@click.option("--format", "fmt", default="ttl", show_default=True, type=click.Choice(list(EXPORT_FORMATS)),
              help="ttl/nt/jsonld: alle Graphen vereinigt / union of all graphs; trig/nq: mit Graphnamen / with graph names")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Zieldatei (sonst Standardausgabe) / target file (default: stdout)")
@click.option("--all", "all_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="alle Abzüge des Katalogs (koopgraph.ttl, .jsonld, .nt, .trig) in diesen Ordner / every dump the catalogue lists")
@store_option
def export(fmt: str, output: Path | None, all_dir: Path | None, store_path: Path | None) -> None:
    """Den ganzen Graphen ausgeben / dump the whole graph."""
    store = _read_only(store_path)
    if all_dir is not None:
        all_dir.mkdir(parents=True, exist_ok=True)
        for ext in ("ttl", "jsonld", "nt", "trig"):
            target = all_dir / f"koopgraph.{ext}"
            target.write_bytes(engine.export(store, EXPORT_FORMATS[ext]))
            click.echo(f"{target.stat().st_size} Bytes → {target}", err=True)
        return
    data = engine.export(store, EXPORT_FORMATS[fmt])
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        click.echo(f"{len(data)} Bytes → {output}", err=True)


# ---------------------------------------------------------------- records

def _context_store(store_path: Path | None):
    """The graph new records are checked against: the user's store if it
    exists (read-only, works next to a running server), else the packaged
    data built in memory."""
    remote = _remote()
    if remote is not None:
        return remote
    path = _resolve(store_path)
    if path.is_dir():
        return engine.open_read_only(path)
    store = engine.open_store(None)
    build_from_files(store)
    return store


def _labeller(store, triples: tuple = ()) -> Callable[[str, str], str]:
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


@koopgraph.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", default="text", show_default=True, type=click.Choice(["text", "json", "turtle"]))
@click.option("--input-format", default=None, help="turtle, nt, jsonld, rdfxml, trig, nquads (sonst nach Endung / else by extension)")
@click.option("--lang", default="de", show_default=True, type=click.Choice(["de", "en"]))
@store_option
def validate(files: tuple[Path, ...], fmt: str, input_format: str | None, lang: str, store_path: Path | None) -> None:
    """RDF-Dateien gegen die Prüfregeln prüfen / check RDF files against the shapes.

    Exit 0: in Ordnung / conforms; 1: Verstöße / violations; 2: unlesbar / unreadable."""
    store = _context_store(store_path)
    shapes = validation.load_shapes()
    worst = 0
    for path in files:
        try:
            data = path.read_bytes()
            parsed = rdf_input.parse(data, rdf_input.format_for_file(path, input_format), str(path))
        except OSError as error:
            raise KoopgraphError(f"{path}: nicht lesbar ({error.strerror})", f"{path}: cannot be read ({error.strerror})") from error
        change = validation.Change(inserts=parsed.triples, deletes=tuple(
            q.triple for iri in records.records_of(parsed.triples)
            for q in store.quads_for_pattern(ox.NamedNode(iri), None, None, None)))
        report = validation.check_change(store, change, shapes)
        worst = max(worst, 0 if report.conforms else 1)
        if fmt == "json":
            click.echo(json.dumps({"file": str(path), "conforms": report.conforms, "results": [
                {"focusNode": r.focus_node, "path": r.path, "value": r.value, "severity": r.severity,
                 "message": r.message(lang), "sourceShape": r.source_shape} for r in report.results]}, ensure_ascii=False))
        elif fmt == "turtle":
            click.echo(report.shacl_graph().serialize(format="turtle"))
        else:
            click.echo(report_text.as_text(report, file=str(path), text=data.decode("utf-8", "replace"),
                                       label=_labeller(store, parsed.triples), lang=lang), nl=False)
    sys.exit(worst)


TEMPLATES = {"kooperation": "kooperation", "cooperation": "kooperation",
             "massnahme": "massnahme", "measure": "massnahme",
             "organisation": "organisation"}


@koopgraph.command()
@click.argument("kind", type=click.Choice(list(TEMPLATES)), metavar="ART/KIND")
def new(kind: str) -> None:
    """Vorlage für einen neuen Eintrag ausgeben: kooperation, massnahme,
    organisation / print a template for a new record: cooperation, measure,
    organisation."""
    name = TEMPLATES[kind]
    click.echo((Path(__file__).parent / "record_templates" / f"{name}.ttl").read_text(encoding="utf-8"), nl=False)


agent_option = click.option("--als", "agent", default=None,
                            help="Name für das Protokoll / name recorded as author (default: $USER)")


def _agent(agent: str | None) -> str:
    return agent or os.environ.get("USER") or "kommandozeile"


def _writable(store_path: Path | None):
    """The store for a writing command, brought up to the installed release
    first (only graphs whose files changed are rebuilt), so new records are
    checked against the current ontology and shapes."""
    remote = _remote()
    if remote is not None:
        build_from_files(remote, only_changed=not engine.is_empty(remote))
        return remote
    path = _resolve(store_path)
    try:
        store = engine.open_store(path)
    except engine.StoreBusyError as error:
        raise KoopgraphError(
            error.de + " Schreiben geht dann über den Server: POST /records mit einem Token.",
            error.en + " Write through the server instead: POST /records with a token.") from error
    build_from_files(store, only_changed=not engine.is_empty(store))
    return store


def _record_error(error: RecordError) -> None:
    click.echo(f"koopgraph: {error}", err=True)
    if error.report is not None:
        click.echo(report_text.as_text(error.report, file="Eingabe", text="", label=lambda i, lang: i, lang="de"), err=True)
    sys.exit(1 if error.status == 422 else 2)


@koopgraph.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--input-format", default=None, help="turtle, nt, jsonld, rdfxml, trig, nquads")
@agent_option
@store_option
def load(file: Path, input_format: str | None, agent: str | None, store_path: Path | None) -> None:
    """Neue Einträge prüfen und speichern / check and store new records (one transaction)."""
    data = file.read_bytes()
    parsed = rdf_input.parse(data, rdf_input.format_for_file(file, input_format), str(file))
    store = _writable(store_path)
    try:
        submission = records.insert(store, parsed.triples, _agent(agent), body=data,
                                    media_type=f"file:{file.name}")
    except RecordError as error:
        _record_error(error)
    store.flush()
    click.echo(f"Einreichung / submission {submission.id}: {len(submission.records)} Einträge / records")
    for iri in submission.records:
        click.echo(f"  {iri}")


@koopgraph.command()
@store_option
def submissions(store_path: Path | None) -> None:
    """Alle Einreichungen auflisten / list every submission."""
    rows = [("ID", "Zeit / time", "Vorgang / op", "wer / who", "Einträge / records")]
    rows += [(s.id + (" (zurückgenommen)" if s.reverted else ""), s.time, s.operation, s.agent, " ".join(s.records))
             for s in list_submissions(_read_only(store_path))]
    for line in _table(rows, right=set()):
        click.echo(line.rstrip())


@koopgraph.command()
@click.argument("submission_id")
@agent_option
@store_option
def revert(submission_id: str, agent: str | None, store_path: Path | None) -> None:
    """Eine Einreichung zurücknehmen / revert a submission."""
    store = _writable(store_path)
    try:
        undo = revert_submission(store, submission_id, _agent(agent))
    except RecordError as error:
        _record_error(error)
    store.flush()
    click.echo(f"Zurückgenommen / reverted {submission_id} → {undo.id}")


@koopgraph.command()
@click.argument("name")
@click.option("--rechte", default="schreiben", show_default=True, help="schreiben, verwalten oder schreiben+verwalten")
@click.option("--tokens-file", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="TOML-Datei, an die der Eintrag angehängt wird / file the entry is appended to")
def token(name: str, rechte: str, tokens_file: Path) -> None:
    """Neues Schreib-Token anlegen / create a write token (the secret is shown once)."""
    secret, entry = access.new_entry(name, rechte.split("+"))
    tokens_file.parent.mkdir(parents=True, exist_ok=True)
    with tokens_file.open("a", encoding="utf-8") as f:
        f.write(("\n" if tokens_file.stat().st_size else "") + entry)
    click.echo(secret)
    click.echo(f"Token „{name}“ in {tokens_file} eingetragen (nur die Prüfsumme); das Geheimnis steht oben und wird nicht "
               f"wieder angezeigt. / token added (hash only); the secret above is shown only once.", err=True)


# ---------------------------------------------------------------- backup and restore

@koopgraph.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--url", default=None, help="laufender Server / running server (default: $KOOPGRAPH_URL or http://HOST:PORT/)")
@click.option("--config", "config_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="TOML-Konfigurationsdatei / config file (default: $KOOPGRAPH_CONFIG)")
@store_option
def backup(directory: Path, url: str | None, config_file: Path | None, store_path: Path | None) -> None:
    """Speicher sichern, auch während der Server läuft / back the store up, also while the server runs.

    Hält ein Server den Speicher, macht er die Sicherung (POST /admin/backup mit dem Token aus
    $KOOPGRAPH_TOKEN, Recht verwalten) und sie wird nach DIRECTORY verschoben. / While a server
    holds the store, the server makes the backup (token from $KOOPGRAPH_TOKEN, right verwalten)
    and it is moved to DIRECTORY."""
    config = settings.load({"STORE": store_path} if store_path else {}, config_file=config_file)
    path = Path(config["STORE"])
    if directory.exists():
        raise KoopgraphError(f"{directory} gibt es schon; die Sicherung braucht ein neues Verzeichnis.",
                             f"{directory} exists already; the backup needs a new directory.")
    if not path.is_dir():
        raise KoopgraphError(f"Den Speicher {path} gibt es nicht.", f"The store {path} does not exist.")
    try:
        store = engine.open_store(path)
    except engine.StoreBusyError:
        made = _backup_through_server(url or os.environ.get("KOOPGRAPH_URL") or f"http://{config['HOST']}:{config['PORT']}/")
        directory.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(made, directory)
        how = "vom laufenden Server / by the running server"
    else:
        directory.parent.mkdir(parents=True, exist_ok=True)
        store.backup(directory)
        how = "direkt / directly"
    click.echo(f"Gesichert / backed up ({how}): {path} → {directory}")


def _backup_through_server(base: str) -> Path:
    token = os.environ.get("KOOPGRAPH_TOKEN")
    if not token:
        raise KoopgraphError("Der Speicher ist in Benutzung; für eine Sicherung über den Server bitte KOOPGRAPH_TOKEN "
                             "(Recht verwalten) setzen.",
                             "The store is in use; to back up through the server, set KOOPGRAPH_TOKEN (right verwalten).")
    name = f"cli-{os.getpid()}-{secrets.token_hex(4)}"
    url = base.rstrip("/") + "/admin/backup?" + urllib.parse.urlencode({"name": name})
    request = urllib.request.Request(url, method="POST", headers={"Authorization": f"Bearer {token}",
                                                                   "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            made = Path(json.load(response)["backup"])
    except urllib.error.HTTPError as error:
        try:
            message = json.load(error)["error"]
            detail = f"{message['message']} / {message['message_en']}"
        except (ValueError, KeyError, TypeError):
            detail = f"HTTP {error.code}"
        raise KoopgraphError(f"Der Server hat die Sicherung abgelehnt: {detail}",
                             f"The server refused the backup: {detail}") from error
    except (urllib.error.URLError, OSError) as error:
        raise KoopgraphError(f"Der Speicher ist in Benutzung, aber {base} antwortet nicht: {error}",
                             f"The store is in use, but {base} does not answer: {error}") from error
    if not made.is_dir():
        raise KoopgraphError(f"Der Server hat die Sicherung nach {made} geschrieben; dieses Verzeichnis ist hier nicht "
                             "sichtbar (anderer Rechner?).",
                             f"The server wrote the backup to {made}, which is not visible here (another machine?).")
    return made


@koopgraph.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False, exists=True))
@store_option
def restore(directory: Path, store_path: Path | None) -> None:
    """Speicher aus einer Sicherung wiederherstellen / restore the store from a backup.

    Der bisherige Speicher wird beiseitegelegt, nicht gelöscht. Hält ein Server den Speicher,
    bitte ihn erst beenden (oder mit --store in ein neues Verzeichnis wiederherstellen). / The
    current store is moved aside, never deleted. Stop a server holding it first (or restore into
    a new directory with --store)."""
    path = _resolve(store_path)
    try:
        count, aside = engine.restore(directory, path)
    except engine.StoreBusyError as error:
        raise KoopgraphError(error.de + " Bitte den Server beenden oder mit --store in ein neues Verzeichnis "
                             "wiederherstellen.",
                             error.en + " Stop the server, or restore into a new directory with --store.") from error
    if aside is not None:
        click.echo(f"Bisheriger Speicher / previous store → {aside}", err=True)
    click.echo(f"Wiederhergestellt / restored: {directory} → {path} ({count} Quads)")


# ---------------------------------------------------------------- imports

@koopgraph.group(name="import")
def import_group() -> None:
    """Offene Daten importieren / import open data (CSV via data/mappings)."""


def _import(mapping_name: str, csv_file: Path, settings_: tuple[str, ...], agent: str | None, store_path: Path | None) -> None:
    mapping = mappings.load_mapping(mappings.mapping_path(mapping_name))
    constants = dict(item.split("=", 1) for item in settings_ if "=" in item)
    total = mappings.count_rows(csv_file)
    store = _writable(store_path)
    with click.progressbar(length=total, label=f"{csv_file.name}", file=sys.stderr) as bar:
        done = [0]

        def progress(rows: int) -> None:
            bar.update(rows - done[0])
            done[0] = rows

        try:
            outcome = csv_import.run(store, mapping, csv_file, _agent(agent), constants=constants, progress=progress)
        except RecordError as error:
            _record_error(error)
    store.flush()
    skipped = f", {len(outcome.skipped)} übersprungen / skipped (Zeilen / lines {', '.join(map(str, outcome.skipped[:10]))})" if outcome.skipped else ""
    if outcome.submission is None:
        click.echo(f"Unverändert / unchanged: {outcome.rows} Zeilen / rows{skipped} → {outcome.graph}")
    else:
        click.echo(f"Importiert / imported: {outcome.rows} Zeilen / rows{skipped}; +{outcome.added} −{outcome.removed} "
                   f"Tripel / triples → {outcome.graph} (Einreichung / submission {outcome.submission.id})")


settings_option = click.option("--set", "settings_", multiple=True, metavar="NAME=WERT",
                               help="Konstante des Mappings setzen, z. B. stichtag_bevoelkerung=2021-12-31 / set a mapping constant")


@import_group.command(name="gemeindeverzeichnis")
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@settings_option
@agent_option
@store_option
def import_gemeindeverzeichnis(csv_file: Path, settings_: tuple[str, ...], agent: str | None, store_path: Path | None) -> None:
    """Gemeindeverzeichnis (Destatis-Auszug) importieren / import a Destatis municipality directory."""
    _import("gemeindeverzeichnis", csv_file, settings_, agent, store_path)


@import_group.command(name="csv")
@click.argument("csv_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--mapping", required=True, help="Name in data/mappings/ oder Pfad zu einer .rq-Datei / mapping name or file")
@settings_option
@agent_option
@store_option
def import_csv(csv_file: Path, mapping: str, settings_: tuple[str, ...], agent: str | None, store_path: Path | None) -> None:
    """Beliebige CSV mit einem Mapping importieren / import any CSV with a mapping."""
    _import(mapping, csv_file, settings_, agent, store_path)


@import_group.command(name="rdf")
@click.argument("rdf_file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--name", default=None, help="Graph …/graph/import/NAME (Standard: Dateiname) / graph name (default: file name)")
@click.option("--input-format", default=None, help="turtle, nt, jsonld, rdfxml, trig, nquads (sonst nach Endung / else by extension)")
@click.option("--ohne-pruefung", "trusted", is_flag=True, default=False,
              help="vertrauenswürdige Daten ohne SHACL-Prüfung laden (schnell, wenig Speicher) / "
                   "load trusted data without the SHACL check (fast, little memory)")
@agent_option
@store_option
def import_rdf(rdf_file: Path, name: str | None, input_format: str | None, trusted: bool, agent: str | None,
               store_path: Path | None) -> None:
    """Große RDF-Datei in einen eigenen Graphen laden / bulk-load an RDF file into its own graph.

    Wiederholbar: dieselbe Datei ändert nichts, eine geänderte ersetzt den Graphen. /
    Idempotent: the same file changes nothing, a changed one replaces the graph."""
    fmt = rdf_input.format_for_file(rdf_file, input_format)
    graph_name = name or re.sub(r"[^a-z0-9-]+", "-", rdf_file.name.split(".")[0].lower()).strip("-") or "rdf"
    store = _writable(store_path)
    with click.progressbar(length=2 * rdf_file.stat().st_size, label=rdf_file.name, file=sys.stderr) as bar:
        done = [0]

        def progress(count: int) -> None:
            bar.update(count - done[0])
            done[0] = count

        try:
            outcome = rdf_import.run(store, rdf_file, fmt, graph_name, _agent(agent), check=not trusted, progress=progress)
        except RecordError as error:
            _record_error(error)
    store.flush()
    if outcome.submission is None:
        click.echo(f"Unverändert / unchanged (dieselbe Datei / the same file) → {outcome.graph}")
    else:
        how = "geprüft / checked" if outcome.checked else "ohne Prüfung / unchecked"
        click.echo(f"Importiert / imported ({how}): +{outcome.added} −{outcome.removed} Tripel / triples → "
                   f"{outcome.graph} (Einreichung / submission {outcome.submission.id})")


def main() -> None:
    """Console entry point (`koopgraph = koopgraph.cli:main`)."""
    koopgraph(prog_name="koopgraph")
