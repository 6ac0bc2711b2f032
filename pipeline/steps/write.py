"""Step `write`: the archive record of a processed document, keys in schema order (the run puts it on disk)."""
from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from pipeline.config import Config
from pipeline.document import Document
from pipeline.steps.text import WORD
from pipeline.version import __version__


def write(doc: Document, config: Config, config_sha256: str) -> Document:
    """Sets `doc.article`, the record the archive stores."""
    doc.article = article(doc, config, config_sha256)
    return doc


def article_id(path: str, record: int | None = None) -> str:
    """Stable id: derived from the input's relative path (and the record's number), so reruns and other machines agree."""
    key = path if record is None else f"{path}#{record}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def article(doc: Document, config: Config, config_sha256: str) -> dict[str, Any]:
    """The archive record of a processed document, keys in schema order."""
    kept = [u for u in doc.units if u.kept]
    removed = [u for u in doc.units if not u.kept]
    paragraphs = [u.text for u in kept]
    text = "\n\n".join(paragraphs)
    counts = stats(paragraphs, config.metadata.words_per_minute)
    by_category = dict(sorted(Counter(u.label for u in removed).items()))
    enough = len(text) >= config.metadata.language_min_chars
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
        if config.write.keep_removed else [],
        "stats": {**counts, "removed_by_category": by_category},
        "metadata_source": doc.meta_source,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "duplicate_of": None,  # set by the run, which sees the whole archive (archive/dedup.py)
        "pipeline": {"version": __version__, "config_sha256": config_sha256},
    }


_WIDE = ("utf-16", "utf_16", "utf-32", "utf_32")  # encodings whose characters hold NUL bytes


def source(doc: Document) -> dict[str, Any]:
    """Where an article came from; `record` is null but for a record of an export (same keys always: columnar tools).

    `nul_bytes`: the stray NULs dropped when decoding (steps/read/decode.py); none in UTF-16/32, where they are text."""
    return {"path": doc.path, "record": doc.record, "sha256": hashlib.sha256(doc.raw).hexdigest(), "encoding": doc.encoding,
            "bytes": len(doc.raw), "nul_bytes": 0 if doc.encoding.startswith(_WIDE) else doc.raw.count(b"\x00")}


def stats(paragraphs: list[str], words_per_minute: int) -> dict[str, int]:
    """Word, character and paragraph counts of the clean text, and its reading time."""
    text = "\n\n".join(paragraphs)
    nwords = len(WORD.findall(text))
    return {
        "words": nwords,
        "chars": len(text),
        "paragraphs": len(paragraphs),
        "reading_time_s": round(nwords * 60 / words_per_minute),
    }
