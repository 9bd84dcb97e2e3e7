"""Who may write: named bearer tokens with rights.

Tokens come from KOOPGRAPH_TOKENS ("name:secret[:right+right]", comma
separated) or from a tokens file that stores only SHA-256 digests of the
secrets. Secrets are random strings, not passwords, so a plain digest
compared in constant time is enough; nothing ever echoes a token back.
Without any token the server is read-only.
"""

import hashlib
import hmac
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from koopgraph.errors import ApiError, KoopgraphError

WRITE = "schreiben"  # add, replace and delete records; Graph Store and SPARQL Update writes
ADMIN = "verwalten"  # CLEAR/DROP whole graphs, revert submissions
RIGHTS = (WRITE, ADMIN)
REALM = 'Bearer realm="koopgraph"'


class TokenConfigError(KoopgraphError):
    """The token setting or file cannot be used."""


@dataclass(frozen=True)
class Token:
    name: str
    digest: str  # hex SHA-256 of the secret
    rights: frozenset[str]


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _rights(text: str, where: str) -> frozenset[str]:
    rights = frozenset(r for r in text.replace(",", "+").split("+") if r) or frozenset({WRITE})
    unknown = rights - set(RIGHTS)
    if unknown:
        raise TokenConfigError(f"{where}: unbekannte Rechte {sorted(unknown)}, erlaubt: {list(RIGHTS)}",
                               f"{where}: unknown rights {sorted(unknown)}, allowed: {list(RIGHTS)}")
    return rights


def from_setting(value: str) -> list[Token]:
    """KOOPGRAPH_TOKENS: "name:secret" (right schreiben) or "name:secret:schreiben+verwalten"."""
    tokens = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, _, rest = item.partition(":")
        secret, _, rights = rest.partition(":")
        if not name or len(secret) < 16:
            raise TokenConfigError(
                f"Token „{name or '?'}“: erwartet name:geheimnis mit mindestens 16 Zeichen Geheimnis",
                f"token '{name or '?'}': expected name:secret with a secret of at least 16 characters")
        tokens.append(Token(name, digest(secret), _rights(rights, f"Token {name}")))
    return tokens


def from_file(path: Path) -> list[Token]:
    """A TOML file: [[token]] name = "…", sha256 = "<hex>", rechte = ["schreiben"]."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise TokenConfigError(f"Tokendatei {path}: {error}", f"tokens file {path}: {error}") from error
    tokens = []
    for entry in data.get("token", []):
        name, hexdigest = str(entry.get("name", "")), str(entry.get("sha256", ""))
        if not name or len(hexdigest) != 64:
            raise TokenConfigError(f"Tokendatei {path}: jeder Eintrag braucht name und sha256",
                                   f"tokens file {path}: every entry needs name and sha256")
        tokens.append(Token(name, hexdigest.lower(), _rights("+".join(entry.get("rechte", [])), f"{path}: {name}")))
    return tokens


def new_entry(name: str, rights: list[str]) -> tuple[str, str]:
    """A fresh secret and the TOML lines to append to a tokens file."""
    secret = secrets.token_urlsafe(32)
    lines = f'[[token]]\nname = "{name}"\nsha256 = "{digest(secret)}"\nrechte = {list(_rights("+".join(rights), name))!r}\n'
    return secret, lines.replace("'", '"')


def load(config: Mapping) -> list[Token]:
    tokens = from_setting(config.get("TOKENS") or "")
    if config.get("TOKENS_FILE"):
        tokens += from_file(Path(config["TOKENS_FILE"]))
    return tokens


def identify(tokens: list[Token], authorization: str | None) -> Token | None:
    """The token named by an Authorization header, or None. Every token is
    compared (in constant time), so timing does not tell which one matched."""
    if not authorization or not authorization.startswith("Bearer "):
        return None
    offered = digest(authorization[len("Bearer "):].strip())
    found = None
    for token in tokens:
        if hmac.compare_digest(token.digest, offered):
            found = token
    return found


def require(tokens: list[Token], authorization: str | None, right: str) -> Token:
    """The caller's token if it carries right; otherwise the RFC 6750 answer."""
    if not tokens:
        raise ApiError(403, "Dieser Server ist nur lesend eingerichtet (keine Schreib-Tokens konfiguriert).",
                       "This server is set up read-only (no write tokens configured).", "read-only")
    token = identify(tokens, authorization)
    if token is None:
        error = ' error="invalid_token"' if authorization else ""
        raise ApiError(401, "Anmeldung nötig: Bitte ein gültiges Token als „Authorization: Bearer …“ senden.",
                       "Authentication required: send a valid token as 'Authorization: Bearer …'.",
                       "unauthorized", headers={"WWW-Authenticate": REALM + error})
    if right not in token.rights:
        raise ApiError(403, f"Das Token „{token.name}“ hat nicht das Recht „{right}“.",
                       f"The token '{token.name}' lacks the right '{right}'.", "forbidden",
                       headers={"WWW-Authenticate": REALM + ' error="insufficient_scope"'})
    return token
