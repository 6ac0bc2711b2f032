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


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """`node`, or the definition it refers to (`{"$ref": "#/$defs/NAME"}`)."""
    ref = node.get("$ref")
    return article_schema()["$defs"][ref.rsplit("/", 1)[1]] if ref else node


def node_type(node: dict[str, Any]) -> str:
    """The JSON type of a (resolved) node other than null: a nullable object is an object; no type is a string."""
    kinds = node.get("type", "string")
    return next((k for k in ([kinds] if isinstance(kinds, str) else kinds) if k != "null"), "string")
