"""Incremental runs: checks on the inputs and a manifest of what the archive holds, so a rerun redoes only what changed."""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import __version__
from .config import LimitsConfig
from .errors import UsageError
from .limits import overrun, size_overrun
from .sources import multi

# No `.json` suffix on the run's own files: `archive/**/*.json` (DuckDB, shells) then matches the articles only.
STATE_FILE = ".pipeline-state"
LEGACY_FILES = (".pipeline-state.json", "run.json")  # their names in older archives; removed by the next run
INCOMPLETE = "incomplete"  # the key of the articles of an export with a bad record: never fresh, so redone
JOURNAL_FILE = ".pipeline-journal.jsonl"  # one line per article archived by a run that has not finished yet
FORMAT = 1
_CODE = {".py", ".yaml", ".json", ".txt"}  # package files whose content shapes an article
_TEMP = re.compile(r"^\..+\.tmp\d+$")  # write_json's temp names; a killed run can leave them behind


@dataclass(slots=True)
class Entry:
    """One archived article: the input it came from, the key it was made under, its index.jsonl row."""

    input: str
    key: str
    row: dict[str, Any]
    record: dict[str, Any] | None = None  # its article file's `bytes`, or in a shard format its place (sinks.Shards.add)
    dedup: dict[str, str] | None = None  # its text's sha256 and MinHash (dedup.fingerprint), to find duplicates again


def input_key(source_sha256: str, config_sha256: str, repeated_sha256: str, archive_path: str) -> str:
    """Everything an article depends on: the code, the config, the input bytes, its folder's repeated lines, its path."""
    blob = "\0".join((__version__, code_sha256(), config_sha256, source_sha256, repeated_sha256, archive_path))
    return hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()


@lru_cache(maxsize=1)
def code_sha256() -> str:
    """Digest of the package's own files (code, rule catalogue, models): changed code redoes every article,
    even when the version number was not bumped."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.suffix in _CODE and "__pycache__" not in p.parts and p.is_file()):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def repeated_sha256(fingerprints: frozenset[str]) -> str:
    """Digest of a folder's repeated-line fingerprints: when they change, the folder's articles may change."""
    return hashlib.sha256("\n".join(sorted(fingerprints)).encode("utf-8", "surrogateescape")).hexdigest()


def check_inputs(root: Path, inputs: list[str], limits: LimitsConfig) -> tuple[dict[str, str], list[dict[str, str]]]:
    """SHA-256 of every readable input within the limits, and a failure (path, reason) for each other one."""
    digests: dict[str, str] = {}
    failed: list[dict[str, str]] = []
    for rel in inputs:
        digest, reason = _check(root / rel, export_limits(limits) if multi(rel) else limits)
        if reason and multi(rel):
            reason = reason.replace("limits.max_bytes", "limits.max_export_bytes")
        if reason is None:
            digests[rel] = digest
        else:
            failed.append({"path": rel, "reason": reason})
    return digests, failed


def export_limits(limits: LimitsConfig) -> LimitsConfig:
    """The limits of an export file as a whole; each of its records is held to `limits` when cleaned."""
    return limits.model_copy(update={"max_bytes": limits.max_export_bytes, "max_lines": 2**62})


def _check(path: Path, limits: LimitsConfig) -> tuple[str, str | None]:
    """(sha256, None) for a usable input, ("", reason) otherwise; never opens a FIFO or a device."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return "", "not a regular file (a FIFO, socket or device); only files are read"
        reason = size_overrun(info.st_size, limits)
        raw = b"" if reason else path.read_bytes()
    except OSError as exc:
        return "", f"cannot read: {exc.strerror or exc}"
    reason = reason or overrun(raw, limits)
    return ("", reason) if reason else (hashlib.sha256(raw).hexdigest(), None)


@dataclass
class Manifest:
    """OUTPUT/.pipeline-state: archive path -> Entry for every article file a run has written."""

    entries: dict[str, Entry] = field(default_factory=dict)
    output: str = "json"  # write.format of the archive

    @classmethod
    def load(cls, out: Path) -> Manifest:
        """The manifest in `out` plus the journal of a killed run; missing or unreadable means empty (redo)."""
        manifest = cls()
        try:
            data = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
            if data.get("format") == FORMAT:
                manifest.output = data.get("output", "json")
                manifest.entries = {path: Entry(**entry) for path, entry in data["articles"].items()}
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            pass
        manifest.entries.update(_journal(out / JOURNAL_FILE))
        return manifest

    def fresh(self, rel: str, archive_path: str, key: str, out: Path, records: bool = False) -> list[tuple[str, Entry]] | None:
        """The entries of `rel` when all its archive files are present and were made under the same key.

        With `records`, `archive_path` is an export's folder and every entry of `rel` under it counts."""
        if records:
            found = [(p, e) for p, e in self.entries.items() if e.input == rel and p.startswith(archive_path + "/")]
            key = f"{key}:{len(found)}"  # all of the export's records are there (runner: the key of an export)
        else:
            found = [(archive_path, self.entries[archive_path])] if archive_path in self.entries else []
        if not found or any(e.input != rel or e.key != key or not _present(out, p, e) for p, e in found):
            return None
        return sorted(found, key=lambda item: _record_order(item[0]))

    def as_json(self) -> dict[str, Any]:
        """The manifest file contents; sorted, so equal archives have equal manifests."""
        articles = {path: _entry_json(e) for path, e in sorted(self.entries.items())}
        return {**self.as_json_head(), "articles": articles}

    def json_parts(self) -> Iterator[str]:
        """The text of json.dumps(self.as_json()) and a newline, one article at a time: whole, it is ~100 MB at
        100,000 articles, and so is its UTF-8 copy."""
        head = json.dumps({**self.as_json_head(), "articles": {}}, ensure_ascii=False)
        yield head[:-2]  # up to the articles' opening "{"
        for n, (path, entry) in enumerate(sorted(self.entries.items())):
            yield (", " if n else "") + json.dumps({path: _entry_json(entry)}, ensure_ascii=False)[1:-1]
        yield "}}\n"

    def as_json_head(self) -> dict[str, Any]:
        """The manifest's fields before its articles."""
        return {"format": FORMAT, "output": self.output}


