"""`koopgraph serve`: the web app on a production WSGI server."""

from pathlib import Path

import click

from koopgraph import config as settings
from koopgraph.cli.common import backend_overrides, koopgraph, store_option
from koopgraph.web import serving
from koopgraph.web.app import check, create_app


@koopgraph.command()
@click.option("--host", default=None, help="Adresse / interface (default 127.0.0.1)")
@click.option("--port", type=int, default=None, help="Port (default 8000; 0 = any free port)")
@store_option
@click.option(
    "--strict-dataset",
    is_flag=True,
    default=None,
    help="Standardgraph = Default-Graph des Speichers statt Vereinigung; Protokoll und abgeleiteter Graph nur, "
    "wenn eine Abfrage sie nennt / plain SPARQL dataset: default graph is the store's default graph, not the "
    "union; the log and the derived graph only when a query names them",
)
@click.option("--threads", type=int, default=None, help="Anfrage-Threads / request threads (default 32)")
@click.option("--server", type=click.Choice(serving.SERVERS), default=None,
              help="HTTP-Server / HTTP server (default granian; waitress)")
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
    server: str | None,
    no_cache: bool,
    tokens_file: Path | None,
    config_file: Path | None,
) -> None:
    """SPARQL-Endpunkt starten / run the SPARQL endpoint (granian or waitress)."""
    options = {"HOST": host, "PORT": port, "STORE": store_path, "STRICT_DATASET": strict_dataset, "THREADS": threads,
               "SERVER": server, "TOKENS_FILE": tokens_file, "CACHE": False if no_cache else None}
    options |= backend_overrides()
    config = settings.load({k: v for k, v in options.items() if v is not None}, config_file=config_file)
    if config["SERVER"] == "granian":
        check(config)  # exit 2 with file and line before listening: the app is made in granian's worker
        serving.serve_granian(config, _announce)
        return
    waitress = serving.make_server(create_app(config), config)
    serving.stop_on_signals()
    _announce(serving.url(waitress))
    serving.run(waitress)


def _announce(base: str) -> None:
    click.echo(f"Koopgraph läuft auf / listening on {base}  (SPARQL: {base}sparql)")
