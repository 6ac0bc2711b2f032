"""The package version, in a module of its own so that every layer can import it without importing the API."""
from __future__ import annotations

__version__ = "0.1.0"
SCHEMA_VERSION = 2  # of the archive record, pipeline/archive/article.schema.json (tests check they agree)
