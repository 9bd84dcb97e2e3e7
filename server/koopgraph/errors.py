"""Errors a user can fix themselves.

The CLI (and later the web app) shows these as one bilingual line instead of
a traceback, so every message is written German first, then English.
"""


class KoopgraphError(Exception):
    """A problem caused by the environment or the input files, not a bug."""

    def __init__(self, de: str, en: str) -> None:
        self.de = de
        self.en = en
        super().__init__(f"{de} / {en}")
