"""Pass 1 of a run: the lines found in many files of one folder, counted before any file is cleaned."""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path, PurePosixPath

from pipeline.config import Config
from pipeline.errors import InputError
from pipeline.run.engines import Engine, InProcess, progress_bar
from pipeline.run.worker import chunksize, context, init_worker, worker_config
from pipeline.steps.classify.repetition import unit_keys
from pipeline.steps.flow import LINE_STEPS, document, run_steps
from pipeline.steps.read.inputs import multi, records


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
    engine = engine or InProcess(init_worker, (config, str(root)))
    left = {folder: len(per_folder[folder]) for folder in counted}
    counts: Counter[str] = Counter()
    documents = 0
    found = engine.map_chunks(_fingerprint_chunk, jobs, chunksize(count, engine.workers))
    folders = (folder for folder in counted for _ in per_folder[folder])
    for folder, per_record in zip(folders, progress_bar(found, count, "pass 1", progress)):
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
    config = worker_config()
    return [_file_fingerprints(Path(path), config) for _, path in jobs]


def _file_fingerprints(path: Path, config: Config) -> list[set[str]]:
    """The keys of the units of each record of one file, made by the same steps as when it is cleaned (so a repaired
    or joined line counts as classify will look it up); an unreadable file counts as one document with no lines, an
    unreadable export as none, a record that cannot be read as a document with no lines."""
    try:
        found = records(path.name, path.read_bytes(), config)
    except (OSError, InputError):
        return [] if multi(path.name) else [set()]
    ctx = context()
    steps = [step for step in config.steps if step in LINE_STEPS]
    keys: list[set[str]] = []
    for record in found:
        if record.error is not None:
            continue
        try:
            doc = run_steps(document(record, path.name), ctx, steps)
        except InputError:
            keys.append(set())
            continue
        keys.append(unit_keys(doc.units, config.classify.repetition))
    return keys
