"""Settings and where things live, resolved in one place so the CLI and the
web server always agree on the same store.

Every setting is resolved in this order, later layers winning:

1. the defaults below (``DEFAULTS``),
2. an optional TOML config file (path from ``--config`` or ``$KOOPGRAPH_CONFIG``),
3. environment variables ``KOOPGRAPH_<NAME>`` (e.g. ``KOOPGRAPH_STRICT_DATASET=1``),
4. the dict given to ``create_app`` or the options given to ``koopgraph serve``.

| Setting          | Default                                  | Meaning |
|------------------|------------------------------------------|---------|
| STORE            | ``$XDG_DATA_HOME/koopgraph/store``       | store directory, or ``:memory:`` for a throwaway in-memory store |
| RESOURCES        | packaged files (or the checkout)         | folder with ontology/, data/, shapes/, queries/ used to build an empty store |
| BUILD_IF_EMPTY   | ``true``                                 | build the store from RESOURCES when it holds no triple at start |
| STRICT_DATASET   | ``false``                                | plain SPARQL dataset: default graph = the store's default graph, not the union of all named graphs |
| MAX_BODY_BYTES   | ``10485760`` (10 MB)                     | largest request body; larger bodies get 413 before they are parsed |
| CORS_ORIGINS     | ``*``                                    | origins allowed to read GET endpoints from a browser (space-separated; empty = none) |
| HOST             | ``127.0.0.1``                            | interface ``koopgraph serve`` listens on |
| PORT             | ``8000``                                 | TCP port of ``koopgraph serve`` (0 = any free port) |
| SERVER           | ``granian``                              | HTTP server of ``koopgraph serve``: ``granian`` (Rust, the faster) or ``waitress`` |
| THREADS          | ``32``                                   | request threads of ``koopgraph serve``: enough that cheap requests never wait behind queries waiting for a worker |
| SERVICE_ALLOWLIST | ``https://query.wikidata.org/sparql``   | SPARQL endpoints a query may call with SERVICE (space-separated); any other target is refused and never contacted |
| TOKENS           | (none)                                   | write tokens ``name:secret[:right+right]``, comma-separated; rights ``schreiben`` (default), ``verwalten``; none = read-only |
| HTTPS            | ``auto``                                 | cookies for https (Secure, ``__Host-`` prefix): ``auto`` from the request's scheme, ``on`` behind a proxy that ends TLS, ``off`` never |
| TOKENS_FILE      | (none)                                   | TOML file with ``[[token]]`` entries (name, sha256 of the secret, rechte); made by ``koopgraph token`` |
| QUERY_TIMEOUT    | ``10`` (seconds)                         | a query not answered by then gets 503 and is stopped: its worker process is killed and replaced (docs/operations.md) |
| MAX_RESULT_ROWS  | ``100000``                               | most solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) one answer may have; more gets 422, never a cut-off answer |
| MAX_CONCURRENT_QUERIES | ``4``                              | queries the engine evaluates at once (worker processes); beyond that 429 with Retry-After |
| QUERY_PROCESSES  | ``true``                                 | answer queries from users (/sparql, /queries) in worker processes that hold replicas of the store and are killed at the deadline or on a crash; ``false``: in threads of the server process, where a query cannot be stopped (tests, small embedded uses) |
| BACKUP_DIR       | ``<STORE>-backups``                      | where ``POST /admin/backup`` (right ``verwalten``) puts backups of the running server's store |
| LOG_REQUESTS     | ``true``                                 | one JSON line per request on stderr (method, path, status, duration, query hash; never token or body) |
| BACKEND          | ``oxigraph``                             | ``oxigraph``: the embedded store at STORE; ``sparql``: a SPARQL 1.1 engine at QUERY_URL/UPDATE_URL (docs/scaling.md) |
| QUERY_URL        | (none)                                   | SPARQL query endpoint of the engine (BACKEND ``sparql``) |
| UPDATE_URL       | (none)                                   | SPARQL update endpoint of the engine (BACKEND ``sparql``) |
| GSP_URL          | (none)                                   | Graph Store endpoint of the engine, optional (reading whole graphs) |
| REMOTE_UNION     | ``dataset``                              | how queries see all graphs on the engine: ``dataset`` names every graph in each request (portable); ``engine`` when the engine's default graph already is the union (faster, requests stay small) |
| REMOTE_AUTH      | (none)                                   | ``user:password`` (HTTP Basic) or ``Bearer <token>`` for the engine; never logged |
| CACHE            | ``true``                                 | keep answers (named questions, SPARQL queries) until the next write; ``koopgraph serve --no-cache`` switches it off |
| CACHE_MAX_BYTES  | ``67108864`` (64 MiB)                    | memory for cached answers; an answer larger than an eighth of it is never kept |

The same table is in docs/settings.md under "Einstellungen / Settings"; a
test fails when a setting is missing from either.
"""

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from koopgraph.errors import KoopgraphError

