"""Blueprint: entering records in the browser (/forms), sign-in
(/login, /logout).

Every form is plain server-rendered HTML that works without JavaScript:
"Prüfen" re-renders it with each SHACL message next to its field,
"Speichern" writes through the same gate as POST/PUT /records (records.py),
"Als Turtle herunterladen" gives the record to people without write access.
static/erfassen.js only adds checking while typing (the form's own address
answers JSON to a "pruefen" POST that asks for it), suggestions from the
graph while typing, and extra rows without a round trip.

Routes:
  GET  /forms                       choose a kind; recent submitted records
  GET  /forms/<art>                 empty form (?entwurf= restores a draft after sign-in)
  POST /forms/<art>                 aktion = pruefen | speichern | herunterladen | anmelden | mehr:<feld>
  GET  /forms/edit/<kind/key>       the same form filled with the record (read-only for file records)
  POST /forms/edit/<kind/key>       as above; speichern replaces the record (PUT semantics)
  GET  /forms/delete/<kind/key>     asks for confirmation; POST deletes
  GET  /forms/search?klasse=&q=     suggestions (JSON) for a picker
  GET/POST /login, /logout          sign in with a write token, sign out
"""

import re
from datetime import datetime, timezone
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, redirect, render_template, request

from koopgraph.engine import rdf as ox
from koopgraph.web.context import HTML, SAVED_COOKIE, current_store, language, shapes, t, tokens, wants_html
from koopgraph.writes.gate import RecordError
from koopgraph.writes.submissions import listing as list_submissions
from koopgraph.domain import origin
from koopgraph.domain import forms
from koopgraph.web import sessions, throttle
from koopgraph.writes import records
from koopgraph.domain import descriptions as described
from koopgraph.errors import ApiError
from koopgraph.namespaces import ID

bp = Blueprint("erfassen", __name__)
RECENT = 20
ACTIONS = ("pruefen", "speichern", "herunterladen", "anmelden")


@bp.record_once
def _setup(state) -> None:
    sessions.init_app(state.app)


@bp.after_request
def _cookies(response: Response) -> Response:
    response = sessions.remember_form_id(response)
    if response.mimetype in (HTML, "application/json"):
        # Pages with a personal CSRF token are never cached by anybody.
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def _context() -> dict:
    return {"erfassen_sitzung": sessions.current, "erfassen_csrf": sessions.csrf_token}


def _kind(key: str) -> forms.Kind:
    kind = forms.kind(shapes(), current_store(), key, language())
    if kind is None:
        raise ApiError(404, f"Für „{key}“ gibt es kein Formular.", f"There is no form for '{key}'.", "unknown-kind")
    return kind


def _state() -> forms.State:
    """The submitted form fields (without the machinery: csrf, aktion)."""
    return {k: v for k, v in request.form.to_dict(flat=False).items() if k not in ("csrf", "aktion")}


def _safe_next(target: str | None) -> str:
    """Only paths on this site: no //host, no backslash, no whitespace or
    control characters (browsers drop tabs, so "/<tab>/host" would be //host)."""
    if target and re.fullmatch(r"/[^\s\\\x00-\x1f\x7f]*", target) and not target.startswith("//"):
        return target
    return "/forms"


def _record(ref: str) -> tuple[str, forms.Kind]:
    """The existing record at ID + ref and the kind of its form."""
    iri = ID + ref
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise ApiError(404, f"Den Eintrag {iri} gibt es nicht.", f"There is no record {iri}.", "not-found") from None
    store = current_store()
    if not forms.record_triples(store, iri):
        raise ApiError(404, f"Den Eintrag {iri} gibt es nicht.", f"There is no record {iri}.", "not-found")
    key = forms.kind_of(store, shapes(), iri)
    if key is None:
        raise ApiError(404, f"Für den Eintrag {iri} gibt es kein Formular.", f"There is no form for the record {iri}.",
                       "no-form")
    return iri, _kind(key)


# ---------------------------------------------------------------- rendering a form


def _merge(problems: dict[str, list[tuple[str, str]]], placed: dict[str, list[str]]) -> dict[str, list[str]]:
    lang = language()
    out = {key: [de if lang == "de" else en for de, en in texts] for key, texts in problems.items()}
    for key, texts in placed.items():
        out.setdefault(key, []).extend(t for t in texts if t not in out[key])
    return out


def _datalists(kind: forms.Kind) -> list[tuple[str, list[forms.Candidate]]]:
    """One <datalist> per set of picker classes, with what the graph holds
    (up to PICKER_LIMIT; the search endpoint finds the rest)."""
    seen: dict[str, list[forms.Candidate]] = {}
    for f in kind.fields:
        if f.widget == "picker" and f.list_id not in seen:
            seen[f.list_id] = forms.candidates(current_store(), f.classes, language())
    return list(seen.items())


