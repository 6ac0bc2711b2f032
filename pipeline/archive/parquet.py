"""Parquet shards (pyarrow, the optional extra `parquet`): the Arrow schema follows the article's JSON Schema.

Objects with fixed properties become structs, objects keyed by data (`removed_by_category`, `metadata_source`)
become maps, arrays become lists; dates stay ISO strings as in the JSON, so a record reads back to the same dict.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.archive.schema import article_schema

ROW_GROUP = 1024  # records per row group: a few MB, so readers can skip and stream


def _pyarrow() -> Any:
    """The pyarrow modules, or a UsageError naming the extra that installs them."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise UsageError("--format parquet needs pyarrow: pip install 'pipeline[parquet]'") from None
    return pyarrow


def _arrow_type(node: dict[str, Any]) -> Any:
    """The Arrow type of one JSON Schema node."""
    pa = _pyarrow()
    kinds = node.get("type", "string")
    kind = next((k for k in ([kinds] if isinstance(kinds, str) else kinds) if k != "null"), "string")
    if kind == "object" and "properties" in node:
        return pa.struct([pa.field(name, _arrow_type(sub)) for name, sub in node["properties"].items()])
    if kind == "object":
        return pa.map_(pa.string(), _arrow_type(node.get("additionalProperties") or {}))
    if kind == "array":
        return pa.list_(_arrow_type(node.get("items") or {}))
    return {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}.get(kind, pa.string())


@lru_cache(maxsize=1)
def arrow_schema() -> Any:
    """The Arrow schema of an article."""
    return _pyarrow().schema(list(_arrow_type(article_schema())))


def _to_arrow(value: Any, node: dict[str, Any]) -> Any:
    """A record value as pyarrow takes it: maps as lists of pairs."""
    if value is None:
        return None
    if isinstance(value, dict) and "properties" not in node:
        sub = node.get("additionalProperties") or {}
        return [(k, _to_arrow(v, sub)) for k, v in value.items()]
    if isinstance(value, dict):
        return {k: _to_arrow(v, node["properties"].get(k, {})) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_arrow(v, node.get("items") or {}) for v in value]
    return value


def _from_arrow(value: Any, node: dict[str, Any]) -> Any:
    """The inverse of `_to_arrow`: maps back to dicts."""
    if value is None:
        return None
    if isinstance(value, list) and node.get("type") == "object":
        sub = node.get("additionalProperties") or {}
        return {k: _from_arrow(v, sub) for k, v in value}
    if isinstance(value, dict):
        return {k: _from_arrow(v, node["properties"].get(k, {})) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_arrow(v, node.get("items") or {}) for v in value]
    return value


class ParquetWriter:
    """Writes records in row groups of ROW_GROUP, zstd-compressed."""

    suffix = "parquet"

    def __init__(self) -> None:
        self._pa = _pyarrow()
        self._writer: Any = None
        self._rows: list[dict[str, Any]] = []
        self._path = Path()

    def open(self, path: Path) -> None:
        """Starts a shard."""
        self._writer = self._pa.parquet.ParquetWriter(path, arrow_schema(), compression="zstd")
        self._path = path
        self._rows = []

    def write(self, record: dict[str, Any], line: bytes) -> None:
        """Buffers one record; a full row group is written out."""
        self._rows.append(_to_arrow(record, article_schema()))
        if len(self._rows) >= ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        """Writes the buffered records as one row group."""
        if self._rows:
            self._writer.write_table(self._pa.Table.from_pylist(self._rows, schema=arrow_schema()))
            self._rows = []

    def close(self) -> None:
        """Writes what is buffered, the footer, and syncs the file."""
        if self._writer is None:
            return
        self._flush()
        self._writer.close()
        self._writer = None
        with open(self._path, "rb+") as fh:
            os.fsync(fh.fileno())


def read_parquet(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a Parquet shard, one row group at a time."""
    pa = _pyarrow()
    shard = pa.parquet.ParquetFile(path)
    for group in range(shard.num_row_groups):
        for row in shard.read_row_group(group).to_pylist():
            yield _from_arrow(row, article_schema())
