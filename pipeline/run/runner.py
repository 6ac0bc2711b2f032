"""A run over a folder: discover inputs, count repeated lines, clean every file, write the archive.

The parent process plans and writes; the per-file work runs on an engine (worker.py). Inputs unchanged since the
last run into the same archive are skipped (keys.py, state.py); results come back in input order, so the archive
does not depend on the number of workers.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.archive import dedup
from pipeline.archive.entry import Entry, Outcome
from pipeline.archive.files import remove_temp_files, write_bytes, write_json
from pipeline.archive.index import IndexWriter
from pipeline.archive.output import Output
from pipeline.archive.card import card_to_write
from pipeline.archive.paths import CARD_FILE, INDEX_FILE, LEGACY_FILES, RUN_FILE, output_paths
from pipeline.config import Config
from pipeline.errors import UsageError
from pipeline.run.engines import Engine, chunked, make_engine, progress_bar
from pipeline.run.inputs import check_inputs, discover, scan
from pipeline.run.keys import INCOMPLETE, export_key, input_key, repeated_sha256
from pipeline.run.report import RunReport, failure
from pipeline.run.repetition import repeated_lines
from pipeline.run.state import State, locked
from pipeline.run.worker import Job, Result, chunksize, folder_of, init_worker, work_chunks
from pipeline.steps.read.inputs import multi


@dataclass(frozen=True)
class Options:
    """How a run goes: where the work runs, and what it redoes and deletes."""

    workers: int | None = None  # worker processes; None: the config's, or one per core
    progress: bool = False
    engine: str = "local"
    scheduler: str | None = None
    engine_options: dict[str, Any] = field(default_factory=dict)
    force: bool = False  # redo every input
    prune: bool = False  # delete archive files no input owns


def run(input_dir: str | Path, output_dir: str | Path, config: Config, workers: int | None = None, progress: bool = False,
        engine: str = "local", scheduler: str | None = None, engine_options: dict[str, Any] | None = None,
        force: bool = False, prune: bool = False) -> RunReport:
    """Cleans every selected file under `input_dir` into `output_dir`; returns the run report.

    `engine` is 'local' (processes on this machine) or 'dask' (`scheduler` address, or a LocalCluster).
    Incremental: inputs unchanged since the last run into `output_dir` are skipped unless `force`;
    archive files whose input vanished are reported, and deleted only with `prune`.
    """
    root, out = _folders(Path(input_dir), Path(output_dir))
    options = Options(workers, progress, engine, scheduler, engine_options or {}, force, prune)
    with locked(out):
        return _run(root, out, config, options)


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


def _run(root: Path, out: Path, config: Config, options: Options) -> RunReport:
    """The run itself, under the output folder's lock."""
    config_sha256 = config.sha256()  # the workers build the full context; the parent only needs this
    report = RunReport(str(root), str(out))
    _tidy(out)
    duplicates = dedup.Duplicates(config.dedup) if config.dedup.enabled else None  # a bad setting: nothing written yet
    state = _state(out, config.write.format)
    try:
        found = _Cleaning(root, out, config, config_sha256, report, state, duplicates).clean_all(options)
        # Shards hold exactly this run's articles: an article whose input vanished cannot stay behind in them.
        prune = options.prune or config.write.format != "json"
        # An archive file of an input that is there but failed is stale, not vanished.
        report.leftovers = state.settle(set(found) | {f["path"] for f in report.failed}, prune)
        state.save(config.write.format)
    finally:
        state.close()
        if duplicates is not None:
            duplicates.close()
    report.finished = time.time()
    card_path = out / CARD_FILE
    card = card_to_write(card_path.read_text(encoding="utf-8", errors="replace") if card_path.exists() else None,
                         config.write.format)
    if card is not None:  # a README.md the user keeps in the output folder is never overwritten
        write_bytes(card_path, card.encode("utf-8"))
    write_json(out / RUN_FILE, report.as_json(config_sha256), None)
    return report


def _tidy(out: Path) -> None:
    """Removes what killed runs left behind (temp files) and our files' names in older versions."""
    for name in LEGACY_FILES:
        (out / name).unlink(missing_ok=True)
    remove_temp_files(out)


def _state(out: Path, fmt: str) -> State:
    """The state of the archive in `out`, which must be of format `fmt` (or empty)."""
    state = State(out)
    if state.has_previous() and (held := state.output) != fmt:
        state.close()
        raise UsageError(f"{out} holds an archive in format {held}; write format {fmt} into another folder")
    return state


