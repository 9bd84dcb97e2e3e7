"""`koopgraph import`: CSV through a mapping, or RDF in bulk, each into its own
graph."""

import re
import sys
from pathlib import Path

import click

from koopgraph.cli.common import (
    agent_name,
    agent_option,
    koopgraph,
    record_error,
    store_option,
    writable_store,
)
from koopgraph.domain import mappings
from koopgraph.engine import rdf_input
from koopgraph.writes.gate import RecordError
from koopgraph.writes.imports import csv as csv_import
from koopgraph.writes.imports import rdf as rdf_import


@koopgraph.group(name="import")
def import_group() -> None:
    """Offene Daten importieren / import open data (CSV via data/mappings)."""


def _import(mapping_name: str, csv_file: Path, settings_: tuple[str, ...], agent: str | None, store_path: Path | None) -> None:
    mapping = mappings.load_mapping(mappings.mapping_path(mapping_name))
    constants = dict(item.split("=", 1) for item in settings_ if "=" in item)
    total = mappings.count_rows(csv_file)
    store = writable_store(store_path)
    with click.progressbar(length=total, label=f"{csv_file.name}", file=sys.stderr) as bar:
        done = [0]

        def progress(rows: int) -> None:
            bar.update(rows - done[0])
            done[0] = rows

        try:
            outcome = csv_import.run(store, mapping, csv_file, agent_name(agent), constants=constants, progress=progress)
        except RecordError as error:
            record_error(error)
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
    store = writable_store(store_path)
    with click.progressbar(length=2 * rdf_file.stat().st_size, label=rdf_file.name, file=sys.stderr) as bar:
        done = [0]

        def progress(count: int) -> None:
            bar.update(count - done[0])
            done[0] = count

        try:
            outcome = rdf_import.run(store, rdf_file, fmt, graph_name, agent_name(agent), check=not trusted, progress=progress)
        except RecordError as error:
            record_error(error)
    store.flush()
    if outcome.submission is None:
        click.echo(f"Unverändert / unchanged (dieselbe Datei / the same file) → {outcome.graph}")
    else:
        how = "geprüft / checked" if outcome.checked else "ohne Prüfung / unchecked"
        click.echo(f"Importiert / imported ({how}): +{outcome.added} −{outcome.removed} Tripel / triples → "
                   f"{outcome.graph} (Einreichung / submission {outcome.submission.id})")
