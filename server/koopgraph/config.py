"""Where things live on the user's machine, resolved in one place so the CLI
and the web server always agree on the same store."""

import os
from pathlib import Path


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
