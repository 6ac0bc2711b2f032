"""The run state on disk: OUTPUT/.pipeline-state, an SQLite database, so a run's memory does not grow with the archive.

Two tables of the same shape: `previous`, the articles the archive held when the run started, looked up by archive
path (or by input, for the records of an export); `current`, the articles this run has archived so far, each
committed as it is added. `current` is the journal: a run killed at any point leaves its committed rows, which the
next run adds to `previous` (a JSON article file is in place before its row is added). When the run ends, `current`
becomes `previous` in one transaction. The JSON state file of older versions (and their journal) is imported as the
previous state once; an unreadable state file means no previous state, so everything is redone.
"""
from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from pipeline.archive.entry import Entry

from pipeline.archive.entry import Entry
from pipeline.archive.paths import STATE_FILE, record_order
from pipeline.errors import UsageError
from pipeline.run.keys import export_key
from pipeline.run.legacy import FORMAT, legacy_state
from pipeline.run.report import Leftovers

SCHEMA = 2  # PRAGMA user_version of the database; 1 was the JSON manifest
_TABLE = "(path TEXT PRIMARY KEY, input TEXT NOT NULL, key TEXT NOT NULL, row TEXT NOT NULL, record TEXT, dedup TEXT)"
_COLUMNS = "path, input, key, row, record, dedup"
_SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's own files next to the database


class State:
    """The previous run's articles and this run's, in OUTPUT/.pipeline-state."""

    def __init__(self, out: Path) -> None:
        self.out = out
        legacy = legacy_state(out)
        self.db = _open(out / STATE_FILE)
        if legacy is not None:
            self._import(*legacy)
        self._resume()

    @property
    def output(self) -> str:
        """write.format of the archive the state describes (`json` for an empty one)."""
        found = self.db.execute("SELECT value FROM meta WHERE name = 'output'").fetchone()
        return found[0] if found else "json"

    def has_previous(self) -> bool:
        """Whether the archive holds any article."""
        return self.db.execute("SELECT 1 FROM previous LIMIT 1").fetchone() is not None

    def start(self, output: str) -> None:
        """Marks the run as started, writing format `output`: its rows are a journal only for article files."""
        self._set("running", output)

    def fresh(self, rel: str, archive_path: str, key: str, records: bool = False) -> list[tuple[str, Entry]] | None:
        """The entries of `rel` when all its archive files are present and were made under the same key.

        With `records`, `archive_path` is an export's folder and every entry of `rel` under it counts."""
        found = self.recorded(rel, archive_path, records)
        if records:
            key = export_key(key, len(found))  # all of the export's records are there
        if not found or any(e.input != rel or e.key != key or not present(self.out, p, e) for p, e in found):
            return None
        return found

    def recorded(self, rel: str, archive_path: str, records: bool = False) -> list[tuple[str, Entry]]:
        """The previous entries at `archive_path` (with `records`, under that folder and made from `rel`), in order."""
        if not records:
            return list(self._entries("previous", "path = ?", (archive_path,)))
        prefix = archive_path + "/"
        found = self._entries("previous", "input = ? AND substr(path, 1, ?) = ?", (rel, len(prefix), prefix))
        return sorted(found, key=lambda item: record_order(item[0]))

    def add(self, archive_path: str, entry: Entry) -> None:
        """Records one article this run archived (or found unchanged); committed at once."""
        self.db.execute(f"INSERT OR REPLACE INTO current ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)", _row(archive_path, entry))

    def settle(self, inputs: set[str], prune: bool) -> Leftovers:
        """Adds the previous run's leftover files to this run's articles (or deletes them with `prune`); reports them."""
        found = Leftovers()
        left = "previous", "path NOT IN (SELECT path FROM current)", ()
        for path, entry in self._entries(*left, order=True):
            item = {"path": entry.input, "archive_path": path}
            (found.stale if entry.input in inputs else found.vanished).append(item)
            if prune:
                delete_archived(self.out, path)
                found.pruned.append(path)
        if not prune:
            self.db.execute(f"INSERT INTO current ({_COLUMNS}) SELECT {_COLUMNS} FROM previous WHERE {left[1]}")
        return found

    def save(self, output: str) -> None:
        """This run's articles become the previous state, in one transaction; the database is then closed."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute("DROP TABLE previous")
            self.db.execute("ALTER TABLE current RENAME TO previous")
            self.db.execute(f"CREATE TABLE current {_TABLE}")
            self.db.execute("CREATE INDEX IF NOT EXISTS previous_input ON previous (input)")
            self._set("output", output)
            self.db.execute("DELETE FROM meta WHERE name = 'running'")
        self.close()

    def close(self) -> None:
        """Closes the database (a no-op when closed)."""
        self.db.close()

    def entries(self, table: str = "previous") -> Iterator[tuple[str, Entry]]:
        """Every entry of `table`, by archive path."""
        return self._entries(table, "1", (), order=True)

    def _entries(self, table: str, where: str, args: tuple[Any, ...], order: bool = False) -> Iterator[tuple[str, Entry]]:
        """(archive path, entry) of the rows of `table` matching `where`; unreadable rows are skipped (redone)."""
        query = f"SELECT {_COLUMNS} FROM {table} WHERE {where}" + (" ORDER BY path" if order else "")
        for path, rel, key, row, record, dedup in self._stream(query, args):
            try:
                yield path, Entry(rel, key, json.loads(row), json.loads(record) if record else None, json.loads(dedup) if dedup else None)
            except ValueError:
                continue

    def _stream(self, query: str, args: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        """The rows of a query, fetched in batches (a separate cursor, so writes may go on meanwhile)."""
        with closing(self.db.cursor()) as cursor:
            cursor.execute(query, args)
            while batch := cursor.fetchmany(1000):
                yield from batch

    def _resume(self) -> None:
        """Adds the rows of a killed run to the previous state: its article files are in place. A killed shard run's
        rows point into shards that were never put in place, so they are dropped."""
        running = self.db.execute("SELECT value FROM meta WHERE name = 'running'").fetchone()
        with self.db:
            self.db.execute("BEGIN")
            if running and running[0] == "json" and self.db.execute("SELECT 1 FROM current LIMIT 1").fetchone():
                self.db.execute(f"INSERT OR REPLACE INTO previous ({_COLUMNS}) SELECT {_COLUMNS} FROM current")
                self._set("output", "json")
            self.db.execute("DELETE FROM current")
            self.db.execute("DELETE FROM meta WHERE name = 'running'")

    def _import(self, articles: dict[str, Entry], output: str) -> None:
        """Stores the previous state read from an older version's JSON files."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(f"INSERT OR REPLACE INTO previous ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                                (_row(path, entry) for path, entry in articles.items()))
            self._set("output", output)

    def _set(self, name: str, value: str) -> None:
        """One row of the meta table."""
        self.db.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))


