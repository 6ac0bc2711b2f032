"""The per-file work, in a worker process (or this one): clean one input, write or hand back its articles.

Each worker keeps the config and the archive folder (`init_worker`), and builds its context (rules, models) once,
on first use: the first pass, which only reads and fingerprints, does not need it.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.archive import dedup
from pipeline.archive.entry import Outcome
from pipeline.archive.files import json_bytes, write_bytes
from pipeline.archive.index import index_row
from pipeline.archive.paths import record_path
from pipeline.compat.lightgbm_lean import import_lightgbm
from pipeline.config import Config
from pipeline.errors import InputError
from pipeline.steps.classify.language import identify_language
from pipeline.steps.flow import Context, clean_records

_WORKER: dict[str, Any] = {}
Job = tuple[str, str, str]  # input path, relative path, archive path (a folder for an export)
Result = tuple[str, list[Outcome]]  # relative path, one outcome per record (one for a one-article file)


def init_worker(config: Config, out: str, warm: bool = False, writes: bool = True) -> None:
    """Keeps the config and the archive folder in each worker process; with `warm` the context is built now, else on
    first use. With `writes` the worker writes its article files, else it sends their JSON to the parent."""
    _WORKER.clear()
    _WORKER.update(config=config, out=Path(out), writes=writes)
    if warm:
        context()
        identify_language("")  # its model loads on first use, which takes a second


def worker_config() -> Config:
    """The config this worker was set up with."""
    return _WORKER["ctx"].config if "ctx" in _WORKER else _WORKER["config"]


def context() -> Context:
    """The worker's context (rules, models), built once: the first pass does not need it."""
    if "ctx" not in _WORKER:
        if _WORKER["config"].classify.model.enabled:
            import_lightgbm()  # before the model does, without what it would pull in besides
        _WORKER["ctx"] = Context(_WORKER["config"])
    return _WORKER["ctx"]


def work(job: Job, repeated: frozenset[str]) -> Result:
    """Cleans one file and writes its articles, in a worker; returns an outcome per record."""
    path, rel, target = job
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return rel, [Outcome(target, error=f"cannot read: {exc.strerror or exc}")]
    ctx = context()
    try:
        done = clean_records(raw, rel, ctx, repeated)
    except InputError as exc:
        return rel, [Outcome(target, error=exc.reason)]
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run; the reason is recorded
        return rel, [Outcome(target, error=f"internal error: {type(exc).__name__}: {exc}")]
    return rel, [_outcome(record_path(target, record), art, error, record.location, ctx) for record, art, error in done]


def _outcome(target: str, art: dict[str, Any] | None, error: str | None, location: str, ctx: Context) -> Outcome:
    """Writes one article, or hands it to the parent (which writes the shards in input order, and on this machine the
    files too: once, with their `duplicate_of`); what the parent needs of it, or why it failed."""
    if art is None:
        return Outcome(target, error=error, location=location)
    fingerprint = dedup.fingerprint(art, ctx.config.dedup) if ctx.config.dedup.enabled else None
    row = index_row(art, target)
    if ctx.config.write.format != "json":
        return Outcome(target, row, location=location, dedup=fingerprint, article=art)
    payload = json_bytes(art, ctx.config.write.indent)
    if not _WORKER["writes"]:
        return Outcome(target, row, location=location, dedup=fingerprint, payload=payload)
    try:
        written = write_bytes(_WORKER["out"] / target, payload)
    except OSError as exc:
        return Outcome(target, error=f"cannot write {target}: {exc.strerror or exc}", location=location)
    return Outcome(target, row, location=location, dedup=fingerprint, written=written)


def work_chunks(payloads: list[tuple[dict[str, frozenset[str]], list[Job]]]) -> list[Result]:
    """Runs chunks of jobs; each chunk carries the repeated lines of the folders it touches."""
    return [work(job, repeated[folder_of(job[1])]) for repeated, jobs in payloads for job in jobs]


def folder_of(rel: str) -> str:
    """The folder of an input, as the repeated lines are keyed."""
    return str(PurePosixPath(rel).parent)


def chunksize(jobs: int, workers: int) -> int:
    """Files per task: large enough to amortise the hand-over, small enough to balance the workers."""
    return max(1, min(64, jobs // (workers * 8) or 1))
