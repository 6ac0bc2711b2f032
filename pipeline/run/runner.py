"""A run over a folder: discover inputs, count repeated lines, clean every file, write the archive."""
from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.version import __version__
from pipeline.steps.classify.repetition import fingerprint
from pipeline.config import Config
from pipeline.run.engines import Engine, InProcess, chunked, make_engine
from pipeline.errors import InputError, PipelineError, UsageError
from pipeline.steps.classify.language import identify_language
from pipeline.compat.lightgbm_lean import import_lightgbm
from pipeline.archive import dedup
from pipeline.steps.flow import Context, clean_records
from pipeline.steps.read.decode import normalise_newlines
from pipeline.archive.shards import Output, write_bytes
from pipeline.steps.read.inputs import multi, texts
from pipeline.steps.read.records import Record
from pipeline.archive.entry import Entry
from pipeline.run.keys import INCOMPLETE, LEGACY_FILES, STATE_FILE, check_inputs, input_key, locked, remove_temp_files, repeated_sha256
from pipeline.run.state import Leftovers, State


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


def discover(root: Path, config: Config, skip: Path | None = None) -> list[str]:
    """Relative POSIX paths of the files under `root` matching the include globs and none of the excludes."""
    return scan(root, config, skip)[0]


def scan(root: Path, config: Config, skip: Path | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """The selected inputs under `root`, and those refused with a reason (symlinks leaving `root`, loops, bad names)."""
    found: list[str] = []
    refused: list[dict[str, str]] = []
    real_root = root.resolve()
    skip_resolved = skip.resolve() if skip else None

    def unlistable(exc: OSError) -> None:
        refused.append({"path": _printable(Path(exc.filename or "").relative_to(root).as_posix()),
                        "reason": f"cannot list folder: {exc.strerror or exc}"})

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlistable, followlinks=False):
        here = Path(dirpath)
        if here != root and not {STATE_FILE, *LEGACY_FILES[:1]}.isdisjoint(filenames):
            dirnames[:] = []  # an archive of ours inside the input folder: its .json files are no scraper exports
            continue
        for name in [d for d in dirnames if (here / d).is_symlink()]:
            if not (here / name).resolve().is_relative_to(real_root):
                refused.append({"path": _printable((here / name).relative_to(root).as_posix()),
                                "reason": "symlink to a folder outside the input folder; not followed"})
        dirnames[:] = sorted(d for d in dirnames if (here / d).resolve() != skip_resolved and not (here / d).is_symlink())
        for name in sorted(filenames):
            rel = PurePosixPath((here / name).relative_to(root).as_posix())
            if not _selected(rel, config):
                continue
            reason = _refusal(here / name, str(rel), real_root)
            if reason:
                refused.append({"path": _printable(str(rel)), "reason": reason})
            else:
                found.append(str(rel))
    return found, refused


def _refusal(path: Path, rel: str, real_root: Path) -> str | None:
    """Why a selected file is not read, or None: names that JSON cannot hold, symlinks that leave the input folder."""
    if _printable(rel) != rel:
        return "file name is not valid UTF-8; rename the file"
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "broken symlink or symlink loop"
    if not target.is_relative_to(real_root):
        return "symlink to a file outside the input folder; not followed"
    return None