def _open(path: Path) -> sqlite3.Connection:
    """The state database, created when missing; a file that is no state database of ours is replaced (redo)."""
    try:
        return _connect(path)
    except sqlite3.DatabaseError:
        for name in (path.name, *(path.name + s for s in _SIDE_FILES)):
            path.with_name(name).unlink(missing_ok=True)
        return _connect(path)


def _connect(path: Path) -> sqlite3.Connection:
    """Connects and creates the tables; an older or newer schema is dropped."""
    db = sqlite3.connect(path, isolation_level=None)  # autocommit: each added row is committed, a journal line
    try:
        # WAL: a commit is an append (no fsync with synchronous=NORMAL: it survives a killed process, as the
        # journal file it replaces did); the checkpoint on close syncs the database.
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
            with db:
                db.execute("BEGIN")
                for table in ("previous", "current", "meta"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
                db.execute(f"CREATE TABLE previous {_TABLE}")
                db.execute(f"CREATE TABLE current {_TABLE}")
                db.execute("CREATE INDEX previous_input ON previous (input)")
                db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
                db.execute(f"PRAGMA user_version = {SCHEMA}")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _row(archive_path: str, entry: Entry) -> tuple[str, str, str, str, str | None, str | None]:
    """One entry as stored."""
    dump = lambda value: None if value is None else json.dumps(value, ensure_ascii=False)  # noqa: E731
    return archive_path, entry.input, entry.key, json.dumps(entry.row, ensure_ascii=False), dump(entry.place), dump(entry.dedup)


def dump(out: Path) -> dict[str, Any]:
    """The state of the archive in `out` as the JSON manifest of older versions held it (for tests and tools)."""
    state = State(out)
    try:
        articles = {path: _entry_json(entry) for path, entry in state.entries()}
        return {"format": FORMAT, "output": state.output, "articles": articles}
    finally:
        state.close()


def _entry_json(entry: Entry) -> dict[str, Any]:
    """One entry in the JSON manifest's shape."""
    item: dict[str, Any] = {"input": entry.input, "key": entry.key, "row": entry.row}
    if entry.place is not None:
        item["record"] = entry.place
    if entry.dedup is not None:
        item["dedup"] = entry.dedup
    return item


def present(out: Path, archive_path: str, entry: Entry) -> bool:
    """Whether an entry's article is still in place: its file, of the size recorded (a file a killed run rewrote
    before the parent set its duplicate_of differs). A shard record is checked when read (archive.output.Output.checker)."""
    if entry.place is not None and "shard" in entry.place:
        return True
    try:
        info = (out / archive_path).stat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and (entry.place or {}).get("bytes") in (None, info.st_size)


def delete_archived(out: Path, archive_path: str) -> None:
    """Removes one archive file and the folders it leaves empty, never anything above `out`."""
    target = out / archive_path
    if not target.resolve().is_relative_to(out.resolve()):
        return  # a tampered manifest must not make --prune delete anything outside the archive
    target.unlink(missing_ok=True)
    parent = target.parent
    while parent != out and out in parent.parents:
        try:
            parent.rmdir()
        except OSError:
            break
        parent = parent.parent


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Holds a lock on the output folder for the run: two runs writing one archive would mix their manifests."""
    fd = os.open(out, os.O_RDONLY)  # a lock on the folder itself leaves no lock file behind
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"another run is writing to {out}; wait for it to finish") from None
        yield
    finally:
        os.close(fd)
