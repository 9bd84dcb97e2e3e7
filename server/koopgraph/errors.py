"""Errors a user can fix themselves, German first, then English.

The CLI shows a KoopgraphError as one bilingual line instead of a traceback;
the web app renders every ApiError in one place (web/errors.py).
"""

from typing import Any


class KoopgraphError(Exception):
    """A problem caused by the environment or the input files, not a bug."""

    def __init__(self, de: str, en: str) -> None:
        self.de = de
        self.en = en
        super().__init__(f"{de} / {en}")


class BackendError(KoopgraphError):
    """The triple store behind Koopgraph (a remote engine) cannot be reached
    or refuses. The CLI shows its words to the operator; a web client gets
    a 502 that says only whether it was unreachable (reachable False)."""

    def __init__(self, de: str, en: str, *, reachable: bool = True) -> None:
        self.reachable = reachable
        super().__init__(de, en)


class ApiError(Exception):
    """An HTTP error answer: status, short machine-readable code, and the
    message in German and English. Views raise it; only render() shapes it."""

    def __init__(
        self,
        status: int,
        de: str,
        en: str,
        code: str,
        *,
        headers: dict[str, str] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.status = status
        self.de = de
        self.en = en
        self.code = code
        self.headers = headers or {}
        self.details = details or {}
        super().__init__(f"{status} {code}: {en}")
