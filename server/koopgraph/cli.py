"""Command line: build the store from the packaged files and look inside it.

Mistakes a user can fix (busy store, broken Turtle, missing content) end in
one bilingual line and exit status 2, because a traceback hides the one
sentence that matters.
"""

from pathlib import Path

import click

from . import __version__, config as settings, create_app, serving, store as kgstore
from .config import default_store_path
from .errors import KoopgraphError

EXIT_USER_ERROR = 2

store_option = click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Speicherverzeichnis / store directory "
    "(default: $KOOPGRAPH_STORE or $XDG_DATA_HOME/koopgraph/store)",
)


def _resolve(store_path: Path | None) -> Path:
    return store_path if store_path is not None else default_store_path()


class _Group(click.Group):
    """Turns user errors into one line on stderr and exit 2 for every
    subcommand, also when invoked through click's test runner."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KoopgraphError as error:
            click.echo(f"koopgraph: {error}", err=True)
            ctx.exit(EXIT_USER_ERROR)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="koopgraph")
def koopgraph() -> None:
    """Koopgraph: Wissensgraph Jobcenter und Migrationsdienste / knowledge graph."""


@koopgraph.command()
@store_option
def build(store_path: Path | None) -> None:
    """Speicher aus den RDF-Dateien neu aufbauen / rebuild the store from the RDF files."""
    path = _resolve(store_path)
    store = kgstore.open_store(path)
    counts = kgstore.build(store, store_path=path)
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
    path = _resolve(store_path)
    # Looking must not create a store as a side effect.
    store = kgstore.open_store(path) if path.exists() else None
    if store is None or kgstore.is_empty(store):
        click.echo(
            f"Der Speicher {path} ist leer – bitte zuerst `koopgraph build` ausführen. / "
            f"The store {path} is empty – run `koopgraph build` first."
        )
        return
    click.echo("Instanzen je Klasse / Instances per class")
    classes = [("Klasse / class", "Anzahl / count", "IRI")]
    classes += [(label or "–", str(n), iri) for iri, label, n in kgstore.class_counts(store)]
    for line in _table(classes, right={1}):
        click.echo(f"  {line}")
    click.echo("")
    click.echo("Tripel je Graph / Triples per graph")
    graphs = [("Anzahl / count", "Graph")]
    graphs += [(str(n), iri) for iri, n in kgstore.graph_counts(store)]
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
    config_file: Path | None,
) -> None:
    """SPARQL-Endpunkt starten / run the SPARQL endpoint (waitress)."""
    options = {"HOST": host, "PORT": port, "STORE": store_path, "STRICT_DATASET": strict_dataset, "THREADS": threads}
    config = settings.load({k: v for k, v in options.items() if v is not None}, config_file=config_file)
    server = serving.make_server(create_app(config), config)
    base = serving.url(server)
    click.echo(f"Koopgraph läuft auf / listening on {base}  (SPARQL: {base}sparql)")
    serving.run(server)


def main() -> None:
    """Console entry point (`koopgraph = koopgraph.cli:main`)."""
    koopgraph(prog_name="koopgraph")
