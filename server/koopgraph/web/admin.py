"""Blueprint /admin: operations on the running server's store, for holders
of a token with the right "verwalten".

POST /admin/backup makes a consistent copy of the store while the server
keeps serving (a RocksDB checkpoint: hard links where the backup directory
is on the store's file system, so it is fast and small). The copy goes to
BACKUP_DIR under a name the caller may choose; `koopgraph backup DIR` uses
this endpoint when the server holds the store and moves the copy to DIR.
"""

import re
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request

from koopgraph.domain import access
from koopgraph.web.context import authorization, current_store, tokens
from koopgraph.config import MEMORY
from koopgraph.errors import ApiError

bp = Blueprint("admin", __name__)

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def backup_dir(config) -> Path:
    """BACKUP_DIR, or <STORE>-backups next to the store."""
    return Path(config["BACKUP_DIR"] or str(config["STORE"]).rstrip("/") + "-backups").expanduser()


def _name() -> str:
    name = request.args.get("name") or "koopgraph-" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    if not NAME.fullmatch(name):
        raise ApiError(400, "Der Name einer Sicherung besteht aus Buchstaben, Ziffern, Punkt, Binde- und Unterstrich "
                            "(höchstens 100 Zeichen, nicht mit Punkt beginnend).",
                       "A backup name consists of letters, digits, dot, hyphen and underscore (at most 100 characters, "
                       "not starting with a dot).", "invalid-backup-name")
    return name


@bp.post("/admin/backup")
def backup() -> Response:
    access.require(tokens(), authorization(), access.ADMIN)
    config = current_app.config
    if config["STORE"] == MEMORY:
        raise ApiError(409, "Ein Speicher im Arbeitsspeicher lässt sich nicht sichern; der Abzug /dump/koopgraph.nq "
                            "enthält alle Graphen.",
                       "An in-memory store cannot be backed up; the dump /dump/koopgraph.nq holds every graph.",
                       "backup-unavailable")
    target = backup_dir(config) / _name()
    if target.exists():
        raise ApiError(409, f"Die Sicherung {target.name} gibt es schon.", f"The backup {target.name} exists already.",
                       "backup-exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    current_store().backup(target)
    response = jsonify({"backup": str(target), "name": target.name})
    response.status_code = 201
    return response
