"""Where a run's articles go: article files written (in threads) from the JSON the workers send, or shards written
in input order; each article's entry is journaled in the run state once the article is in place."""
from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pipeline.archive.entry import Entry, Outcome
from pipeline.archive.files import with_duplicate_of, write_bytes
from pipeline.archive.shards import Previous, Shards, shards_for
from pipeline.config import WriteConfig
from pipeline.errors import PipelineError

WRITE_THREADS = 2  # fsync waits on the disk, not the CPU: two writers keep it busy while the run goes on
WRITES_PENDING = 64  # article files held in memory at most, waiting for their write


class Output:
    """Where a run's articles go: files (`json`) written here from the JSON the workers send, or by the workers
    themselves on a cluster; or shards written here in input order. Each article's entry goes to `journal` (the run
    state) once the article is in place."""

    def __init__(self, out: Path, config: WriteConfig, journal: Callable[[str, Entry], None]) -> None:
        self.out, self.format, self.shard_bytes, self.journal = out, config.format, config.shard_bytes, journal
        self.shards: Shards | None = None
        self.previous: Previous | None = None
        self._writers: ThreadPoolExecutor | None = None
        self._pending: deque[tuple[Future[int], str, Entry]] = deque()
        if self.format != "json":
            self.shards, self.previous = shards_for(self.format, out, self.shard_bytes)

    def checker(self) -> Callable[[Entry], bool]:
        """Whether an unchanged input's record can be copied: always for files; for shards, when it is found intact
        there (asked in input order, so each shard is read once)."""
        if self.shards is None:
            return lambda entry: True
        check = shards_for(self.format, self.out, self.shard_bytes)[1]
        return lambda entry: check.get(entry.place) is not None

    def put(self, path: str, entry: Entry, outcome: Outcome, duplicate_of: str | None) -> Entry:
        """Archives one article at `path` with its `duplicate_of`, which only this pass over the whole archive knows;
        returns its entry, which goes to `journal` once the article is in place. `outcome` is what its worker sent
        (only the recorded entry for an unchanged article, which is already archived)."""
        row = {**entry.row, "duplicate_of": duplicate_of}
        if self.shards is None or self.previous is None:
            return self._put_file(path, entry, row, outcome)
        record = outcome.article if outcome.article is not None else self.previous.get(entry.place)
        if record is None:  # checked by `checker` under the run's lock: only a change behind our back gets here
            raise PipelineError(f"{entry.input}: its record vanished from the previous shards during the run")
        place = self.shards.add({**record, "duplicate_of": duplicate_of})
        done = Entry(entry.input, entry.key, {**row, "archive_path": place["shard"]}, place, entry.dedup)
        self.journal(path, done)  # the shards are put in place at the end; a killed run's rows are dropped (run/state.py)
        return done

    def _put_file(self, path: str, entry: Entry, row: dict[str, Any], outcome: Outcome) -> Entry:
        """An article file: the worker's JSON written here, once, with its `duplicate_of`; or, when the worker wrote it
        (a cluster) or it is unchanged, rewritten only when its `duplicate_of` changed."""
        archive_path, duplicate_of = entry.row["archive_path"], row["duplicate_of"]
        if outcome.payload is not None:
            payload = outcome.payload if duplicate_of is None else with_duplicate_of(outcome.payload, duplicate_of)[0]
        elif entry.row.get("duplicate_of") != duplicate_of:  # the worker wrote null; a skipped one may have changed
            payload = with_duplicate_of((self.out / archive_path).read_bytes(), duplicate_of)[0]
        else:
            written = outcome.written if outcome.written is not None else (entry.place or {}).get("bytes")
            done = Entry(entry.input, entry.key, row, {"bytes": written}, entry.dedup)
            self.journal(path, done)
            return done
        # The file's size goes into the state: a file another run changed behind its entry is redone.
        done = Entry(entry.input, entry.key, row, {"bytes": len(payload)}, entry.dedup)
        self._write(archive_path, payload, path, done)
        return done

    def _write(self, archive_path: str, payload: bytes, path: str, done: Entry) -> None:
        """Writes one article file in a thread while the run goes on; its entry is journaled when the file is in place,
        so a run killed before that redoes it."""
        if self._writers is None:
            self._writers = ThreadPoolExecutor(WRITE_THREADS, thread_name_prefix="write")
        self._pending.append((self._writers.submit(write_bytes, self.out / archive_path, payload), path, done))
        self._settle(WRITES_PENDING)

    def _settle(self, keep: int) -> None:
        """Journals the articles whose files are written, in order, waiting while more than `keep` are pending."""
        while self._pending and (len(self._pending) > keep or self._pending[0][0].done()):
            future, path, done = self._pending.popleft()
            try:
                future.result()
            except OSError as exc:
                raise PipelineError(f"cannot write {done.row['archive_path']}: {exc.strerror or exc}") from None
            self.journal(path, done)

    def _finish_writes(self, check: bool) -> None:
        """Waits for the files still being written; with `check`, journals them (the first failure is raised)."""
        try:
            if check:
                self._settle(0)
            for future, _, _ in self._pending:  # a failed run: its unjournaled articles are redone by the next
                future.exception()
            self._pending.clear()
        finally:
            if self._writers is not None:
                self._writers.shutdown(cancel_futures=True)
                self._writers = None

    def __enter__(self) -> Output:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        """Finishes the article files; puts the new shards in place when the run went through, drops them otherwise."""
        self._finish_writes(check=exc_type is None)
        if self.shards is None:
            return
        if exc_type is None:
            self.shards.commit()
        else:
            self.shards.abort()
