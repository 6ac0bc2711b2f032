"""One archived article as the run state records it: its input, the key it was made under, its index row."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Entry:
    """One archived article: the input it came from, the key it was made under, its index.jsonl row."""

    input: str
    key: str
    row: dict[str, Any]
    place: dict[str, Any] | None = None  # where it is: its article file's `bytes`, or its shard, row and sha256 (Shards.add)
    dedup: dict[str, str] | None = None  # its text's sha256 and MinHash (archive.dedup.fingerprint), to find duplicates again


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the run's parent gets for one record of an input: where its article goes, or why it failed, and what the
    parent needs to put it in place (a worker's result, or the recorded entry of an unchanged input)."""

    target: str  # its archive path
    row: dict[str, Any] | None = None  # its index.jsonl row; None when it failed
    error: str | None = None  # why it failed
    location: str = ""  # where a failed record sits in an export ("line 3"), else ""
    dedup: dict[str, str] | None = None  # its fingerprint (archive.dedup), when dedup is on
    article: dict[str, Any] | None = None  # the article itself, which the parent writes into the shards
    payload: bytes | None = None  # its file's JSON, which the parent writes
    written: int | None = None  # the size of the file the worker wrote itself (on a cluster)
    entry: Entry | None = None  # the recorded entry of an unchanged input, which was not cleaned again