def _printable(rel: str) -> str:
    """`rel` with undecodable file-name bytes shown as \\xNN escapes, so it can go into JSON."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _selected(rel: PurePosixPath, config: Config) -> bool:
    """Include/exclude globs; '**/' also matches files at the top level."""
    def hit(pattern: str) -> bool:
        return rel.match(pattern) or (pattern.startswith("**/") and rel.match(pattern[3:]))
    return any(hit(p) for p in config.include) and not any(hit(p) for p in config.exclude)


RUN_FILE = "run.jsonl"  # JSON Lines (one line), not .json: `archive/**/*.json` must match the articles only
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


def repeated_lines(root: Path, inputs: list[str], config: Config, engine: Engine | None = None,
                   progress: bool = False) -> dict[str, frozenset[str]]:
    """First pass: fingerprints of lines found in many files of the same folder, per folder.

    The files are read by `engine` (in parallel or on a cluster); only the counts live here.
    """
    rep = config.classify.repetition
    per_folder: dict[str, list[str]] = defaultdict(list)
    for rel in inputs:
        per_folder[str(PurePosixPath(rel).parent)].append(rel)
    # Each record of an export counts as a file would; how many an export holds is known once it is read.
    counted = [folder for folder, files in per_folder.items()
               if rep.enabled and (len(files) >= rep.min_files or any(multi(rel) for rel in files))]
    result = {folder: frozenset[str]() for folder in per_folder}
    count = sum(len(per_folder[folder]) for folder in counted)
    if not count:
        return result
    # A folder's files are consecutive: its counts are reduced to its repeated lines as soon as its last file is in,
    # so only one folder's counts are held at a time.
    jobs = ((folder, str(root / rel)) for folder in counted for rel in per_folder[folder])
    engine = engine or InProcess(_init_worker, (config, str(root)))
    left = {folder: len(per_folder[folder]) for folder in counted}
    counts: Counter[str] = Counter()
    documents = 0
    found = engine.map_chunks(_fingerprint_chunk, jobs, _chunksize(count, engine.workers))
    folders = (folder for folder in counted for _ in per_folder[folder])
    for folder, per_record in zip(folders, _progress(found, count, "pass 1", progress)):
        documents += len(per_record)
        for fingerprints in per_record:
            counts.update(fingerprints)
        left[folder] -= 1
        if not left[folder]:
            threshold = max(rep.min_files, rep.min_share * documents)
            result[folder] = frozenset(fp for fp, n in counts.items() if n >= threshold)
            counts, documents = Counter(), 0
    return result


def _fingerprint_chunk(jobs: list[tuple[str, str]]) -> list[list[set[str]]]:
    """Fingerprints of each file of a chunk, in a worker."""
    config = _WORKER["ctx"].config if "ctx" in _WORKER else _WORKER["config"]
    return [_file_fingerprints(Path(path), config) for _, path in jobs]


def _file_fingerprints(path: Path, config: Config) -> list[set[str]]:
    """Distinct fingerprints of the short lines of each record of one file; an unreadable file counts as one
    document with no lines, an unreadable export as none."""
    try:
        found = texts(path.name, path.read_bytes(), config)
    except (OSError, InputError, ValueError, UnicodeDecodeError, LookupError):
        return [] if multi(path.name) else [set()]
    limit = config.classify.repetition.max_words
    return [{fingerprint(line) for line in normalise_newlines(text).split("\n") if line.strip() and len(line.split()) <= limit}
            for text in found]


def json_bytes(data: Any, indent: int | None) -> bytes:
    """The bytes of a JSON file of the archive: UTF-8, not ASCII-escaped, ending in a newline."""
    return (json.dumps(data, ensure_ascii=False, indent=indent) + "\n").encode("utf-8")


def write_json(path: Path, data: Any, indent: int | None) -> int:
    """Writes JSON atomically (a temp file in the same folder, fsync, rename); returns the file's size."""
    return write_bytes(path, json_bytes(data, indent))


_WORKER: dict[str, Any] = {}
Job = tuple[str, str, str]  # input path, relative path, archive path (a folder for an export)
# archive path, index row or None, error or None, location of a record ("line 3") or "", and what the parent needs
# besides (the article, for shards; the recorded entry, for a skipped input)
Item = tuple[str, "dict[str, Any] | None", "str | None", str, "dict[str, Any]"]
Result = tuple[str, list[Item]]  # relative path, one item per record (one for a one-article file)


def _init_worker(config: Config, out: str, warm: bool = False, writes: bool = True) -> None:
    """Keeps the config and the archive folder in each worker process; with `warm` the context is built now, else on
    first use. With `writes` the worker writes its article files, else it sends their JSON to the parent."""
    _WORKER.clear()
    _WORKER.update(config=config, out=Path(out), writes=writes)
    if warm:
        _context()
        identify_language("")  # its model loads on first use, which takes a second


def _context() -> Context:
    """The worker's context (rules, models), built once: the first pass does not need it."""
    if "ctx" not in _WORKER:
        if _WORKER["config"].classify.model.enabled:
            import_lightgbm()  # before the model does, without what it would pull in besides
        _WORKER["ctx"] = Context(_WORKER["config"])
    return _WORKER["ctx"]


def _work(job: Job, repeated: frozenset[str]) -> Result:
    """Cleans one file and writes its articles, in a worker; returns an index row or the reason it failed per record."""
    path, rel, target = job
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return rel, [(target, None, f"cannot read: {exc.strerror or exc}", "", {})]
    ctx = _context()
    try:
        done = clean_records(raw, rel, ctx, repeated)
    except InputError as exc:
        return rel, [(target, None, exc.reason, "", {})]
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run; the reason is recorded
        return rel, [(target, None, f"internal error: {type(exc).__name__}: {exc}", "", {})]
    return rel, [_write(record_path(target, record), art, error, record.location, ctx) for record, art, error in done]


