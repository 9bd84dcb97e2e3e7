"""Koopgraph: knowledge graph on cooperation between job centres and
migration services in Schleswig-Holstein."""

__version__ = "0.1.0"
