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
    record: dict[str, Any] | None = None  # its article file's `bytes`, or in a shard format its place (shards.Shards.add)
    dedup: dict[str, str] | None = None  # its text's sha256 and MinHash (archive.dedup.fingerprint), to find duplicates again
