"""Step `segment`: lines to paragraph candidates, handling blank-line, one-per-line and hard-wrapped input."""
from __future__ import annotations

from pipeline.config import SegmentConfig
from pipeline.document import Document, Unit
from pipeline.steps.text import BULLET, TABLE_ROW

_TERMINAL = ('.', '!', '?', ':', '"', '”', '»', '…', ')')
MAX_LONG_SHARE = 0.2  # share of a wrapped block's lines that may be longer than the widest wrap width
MIN_WRAPPED_BESIDE_LONG = 4  # a short block beside a long line is more likely one line per paragraph


def blocks(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Groups non-empty lines into blocks separated by blank lines, keeping 1-based line numbers."""
    out: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line:
            current.append((number, line))
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _wrap_width(block: list[tuple[int, str]], config: SegmentConfig) -> int | None:
    """The wrap width of a hard-wrapped block, or None when its lines are not wrapped."""
    prose = [len(text) for _, text in block if not BULLET.match(text) and not TABLE_ROW.match(text)]  # not wrapped prose
    # A few lines longer than any wrap width are paragraphs a wrapper left alone (pasted, or unwrapped by an editor).
    lengths = [n for n in prose if n <= config.wrap_max]
    long = len(prose) - len(lengths)
    if len(lengths) < (MIN_WRAPPED_BESIDE_LONG if long else 2) or long > MAX_LONG_SHARE * len(prose):
        return None
    width = max(lengths)
    if width < config.wrap_min:
        return None
    # A wrapped block has most of its lines (all but paragraph ends) close to the width.
    full = sum(1 for n in lengths[:-1] if n >= 0.75 * width)
    return width if full >= max(1, 0.6 * (len(lengths) - 1)) else None


def _continues(line: str, following: str, width: int) -> bool:
    """True when `line` was cut by wrapping and `following` carries on the same paragraph."""
    if BULLET.match(following) or TABLE_ROW.match(following) or TABLE_ROW.match(line) or len(line) > width or len(following) > width:
        return False
    if len(line) + 1 + len(following.split(" ", 1)[0]) <= width:
        return False  # a wrapper would have put the next word on this line, so the paragraph ended here
    if following[:1].islower():
        return len(line) >= 0.5 * width
    if line.endswith(_TERMINAL):
        return len(line) >= 0.85 * width
    return len(line) >= 0.6 * width


def units(lines: list[str], config: SegmentConfig, wrapped: bool = True) -> list[Unit]:
    """Splits lines into units; wrapped lines of one paragraph become one unit (unless `wrapped` is False)."""
    out: list[Unit] = []
    for index, block in enumerate(blocks(lines)):
        width = _wrap_width(block, config) if config.unwrap and wrapped else None
        current: Unit | None = None
        last = ""
        for number, text in block:
            if current is not None and width and _continues(last, text, width):
                current.text += " " + text
                current.nlines += 1
            else:
                current = Unit(line=number, text=text, block=index)
                out.append(current)
            last = text
    return out


def segment(doc: Document, config: SegmentConfig) -> Document:
    """Fills `doc.lines` and `doc.units` from `doc.text`; an HTML page's lines are its blocks, never hard-wrapped."""
    doc.lines = doc.text.split("\n")
    if doc.dom is not None and len(doc.lines) != len(doc.dom.line_block):
        doc.dom = None  # a repair made or joined lines (an escaped newline in the page): its text is read as text
    doc.units = units(doc.lines, config, wrapped=doc.dom is None)
    return doc