@dataclass
class _Cleaning:
    """The cleaning of one run: what it needs from the run, and its steps."""

    root: Path
    out: Path
    config: Config
    config_sha256: str
    report: RunReport
    state: State
    duplicates: dedup.Duplicates | None

    def clean_all(self, options: Options) -> list[str]:
        """Cleans the new and changed inputs, copies the unchanged ones, and records every article in the state;
        returns the selected inputs."""
        found, self.report.failed = scan(self.root, self.config, skip=self.out)
        executor = self._engine(found, options)
        try:
            self.state.start(self.config.write.format)
            digests, unusable = check_inputs(self.root, found, self.config.limits)
            self.report.failed += unusable
            inputs = [rel for rel in found if rel in digests]
            targets = output_paths(inputs)
            repeated = repeated_lines(self.root, inputs, self.config, executor, options.progress)
            context = {folder: repeated_sha256(fps) for folder, fps in repeated.items()}

            def key_of(rel: str) -> str:
                return input_key(digests[rel], self.config_sha256, context[folder_of(rel)], targets[rel])

            output = Output(self.out, self.config.write, self.state.add)
            fresh = set() if options.force else _fresh(inputs, targets, key_of, self.state, output.checker())
            todo = ((str(self.root / rel), rel, targets[rel]) for rel in inputs if rel not in fresh)
            count = len(inputs) - len(fresh)
            results = progress_bar(_results(todo, count, repeated, executor), count, "clean", options.progress)
            with IndexWriter(self.out / INDEX_FILE) as index, output:
                for rel, outcomes in _with_skipped(inputs, fresh, results, self.state, targets):
                    self._archive(rel, outcomes, key_of, output, index)
        finally:
            executor.close()
        self.report.skipped = len(fresh)
        return found

    def _engine(self, found: list[str], options: Options) -> Engine:
        """The engine of the per-file work, its workers started now.

        Started before the per-input state exists: forked workers would carry a copy of it. When every input is to
        be cleaned, the workers load their models while this process hashes the inputs (they would wait for it
        anyway); a rerun may skip them all, so it leaves the loading to the first file cleaned."""
        workers = options.workers if options.workers is not None else (self.config.workers or os.cpu_count() or 1)
        warm = bool(found) and (options.force or not self.state.has_previous())
        return make_engine(options.engine, min(workers, max(1, len(found))), options.scheduler, init_worker,
                           (self.config, str(self.out.resolve()), warm, options.engine != "local"), **options.engine_options)

    def _archive(self, rel: str, outcomes: list[Outcome], key_of: Callable[[str], str], output: Output,
                 index: IndexWriter) -> None:
        """Puts the articles of one input in place (with their `duplicate_of`), or records why they failed."""
        # An export with a bad record is redone by every run, so its failure is reported each time.
        key = key_of(rel) if all(outcome.row is not None for outcome in outcomes) else INCOMPLETE
        key = export_key(key, len(outcomes)) if multi(rel) else key
        for outcome in outcomes:
            if outcome.row is None:
                self.report.failed.append(failure(rel, outcome.error or "unknown error", outcome.location))
                continue
            entry = outcome.entry or Entry(rel, key, outcome.row, dedup=outcome.dedup)
            duplicate_of = self.duplicates.check(outcome.row["id"], entry.dedup) if self.duplicates else None
            entry = output.put(outcome.target, entry, outcome, duplicate_of)
            self.report.archived += 1
            self.report.removed_by_category.update({c["category"]: c["count"] for c in outcome.row["removed_by_category"]})
            index.write(entry.row)


def _results(jobs: Iterable[Job], count: int, repeated: dict[str, frozenset[str]], engine: Engine) -> Iterator[Result]:
    """Runs the `count` jobs on `engine`; results come back in input order."""
    size = chunksize(count, engine.workers)
    payloads = (({folder_of(j[1]): repeated[folder_of(j[1])] for j in chunk}, chunk) for chunk in chunked(jobs, size))
    return engine.map_chunks(work_chunks, payloads, 1)


def _fresh(inputs: list[str], targets: dict[str, str], key_of: Callable[[str], str], state: State,
           usable: Callable[[Entry], bool]) -> set[str]:
    """The inputs whose articles are all in the archive, made under the same key (in input order: shards are read once)."""
    fresh: set[str] = set()
    for rel in inputs:
        found = state.fresh(rel, targets[rel], key_of(rel), multi(rel))
        if found and all(usable(entry) for _, entry in found):
            fresh.add(rel)
    return fresh


def _with_skipped(inputs: list[str], fresh: set[str], results: Iterator[Result], state: State,
                  targets: dict[str, str]) -> Iterator[Result]:
    """The results of the redone inputs and the recorded entries of the skipped ones, in input order."""
    for rel in inputs:
        if rel not in fresh:
            yield next(results)
            continue
        found = state.recorded(rel, targets[rel], multi(rel))
        yield rel, [Outcome(path, e.row, entry=e) for path, e in found]


__all__ = ["Options", "RunReport", "discover", "run"]
