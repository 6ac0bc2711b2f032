"""Per-document memoisation of pure per-line helpers.

The header search and the rules look at the same lines many times (each candidate headline checks the
three lines after it; the matcher and the repetition fingerprint normalise the same line). Inside
`document()` such a helper computes each distinct argument once; the caches are emptied when the
document is done, so memory stays bounded and no document's speed depends on the ones before it.
Outside `document()` (the first pass over a corpus, tests) the helpers run uncached.
"""
from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _Scope(threading.local):
    """Per thread (a Dask worker may run documents in threads): inside a document or not, and its caches."""

    active = False

    def __init__(self) -> None:
        self.caches: dict[Callable[..., Any], dict[Any, Any]] = {}


_SCOPE = _Scope()


def per_document(fn: F | None = None, *, mutable: bool = False, key: Callable[..., Any] | None = None) -> Any:
    """Caches `fn` inside `document()` by its (hashable) arguments or by `key(*args)`; `mutable` hands out shallow copies."""
    def wrap(func: F) -> F:
        @wraps(func)
        def call(*args: Any) -> Any:
            scope = _SCOPE
            if not scope.active:
                return func(*args)
            try:
                cache = scope.caches[func]
            except KeyError:
                cache = scope.caches[func] = {}
            k = key(*args) if key is not None else args
            try:
                result = cache[k]
            except KeyError:
                result = cache[k] = func(*args)
            return copy.copy(result) if mutable else result

        return call  # type: ignore[return-value]

    return wrap(fn) if fn is not None else wrap


@contextmanager
def document() -> Iterator[None]:
    """Scope of one document: memoised helpers cache inside it, and forget on the way out."""
    scope = _SCOPE
    outer = scope.active
    scope.active = True
    try:
        yield
    finally:
        scope.active = outer
        if not outer:
            scope.caches.clear()
