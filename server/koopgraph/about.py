"""The release, in one place for the CLI, the OpenAPI description and the
service description."""

__version__ = "0.1.0"
