"""index.jsonl: one row per article, in input order, written as results arrive and renamed into place at the end."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pipeline.archive.files import temp_path


def index_row(art: dict[str, Any], archive_path: str) -> dict[str, Any]:
    """One line of index.jsonl."""
    return {
        "id": art["id"], "path": art["source"]["path"], "archive_path": archive_path, "title": art["title"],
        "published": art["published"], "url": art["url"], "site": art["site"], "language": art["language"],
        "words": art["stats"]["words"],
        "removed": sum(item["count"] for item in art["stats"]["removed_by_category"]),
        "removed_by_category": art["stats"]["removed_by_category"], "duplicate_of": art["duplicate_of"],
    }


class IndexWriter:
    """index.jsonl, one row per article as results arrive (in input order), renamed into place at the end."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._tmp = temp_path(path)
        self._fh = open(self._tmp, "w", encoding="utf-8")

    def write(self, row: dict[str, Any]) -> None:
        """Appends one row."""
        self._fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        """Completes the index atomically, or drops the partial one when the run failed."""
        if exc_type is None:
            self._fh.flush()
            os.fsync(self._fh.fileno())
        self._fh.close()
        if exc_type is None:
            os.replace(self._tmp, self._path)
        else:
            self._tmp.unlink(missing_ok=True)