def _render(kind: forms.Kind, state: forms.State, *, iri: str | None = None, errors=None, general=(),
            notice: tuple[str, str] | None = None, status: int = 200, turtle: str | None = None,
            extras: list[ox.Triple] = (), readonly: bool = False, more: str | None = None) -> Response:
    """The form page. iri: editing that record; more: one more row for that field."""
    editing = iri is not None
    action = "/forms/edit/" + forms.ref(iri) if editing else "/forms/" + kind.key
    names = described.labels(current_store(), [t.predicate.value for t in extras] +
                             [t.object.value for t in extras if isinstance(t.object, ox.NamedNode)], language())
    kept = [(described.predicate_shown(t.predicate.value, names, language()), described.term_shown(t.object, names))
            for t in extras]
    page = render_template(
        "erfassen/formular.html", kind=kind, state=state, iri=iri, action=action, errors=errors or {},
        general=list(general), notice=notice, turtle=turtle, kept=kept, readonly=readonly,
        rows=lambda f: _rows(f, state, more), datalists=_datalists(kind), slug_key=forms.SLUG,
        lang_suffix=forms.LANG_SUFFIX, ref=forms.ref(iri) if iri else None)
    return Response(page, status=status, mimetype=HTML)


def _rows(f: forms.Field, state: forms.State, more: str | None) -> list[tuple[str, str]]:
    """(value, language) per input row: the values given, at least one, one
    more when asked; single-valued fields have exactly one."""
    rows = forms.values_of(f, state) or [("", f.languages[0])]
    if not f.repeatable:
        return rows[:1]
    if more == f.key:
        rows.append(("", f.languages[0]))
    return rows


def _summary(errors: dict[str, list[str]], general: list[str]) -> tuple[str, str]:
    count = sum(len(v) for v in errors.values()) + len(general)
    if not count:
        return "ok", t("Alles in Ordnung: der Eintrag erfüllt die Prüfregeln.",
                        "All good: the record meets the rules.")
    return "fehler", t(f"Noch {count} Hinweis{'e' if count != 1 else ''} – siehe die markierten Felder.",
                        f"{count} thing{'s' if count != 1 else ''} to fix – see the marked fields.")


def _checked(kind: forms.Kind, state: forms.State, iri: str | None):
    """Form -> RDF -> SHACL in the context of the graph; nothing is stored.
    Returns (built, errors by field, general messages)."""
    store, lang = current_store(), language()
    built = forms.to_rdf(kind, state, store, lang, iri=iri, keep=_kept(kind, iri))
    report = forms.check(store, built, shapes(), replacing=iri)
    placed, general = forms.placed(kind, report, lang, with_slug=iri is None)
    errors = _merge(built.problems, placed)
    if iri is None and built.iri and forms.record_triples(store, built.iri):
        errors.setdefault(forms.SLUG, []).append(t(
            f"Diesen Eintrag gibt es schon ({built.iri}) – bitte ein anderes Kürzel wählen oder ihn bearbeiten.",
            f"This record exists already ({built.iri}) – choose another short name or edit it."))
    return built, errors, general


def _kept(kind: forms.Kind, iri: str | None) -> list[ox.Triple]:
    """Statements of the record the form has no field for: kept when saving."""
    return forms.prefill(kind, current_store(), iri, language())[1] if iri else []


def _download(kind: forms.Kind, built: forms.Built, errors: dict[str, list[str]], general: list[str]) -> Response:
    lang = language()
    today = datetime.now(timezone.utc).date().isoformat()
    slug = re.sub(r"[^a-z0-9-]", "", (built.iri or "").rsplit("/", 1)[-1].lower()) or "eintrag"
    header = [t(f"Koopgraph-Eintrag ({kind.label}), im Browser erfasst am {today}.",
                 f"Koopgraph record ({kind.label}), entered in the browser on {today}."),
              t(f"Die Datenpflege prüft ihn mit: koopgraph validate {slug}.ttl",
                 f"The data stewards check it with: koopgraph validate {slug}.ttl")]
    messages = [m for texts in errors.values() for m in texts] + general
    if messages:
        header.append(t("Noch nicht in Ordnung:", "Not yet in order:"))
        header.extend("- " + m for m in messages)
    body = forms.turtle(built.triples, header)
    return Response(body, mimetype="text/turtle", headers={
        "Content-Disposition": f'attachment; filename="{slug}.ttl"', "Content-Language": lang})