def _write(target: str, art: dict[str, Any] | None, error: str | None, location: str, ctx: Context) -> Item:
    """Writes one article, or hands it to the parent (which writes the shards in input order, and on this machine the
    files too: once, with their `duplicate_of`); its index row, or why it failed."""
    if art is None:
        return target, None, error, location, {}
    carry = {"dedup": dedup.fingerprint(art, ctx.config.dedup) if ctx.config.dedup.enabled else None}
    if ctx.config.write.format != "json":
        return target, index_row(art, target), None, location, {**carry, "article": art}
    payload = json_bytes(art, ctx.config.write.indent)
    if not _WORKER["writes"]:
        return target, index_row(art, target), None, location, {**carry, "payload": payload}
    try:
        carry["bytes"] = write_bytes(_WORKER["out"] / target, payload)
    except OSError as exc:
        return target, None, f"cannot write {target}: {exc.strerror or exc}", location, {}
    return target, index_row(art, target), None, location, carry


def _work_chunks(payloads: list[tuple[dict[str, frozenset[str]], list[Job]]]) -> list[Result]:
    """Runs chunks of jobs; each chunk carries the repeated lines of the folders it touches."""
    return [_work(job, repeated[_folder(job[1])]) for repeated, jobs in payloads for job in jobs]


def _folder(rel: str) -> str:
    return str(PurePosixPath(rel).parent)


