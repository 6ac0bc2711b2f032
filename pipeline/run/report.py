"""What a run did: the report written as run.jsonl, and the archive files no current input owns."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pipeline.version import __version__


@dataclass
class Leftovers:
    """Archive files of an earlier run that no current input owns."""

    vanished: list[dict[str, str]] = field(default_factory=list)  # their input is gone
    stale: list[dict[str, str]] = field(default_factory=list)  # their input is still there but failed or moved
    pruned: list[str] = field(default_factory=list)  # deleted with --prune


@dataclass
class RunReport:
    """What a run did; written as run.jsonl."""

    input: str
    output: str
    started: float = field(default_factory=time.time)
    finished: float = 0.0
    archived: int = 0  # articles of this run's inputs now in the archive, skipped ones included
    skipped: int = 0  # unchanged since the last run (same bytes, config, code and folder context): not redone
    failed: list[dict[str, str]] = field(default_factory=list)
    leftovers: Leftovers = field(default_factory=Leftovers)
    removed_by_category: Counter[str] = field(default_factory=Counter)

    def as_json(self, config_sha256: str) -> dict[str, Any]:
        """run.jsonl contents (one line)."""
        return {
            "input": self.input,
            "output": self.output,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
            "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.finished)),
            "seconds": round(self.finished - self.started, 3),
            "inputs": self.archived + len(self.failed),
            "archived": self.archived,
            "skipped": self.skipped,
            "failed": sorted(self.failed, key=lambda f: f["path"]),
            "vanished": self.leftovers.vanished,
            "stale": self.leftovers.stale,
            "pruned": self.leftovers.pruned,
            "removed_by_category": dict(sorted(self.removed_by_category.items())),
            "pipeline": {"version": __version__, "config_sha256": config_sha256},
        }


def failure(rel: str, reason: str, location: str = "") -> dict[str, str]:
    """A run report `failed` entry; `location` ("line 3", "record 3") for one bad record of an export."""
    return {"path": rel, "location": location, "reason": reason} if location else {"path": rel, "reason": reason}
