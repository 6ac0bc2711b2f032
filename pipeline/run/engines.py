"""Executors for the per-file work: this process, a local process pool, or a Dask cluster.

Every engine maps a picklable function over chunks of items and yields the results in input order,
keeping only a bounded number of chunks in flight, so memory does not grow with the corpus.

Several machines: start `dask scheduler` on one (it listens on port 8786), and on every machine
`dask worker tcp://HOST:8786 --nworkers N --nthreads 1`, with this package installed and the input
and output folders at the same path everywhere (a shared filesystem: workers read inputs and write
articles themselves). Then `pipeline run IN -o OUT --engine dask --scheduler tcp://HOST:8786`.
"""
from __future__ import annotations

import sys
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any, Protocol

from tqdm import tqdm

from pipeline.errors import UsageError

ENGINES = ("local", "dask")
IN_FLIGHT_PER_WORKER = 4  # chunks queued per worker: enough to hide latency, few enough to bound memory


class Engine(Protocol):
    """Runs `fn(chunk)` for chunks of items and yields the per-item results in input order."""

    workers: int

    def map_chunks(self, fn: Callable[[list[Any]], list[Any]], items: Iterable[Any], chunksize: int) -> Iterator[Any]:
        """Per-item results of `fn` over consecutive chunks of `items`, in order."""
        ...

    def close(self) -> None:
        """Releases workers and connections."""
        ...


def chunked(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Consecutive lists of `size` items (the last may be shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _ordered(submit: Callable[[list[Any]], Any], result: Callable[[Any], list[Any]], chunks: Iterator[list[Any]], window: int) -> Iterator[Any]:
    """Submits chunks keeping at most `window` pending, and yields their items' results in order."""
    pending: deque[Any] = deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= window:
            yield from result(pending.popleft())
    while pending:
        yield from result(pending.popleft())


class InProcess:
    """No parallelism: the work runs here, which is also the fastest for a handful of files."""

    workers = 1

    def __init__(self, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> None:
        if initializer is not None:
            initializer(*initargs)

    def map_chunks(self, fn: Callable[[list[Any]], list[Any]], items: Iterable[Any], chunksize: int) -> Iterator[Any]:
        """Runs each chunk in turn."""
        for chunk in chunked(items, chunksize):
            yield from fn(chunk)

    def close(self) -> None:
        """Nothing to release."""


class LocalPool:
    """A pool of worker processes on this machine."""

    def __init__(self, workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> None:
        self.workers = workers
        self._pool = ProcessPoolExecutor(workers, initializer=initializer, initargs=initargs)
        # Fork the workers now rather than on the first real task: a forked process's RSS counts every page it
        # inherits, so workers forked once the caller holds per-input state would grow with the corpus.
        self._pool.submit(int)

    def map_chunks(self, fn: Callable[[list[Any]], list[Any]], items: Iterable[Any], chunksize: int) -> Iterator[Any]:
        """Chunks go to the pool; results come back in order."""
        def submit(chunk: list[Any]) -> Future[list[Any]]:
            return self._pool.submit(fn, chunk)
        return _ordered(submit, lambda f: f.result(), chunked(items, chunksize), self.workers * IN_FLIGHT_PER_WORKER)

    def close(self) -> None:
        """Stops the worker processes."""
        self._pool.shutdown(cancel_futures=True)


class DaskEngine:
    """Dask distributed: a scheduler given by address, or a LocalCluster of `workers` processes."""

    def __init__(self, scheduler: str | None, workers: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple[Any, ...] = (), processes: bool = True) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise UsageError("the dask engine needs dask.distributed: pip install 'pipeline[dask]'") from None
        self._cluster = None
        if scheduler:
            self._client = Client(scheduler)
        else:
            self._cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                                         dashboard_address=None)
            self._client = Client(self._cluster)
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})) or workers)
        # The setup arguments travel once to every worker, under a key of their own (hash=False).
        [shared] = self._client.scatter([initargs], broadcast=True, hash=False)
        self._setup = (uuid.uuid4().hex, initializer, shared)

    def map_chunks(self, fn: Callable[[list[Any]], list[Any]], items: Iterable[Any], chunksize: int) -> Iterator[Any]:
        """Each chunk is one task; every task first makes sure its worker is set up (once per worker)."""
        token, initializer, shared = self._setup

        def submit(chunk: list[Any]) -> Any:
            return self._client.submit(_with_setup, token, initializer, shared, fn, chunk, pure=False)
        return _ordered(submit, lambda f: f.result(), chunked(items, chunksize), self.workers * IN_FLIGHT_PER_WORKER)

    def close(self) -> None:
        """Closes the client and, when we started it, the local cluster."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


_READY: set[str] = set()  # tokens of the map calls this worker process has been set up for
_SETUP_LOCK = threading.Lock()  # a LocalCluster with processes=False runs its workers as threads


def _with_setup(token: str, initializer: Callable[..., None] | None, initargs: Any,
                fn: Callable[[list[Any]], list[Any]], chunk: list[Any]) -> list[Any]:
    """Runs the initializer the first time this worker process sees this map call, then the chunk."""
    if initializer is not None and token not in _READY:
        with _SETUP_LOCK:
            if token not in _READY:
                initializer(*initargs)
                _READY.add(token)
    return fn(chunk)


def make_engine(name: str, workers: int, scheduler: str | None = None, initializer: Callable[..., None] | None = None,
                initargs: tuple[Any, ...] = (), **options: Any) -> Engine:
    """The engine called `name` ('local' or 'dask'); 'local' with one worker runs in this process."""
    if name == "local":
        if scheduler:
            raise UsageError("--scheduler needs --engine dask")
        if workers <= 1:
            return InProcess(initializer, initargs)
        return LocalPool(workers, initializer, initargs)
    if name == "dask":
        return DaskEngine(scheduler, workers, initializer, initargs, **options)
    raise UsageError(f"unknown engine {name!r}; valid engines: {', '.join(ENGINES)}")


def progress_bar(results: Iterator[Any], total: int, label: str, show: bool) -> Iterator[Any]:
    """A progress bar with rate and ETA on stderr when `show` (the CLI asks for it on a terminal only)."""
    if not show:
        return results
    return iter(tqdm(results, total=total, unit="doc", desc=label, file=sys.stderr, dynamic_ncols=True))
