"""The OpenAPI 3 description of the HTTP interface, generated from the code's
own tables: the named questions (one path each, with their typed
parameters), the media types of formats.py and the routes of the read
endpoints. Nothing is written by hand twice."""

from koopgraph.about import __version__
from koopgraph.engine import formats
from koopgraph.domain import questions

ERROR = {"$ref": "#/components/schemas/Error"}


def _body(media_type: str) -> dict:
    """JSON answers are documents of their own standard (SPARQL results,
    JSON-LD), text answers are strings."""
    return {"schema": {} if "json" in media_type else {"type": "string"}}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _results(kind: str) -> dict:
    return {row.media_type: _body(row.media_type) for row in formats.offered(kind)}


def _param(p: questions.Param) -> dict:
    schema = {"type": "string", "pattern": "^(?:" + questions.PARAM_TYPES[p.type].pattern + ")$"}
    if p.default is not None:
        schema["default"] = p.default
    return {"name": p.name, "in": "query", "required": p.required, "schema": schema,
            "example": p.example, "description": f"{p.description['de']} / {p.description['en']}"}


def _question(q: questions.NamedQuery) -> dict:
    return {"get": {
        "operationId": "frage_" + q.name.replace("-", "_"),
        "summary": f"{q.title['de']} / {q.title['en']}",
        "description": q.description["de"] + "\n\n" + q.description["en"],
        "tags": ["Fragen / questions"],
        "parameters": [_param(p) for p in q.params] + [_FORMAT],
        "responses": {
            "200": {"description": f"Antwort mit den Spalten {', '.join(q.columns)} / answer",
                    "content": _results(formats.SOLUTIONS) | {"text/html": {"schema": {"type": "string"}}}},
            "400": _error("Parameter ungültig / invalid parameter"),
            "406": _error("Format nicht verfügbar / format not available"),
            **_LIMIT_RESPONSES,
        },
    }}


_LIMIT_RESPONSES = {
    "304": {"description": "Unverändert seit dem ETag in If-None-Match / not modified since the ETag in If-None-Match"},
    "422": _error("Mehr Zeilen als MAX_RESULT_ROWS (nie gekürzt) / more rows than MAX_RESULT_ROWS (never cut off)"),
    "429": {**_error("Alle Plätze für Abfragen belegt; Retry-After nennt die Sekunden / every query slot is taken; "
                     "Retry-After gives the seconds"),
            "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
    "503": _error("Zeitlimit QUERY_TIMEOUT überschritten / over the time limit QUERY_TIMEOUT"),
}

_FORMAT = {"name": "format", "in": "query", "required": False,
           "schema": {"type": "string", "enum": ["json", "xml", "csv", "tsv", "html"]},
           "description": "Antwortformat statt Accept / answer format instead of Accept"}

_SPARQL_QUERY = {"name": "query", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 100000},
                 "description": "SPARQL 1.1 query; without it the service description is returned"}
_GRAPH_PARAMS = [
    {"name": n, "in": "query", "required": False, "schema": {"type": "array", "items": {"type": "string", "format": "uri"}},
     "style": "form", "explode": True}
    for n in ("default-graph-uri", "named-graph-uri")
]
_SPARQL_RESPONSES = {
    "200": {"description": "Ergebnis oder Dienstbeschreibung / result or service description",
            "content": {row.media_type: _body(row.media_type) for row in formats.TABLE}},
    "400": _error("Syntaxfehler oder ungültige Anfrage / syntax error or bad request"),
    "403": _error("Update oder SERVICE nicht erlaubt / update or SERVICE not allowed"),
    "406": _error("Format nicht verfügbar / format not available"),
    "413": _error("Anfragekörper zu groß / request body too large"),
    "415": _error("Content-Type nicht unterstützt / unsupported Content-Type"),
    **_LIMIT_RESPONSES,
    "502": _error("Ein SERVICE-Endpunkt hat nicht richtig geantwortet / a SERVICE endpoint failed"),
}


