"""Commands for the store itself: build it from the files, look inside, export,
back up and restore."""

import json
import os
import secrets
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import click

from koopgraph import config as settings
from koopgraph import engine
from koopgraph.cli.common import (
    koopgraph,
    read_only_store,
    remote_engine,
    resolve_store_path,
    store_option,
    table,
)
from koopgraph.engine.formats import EXPORT_FORMATS
from koopgraph.domain import search
from koopgraph.errors import KoopgraphError
from koopgraph.writes.build import build as build_from_files


@koopgraph.command()
@store_option
def build(store_path: Path | None) -> None:
    """Speicher aus den RDF-Dateien neu aufbauen / rebuild the store from the RDF files.

    Mit --backend sparql in den Triplestore, in Häppchen und wiederholbar /
    with --backend sparql into the engine, in chunks, idempotent."""
    remote = remote_engine()
    path = remote.endpoints.update_url if remote is not None else resolve_store_path(store_path)
    store = remote if remote is not None else engine.open_store(path)
    counts = build_from_files(store,
                           progress=lambda graph: click.echo(f"… {graph}", err=True))
    store.flush()
    total = sum(counts.values())
    width = len(str(total))
    for graph_iri, n in counts.items():
        click.echo(f"{n:>{width}}  {graph_iri}")
    click.echo(f"{total:>{width}}  Tripel gesamt / triples total ({path})")
    if remote is None:  # the search index beside the store, built again from what was just built
        documents = search.SearchIndex(Path(path) / search.FILE_NAME).rebuild(store, search.signature(store))
        click.echo(f"{documents} Einträge im Suchindex / entries in the search index", err=True)


@koopgraph.command()
@store_option
def stats(store_path: Path | None) -> None:
    """Instanzen je Klasse und Tripel je Graph / instances per class and triples per graph."""
    remote = remote_engine()
    path = remote.endpoints.query_url if remote is not None else resolve_store_path(store_path)
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
    for line in table(classes, right={1}):
        click.echo(f"  {line}")
    click.echo("")
    click.echo("Tripel je Graph / Triples per graph")
    graphs = [("Anzahl / count", "Graph")]
    graphs += [(str(n), iri) for iri, n in engine.graph_counts(store)]
    for line in table(graphs, right={0}):
        click.echo(f"  {line}")


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
    store = read_only_store(store_path)
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
    path = resolve_store_path(store_path)
    try:
        count, aside = engine.restore(directory, path)
    except engine.StoreBusyError as error:
        raise KoopgraphError(error.de + " Bitte den Server beenden oder mit --store in ein neues Verzeichnis "
                             "wiederherstellen.",
                             error.en + " Stop the server, or restore into a new directory with --store.") from error
    if aside is not None:
        click.echo(f"Bisheriger Speicher / previous store → {aside}", err=True)
    click.echo(f"Wiederhergestellt / restored: {directory} → {path} ({count} Quads)")
