"""Clean scraped news articles into a JSON archive with metadata."""
from __future__ import annotations

__version__ = "0.1.0"

from .api import clean_text, load_config, run  # noqa: E402

__all__ = ["__version__", "clean_text", "load_config", "run"]