def _handle(kind: forms.Kind, iri: str | None) -> Response:
    """One POST of a form (new or editing)."""
    sessions.require_csrf()
    state = _state()
    action = request.form.get("aktion", "pruefen")
    if action.startswith("mehr:"):
        return _render(kind, state, iri=iri, extras=_kept(kind, iri), more=action[len("mehr:"):])
    if action not in ACTIONS:
        raise ApiError(400, f"Unbekannte Aktion „{action}“.", f"Unknown action '{action}'.", "unknown-action")
    if action == "anmelden":
        draft = sessions.save_draft(request.path, state)
        back = f"{request.path}?entwurf={draft}" if draft else request.path
        return redirect("/login?" + urlencode({"weiter": back}), 303)
    built, errors, general = _checked(kind, state, iri)
    if action == "pruefen" and not wants_html(["application/json"], html_on_tie=True):
        level, text = _summary(errors, general)
        return jsonify({"conforms": not errors and not general, "record": built.iri, "fields": errors,
                        "general": general, "summary": text, "level": level,
                        "turtle": forms.turtle(built.triples)})
    if action == "herunterladen":
        return _download(kind, built, errors, general)
    if action == "pruefen":
        return _render(kind, state, iri=iri, errors=errors, general=general, notice=_summary(errors, general),
                       turtle=forms.turtle(built.triples), extras=_kept(kind, iri))
    return _save(kind, state, iri, built, errors, general)


def _save(kind, state, iri, built, errors, general) -> Response:
    session = sessions.current()
    if session is None:
        return _render(kind, state, iri=iri, errors=errors, general=general, status=403, extras=_kept(kind, iri),
                       notice=("fehler", t(
                           "Zum Speichern bitte anmelden. Ohne Schreibrecht: als Turtle herunterladen und an die "
                           "Datenpflege schicken.",
                           "Please sign in to save. Without write access: download as Turtle and send it to the "
                           "data stewards.")))
    if built.problems:
        return _render(kind, state, iri=iri, errors=errors, general=general, status=422, extras=_kept(kind, iri),
                       notice=_summary(errors, general), turtle=forms.turtle(built.triples))
    try:
        if iri is None:
            submission = records.insert(current_store(), tuple(built.triples), session.name, shapes())
        else:
            submission = records.replace(current_store(), iri, tuple(built.triples), session.name, shapes())
    except RecordError as error:
        report_errors, report_general = ({}, [])
        if error.report is not None:
            report_errors, report_general = forms.placed(kind, error.report, language(), with_slug=iri is None)
        if error.status == 409:
            report_errors.setdefault(forms.SLUG, []).append(error.de if language() == "de" else error.en)
        elif error.report is None:
            report_general.append(error.de if language() == "de" else error.en)
        return _render(kind, state, iri=iri, errors=report_errors, general=report_general, status=error.status,
                       notice=_summary(report_errors, report_general), extras=_kept(kind, iri))
    saved = forms.ref(submission.records[0])
    response = redirect("/id/" + saved, 303)
    # the record's page says "gespeichert" once (web/pages.py), with the address unchanged
    response.set_cookie(SAVED_COOKIE, saved, max_age=120, path="/id/", samesite="Strict", httponly=True)
    return response


# ---------------------------------------------------------------- routes


@bp.get("/forms")
def choose() -> Response:
    """The kinds of record, and the submitted records that can be edited."""
    store, lang = current_store(), language()
    kinds = forms.kinds(shapes(), store, lang)
    classes = {k.cls: k for k in kinds}
    recent: list[str] = []
    for submission in reversed(list_submissions(store)):
        for iri in submission.records:
            if iri not in recent and iri.startswith(ID):
                recent.append(iri)
    shown = []
    if recent:
        values = " ".join(str(ox.NamedNode(i)) for i in recent[:500])
        typed = {}
        for row in store.query(f"SELECT ?s ?t WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s a ?t }} }}"):
            if row["t"].value in classes:
                typed[row["s"].value] = classes[row["t"].value]
        editable = [i for i in recent if i in typed and not origin.is_file_backed(store, i)][:RECENT]
        names = described.labels(store, editable, lang)
        shown = [(forms.ref(i), names[i].value if i in names else forms.ref(i), typed[i].label) for i in editable]
    deleted = request.args.get("geloescht")
    page = render_template("erfassen/auswahl.html", kinds=kinds, recent=shown, deleted=deleted)
    return Response(page, mimetype=HTML)


@bp.get("/forms/search")
def search() -> Response:
    """Suggestions for a picker: things of the classes whose name or address
    contains q (a SPARQL parameter, never query text)."""
    asked = request.args.get("klasse", "").split()
    allowed = {described.curie(c): c for c in forms.picker_classes(shapes(), current_store())}
    unknown = [c for c in asked if c not in allowed]
    if not asked or unknown:
        raise ApiError(400, f"Unbekannte Klasse für die Suche: {' '.join(unknown) or '–'}; möglich: "
                            f"{', '.join(sorted(allowed))}",
                       f"Unknown class to search: {' '.join(unknown) or '–'}; possible: {', '.join(sorted(allowed))}",
                       "unknown-class")
    query = request.args.get("q", "").strip()[:100]
    found = forms.candidates(current_store(), [allowed[c] for c in asked], language(), query or None,
                             limit=forms.SEARCH_LIMIT)
    return jsonify({"results": [{"value": c.shown, "label": c.label, "iri": c.iri, "kind": c.kind} for c in found]})


