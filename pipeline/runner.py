"""A run over a folder: discover inputs, count repeated lines, clean every file, write the archive."""
from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from . import __version__
from .classify import fingerprint
from .config import Config
from .engine import Engine, InProcess, chunked, make_engine
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


def repeated_lines(root: Path, inputs: list[str], config: Config, engine: Engine | None = None,
                   progress: bool = False) -> dict[str, frozenset[str]]:
    """First pass: fingerprints of lines found in many files of the same folder, per folder.

    The files are read by `engine` (in parallel or on a cluster); only the counts live here.
    """
    rep = config.classify.repetition
    per_folder: dict[str, list[str]] = defaultdict(list)
    for rel in inputs:
        per_folder[str(PurePosixPath(rel).parent)].append(rel)
    thresholds = {folder: max(rep.min_files, rep.min_share * len(files)) for folder, files in per_folder.items()}
    counted = [folder for folder, files in per_folder.items() if rep.enabled and len(files) >= thresholds[folder]]
    result = {folder: frozenset[str]() for folder in per_folder}
    jobs = [(folder, str(root / rel)) for folder in counted for rel in per_folder[folder]]
    if not jobs:
        return result
    engine = engine or InProcess()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    found = engine.map_chunks(_fingerprint_chunk, jobs, _chunksize(len(jobs), engine.workers))
    for (folder, _), fingerprints in zip(jobs, _progress(found, len(jobs), "pass 1", progress)):
        counts[folder].update(fingerprints)
    for folder, counter in counts.items():
        result[folder] = frozenset(fp for fp, n in counter.items() if n >= thresholds[folder])
    return result


def _fingerprint_chunk(jobs: list[tuple[str, str]]) -> list[set[str]]:
    """Fingerprints of each file of a chunk, in a worker."""
    config = _WORKER["ctx"].config if "ctx" in _WORKER else _WORKER["config"]
    return [_file_fingerprints(Path(path), config) for _, path in jobs]


def _file_fingerprints(path: Path, config: Config) -> set[str]:
    """Distinct fingerprints of the short lines of one file; unreadable files count for nothing."""
    try:
        text, _ = decode(path.read_bytes(), config.read)
    except (OSError, ValueError, UnicodeDecodeError, LookupError):
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
Job = tuple[str, str, str]  # input path, relative path, archive path
Result = tuple[str, "dict[str, Any] | None", "str | None"]  # relative path, index row or None, error or None


def _init_worker(config: Config, out: str) -> None:
    """Keeps the config and the archive folder in each worker process; the context is built on first use."""
    _WORKER.clear()
    _WORKER.update(config=config, out=Path(out))


def _context() -> Context:
    """The worker's context (rules, models), built once: the first pass does not need it."""
    if "ctx" not in _WORKER:
        _WORKER["ctx"] = Context(_WORKER["config"])
    return _WORKER["ctx"]


def _work(job: Job, repeated: frozenset[str]) -> Result:
    """Cleans one file and writes its article, in a worker; returns its index row or the reason it failed."""
    path, rel, target = job
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return rel, None, f"cannot read: {exc.strerror or exc}"
    ctx = _context()
    try:
        art = clean_bytes(raw, rel, ctx, repeated)
    except InputError as exc:
        return rel, None, exc.reason
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run; the reason is recorded
        return rel, None, f"internal error: {type(exc).__name__}: {exc}"
    try:
        write_json(_WORKER["out"] / target, art, ctx.config.write.indent)
    except OSError as exc:
        return rel, None, f"cannot write {target}: {exc.strerror or exc}"
    return rel, index_row(art, target), None


def _work_chunks(payloads: list[tuple[dict[str, frozenset[str]], list[Job]]]) -> list[Result]:
    """Runs chunks of jobs; each chunk carries the repeated lines of the folders it touches."""
    return [_work(job, repeated[_folder(job[1])]) for repeated, jobs in payloads for job in jobs]


def _folder(rel: str) -> str:
    return str(PurePosixPath(rel).parent)


def _chunksize(jobs: int, workers: int) -> int:
    """Files per task: large enough to amortise the hand-over, small enough to balance the workers."""
    return max(1, min(64, jobs // (workers * 8) or 1))


def _results(jobs: list[Job], repeated: dict[str, frozenset[str]], engine: Engine) -> Iterator[Result]:
    """Runs the jobs on `engine`; results come back in input order."""
    size = _chunksize(len(jobs), engine.workers)
    payloads = (({_folder(j[1]): repeated[_folder(j[1])] for j in chunk}, chunk) for chunk in chunked(jobs, size))
    return engine.map_chunks(_work_chunks, payloads, 1)


def _progress(results: Iterator[Any], total: int, label: str, show: bool) -> Iterator[Any]:
    """A progress bar with rate and ETA on stderr when `show` (the CLI asks for it on a terminal only)."""
    if not show:
        return results
    from tqdm import tqdm

    return iter(tqdm(results, total=total, unit="doc", desc=label, file=sys.stderr, dynamic_ncols=True))


def run(input_dir: str | Path, output_dir: str | Path, config: Config, workers: int | None = None, progress: bool = False,
        engine: str = "local", scheduler: str | None = None, engine_options: dict[str, Any] | None = None) -> RunReport:
    """Cleans every selected file under `input_dir` into `output_dir`; returns the run report.

    `engine` is 'local' (processes on this machine) or 'dask' (`scheduler` address, or a LocalCluster).
    """
    root, out = Path(input_dir), Path(output_dir)
    if not root.is_dir():
        raise UsageError(f"input folder not found: {root}")
    ctx = Context(config)
    inputs = discover(root, config, skip=out)
    targets = output_paths(inputs)
    report = RunReport(str(root), str(out))
    workers = workers if workers is not None else (config.workers or os.cpu_count() or 1)
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(str(root / rel), rel, targets[rel]) for rel in inputs]
    executor = make_engine(engine, min(workers, max(1, len(jobs))), scheduler, _init_worker, (config, str(out.resolve())),
                           **(engine_options or {}))
    try:
        repeated = repeated_lines(root, inputs, config, executor, progress)
        with _IndexWriter(out / "index.jsonl") as index:
            for rel, row, error in _progress(_results(jobs, repeated, executor), len(jobs), "clean", progress):
                if row is None:
                    report.failed.append({"path": rel, "reason": error or "unknown error"})
                    continue
                report.archived += 1
                report.removed_by_category.update(row["removed_by_category"])
                index.write(row)
    finally:
        executor.close()
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


class _IndexWriter:
    """index.jsonl, one row per article as results arrive (in input order), renamed into place at the end."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
        self._fh = open(self._tmp, "w", encoding="utf-8")

    def write(self, row: dict[str, Any]) -> None:
        """Appends one row."""
        self._fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    def __enter__(self) -> _IndexWriter:
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


__all__ = ["RunReport", "run", "discover", "PipelineError"]