_BEARER = [{"bearer": []}]
_WRITE_RESPONSES = {
    "400": _error("Ungültige Anfrage, Syntaxfehler (mit Zeile und Spalte) / bad request, syntax error (with line and column)"),
    "401": _error("Token fehlt oder ist ungültig / token missing or invalid"),
    "403": _error("Recht fehlt, LOAD/SERVICE, geschützter Graph oder nur lesend / right missing, LOAD/SERVICE, "
                  "protected graph or read-only server"),
    "413": _error("Anfragekörper zu groß / request body too large"),
    "415": _error("Content-Type nicht unterstützt / unsupported Content-Type"),
    "422": _error("SHACL-Verletzung; der Bericht steht in results / SHACL violation; the report is in results"),
    "429": {**_error("Zu viele falsche Tokens von dieser Adresse; Retry-After nennt die Sekunden / too many wrong "
                     "tokens from this address; Retry-After gives the seconds"),
            "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
}
_WRITTEN = {"description": "Einreichung / submission", "content": {"application/json": {"schema": {"type": "object"}}}}
_GSP_PARAMS = [
    {"name": "graph", "in": "query", "required": False, "schema": {"type": "string", "format": "uri"},
     "description": "IRI des Graphen / graph IRI (indirect identification)"},
    {"name": "default", "in": "query", "required": False, "allowEmptyValue": True, "schema": {"type": "string"},
     "description": "der Default-Graph des Speichers / the store's default graph"},
]
_GSP_BODY = {"required": True, "content": {
    media_type: {"schema": {"type": "string"}} for media_type in (
        "text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml", "multipart/form-data")}}


def _graph_store() -> dict:
    """/store: the SPARQL 1.1 Graph Store HTTP Protocol."""
    graph_rows = {row.media_type: _body(row.media_type) for row in formats.offered(formats.GRAPH)}
    return {
        "get": {"operationId": "store_get", "summary": "Graph lesen / read a graph (Graph Store Protocol)",
                "tags": ["Graph Store"], "parameters": [*_GSP_PARAMS],
                "responses": {"200": {"description": "Graph", "content": graph_rows},
                              "400": _error("graph oder default fehlt / graph or default missing"),
                              "404": _error("Graph gibt es nicht / no such graph"),
                              "406": _error("Format nicht verfügbar / format not available")}},
        "put": {"operationId": "store_put", "summary": "Graph ersetzen (schreiben; verwalten, wenn er Inhalt hat) / "
                "replace a graph (schreiben; verwalten if it has content)", "tags": ["Graph Store"],
                "security": _BEARER, "parameters": _GSP_PARAMS, "requestBody": _GSP_BODY,
                "responses": {"200": _WRITTEN, "201": _WRITTEN, "204": {"description": "unverändert / unchanged"},
                              **_WRITE_RESPONSES}},
        "post": {"operationId": "store_post", "summary": "In den Graphen einfügen; ohne graph= neuer Graph (schreiben) / "
                 "merge into a graph; without graph= a new graph (schreiben)", "tags": ["Graph Store"],
                 "security": _BEARER, "parameters": _GSP_PARAMS, "requestBody": _GSP_BODY,
                 "responses": {"200": _WRITTEN, "201": _WRITTEN, "204": {"description": "unverändert / unchanged"},
                               **_WRITE_RESPONSES}},
        "delete": {"operationId": "store_delete", "summary": "Graph löschen (verwalten) / drop a graph (verwalten)",
                   "tags": ["Graph Store"], "security": _BEARER, "parameters": _GSP_PARAMS,
                   "responses": {"200": _WRITTEN, "204": {"description": "unverändert / unchanged"},
                                 "404": _error("Graph gibt es nicht / no such graph"), **_WRITE_RESPONSES}},
    }


_RDF_BODY = {"required": True, "content": {
    media_type: {"schema": {"type": "string"}} for media_type in (
        "text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml", "application/trig",
        "application/n-quads")}}
_JSON = {"application/json": {"schema": {"type": "object"}}}
_KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$"},
        "description": "Pfad der Eintrags-IRI nach …/id/, z. B. kooperation/ostholstein-neu / the record IRI's path after …/id/"}
