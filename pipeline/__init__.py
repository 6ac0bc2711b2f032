"""Clean scraped news articles into a JSON archive with metadata."""
from __future__ import annotations

from pipeline.api import clean_text, load_config, run
from pipeline.version import __version__

__all__ = ["__version__", "clean_text", "load_config", "run"]
