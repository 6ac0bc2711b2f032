"""The JSON Schema (draft 2020-12) of an archive article, shipped inside the package."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def article_schema() -> dict[str, Any]:
    """The schema as a dict."""
    return json.loads(resources.files("pipeline.archive").joinpath("article.schema.json").read_text(encoding="utf-8"))
