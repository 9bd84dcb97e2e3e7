"""The `koopgraph` command: one module per group of subcommands, all
registered on the group in common.py."""

from koopgraph.cli import (
    import_commands,
    query_commands,
    record_commands,
    serve_command,
    store_commands,
)
from koopgraph.cli.common import koopgraph

__all__ = ["koopgraph", "main", "import_commands", "query_commands", "record_commands", "serve_command",
           "store_commands"]


def main() -> None:
    """Console entry point (`koopgraph = koopgraph.cli:main`)."""
    koopgraph(prog_name="koopgraph")