ENV_PREFIX = "KOOPGRAPH_"
CONFIG_ENV = ENV_PREFIX + "CONFIG"
MEMORY = ":memory:"

DEFAULTS: dict[str, Any] = {
    "STORE": None,
    "RESOURCES": None,
    "BUILD_IF_EMPTY": True,
    "STRICT_DATASET": False,
    "MAX_BODY_BYTES": 10 * 1024 * 1024,
    "CORS_ORIGINS": "*",
    "HOST": "127.0.0.1",
    "PORT": 8000,
    "SERVER": "granian",
    "THREADS": 32,
    "SERVICE_ALLOWLIST": "https://query.wikidata.org/sparql",
    "TOKENS": "",
    "TOKENS_FILE": None,
    "HTTPS": "auto",
    "QUERY_TIMEOUT": 10.0,
    "MAX_RESULT_ROWS": 100_000,
    "MAX_CONCURRENT_QUERIES": 4,
    "QUERY_PROCESSES": True,
    "BACKUP_DIR": None,
    "LOG_REQUESTS": True,
    "BACKEND": "oxigraph",
    "QUERY_URL": None,
    "UPDATE_URL": None,
    "GSP_URL": None,
    "REMOTE_AUTH": None,
    "REMOTE_UNION": "dataset",
    "CACHE": True,
    "CACHE_MAX_BYTES": 64 * 1024 * 1024,
}

# None defaults carry no type of their own.
_TYPES: dict[str, type] = {name: str if value is None else type(value) for name, value in DEFAULTS.items()}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(KoopgraphError):
    """A setting has a value of the wrong type or an unknown name."""


def default_store_path() -> Path:
    """The on-disk store used when no --store is given.

    KOOPGRAPH_STORE wins; otherwise the XDG data directory, so the store
    survives reinstalls and never lands inside the source tree.
    """
    explicit = os.environ.get("KOOPGRAPH_STORE")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    # The XDG spec says relative values are invalid and must be ignored.
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return base / "koopgraph" / "store"


def _convert(name: str, value: Any, origin: str) -> Any:
    """Typed value of one setting; strings (environment) are parsed, other
    values must already have the right type."""
    kind = _TYPES[name]
    if value is None or (isinstance(value, kind) and not (kind is int and isinstance(value, bool))):
        return value
    if isinstance(value, str) and kind is bool and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, str) and kind is int and value.strip().lstrip("-").isdigit():
        return int(value)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and kind is float:
        try:
            return float(value)
        except ValueError:
            pass
    if isinstance(value, Path) and kind is str:
        return str(value)
    raise ConfigError(
        f"Ungültiger Wert für {name} in {origin}: {value!r} (erwartet: {kind.__name__})",
        f"Invalid value for {name} in {origin}: {value!r} (expected: {kind.__name__})",
    )


