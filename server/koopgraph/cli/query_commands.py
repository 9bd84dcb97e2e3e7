"""Commands that read: a SPARQL query, the named questions, one question's
answer."""

from pathlib import Path

import click

from koopgraph import engine
from koopgraph.cli.common import (
    format_option,
    koopgraph,
    print_result,
    read_only_store,
    store_option,
)
from koopgraph.domain import questions
from koopgraph.namespaces import BASE


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
    print_result(engine.query(read_only_store(store_path), text, base_iri=BASE), fmt)


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
    print_result(questions.run(read_only_store(store_path), catalogue[name], raw), fmt)