_SID = {"name": "sid", "in": "path", "required": True, "schema": {"type": "string"}}


def _records() -> dict:
    """/validate, /records, /submissions: checking and writing records."""
    written = {"description": "Einreichung / submission", "content": _JSON}
    write = {k: v for k, v in _WRITE_RESPONSES.items()}
    return {
        "/validate": {"post": {
            "operationId": "validate", "summary": "RDF gegen die Prüfregeln prüfen, nichts speichern / check RDF, store nothing",
            "tags": ["Einträge / records"], "requestBody": _RDF_BODY,
            "responses": {"200": {"description": "SHACL-Bericht / SHACL report",
                                  "content": {**_JSON, "text/turtle": {"schema": {"type": "string"}}}},
                          "400": _error("Syntaxfehler (mit Zeile und Spalte) / syntax error (with line and column)"),
                          "413": _WRITE_RESPONSES["413"], "415": _WRITE_RESPONSES["415"]}}},
        "/records": {"post": {
            "operationId": "records_create", "summary": "Neue Einträge prüfen und speichern (schreiben) / add records",
            "tags": ["Einträge / records"], "security": _BEARER, "requestBody": _RDF_BODY,
            "responses": {"201": {**written, "headers": {"Location": {"schema": {"type": "string"}}}},
                          "409": _error("Eintrag gibt es schon / record exists"), **write}}},
        "/records/{key}": {
            "parameters": [_KEY],
            "put": {"operationId": "records_replace", "summary": "Einen Eintrag ersetzen (schreiben) / replace a record",
                    "tags": ["Einträge / records"], "security": _BEARER, "requestBody": _RDF_BODY,
                    "responses": {"200": written, "404": _error("Eintrag gibt es nicht / no such record"), **write}},
            "delete": {"operationId": "records_delete", "summary": "Einen Eintrag löschen (schreiben) / delete a record",
                       "tags": ["Einträge / records"], "security": _BEARER,
                       "responses": {"200": written, "404": _error("Eintrag gibt es nicht / no such record"), **write}}},
        "/submissions": {"get": {
            "operationId": "submissions", "summary": "Alle Einreichungen / every submission", "tags": ["Einträge / records"],
            "responses": {"200": {"description": "Liste / list", "content": _JSON}}}},
        "/submissions/{sid}/revert": {"post": {
            "operationId": "submissions_revert", "summary": "Eine Einreichung zurücknehmen (verwalten) / revert a submission",
            "tags": ["Einträge / records"], "security": _BEARER, "parameters": [_SID],
            "responses": {"200": written, "404": _error("Einreichung gibt es nicht / no such submission"),
                          "409": _error("schon zurückgenommen / reverted already"), **write}}},
        "/admin/backup": {"post": {
            "operationId": "admin_backup", "summary": "Den Speicher im laufenden Betrieb sichern (verwalten) / back the store up",
            "tags": ["Betrieb / operations"], "security": _BEARER,
            "parameters": [{"name": "name", "in": "query", "required": False,
                            "schema": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"}}],
            "responses": {"201": {"description": "Pfad der Sicherung / path of the backup", "content": _JSON},
                          "400": _error("Name ungültig / invalid name"), "401": _WRITE_RESPONSES["401"],
                          "403": _WRITE_RESPONSES["403"], "429": _WRITE_RESPONSES["429"],
                          "409": _error("Sicherung gibt es schon, oder Speicher im Arbeitsspeicher / backup exists, "
                                        "or in-memory store")}}},
    }


def describe(catalogue: dict[str, questions.NamedQuery]) -> dict:
    """The whole OpenAPI document for the current set of questions."""
    paths = {
        "/sparql": {
            "get": {"operationId": "sparql_get", "summary": "SPARQL 1.1 Protocol (GET)", "tags": ["SPARQL"],
                    "parameters": [_SPARQL_QUERY, *_GRAPH_PARAMS], "responses": _SPARQL_RESPONSES},
            "post": {"operationId": "sparql_post", "summary": "SPARQL 1.1 Protocol (POST): Abfrage, oder Update mit Token / "
                     "query, or update with a token", "tags": ["SPARQL"],
                     "requestBody": {"required": True, "content": {
                         "application/sparql-query": {"schema": {"type": "string"}},
                         "application/sparql-update": {"schema": {"type": "string"}},
                         "application/x-www-form-urlencoded": {"schema": {
                             "type": "object", "properties": {
                                 "query": {"type": "string"}, "update": {"type": "string"},
                                 "using-graph-uri": {"type": "array", "items": {"type": "string", "format": "uri"}},
                                 "using-named-graph-uri": {"type": "array", "items": {"type": "string", "format": "uri"}}}}},
                     }},
                     "security": [{}, *_BEARER],
                     "responses": _SPARQL_RESPONSES | {k: v for k, v in _WRITE_RESPONSES.items() if k in ("401", "422")}},
        },
        "/store": _graph_store(),
        **_records(),
        **{path: {"get": {
            "operationId": path.strip("/"), "summary": "Beschreibung des Datenbestands (VoID, DCAT-AP.de) / dataset description",
            "tags": ["Daten / data"], "parameters": [{"name": "format", "in": "query", "required": False, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "RDF", "content": {row.media_type: _body(row.media_type)
                                                                   for row in formats.offered(formats.GRAPH)}},
                          "406": _error("Format nicht verfügbar / format not available")}}} for path in ("/void", "/catalog")},
        "/dump/koopgraph.{ext}": {"get": {
            "operationId": "dump", "summary": "Der ganze Graph als Datei / the whole graph as a file", "tags": ["Daten / data"],
            "parameters": [{"name": "ext", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": ["ttl", "nt", "jsonld", "trig", "nq"]}}],
            "responses": {"200": {"description": "Abzug / dump", "content": {
                t: _body(t) for t in ("text/turtle", "application/n-triples", "application/ld+json",
                                                             "application/trig", "application/n-quads")}},
                          "404": _error("Diesen Abzug gibt es nicht / no such dump")}}},
        "/queries": {"get": {"operationId": "fragen", "summary": "Katalog der benannten Fragen / catalogue of named questions",
                             "tags": ["Fragen / questions"],
                             "responses": {"200": {"description": "Katalog / catalogue",
                                                   "content": {"application/json": {"schema": {"type": "object"}},
                                                               "text/html": {"schema": {"type": "string"}}}}}}},
        "/healthz": {"get": {"operationId": "healthz", "summary": "Betriebsbereitschaft / health", "tags": ["Betrieb / operations"],
                             "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/openapi.json": {"get": {"operationId": "openapi", "summary": "Diese Beschreibung / this description",
                                  "tags": ["Betrieb / operations"],
                                  "responses": {"200": {"description": "OpenAPI", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    }
    for q in catalogue.values():
        paths[f"/queries/{q.name}"] = _question(q)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Koopgraph", "version": __version__,
                 "description": "Wissensgraph zur Kooperation von Jobcentern und Migrationsdiensten in Schleswig-Holstein / "
                                "knowledge graph on cooperation between job centres and migration services in Schleswig-Holstein"},
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": {"Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["status", "code", "message", "message_en"],
                                     "properties": {"status": {"type": "integer"}, "code": {"type": "string"},
                                                    "message": {"type": "string"}, "message_en": {"type": "string"}}}},
        }}},
    }
