"""A run over a folder: discover inputs, count repeated lines, clean every file, write the archive."""
from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import __version__
from .classify import fingerprint
from .config import Config
from .errors import InputError, PipelineError, UsageError
from .process import Context, clean_bytes
from .read import decode, normalise_newlines


@dataclass
class RunReport:
    """What a run did; written as run.json."""

    input: str
    output: str
    started: float = field(default_factory=time.time)
    finished: float = 0.0
    archived: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    removed_by_category: Counter[str] = field(default_factory=Counter)

    def as_json(self, ctx: Context) -> dict[str, Any]:
        """run.json contents."""
        return {
            "input": self.input,
            "output": self.output,
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
            "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.finished)),
            "seconds": round(self.finished - self.started, 3),
            "inputs": self.archived + len(self.failed),
            "archived": self.archived,
            "failed": self.failed,
            "removed_by_category": dict(sorted(self.removed_by_category.items())),
            "pipeline": {"version": __version__, "config_sha256": ctx.config_sha256},
        }


def discover(root: Path, config: Config, skip: Path | None = None) -> list[str]:
    """Relative POSIX paths of the files under `root` matching the include globs and none of the excludes."""
    found: list[str] = []
    skip_resolved = skip.resolve() if skip else None
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        if skip_resolved is not None:
            dirnames[:] = [d for d in dirnames if (here / d).resolve() != skip_resolved]
        dirnames.sort()
        for name in sorted(filenames):
            rel = PurePosixPath((here / name).relative_to(root).as_posix())
            if _selected(rel, config):
                found.append(str(rel))
    return found


def _selected(rel: PurePosixPath, config: Config) -> bool:
    """Include/exclude globs; '**/' also matches files at the top level."""
    def hit(pattern: str) -> bool:
        return rel.match(pattern) or (pattern.startswith("**/") and rel.match(pattern[3:]))
    return any(hit(p) for p in config.include) and not any(hit(p) for p in config.exclude)


def output_paths(inputs: list[str]) -> dict[str, str]:
    """Archive path of each input: the same relative path with .json; colliding names keep their extension."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for rel in inputs:
        candidate = str(PurePosixPath(rel).with_suffix(".json"))
        if candidate in taken or candidate in ("index.json", "run.json"):
            candidate = rel + ".json"
        taken.add(candidate)
        out[rel] = candidate
    return out


def repeated_lines(root: Path, inputs: list[str], config: Config) -> dict[str, frozenset[str]]:
    """First pass: fingerprints of lines found in many files of the same folder, per folder."""
    rep = config.classify.repetition
    per_folder: dict[str, list[str]] = defaultdict(list)
    for rel in inputs:
        per_folder[str(PurePosixPath(rel).parent)].append(rel)
    result: dict[str, frozenset[str]] = {}
    for folder, files in per_folder.items():
        threshold = max(rep.min_files, rep.min_share * len(files))
        if not rep.enabled or len(files) < threshold:
            result[folder] = frozenset()
            continue
        counts: Counter[str] = Counter()
        for rel in files:
            counts.update(_file_fingerprints(root / rel, config))
        result[folder] = frozenset(fp for fp, n in counts.items() if n >= threshold)
    return result


def _file_fingerprints(path: Path, config: Config) -> set[str]:
    """Distinct fingerprints of the short lines of one file; unreadable files count for nothing."""
    try:
        text, _ = decode(path.read_bytes(), config.read)
    except (OSError, ValueError, UnicodeDecodeError):
        return set()
    limit = config.classify.repetition.max_words
    return {fingerprint(line) for line in normalise_newlines(text).split("\n") if line.strip() and len(line.split()) <= limit}


def write_json(path: Path, data: Any, indent: int | None) -> None:
    """Writes JSON atomically: a temp file in the same folder, fsync, rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    payload = json.dumps(data, ensure_ascii=False, indent=indent) + "\n"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


_WORKER: dict[str, Any] = {}


def _init_worker(config: Config) -> None:
    """Builds the context once per worker process."""
    _WORKER["ctx"] = Context(config)


def _work(job: tuple[str, str, frozenset[str]]) -> tuple[str, dict[str, Any] | None, str | None]:
    """Cleans one file in a worker; returns (relative path, article or None, error or None)."""
    path, rel, repeated = job
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return rel, None, f"cannot read: {exc.strerror or exc}"
    try:
        return rel, clean_bytes(raw, rel, _WORKER["ctx"], repeated), None
    except InputError as exc:
        return rel, None, exc.reason
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run; the reason is recorded
        return rel, None, f"internal error: {type(exc).__name__}: {exc}"


def _results(jobs: list[tuple[str, str, frozenset[str]]], config: Config, workers: int) -> Iterator[tuple[str, dict[str, Any] | None, str | None]]:
    """Runs the jobs in order, in this process or in a pool of `workers` processes."""
    if workers <= 1 or len(jobs) < 2:
        _init_worker(config)
        yield from map(_work, jobs)
        return
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(config,)) as pool:
        yield from pool.map(_work, jobs, chunksize=max(1, min(64, len(jobs) // (workers * 8) or 1)))


def run(input_dir: str | Path, output_dir: str | Path, config: Config, workers: int | None = None, progress: bool = False) -> RunReport:
    """Cleans every selected file under `input_dir` into `output_dir`; returns the run report."""
    root, out = Path(input_dir), Path(output_dir)
    if not root.is_dir():
        raise UsageError(f"input folder not found: {root}")
    ctx = Context(config)
    inputs = discover(root, config, skip=out)
    targets = output_paths(inputs)
    repeated = repeated_lines(root, inputs, config)
    report = RunReport(str(root), str(out))
    workers = workers if workers is not None else (config.workers or os.cpu_count() or 1)
    jobs = [(str(root / rel), rel, repeated[str(PurePosixPath(rel).parent)]) for rel in inputs]
    rows: list[dict[str, Any]] = []
    out.mkdir(parents=True, exist_ok=True)
    results = _results(jobs, config, workers)
    if progress:
        from tqdm import tqdm

        results = tqdm(results, total=len(jobs), unit="doc", file=sys.stderr)
    for rel, art, error in results:
        if art is None:
            report.failed.append({"path": rel, "reason": error or "unknown error"})
            continue
        write_json(out / targets[rel], art, config.write.indent)
        report.archived += 1
        report.removed_by_category.update(art["stats"]["removed_by_category"])
        rows.append(index_row(art, targets[rel]))
    _write_index(out / "index.jsonl", rows)
    report.finished = time.time()
    write_json(out / "run.json", report.as_json(ctx), 1)
    return report


def index_row(art: dict[str, Any], archive_path: str) -> dict[str, Any]:
    """One line of index.jsonl."""
    return {
        "id": art["id"], "path": art["source"]["path"], "archive_path": archive_path, "title": art["title"],
        "published": art["published"], "language": art["language"], "words": art["stats"]["words"],
        "removed": sum(art["stats"]["removed_by_category"].values()),
        "removed_by_category": art["stats"]["removed_by_category"],
    }


def _write_index(path: Path, rows: list[dict[str, Any]]) -> None:
    """index.jsonl, written atomically like every other file."""
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


__all__ = ["RunReport", "run", "discover", "PipelineError"]
