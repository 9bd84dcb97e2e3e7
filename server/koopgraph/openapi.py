"""The OpenAPI 3 description of the HTTP interface, generated from the code's
own tables: the named questions (one path each, with their typed
parameters), the media types of formats.py and the routes of the read
endpoints. Nothing is written by hand twice."""

from . import __version__, formats, queries

ERROR = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _results(kind: str) -> dict:
    return {row.media_type: {"schema": {"type": "string"}} for row in formats.offered(kind)}


def _param(p: queries.Param) -> dict:
    schema = {"type": "string", "pattern": "^(?:" + queries.PARAM_TYPES[p.type].pattern + ")$"}
    if p.default is not None:
        schema["default"] = p.default
    return {"name": p.name, "in": "query", "required": p.required, "schema": schema,
            "example": p.example, "description": f"{p.description['de']} / {p.description['en']}"}


def _question(q: queries.NamedQuery) -> dict:
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
        },
    }}


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
            "content": {row.media_type: {"schema": {"type": "string"}} for row in formats.TABLE}},
    "400": _error("Syntaxfehler oder ungültige Anfrage / syntax error or bad request"),
    "403": _error("Update oder SERVICE nicht erlaubt / update or SERVICE not allowed"),
    "406": _error("Format nicht verfügbar / format not available"),
    "413": _error("Anfragekörper zu groß / request body too large"),
    "415": _error("Content-Type nicht unterstützt / unsupported Content-Type"),
}


def describe(catalogue: dict[str, queries.NamedQuery]) -> dict:
    """The whole OpenAPI document for the current set of questions."""
    paths = {
        "/sparql": {
            "get": {"operationId": "sparql_get", "summary": "SPARQL 1.1 Protocol (GET)", "tags": ["SPARQL"],
                    "parameters": [_SPARQL_QUERY, *_GRAPH_PARAMS], "responses": _SPARQL_RESPONSES},
            "post": {"operationId": "sparql_post", "summary": "SPARQL 1.1 Protocol (POST)", "tags": ["SPARQL"],
                     "requestBody": {"required": True, "content": {
                         "application/sparql-query": {"schema": {"type": "string"}},
                         "application/x-www-form-urlencoded": {"schema": {
                             "type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}},
                     }},
                     "responses": _SPARQL_RESPONSES},
        },
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
        "components": {"schemas": {"Error": {
            "type": "object", "required": ["error"],
            "properties": {"error": {"type": "object", "required": ["status", "code", "message", "message_en"],
                                     "properties": {"status": {"type": "integer"}, "code": {"type": "string"},
                                                    "message": {"type": "string"}, "message_en": {"type": "string"}}}},
        }}},
    }
