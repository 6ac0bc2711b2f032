"""Incremental runs: checks on the inputs, the key each article is made under, the archive folder's lock and clean-up
(the state itself is in store.py)."""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager

from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.version import __version__
from pipeline.archive.entry import Entry
from pipeline.config import LimitsConfig
from pipeline.errors import UsageError
from pipeline.steps.limits import overrun, size_overrun
from pipeline.steps.read.inputs import multi

# No `.json` suffix on the run's own files: `archive/**/*.json` (DuckDB, shells) then matches the articles only.
STATE_FILE = ".pipeline-state"
LEGACY_FILES = (".pipeline-state.json", "run.json")  # their names in older archives; removed by the next run
INCOMPLETE = "incomplete"  # the key of the articles of an export with a bad record: never fresh, so redone
JOURNAL_FILE = ".pipeline-journal.jsonl"  # older versions: one line per article archived by a run that has not finished
FORMAT = 1  # older versions' JSON state file (`format` key); imported by store.State
_CODE = {".py", ".yaml", ".json", ".txt"}  # package files whose content shapes an article
_TEMP = re.compile(r"^\..+\.tmp\d+$")  # write_json's temp names; a killed run can leave them behind


def input_key(source_sha256: str, config_sha256: str, repeated_sha256: str, archive_path: str) -> str:
    """Everything an article depends on: the code, the config, the input bytes, its folder's repeated lines, its path."""
    blob = "\0".join((__version__, code_sha256(), config_sha256, source_sha256, repeated_sha256, archive_path))
    return hashlib.sha256(blob.encode("utf-8", "surrogateescape")).hexdigest()


@lru_cache(maxsize=1)
def code_sha256() -> str:
    """Digest of the package's own files (code, rule catalogue, models): changed code redoes every article,
    even when the version number was not bumped."""
    package = Path(__file__).resolve().parent.parent
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


def present(out: Path, archive_path: str, entry: Entry) -> bool:
    """Whether an entry's article is still in place: its file, of the size recorded (a file a killed run rewrote
    before the parent set its duplicate_of differs). A shard record is checked when read (sinks.Output.checker)."""
    if entry.record is not None and "shard" in entry.record:
        return True
    try:
        info = (out / archive_path).stat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and (entry.record or {}).get("bytes") in (None, info.st_size)


def record_order(archive_path: str) -> tuple[int, str]:
    """Records of an export in their order in the file (`feed.jsonl/10.json` after `feed.jsonl/9.json`)."""
    stem = archive_path.rsplit("/", 1)[-1].removesuffix(".json")
    return (int(stem), "") if stem.isdigit() else (0, archive_path)


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
