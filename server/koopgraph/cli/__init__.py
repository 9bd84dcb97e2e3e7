"""The `koopgraph` command."""

from koopgraph.cli.commands import koopgraph, main

__all__ = ["koopgraph", "main"]