def _present(out: Path, archive_path: str, entry: Entry) -> bool:
    """Whether an entry's article is still in place: its file, of the size recorded (a file a killed run rewrote
    before the parent set its duplicate_of differs). A shard record is checked when read (sinks.Output.usable)."""
    if entry.record is not None and "shard" in entry.record:
        return True
    try:
        info = (out / archive_path).stat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and (entry.record or {}).get("bytes") in (None, info.st_size)


def _entry_json(entry: Entry) -> dict[str, Any]:
    """One entry as stored."""
    item: dict[str, Any] = {"input": entry.input, "key": entry.key, "row": entry.row}
    if entry.record is not None:
        item["record"] = entry.record
    if entry.dedup is not None:
        item["dedup"] = entry.dedup
    return item


def _journal(path: Path) -> dict[str, Entry]:
    """The entries a killed run appended; a line cut by the kill is ignored (that article is redone)."""
    entries: dict[str, Entry] = {}
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return entries
    for line in lines:
        try:
            item = json.loads(line)
            archive_path = item.pop("archive_path")  # first: Entry(**item) must not see it
            entries[archive_path] = Entry(**item)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
    return entries


def _record_order(archive_path: str) -> tuple[int, str]:
    """Records of an export in their order in the file (`feed.jsonl/10.json` after `feed.jsonl/9.json`)."""
    stem = archive_path.rsplit("/", 1)[-1].removesuffix(".json")
    return (int(stem), "") if stem.isdigit() else (0, archive_path)


@dataclass
class Leftovers:
    """Archive files of an earlier run that no current input owns."""

    vanished: list[dict[str, str]] = field(default_factory=list)  # their input is gone
    stale: list[dict[str, str]] = field(default_factory=list)  # their input is still there but failed or moved
    pruned: list[str] = field(default_factory=list)  # deleted with --prune


def settle(previous: Manifest, current: Manifest, inputs: set[str], out: Path, prune: bool) -> Leftovers:
    """Adds the previous run's leftover files to `current` (or deletes them with `prune`) and reports them."""
    found = Leftovers()
    for path, entry in sorted(previous.entries.items()):
        if path in current.entries:
            continue  # rewritten by this run, possibly for another input
        item = {"path": entry.input, "archive_path": path}
        (found.stale if entry.input in inputs else found.vanished).append(item)
        if prune:
            _delete(out, path)
            found.pruned.append(path)
        else:
            current.entries[path] = entry
    return found


def _delete(out: Path, archive_path: str) -> None:
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


def remove_temp_files(out: Path) -> None:
    """Deletes the temp files a killed run left behind (only ours: `.<name>.tmp<pid>`), and our files' legacy names."""
    for name in LEGACY_FILES:
        (out / name).unlink(missing_ok=True)
    for dirpath, _, filenames in os.walk(out):
        for name in filenames:
            if _TEMP.match(name):
                (Path(dirpath) / name).unlink(missing_ok=True)


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


class Saver:
    """Collects this run's articles, journaling each one at once, so a killed run resumes where it was."""

    def __init__(self, out: Path, output: str = "json") -> None:
        self.out = out
        self.current = Manifest(output=output)
        # Appended after each article file is in place. Shards are in place only when the run ends, so a killed
        # shard run must resume from the previous state alone: no journal then.
        self.journal = open(out / JOURNAL_FILE, "a", encoding="utf-8") if output == "json" else None

    def add(self, archive_path: str, entry: Entry) -> None:
        """Records one article this run archived (or found unchanged)."""
        self.current.entries[archive_path] = entry
        if self.journal is None:
            return
        line = {"archive_path": archive_path, **_entry_json(entry)}
        self.journal.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.journal.flush()

    def save(self, manifest: Manifest) -> None:
        """Writes `manifest` atomically, then drops the journal it supersedes."""
        write_atomic(self.out / STATE_FILE, manifest.json_parts())
        if self.journal is not None:
            self.journal.close()
        (self.out / JOURNAL_FILE).unlink(missing_ok=True)


def write_atomic(path: Path, parts: Iterable[str]) -> None:
    """Writes text atomically (a temp file in the same folder, fsync, rename), streaming `parts`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.writelines(parts)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
