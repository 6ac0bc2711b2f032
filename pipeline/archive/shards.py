"""Shards: the archive as size-rotated JSON Lines or Parquet files (`articles-00000.jsonl`), written in input order.

The run's parent writes every shard (the workers send their articles back), so the shard a record lands in does
not depend on the number of workers or the engine. A run writes all its shards under temp names and renames them
into place at the end: a killed run leaves the previous shards whole. The articles a run skips because their input
is unchanged are copied from the previous shards; each one's place (`shard`, `row`) and the sha256 of its record
are kept in the run state, and one that is not found there intact is cleaned again.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from pipeline.archive.files import temp_path
from pipeline.archive.parquet import ParquetWriter, read_parquet
from pipeline.errors import UsageError

SHARD = re.compile(r"^articles-\d{5}\.(jsonl|parquet)$")


def shard_name(number: int, suffix: str) -> str:
    """`articles-00000.jsonl` and so on."""
    return f"articles-{number:05d}.{suffix}"


def digest(record: dict[str, Any]) -> str:
    """sha256 of a record's canonical JSON: the same whichever format stored it."""
    return hashlib.sha256(json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


class Writer(Protocol):
    """One format's shard files."""

    suffix: str

    def open(self, path: Path) -> None:
        """Starts a shard."""

    def write(self, record: dict[str, Any], line: bytes) -> None:
        """Appends one record (`line` is its JSON)."""

    def close(self) -> None:
        """Completes the current shard and syncs it to disk."""


class JsonlWriter:
    """One JSON object per line, as written in the article files but on one line."""

    suffix = "jsonl"

    def __init__(self) -> None:
        self._fh: Any = None

    def open(self, path: Path) -> None:
        """Starts a shard."""
        self._fh = open(path, "wb")

    def write(self, record: dict[str, Any], line: bytes) -> None:
        """Appends one line."""
        self._fh.write(line + b"\n")

    def close(self) -> None:
        """Flushes and syncs the shard."""
        if self._fh is None or self._fh.closed:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()


class Shards:
    """This run's shards, filled in input order and rotated once one holds `limit` bytes of JSON."""

    def __init__(self, out: Path, writer: Writer, limit: int) -> None:
        self.out, self.writer, self.limit = out, writer, limit
        self.names: list[str] = []
        self._size = self._rows = 0

    def add(self, record: dict[str, Any]) -> dict[str, Any]:
        """Writes one record; returns its place: `shard`, `row` and `sha256`."""
        line = json.dumps(record, ensure_ascii=False).encode("utf-8")
        if not self.names or (self._rows and self._size + len(line) > self.limit):
            self._rotate()
        self.writer.write(record, line)
        self._size += len(line) + 1
        self._rows += 1
        return {"shard": self.names[-1], "row": self._rows - 1, "sha256": digest(record)}

    def _rotate(self) -> None:
        """Closes the current shard and starts the next one."""
        if self.names:
            self.writer.close()
        self.names.append(shard_name(len(self.names), self.writer.suffix))
        self.writer.open(temp_path(self.out / self.names[-1]))
        self._size = self._rows = 0

    def commit(self) -> None:
        """Renames the new shards into place and deletes the previous run's shards beyond them."""
        if self.names:
            self.writer.close()
        for name in self.names:
            os.replace(temp_path(self.out / name), self.out / name)
        for path in self.out.iterdir():
            if SHARD.match(path.name) and path.name not in self.names:
                path.unlink(missing_ok=True)

    def abort(self) -> None:
        """Drops the shards of a failed run; the previous ones stay."""
        if self.names:
            try:
                self.writer.close()
            except (OSError, ValueError):
                pass
        for name in self.names:
            temp_path(self.out / name).unlink(missing_ok=True)


class Previous:
    """Reads records of the previous run's shards by place, checking each against its sha256.

    Records are asked for in input order, as they were written, so each shard is streamed through once.
    """

    def __init__(self, out: Path, reader: Callable[[Path], Iterator[dict[str, Any]]]) -> None:
        self.out, self.reader = out, reader
        self._name: str | None = None
        self._rows: Iterator[dict[str, Any]] = iter(())
        self._next = 0

    def get(self, place: dict[str, Any] | None) -> dict[str, Any] | None:
        """The record at `place`, or None when it is not there intact."""
        if not place or not SHARD.match(str(place.get("shard", ""))) or not isinstance(place.get("row"), int):
            return None
        if place["shard"] != self._name or place["row"] < self._next:
            self._name, self._rows, self._next = place["shard"], self._open(self.out / place["shard"]), 0
        try:
            while self._next <= place["row"]:
                record = next(self._rows)
                self._next += 1
        except (StopIteration, OSError, ValueError):
            self._name = None
            return None
        return record if digest(record) == place.get("sha256") else None

    def _open(self, path: Path) -> Iterator[dict[str, Any]]:
        """The records of one shard, lazily."""
        return self.reader(path)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a JSON Lines shard, one by one."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def shards_for(fmt: str, out: Path, limit: int) -> tuple[Shards, Previous]:
    """The writer of this run's shards and the reader of the previous ones, for format `fmt`."""
    if fmt == "jsonl":
        return Shards(out, JsonlWriter(), limit), Previous(out, read_jsonl)
    if fmt == "parquet":
        return Shards(out, ParquetWriter(), limit), Previous(out, read_parquet)
    raise UsageError(f"unknown format {fmt!r}; valid formats: json, jsonl, parquet")
