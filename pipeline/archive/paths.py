"""Where things are in an archive folder: the run's own files, and the archive path of each input and record."""
from __future__ import annotations

from pathlib import PurePosixPath

from pipeline.steps.read.inputs import multi
from pipeline.steps.read.records import Record

# No `.json` suffix on the run's own files: `archive/**/*.json` (DuckDB, shells) then matches the articles only.
INDEX_FILE = "index.jsonl"
RUN_FILE = "run.jsonl"  # JSON Lines (one line), not .json: `archive/**/*.json` must match the articles only
CARD_FILE = "README.md"  # the dataset card `datasets.load_dataset(OUT)` reads (archive/card.py)
STATE_FILE = ".pipeline-state"
JOURNAL_FILE = ".pipeline-journal.jsonl"  # older versions: one line per article archived by a run that has not finished
LEGACY_FILES = (".pipeline-state.json", "run.json")  # their names in older archives; removed by the next run
RESERVED = frozenset({"index.json", "run.json", ".pipeline-state.json", RUN_FILE, STATE_FILE})  # the run's own files, older names too


def output_paths(inputs: list[str]) -> dict[str, str]:
    """Archive path of each input: the same relative path with .json; colliding names keep their extension.

    An export holding one article per record (JSON, JSON Lines) gets a folder named like the input itself,
    with one `<record number>.json` per record (see record_path)."""
    out: dict[str, str] = {}
    taken: set[str] = set(RESERVED)
    for rel in inputs:
        candidate = _archive_name(rel)
        n = 0
        while candidate in taken:  # a.txt and a.md both included: the second keeps its extension, then a counter
            n += 1
            candidate = rel + (".json" if n == 1 else f".{n}.json")
        taken.add(candidate)
        out[rel] = candidate
    return out


def _archive_name(rel: str) -> str:
    """`a/b.txt` -> `a/b.json`, `a/b.txt.gz` -> `a/b.json`; an export `a/feed.jsonl` -> the folder `a/feed.jsonl`."""
    if multi(rel):
        return rel
    path = PurePosixPath(rel)
    if path.suffix.lower() == ".gz":
        path = path.with_suffix("")
    return str(path.with_suffix(".json")) if path.suffix else str(path) + ".json"


def record_path(target: str, record: Record) -> str:
    """Archive path of one record: `<export's folder>/<line or position>.json`, or the input's own archive path."""
    return target if record.number is None else f"{target}/{record.number}.json"


def record_order(archive_path: str) -> tuple[int, str]:
    """Records of an export in their order in the file (`feed.jsonl/10.json` after `feed.jsonl/9.json`)."""
    stem = archive_path.rsplit("/", 1)[-1].removesuffix(".json")
    return (int(stem), "") if stem.isdigit() else (0, archive_path)
