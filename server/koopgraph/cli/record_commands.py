"""Commands for records: check files against the shapes, templates for new
records, load, list and revert submissions, and write tokens."""

import json
import sys
from pathlib import Path

import click

from koopgraph.cli.common import (
    agent_name,
    agent_option,
    context_store,
    koopgraph,
    labeller,
    read_only_store,
    record_error,
    store_option,
    table,
    writable_store,
)
from koopgraph.domain import access, report_text, validation
from koopgraph.engine import rdf as ox
from koopgraph.engine import rdf_input
from koopgraph.errors import KoopgraphError
from koopgraph.writes import records
from koopgraph.writes.gate import RecordError
from koopgraph.writes.revert import revert as revert_submission
from koopgraph.writes.submissions import listing as list_submissions


@koopgraph.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", default="text", show_default=True, type=click.Choice(["text", "json", "turtle"]))
@click.option("--input-format", default=None, help="turtle, nt, jsonld, rdfxml, trig, nquads (sonst nach Endung / else by extension)")
@click.option("--lang", default="de", show_default=True, type=click.Choice(["de", "en"]))
@store_option
def validate(files: tuple[Path, ...], fmt: str, input_format: str | None, lang: str, store_path: Path | None) -> None:
    """RDF-Dateien gegen die Prüfregeln prüfen / check RDF files against the shapes.

    Exit 0: in Ordnung / conforms; 1: Verstöße / violations; 2: unlesbar / unreadable."""
    store = context_store(store_path)
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
                                       label=labeller(store, parsed.triples), lang=lang), nl=False)
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


@koopgraph.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--input-format", default=None, help="turtle, nt, jsonld, rdfxml, trig, nquads")
@agent_option
@store_option
def load(file: Path, input_format: str | None, agent: str | None, store_path: Path | None) -> None:
    """Neue Einträge prüfen und speichern / check and store new records (one transaction)."""
    data = file.read_bytes()
    parsed = rdf_input.parse(data, rdf_input.format_for_file(file, input_format), str(file))
    store = writable_store(store_path)
    try:
        submission = records.insert(store, parsed.triples, agent_name(agent), body=data,
                                    media_type=f"file:{file.name}")
    except RecordError as error:
        record_error(error)
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
             for s in list_submissions(read_only_store(store_path))]
    for line in table(rows, right=set()):
        click.echo(line.rstrip())


@koopgraph.command()
@click.argument("submission_id")
@agent_option
@store_option
def revert(submission_id: str, agent: str | None, store_path: Path | None) -> None:
    """Eine Einreichung zurücknehmen / revert a submission."""
    store = writable_store(store_path)
    try:
        undo = revert_submission(store, submission_id, agent_name(agent))
    except RecordError as error:
        record_error(error)
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
