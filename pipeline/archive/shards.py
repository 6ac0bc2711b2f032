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
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

from pipeline.archive.parquet import ParquetWriter, read_parquet
from pipeline.config import WriteConfig
from pipeline.errors import PipelineError, UsageError
from pipeline.archive.entry import Entry

SHARD = re.compile(r"^articles-\d{5}\.(jsonl|parquet)$")
WRITE_THREADS = 2  # fsync waits on the disk, not the CPU: two writers keep it busy while the run goes on
WRITES_PENDING = 64  # article files held in memory at most, waiting for their write
_DUPLICATE_KEY = b'"duplicate_of": '
_DECODER = json.JSONDecoder()


def write_bytes(path: Path, payload: bytes) -> int:
    """Writes a file atomically (a temp file in the same folder, fsync, rename); returns its size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp(path)
    with open(tmp, "wb") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return len(payload)


def with_duplicate_of(data: bytes, duplicate_of: str | None) -> tuple[bytes, bool]:
    """An article file's JSON (UTF-8) with `duplicate_of` set: what json.dumps of the changed article writes, without
    parsing and writing all of it again; and whether its length changed. The top-level key is the last one so
    named: strings escape their quotes, and after it comes only `pipeline`, whose keys are fixed."""
    at = data.rfind(_DUPLICATE_KEY)
    if at < 0:
        raise ValueError("no duplicate_of in the article")
    start = at + len(_DUPLICATE_KEY)
    tail = data[start:].decode("utf-8")  # the value and `pipeline`: a few dozen bytes
    _, end = _DECODER.raw_decode(tail)
    value = json.dumps(duplicate_of)
    return data[:start] + value.encode("utf-8") + tail[end:].encode("utf-8"), len(value) != end


def shard_name(number: int, suffix: str) -> str:
    """`articles-00000.jsonl` and so on."""
    return f"articles-{number:05d}.{suffix}"


def digest(record: dict[str, Any]) -> str:
    """sha256 of a record's canonical JSON: the same whichever format stored it."""
    return hashlib.sha256(json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _temp(path: Path) -> Path:
    """The temp name a shard is written under (the run removes leftovers of killed runs by this pattern)."""
    return path.with_name(f".{path.name}.tmp{os.getpid()}")


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
        self.writer.open(_temp(self.out / self.names[-1]))
        self._size = self._rows = 0

    def commit(self) -> None:
        """Renames the new shards into place and deletes the previous run's shards beyond them."""
        if self.names:
            self.writer.close()
        for name in self.names:
            os.replace(_temp(self.out / name), self.out / name)
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
            _temp(self.out / name).unlink(missing_ok=True)


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


class Output:
    """Where a run's articles go: files (`json`) written here from the JSON the workers send, or by the workers
    themselves on a cluster; or shards written here in input order. Each article's entry goes to `journal` (the run
    state) once the article is in place."""

    def __init__(self, out: Path, config: WriteConfig, journal: Callable[[str, Entry], None]) -> None:
        self.out, self.format, self.shard_bytes, self.journal = out, config.format, config.shard_bytes, journal
        self.shards: Shards | None = None
        self.previous: Previous | None = None
        self._writers: ThreadPoolExecutor | None = None
        self._pending: deque[tuple[Future[int], str, Entry]] = deque()
        if self.format != "json":
            self.shards, self.previous = shards_for(self.format, out, self.shard_bytes)

    def checker(self) -> Callable[[Entry], bool]:
        """Whether an unchanged input's record can be copied: always for files; for shards, when it is found intact
        there (asked in input order, so each shard is read once)."""
        if self.shards is None:
            return lambda entry: True
        check = shards_for(self.format, self.out, self.shard_bytes)[1]
        return lambda entry: check.get(entry.record) is not None

    def put(self, path: str, entry: Entry, carry: dict[str, Any], duplicate_of: str | None) -> Entry:
        """Archives one article at `path` with its `duplicate_of`, which only this pass over the whole archive knows;
        returns its entry, which goes to `journal` once the article is in place. `carry` is what its worker sent
        (nothing for an unchanged article, which is already archived)."""
        row = {**entry.row, "duplicate_of": duplicate_of}
        if self.shards is None or self.previous is None:
            return self._put_file(path, entry, row, carry)
        record = carry["article"] if "article" in carry else self.previous.get(entry.record)
        if record is None:  # checked by `checker` under the run's lock: only a change behind our back gets here
            raise PipelineError(f"{entry.input}: its record vanished from the previous shards during the run")
        place = self.shards.add({**record, "duplicate_of": duplicate_of})
        done = Entry(entry.input, entry.key, {**row, "archive_path": place["shard"]}, place, entry.dedup)
        self.journal(path, done)  # the shards are put in place at the end; a killed run's rows are dropped (store.py)
        return done

    def _put_file(self, path: str, entry: Entry, row: dict[str, Any], carry: dict[str, Any]) -> Entry:
        """An article file: the worker's JSON written here, once, with its `duplicate_of`; or, when the worker wrote it
        (a cluster) or it is unchanged, rewritten only when its `duplicate_of` changed."""
        archive_path, duplicate_of = entry.row["archive_path"], row["duplicate_of"]
        if "payload" in carry:
            payload = carry["payload"] if duplicate_of is None else with_duplicate_of(carry["payload"], duplicate_of)[0]
        elif entry.row.get("duplicate_of") != duplicate_of:  # the worker wrote null; a skipped one may have changed
            payload = with_duplicate_of((self.out / archive_path).read_bytes(), duplicate_of)[0]
        else:
            done = Entry(entry.input, entry.key, row, {"bytes": carry.get("bytes", (entry.record or {}).get("bytes"))}, entry.dedup)
            self.journal(path, done)
            return done
        # The file's size goes into the state: a file another run changed behind its entry is redone.
        done = Entry(entry.input, entry.key, row, {"bytes": len(payload)}, entry.dedup)
        self._write(archive_path, payload, path, done)
        return done

    def _write(self, archive_path: str, payload: bytes, path: str, done: Entry) -> None:
        """Writes one article file in a thread while the run goes on; its entry is journaled when the file is in place,
        so a run killed before that redoes it."""
        if self._writers is None:
            self._writers = ThreadPoolExecutor(WRITE_THREADS, thread_name_prefix="write")
        self._pending.append((self._writers.submit(write_bytes, self.out / archive_path, payload), path, done))
        self._settle(WRITES_PENDING)

    def _settle(self, keep: int) -> None:
        """Journals the articles whose files are written, in order, waiting while more than `keep` are pending."""
        while self._pending and (len(self._pending) > keep or self._pending[0][0].done()):
            future, path, done = self._pending.popleft()
            try:
                future.result()
            except OSError as exc:
                raise PipelineError(f"cannot write {done.row['archive_path']}: {exc.strerror or exc}") from None
            self.journal(path, done)

    def _finish_writes(self, check: bool) -> None:
        """Waits for the files still being written; with `check`, journals them (the first failure is raised)."""
        try:
            if check:
                self._settle(0)
            for future, _, _ in self._pending:  # a failed run: its unjournaled articles are redone by the next
                future.exception()
            self._pending.clear()
        finally:
            if self._writers is not None:
                self._writers.shutdown(cancel_futures=True)
                self._writers = None

    def __enter__(self) -> Output:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        """Finishes the article files; puts the new shards in place when the run went through, drops them otherwise."""
        self._finish_writes(check=exc_type is None)
        if self.shards is None:
            return
        if exc_type is None:
            self.shards.commit()
        else:
            self.shards.abort()
