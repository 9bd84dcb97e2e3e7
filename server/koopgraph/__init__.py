"""Koopgraph: knowledge graph on cooperation between job centres and
migration services in Schleswig-Holstein.

The package is layered (docs/architecture.md): ``cli`` and ``web`` on top,
then ``writes``, ``domain`` and ``engine``; the contracts in pyproject.toml
keep it that way. ``create_app`` is the web app's factory.
"""

from koopgraph.about import __version__
from koopgraph.web.app import create_app

__all__ = ["__version__", "create_app"]