@bp.get("/forms/<key>")
def new_form(key: str) -> Response:
    kind = _kind(key)
    state: forms.State = {}
    notice = None
    if request.args.get("entwurf"):
        state = sessions.take_draft(request.args["entwurf"], request.path) or {}
        if state and sessions.current() is not None:
            notice = ("ok", t(f"Angemeldet als {sessions.current().name}. Ihre Angaben sind wieder da – jetzt speichern.",
                               f"Signed in as {sessions.current().name}. Your entries are back – save them now."))
    return _render(kind, state, notice=notice)


@bp.post("/forms/<key>")
def new_post(key: str) -> Response:
    return _handle(_kind(key), None)


@bp.get("/forms/edit/<path:ref>")
def edit_form(ref: str) -> Response:
    iri, kind = _record(ref)
    store = current_store()
    state, extras = forms.prefill(kind, store, iri, language())
    if origin.is_file_backed(store, iri):
        return _render(kind, state, iri=iri, extras=extras, readonly=True, notice=("hinweis", t(
            "Dieser Eintrag stammt aus den Quelldateien (Protokoll oder amtliche Daten). Er wird dort geändert, "
            "nicht hier; das Formular zeigt ihn nur.",
            "This record comes from the source files (minutes or official data). It is changed there, not here; "
            "the form only shows it.")))
    if request.args.get("entwurf"):
        state = sessions.take_draft(request.args["entwurf"], request.path) or state
    return _render(kind, state, iri=iri, extras=extras)


@bp.post("/forms/edit/<path:ref>")
def edit_post(ref: str) -> Response:
    iri, kind = _record(ref)
    if origin.is_file_backed(current_store(), iri):
        raise ApiError(403, "Dieser Eintrag stammt aus den Quelldateien und wird dort geändert, nicht hier.",
                       "This record comes from the source files and is changed there, not here.", "file-backed")
    return _handle(kind, iri)


@bp.route("/forms/delete/<path:ref>", methods=["GET", "POST"])
def delete(ref: str) -> Response:
    """Asks first (GET); deletes on the confirming POST, with a signed-in session."""
    iri, kind = _record(ref)
    store, lang = current_store(), language()
    name = described.labels(store, [iri], lang).get(iri)
    file_backed = origin.is_file_backed(store, iri)
    messages: list[str] = []
    status = 200
    if request.method == "POST":
        sessions.require_csrf()
        session = sessions.current()
        if file_backed or session is None:
            status = 403
            messages.append(t("Zum Löschen bitte anmelden.", "Please sign in to delete.") if not file_backed else
                            t("Dieser Eintrag stammt aus den Quelldateien.", "This record comes from the source files."))
        else:
            try:
                records.delete(store, iri, session.name, shapes())
            except RecordError as error:
                status = error.status
                messages.append(error.de if lang == "de" else error.en)
                if error.report is not None:
                    messages.extend(dict.fromkeys(r.message(lang) for r in error.report.results))
            else:
                return redirect("/forms?" + urlencode({"geloescht": ref}), 303)
    page = render_template("erfassen/loeschen.html", kind=kind, iri=iri, ref=ref, name=name.value if name else ref,
                           file_backed=file_backed, messages=messages)
    return Response(page, status=status, mimetype=HTML)


@bp.route("/login", methods=["GET", "POST"])
def sign_in() -> Response:
    """The token once, in a POST body; afterwards a session cookie."""
    target = _safe_next(request.values.get("weiter"))
    problem = None
    if request.method == "POST":
        sessions.require_csrf()
        throttle.check()
        token, problem = sessions.check_token(request.form.get("token", ""))
        if token is None:
            throttle.failed()
        else:
            response = redirect(target, 303)
            sessions.sign_in(response, token)
            return response
    read_only = not tokens()
    page = render_template("erfassen/anmelden.html", weiter=target, read_only=read_only,
                           problem=(problem[0] if language() == "de" else problem[1]) if problem else None)
    return Response(page, status=403 if problem else 200, mimetype=HTML)


@bp.route("/logout", methods=["GET", "POST"])
def sign_out() -> Response:
    if request.method == "POST":
        sessions.require_csrf()
        response = redirect("/forms", 303)
        sessions.sign_out(response)
        return response
    return Response(render_template("erfassen/abmelden.html"), mimetype=HTML)
