"""Per-document limits: size and line checks on the raw bytes, and a wall-clock deadline for the work."""
from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import numpy as np

from pipeline.config import LimitsConfig
from pipeline.errors import InputError


def line_count(raw: bytes) -> int:
    """Lines in undecoded bytes: LF breaks, or CR breaks for old Mac files (also right for UTF-16/32)."""
    data = np.frombuffer(raw, dtype=np.uint8)  # numpy counts a byte 4x faster than bytes.count
    breaks = int(np.count_nonzero(data == 10))
    return max(breaks, int(np.count_nonzero(data == 13)) if b"\r" in raw else 0) + 1


def overrun(raw: bytes, limits: LimitsConfig) -> str | None:
    """Why `raw` is over a limit, or None when it is within all of them."""
    too_large = size_overrun(len(raw), limits)
    if too_large:
        return too_large
    lines = line_count(raw)
    if lines > limits.max_lines:
        return f"too many lines: {lines:,} > limits.max_lines ({limits.max_lines:,}); split the file or raise the limit"
    return None


def size_overrun(size: int, limits: LimitsConfig) -> str | None:
    """Why a file of `size` bytes is too large, or None."""
    if size <= limits.max_bytes:
        return None
    return f"too large: {size:,} bytes > limits.max_bytes ({limits.max_bytes:,}); split the file or raise the limit"


@contextmanager
def deadline(seconds: float, path: str) -> Iterator[None]:
    """Raises InputError in the block once `seconds` have passed (SIGALRM; a no-op outside the main thread)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise InputError(path, f"took longer than limits.max_seconds ({seconds:g} s); the input is pathological "
                               "or a pattern backtracks, raise the limit if it is a genuine article")

    previous = signal.signal(signal.SIGALRM, expire)
    # The timer repeats: an exception raised where Python only prints it (a gc callback, a __del__)
    # is lost, and a one-shot alarm would then let the block run unbounded.
    signal.setitimer(signal.ITIMER_REAL, seconds, min(seconds, 0.1))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def document_limits(raw: bytes, path: str, limits: LimitsConfig) -> Iterator[None]:
    """Checks `raw` against the limits, then runs the block under the deadline; errors name `path`."""
    reason = overrun(raw, limits)
    if reason:
        raise InputError(path, reason)
    try:
        with deadline(limits.max_seconds, path):
            yield
    except InputError as exc:
        if exc.path:
            raise
        raise InputError(path, exc.reason) from None


@contextmanager
def deadline_paused() -> Iterator[None]:
    """Stops the clock of a running deadline in the block: a one-off set-up (a model compiled on first use, about 10 s
    once per machine) is no document's work, and must not make the first document of a run time out."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return
    remaining, interval = signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        yield
    finally:
        if remaining:  # a deadline was running: it goes on with the time it had left
            signal.setitimer(signal.ITIMER_REAL, remaining, interval)
