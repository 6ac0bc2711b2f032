"""The run state of older versions: a JSON manifest and a journal of JSON lines, imported once as the previous state."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pipeline.archive.entry import Entry
from pipeline.archive.paths import JOURNAL_FILE, STATE_FILE

FORMAT = 1  # the JSON manifest's `format` key


def legacy_state(out: Path) -> tuple[dict[str, Entry], str] | None:
    """The articles and format of an older version's JSON state file plus its journal, which are then deleted;
    None when there is none (an unreadable one counts as empty)."""
    path = out / STATE_FILE
    try:
        with open(path, "rb") as fh:
            if fh.read(16) == b"SQLite format 3\0":
                return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = None
    journal = out / JOURNAL_FILE
    if text is None and not journal.exists():
        return None
    articles, output = _manifest(text or "")
    articles.update(_journal(journal))
    path.unlink(missing_ok=True)
    journal.unlink(missing_ok=True)
    return articles, output


def _manifest(text: str) -> tuple[dict[str, Entry], str]:
    """Entries and format of a JSON manifest; missing or unreadable means empty."""
    try:
        data = json.loads(text)
        if data.get("format") == FORMAT:
            return {path: _entry(entry) for path, entry in data["articles"].items()}, data.get("output", "json")
    except (ValueError, TypeError, KeyError, AttributeError):
        pass
    return {}, "json"


def _journal(path: Path) -> dict[str, Entry]:
    """The entries an older version's killed run appended; a line cut by the kill is ignored (that article is redone)."""
    entries: dict[str, Entry] = {}
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return entries
    for line in lines:
        try:
            item = json.loads(line)
            archive_path = item.pop("archive_path")  # first: the entry must not see it
            entries[archive_path] = _entry(item)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
    return entries


def _entry(item: dict[str, Any]) -> Entry:
    """An entry as the JSON files stored it (its place under the key `record`)."""
    fields = dict(item)
    if "record" in fields:
        fields["place"] = fields.pop("record")
    return Entry(**fields)
