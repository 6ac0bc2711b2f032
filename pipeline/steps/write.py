"""Step `write`: the archive record of a processed document, keys in schema order (the run puts it on disk)."""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import replace
from typing import Any

from pipeline.config import Config
from pipeline.document import Document, DomPage, Unit
from pipeline.steps.text import BULLET, TABLE_ROW, WORD, words
from pipeline.version import SCHEMA_VERSION, __version__

METADATA_FIELDS = ("title", "authors", "published", "url")  # metadata_source has these, each null or {line, rule}
_CELL_BORDER = re.compile(r"(?<!\\)\|")  # the pipes between a table row's cells (an escaped \| is text)
# A plain paragraph that opens like Markdown block syntax (a heading, a list item, a quote, a rule) is escaped.
_BLOCK_SYNTAX = re.compile(r"^(#{1,6}(\s|$)|[-*+](\s|$)|\d{1,9}[.)](\s|$)|>|([-*_])\s*\5\s*\5)")


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
    text_format = config.write.text_format
    text = markdown_text(table_rows(kept, doc.dom)) if text_format == "markdown" else "\n\n".join(paragraphs)
    counts = stats(paragraphs, config.metadata.words_per_minute)
    by_category = [{"category": c, "count": n} for c, n in sorted(Counter(u.label for u in removed).items())]
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
        "metadata_source": {name: doc.meta_source.get(name) for name in METADATA_FIELDS},
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "duplicate_of": None,  # set by the run, which sees the whole archive (archive/dedup.py)
        "pipeline": {"version": __version__, "schema_version": SCHEMA_VERSION, "text_format": text_format,
                     "config_sha256": config_sha256},
    }


_WIDE = ("utf-16", "utf_16", "utf-32", "utf_32")  # encodings whose characters hold NUL bytes


_CELLS = ("td", "th")


def table_rows(kept: list[Unit], dom: DomPage | None) -> list[Unit]:
    """Kept cells of an HTML table as rows `| a | b |`, a run of rows one table (for the Markdown text).

    A run whose rows have one cell each is left as paragraphs: that is a page laid out with a table."""
    if dom is None:
        return kept
    out: list[Unit] = []
    run: list[list[Unit]] = []  # the rows of the current run of cells, each its cells
    row_of: int | None = None  # the element (the <tr>) holding the current row's cells
    for unit in [*kept, None]:
        index = dom.line_block[unit.line - 1] if unit is not None else -1
        block = dom.blocks[index] if index >= 0 else None
        if unit is not None and block is not None and block.tag in _CELLS:
            if block.container != row_of or not run:
                run.append([])
            run[-1].append(unit)
            row_of = block.container
            continue
        if run and max(len(cells) for cells in run) > 1:
            table = run[0][0].block  # markdown_text keeps rows of one block together
            out += [replace(cells[0], text="| " + " | ".join(c.text.replace("|", "\\|") for c in cells) + " |",
                            block=table, kind="paragraph", label="body") for cells in run]
        else:
            out += [cell for cells in run for cell in cells]
        run, row_of = [], None
        if unit is not None:
            out.append(unit)
    return out


def markdown_text(kept: list[Unit]) -> str:
    """The kept paragraphs in Markdown, joined by blank lines; the kept rows of a table stay together, the first
    one its header (a table reaches the text as rows `| a | b |`: Markdown input, HTML cells, or text written so)."""
    parts: list[str] = []
    previous: Unit | None = None
    for unit in kept:
        if not TABLE_ROW.match(unit.text):
            parts.append(markdown(unit))
        elif previous is not None and TABLE_ROW.match(previous.text) and previous.block == unit.block:
            parts[-1] += "\n" + unit.text
        else:
            cells = len(_CELL_BORDER.findall(unit.text)) - 1
            parts.append(unit.text + "\n|" + " --- |" * cells)
        previous = unit
    return "\n\n".join(parts)


def markdown(unit: Unit) -> str:
    """A kept paragraph in Markdown: headings `##` (the title is the article's first level), list items `-` (or
    their number), quotes `>`; other paragraphs escaped where they would read as block syntax."""
    if unit.label == "heading":
        return f"## {unit.text}"
    if unit.kind == "list_item":
        bullet = BULLET.match(unit.text)
        marker = bullet.group(1) if bullet and bullet.group(1)[0].isdigit() else "-"
        return f"{marker} {unit.text[bullet.end():] if bullet else unit.text}"
    if unit.kind == "quote":
        return f"> {unit.text.lstrip('>').lstrip()}"
    return f"\\{unit.text}" if _BLOCK_SYNTAX.match(unit.text) else unit.text


def source(doc: Document) -> dict[str, Any]:
    """Where an article came from; `record` is null but for a record of an export (same keys always: columnar tools).

    `nul_bytes`: the stray NULs dropped when decoding (steps/read/decode.py); none in UTF-16/32, where they are text."""
    return {"path": doc.path, "record": doc.record, "sha256": hashlib.sha256(doc.raw).hexdigest(), "encoding": doc.encoding,
            "bytes": len(doc.raw), "nul_bytes": 0 if doc.encoding.startswith(_WIDE) or b"\x00" not in doc.raw else doc.raw.count(b"\x00")}


def stats(paragraphs: list[str], words_per_minute: int) -> dict[str, int]:
    """Word, character and paragraph counts of the clean text, and its reading time."""
    # WORD.findall over the joined text: no word spans the blank lines, and an ASCII paragraph lower-cased has the
    # same words, so the words() every step already asked for serve
    nwords = sum(len(words(p)) if p.isascii() else len(WORD.findall(p)) for p in paragraphs)
    return {
        "words": nwords,
        "chars": sum(map(len, paragraphs)) + 2 * max(0, len(paragraphs) - 1),
        "paragraphs": len(paragraphs),
        "reading_time_s": round(nwords * 60 / words_per_minute),
    }