def _chunksize(jobs: int, workers: int) -> int:
    """Files per task: large enough to amortise the hand-over, small enough to balance the workers."""
    return max(1, min(64, jobs // (workers * 8) or 1))


def _results(jobs: Iterable[Job], count: int, repeated: dict[str, frozenset[str]], engine: Engine) -> Iterator[Result]:
    """Runs the `count` jobs on `engine`; results come back in input order."""
    size = _chunksize(count, engine.workers)
    payloads = (({_folder(j[1]): repeated[_folder(j[1])] for j in chunk}, chunk) for chunk in chunked(jobs, size))
    return engine.map_chunks(_work_chunks, payloads, 1)


def _progress(results: Iterator[Any], total: int, label: str, show: bool) -> Iterator[Any]:
    """A progress bar with rate and ETA on stderr when `show` (the CLI asks for it on a terminal only)."""
    if not show:
        return results
    from tqdm import tqdm

    return iter(tqdm(results, total=total, unit="doc", desc=label, file=sys.stderr, dynamic_ncols=True))


def run(input_dir: str | Path, output_dir: str | Path, config: Config, workers: int | None = None, progress: bool = False,
        engine: str = "local", scheduler: str | None = None, engine_options: dict[str, Any] | None = None,
        force: bool = False, prune: bool = False) -> RunReport:
    """Cleans every selected file under `input_dir` into `output_dir`; returns the run report.

    `engine` is 'local' (processes on this machine) or 'dask' (`scheduler` address, or a LocalCluster).
    Incremental: inputs unchanged since the last run into `output_dir` are skipped unless `force`;
    archive files whose input vanished are reported, and deleted only with `prune`.
    """
    root, out = _folders(Path(input_dir), Path(output_dir))
    with locked(out):
        return _run(root, out, config, workers, progress, engine, scheduler, engine_options or {}, force, prune)


def _folders(root: Path, out: Path) -> tuple[Path, Path]:
    """Checks the input folder and creates the output folder (which may sit inside the input one, but not be it)."""
    if not root.is_dir():
        raise UsageError(f"input folder not found: {root}")
    if out.resolve() == root.resolve():
        raise UsageError(f"the output folder is the input folder ({root}); pass another one with -o")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the output folder {out}: {exc.strerror or exc}") from None
    return root, out


def _run(root: Path, out: Path, config: Config, workers: int | None, progress: bool, engine: str, scheduler: str | None,
         engine_options: dict[str, Any], force: bool, prune: bool) -> RunReport:
    """The run itself, under the output folder's lock."""
    config_sha256 = config.sha256()  # the workers build the full context; the parent only needs this
    report = RunReport(str(root), str(out))
    remove_temp_files(out)
    duplicates = dedup.Duplicates(config.dedup) if config.dedup.enabled else None  # a bad setting: nothing written yet
    state = _state(out, config.write.format)
    try:
        found = _clean_all(root, out, config, config_sha256, report, state, duplicates, workers, progress, engine, scheduler,
                           engine_options, force)
        # Shards hold exactly this run's articles: an article whose input vanished cannot stay behind in them.
        prune = prune or config.write.format != "json"
        # An archive file of an input that is there but failed is stale, not vanished.
        report.leftovers = state.settle(set(found) | {f["path"] for f in report.failed}, prune)
        state.save(config.write.format)
    finally:
        state.close()
        if duplicates is not None:
            duplicates.close()
    report.finished = time.time()
    write_json(out / RUN_FILE, report.as_json(config_sha256), None)
    return report


def _clean_all(root: Path, out: Path, config: Config, config_sha256: str, report: RunReport, state: State,
               duplicates: dedup.Duplicates | None, workers: int | None, progress: bool, engine: str, scheduler: str | None,
               engine_options: dict[str, Any], force: bool) -> list[str]:
    """Cleans the new and changed inputs, copies the unchanged ones, and records every article in `state`; returns
    the selected inputs."""
    output = Output(out, config.write, state.add)
    found, report.failed = scan(root, config, skip=out)
    workers = workers if workers is not None else (config.workers or os.cpu_count() or 1)
    # Started before the per-input state below exists: forked workers would carry a copy of it. When every input is to
    # be cleaned, the workers load their models while this process hashes the inputs (they would wait for it anyway);
    # a rerun may skip them all, so it leaves the loading to the first file cleaned.
    warm = bool(found) and (force or not state.has_previous())
    executor = make_engine(engine, min(workers, max(1, len(found))), scheduler, _init_worker,
                           (config, str(out.resolve()), warm, engine != "local"), **engine_options)
    try:
        state.start(config.write.format)
        digests, unusable = check_inputs(root, found, config.limits)
        report.failed += unusable
        inputs = [rel for rel in found if rel in digests]
        targets = output_paths(inputs)
        repeated = repeated_lines(root, inputs, config, executor, progress)
        context = {folder: repeated_sha256(fps) for folder, fps in repeated.items()}

        def key_of(rel: str) -> str:
            return input_key(digests[rel], config_sha256, context[_folder(rel)], targets[rel])

        fresh = set() if force else _fresh(inputs, targets, key_of, state, output.checker())
        todo = ((str(root / rel), rel, targets[rel]) for rel in inputs if rel not in fresh)
        results = _progress(_results(todo, len(inputs) - len(fresh), repeated, executor), len(inputs) - len(fresh), "clean", progress)
        with _IndexWriter(out / "index.jsonl") as index, output:
            for rel, items in _with_skipped(inputs, fresh, results, state, targets):
                # An export with a bad record is redone by every run, so its failure is reported each time.
                key = key_of(rel) if all(item[1] is not None for item in items) else INCOMPLETE
                # An export's entries also say how many records it archived: a run killed half-way through
                # journaling them leaves fewer entries than that, and the export is redone.
                key = f"{key}:{len(items)}" if multi(rel) and key != INCOMPLETE else key
                for target, row, error, location, carry in items:
                    if row is None:
                        report.failed.append(failure(rel, error or "unknown error", location))
                        continue
                    entry = carry.get("entry") or Entry(rel, key, row, dedup=carry.get("dedup"))
                    entry = output.put(target, entry, carry, duplicates.check(row["id"], entry.dedup) if duplicates else None)
                    report.archived += 1
                    report.removed_by_category.update(row["removed_by_category"])
                    index.write(entry.row)
    finally:
        executor.close()
    report.skipped = len(fresh)
    return found


def _fresh(inputs: list[str], targets: dict[str, str], key_of: Callable[[str], str], state: State,
           usable: Callable[[Entry], bool]) -> set[str]:
    """The inputs whose articles are all in the archive, made under the same key (in input order: shards are read once)."""
    fresh: set[str] = set()
    for rel in inputs:
        found = state.fresh(rel, targets[rel], key_of(rel), multi(rel))
        if found and all(usable(entry) for _, entry in found):
            fresh.add(rel)
    return fresh


def failure(rel: str, reason: str, location: str = "") -> dict[str, str]:
    """A run report `failed` entry; `location` ("line 3", "record 3") for one bad record of an export."""
    return {"path": rel, "location": location, "reason": reason} if location else {"path": rel, "reason": reason}


def _with_skipped(inputs: list[str], fresh: set[str], results: Iterator[Result], state: State,
                  targets: dict[str, str]) -> Iterator[Result]:
    """The results of the redone inputs and the recorded entries of the skipped ones, in input order."""
    for rel in inputs:
        if rel not in fresh:
            yield next(results)
            continue
        found = state.recorded(rel, targets[rel], multi(rel))
        yield rel, [(path, e.row, None, "", {"entry": e}) for path, e in found]


def _state(out: Path, fmt: str) -> State:
    """The state of the archive in `out`, which must be of format `fmt` (or empty)."""
    state = State(out)
    if state.has_previous() and (held := state.output) != fmt:
        state.close()
        raise UsageError(f"{out} holds an archive in format {held}; write format {fmt} into another folder")
    return state


def index_row(art: dict[str, Any], archive_path: str) -> dict[str, Any]:
    """One line of index.jsonl."""
    return {
        "id": art["id"], "path": art["source"]["path"], "archive_path": archive_path, "title": art["title"],
        "published": art["published"], "url": art["url"], "site": art["site"], "language": art["language"],
        "words": art["stats"]["words"],
        "removed": sum(art["stats"]["removed_by_category"].values()),
        "removed_by_category": art["stats"]["removed_by_category"], "duplicate_of": art["duplicate_of"],
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