def _from_file(path: Path) -> dict[str, Any]:
    """Settings of a TOML file; keys may be lower case. Unknown keys fail
    loudly: a typo would otherwise silently leave the default in force."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(
            f"Die Konfigurationsdatei {path} kann nicht gelesen werden: {error}",
            f"The config file {path} cannot be read: {error}",
        ) from error
    settings = {}
    for key, value in data.items():
        name = key.upper()
        if name not in DEFAULTS:
            raise ConfigError(
                f"Unbekannte Einstellung {key!r} in {path}; bekannt: {', '.join(DEFAULTS)}",
                f"Unknown setting {key!r} in {path}; known: {', '.join(DEFAULTS)}",
            )
        settings[name] = _convert(name, value, str(path))
    return settings


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    return {
        name: _convert(name, environ[ENV_PREFIX + name], f"${ENV_PREFIX}{name}")
        for name in DEFAULTS
        if ENV_PREFIX + name in environ
    }


def _check_ranges(settings: dict[str, Any]) -> None:
    limits = {"PORT": (0, 65535), "THREADS": (1, 1024), "MAX_BODY_BYTES": (1, 2**40), "QUERY_TIMEOUT": (0.01, 86400),
              "MAX_RESULT_ROWS": (1, 2**40), "MAX_CONCURRENT_QUERIES": (1, 1024)}
    for name, (low, high) in limits.items():
        if not low <= settings[name] <= high:
            raise ConfigError(
                f"{name} muss zwischen {low} und {high} liegen, nicht {settings[name]}",
                f"{name} must be between {low} and {high}, not {settings[name]}",
            )


def load(
    overrides: Mapping[str, Any] | None = None,
    *,
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """All settings, resolved defaults → file → environment → overrides.

    Keys of overrides that are not settings (e.g. Flask's TESTING) are passed
    through unchanged, so tests can configure Flask in the same dict.
    """
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    path = config_file or environ.get(CONFIG_ENV)
    if path:
        settings.update(_from_file(Path(path).expanduser()))
    settings.update(_from_env(environ))
    for key, value in (overrides or {}).items():
        settings[key] = _convert(key, value, "config") if key in DEFAULTS else value
    if settings["STORE"] is None:
        settings["STORE"] = str(default_store_path())
    _check_ranges(settings)
    _check_backend(settings)
    return settings


BACKENDS = ("oxigraph", "sparql")


def _check_backend(settings: dict[str, Any]) -> None:
    if settings["BACKEND"] not in BACKENDS:
        raise ConfigError(f"BACKEND muss {' oder '.join(BACKENDS)} sein, nicht {settings['BACKEND']!r}",
                          f"BACKEND must be {' or '.join(BACKENDS)}, not {settings['BACKEND']!r}")
    if settings["SERVER"] not in ("granian", "waitress"):
        raise ConfigError(f"SERVER muss granian oder waitress sein, nicht {settings['SERVER']!r}",
                          f"SERVER must be granian or waitress, not {settings['SERVER']!r}")
    if str(settings["HTTPS"]).lower() not in ("auto", "on", "off"):
        raise ConfigError(f"HTTPS muss auto, on oder off sein, nicht {settings['HTTPS']!r}",
                          f"HTTPS must be auto, on or off, not {settings['HTTPS']!r}")
    if settings["REMOTE_UNION"] not in ("dataset", "engine"):
        raise ConfigError(f"REMOTE_UNION muss dataset oder engine sein, nicht {settings['REMOTE_UNION']!r}",
                          f"REMOTE_UNION must be dataset or engine, not {settings['REMOTE_UNION']!r}")
    if settings["BACKEND"] == "sparql":
        for name in ("QUERY_URL", "UPDATE_URL"):
            url = settings[name] or ""
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"Mit BACKEND sparql braucht {name} eine http(s)-Adresse (--{name.lower().replace('_', '-')}).",
                                  f"BACKEND sparql needs an http(s) URL in {name} (--{name.lower().replace('_', '-')}).")
