"""README.md of an archive folder: a Hugging Face dataset card whose features come from the article's JSON Schema.

`datasets.load_dataset(OUT)` reads it: the files of the archive's format are the data (not index.jsonl or
run.jsonl), and every file is cast to the declared features, so an article file whose `title` is null does
not make the column null-typed for the others.
"""
from __future__ import annotations

from typing import Any

import yaml

from pipeline.archive.schema import article_schema, node_type, resolve

DATA_FILES = {"json": "**/*.json", "jsonl": "articles-*.jsonl", "parquet": "articles-*.parquet"}
_DTYPES = {"integer": "int64", "number": "float64", "boolean": "bool", "string": "string"}


def feature(node: dict[str, Any]) -> dict[str, Any]:
    """The `datasets` feature of one schema node, in the card's YAML form (without its name)."""
    node = resolve(node)
    kind = node_type(node)
    if kind == "object":
        return {"struct": [{"name": name, **feature(sub)} for name, sub in node["properties"].items()]}
    if kind == "array":
        inner = feature(node.get("items") or {})
        return {"list": inner.get("dtype", inner.get("struct"))}
    # A date is declared one: JSON readers (pyarrow's, under datasets) take "2022-10-05" for a timestamp, and a
    # string column would then read "2022-10-05 00:00:00"; as date32 every format reads the same dates.
    return {"dtype": "date32" if node.get("format") == "date" else _DTYPES[kind]}


_HEADING = "\n# Archive of cleaned articles\n"  # what tells a card of ours from a README the user keeps there


def dataset_card(fmt: str) -> str:
    """The card of an archive written in format `fmt`."""
    schema = article_schema()
    meta = {
        "configs": [{"config_name": "default", "data_files": [{"split": "train", "path": DATA_FILES[fmt]}]}],
        "dataset_info": {"features": feature(schema)["struct"]},
    }
    return (f"---\n{yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)}---\n"
            f"{_HEADING[1:]}\nWritten by `pipeline run --format {fmt}`: one article per "
            f"{'file' if fmt == 'json' else 'line' if fmt == 'jsonl' else 'row'} "
            f"(`{DATA_FILES[fmt]}`), schema version {schema['properties']['pipeline']['properties']['schema_version']['const']} "
            f"(`pipeline schema`). `index.jsonl` lists the articles, `run.jsonl` sums up the run.\n")


def card_to_write(existing: str | None, fmt: str) -> str | None:
    """The card to write over `existing` (the folder's README.md, None if absent); None keeps a README not ours."""
    if existing is not None and not (existing.startswith("---\n") and _HEADING in existing):
        return None
    return dataset_card(fmt)
