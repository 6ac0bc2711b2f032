"""Parquet shards (pyarrow, the optional extra `parquet`): the Arrow schema follows the article's JSON Schema.

Objects become structs and arrays lists (the schema has no object keyed by data, which Arrow readers such as
`datasets` cannot type); dates stay ISO strings as in the JSON, so a record reads back to the same dict.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.errors import UsageError
from pipeline.archive.schema import article_schema, node_type, resolve

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
    """The Arrow type of one JSON Schema node: objects are structs, arrays lists (the schema has no open objects)."""
    pa = _pyarrow()
    node = resolve(node)
    kind = node_type(node)
    if kind == "object":
        return pa.struct([pa.field(name, _arrow_type(sub)) for name, sub in node["properties"].items()])
    if kind == "array":
        return pa.list_(_arrow_type(node.get("items") or {}))
    return {"integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_()}.get(kind, pa.string())


@lru_cache(maxsize=1)
def arrow_schema() -> Any:
    """The Arrow schema of an article, derived from its JSON Schema."""
    return _pyarrow().schema(list(_arrow_type(article_schema())))


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
        self._rows.append(record)
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
        yield from shard.read_row_group(group).to_pylist()
