"""The per-document pipeline: the steps, registered by the names config.yaml uses, run in order."""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline.version import __version__
from pipeline.steps import memo
from pipeline.steps.classify.passes import classify
from pipeline.config import Config
from pipeline.document import Document
from pipeline.errors import InputError
from pipeline.steps.metadata.stated import apply_given
from pipeline.steps.limits import document_limits
from pipeline.steps.metadata.fields import metadata, sha256, stats
from pipeline.steps.classify.line_model.rows import LineModel, load_model
from pipeline.steps.read.decode import read
from pipeline.steps.repair import repair
from pipeline.steps.classify.rules import Matcher
from pipeline.steps.segment import segment
from pipeline.steps.read.inputs import Record, records


@dataclass
class Context:
    """What every step may need, built once per run: the config and the compiled rules."""

    config: Config
    matcher: Matcher = field(init=False)
    model: LineModel | None = field(init=False)
    config_sha256: str = field(init=False)

    def __post_init__(self) -> None:
        self.matcher = Matcher(self.config.classify.categories)
        settings = self.config.classify.model
        self.model = load_model(settings.threshold, settings.path) if settings.enabled else None
        self.config_sha256 = self.config.sha256()


Step = Callable[[Document, Context], Document]

STEPS: dict[str, Step] = {
    "read": lambda doc, ctx: read(doc, ctx.config.read),
    "repair": lambda doc, ctx: repair(doc, ctx.config.repair),
    "segment": lambda doc, ctx: segment(doc, ctx.config.segment),
    "classify": lambda doc, ctx: classify(doc, ctx.config.classify, ctx.matcher, ctx.config.metadata, ctx.model),
    "metadata": lambda doc, ctx: apply_given(metadata(doc, ctx.config.metadata), ctx.config.metadata),
    "write": lambda doc, ctx: doc,  # the article is built by `article()`; files are written by the runner
}


def process(doc: Document, ctx: Context) -> dict[str, Any]:
    """Runs the configured steps over one document and returns its archive record."""
    with document_limits(doc.raw, doc.path, ctx.config.limits), memo.document():
        for name in ctx.config.steps:
            doc = STEPS[name](doc, ctx)
        return article(doc, ctx)


def article_id(path: str, record: int | None = None) -> str:
    """Stable id: derived from the input's relative path (and the record's number), so reruns and other machines agree."""
    key = path if record is None else f"{path}#{record}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def article(doc: Document, ctx: Context) -> dict[str, Any]:
    """The archive record of a processed document, keys in schema order."""
    kept = [u for u in doc.units if u.kept]
    removed = [u for u in doc.units if not u.kept]
    paragraphs = [u.text for u in kept]
    text = "\n\n".join(paragraphs)
    counts = stats(paragraphs, ctx.config.metadata)
    by_category = dict(sorted(Counter(u.label for u in removed).items()))
    enough = len(text) >= ctx.config.metadata.language_min_chars
    return {
        "id": article_id(doc.path, doc.record),
        "source": source(doc),
        "title": doc.meta.get("title"),
        "authors": doc.meta.get("authors", []),
        "published": doc.meta.get("published"),
        "url": doc.meta.get("url"),
        "site": doc.meta.get("site"),
        "language": doc.language if enough else None,
        "text": text,
        "paragraphs": [{"type": u.kind if u.label != "heading" else "heading", "text": u.text} for u in kept],
        "removed": [{"category": u.label, "rule": u.rule, "line": u.line, "text": u.text} for u in removed]
        if ctx.config.write.keep_removed else [],
        "stats": {**counts, "removed_by_category": by_category},
        "metadata_source": doc.meta_source,
        "text_sha256": sha256(text),
        "duplicate_of": None,  # set by the run, which sees the whole archive (dedup.py)
        "pipeline": {"version": __version__, "config_sha256": ctx.config_sha256},
    }


def source(doc: Document) -> dict[str, Any]:
    """Where an article came from; `record` is null but for a record of an export (same keys always: columnar tools)."""
    return {"path": doc.path, "record": doc.record, "sha256": hashlib.sha256(doc.raw).hexdigest(), "encoding": doc.encoding,
            "bytes": len(doc.raw)}


def document(record: Record, path: str, repeated: frozenset[str] = frozenset()) -> Document:
    """The Document of one record of the input at `path`."""
    return Document(path=path, raw=record.raw, text=record.text, encoding=record.encoding, record=record.number,
                    given=record.given, repeated=repeated)


def clean_records(raw: bytes, path: str, ctx: Context, repeated: frozenset[str] = frozenset()
                  ) -> list[tuple[Record, dict[str, Any] | None, str | None]]:
    """Cleans every record of one input: (record, article or None, reason it failed or None) each, in order.

    Raises InputError when the input as a whole is unusable (not JSON, not gzip, ...)."""
    done: list[tuple[Record, dict[str, Any] | None, str | None]] = []
    for record in records(path, raw, ctx.config):
        if record.error is not None:
            done.append((record, None, record.error))
            continue
        try:
            done.append((record, process(document(record, path, repeated), ctx), None))
        except InputError as exc:
            done.append((record, None, exc.reason))
    return done


def clean_bytes(raw: bytes, path: str, ctx: Context, repeated: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Cleans one input given as bytes, its kind told by the extension of `path`; raises InputError when it cannot
    be read or holds several records (see clean_records)."""
    found = records(path, raw, ctx.config)
    if len(found) != 1:
        raise InputError(path, f"holds {len(found)} records; clean them with clean_records")
    if found[0].error is not None:
        raise InputError(path, f"{found[0].location}: {found[0].error}")
    return process(document(found[0], path, repeated), ctx)
