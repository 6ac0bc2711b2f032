"""The article's header: title, dateline and byline, found near the body and checked against the page's first line.

A page rendered as text usually starts with its HTML <title> ("Headline | Site"); the headline proper (the
<h1>) sits just before the body, followed by the byline and dateline block. So the title is the line near
the body that the first line repeats (whole, or without a site name), and the byline and dateline are
looked for in a few lines around it.
"""
from __future__ import annotations

import re

from .config import MetadataConfig
from .dates import has_date, parse_date
from .document import Unit
from .features import ends_sentence, has_letters
from .metadata import byline_authors, fold, name_line_authors

HEADER_WINDOW = 6  # units before the first body paragraph searched when no title was found
BEFORE_TITLE = 3  # a dateline or category line may sit just above the headline
AFTER_TITLE = 8  # the byline/dateline block rarely runs longer than this below the headline
NAME_LINE_AFTER = 4  # a line that is only a name counts as a byline this close below a found headline
MAX_BYLINE_WORDS = 25
MAX_DATELINE_WORDS = 16

# Separators between a headline and a site name in an HTML <title>.
_TITLE_SEP = re.compile(r"\s+(?:[|｜•·»:]|::|[-–—]{1,2})\s+")


def title_variants(tag: str) -> set[str]:
    """Folded forms of the headline a <title> may hold: whole, or without leading or trailing site parts."""
    parts = _TITLE_SEP.split(tag.strip())
    seps = _TITLE_SEP.findall(tag.strip())
    variants = {fold(tag)}
    for k in range(1, len(parts)):
        head = parts[0] + "".join(s + p for s, p in zip(seps[: k - 1], parts[1:k]))
        tail = parts[k] + "".join(s + p for s, p in zip(seps[k:], parts[k + 1:]))
        variants |= {fold(head), fold(tail)}
    return {v for v in variants if len(v.split()) >= 2 or len(v) >= 12}


def find_title(units: list[Unit], skip: list[bool], first_body: int) -> int | None:
    """Index of the line the first line (the <title>) repeats, nearest before the body; None without one."""
    if len(units) < 3:
        return None
    variants = title_variants(units[0].text)
    hits = [i for i in range(1, len(units)) if fold(units[i].text) in variants and has_letters(units[i].text)]
    before = [i for i in hits if i <= first_body]
    return before[-1] if before else (hits[0] if hits else None)


def nearest_headline(units: list[Unit], skip: list[bool], nwords: list[int], first_body: int) -> int | None:
    """The last short non-sentence line before the body that is neither a dateline nor a byline."""
    for i in range(first_body - 1, max(-1, first_body - 1 - HEADER_WINDOW), -1):
        text = units[i].text
        if skip[i] or byline_authors(text) or (nwords[i] <= MAX_DATELINE_WORDS and has_date(text)):
            continue
        if 2 <= nwords[i] <= 30 and not ends_sentence(text.rstrip("?!")) and has_letters(text):
            return i
    return None


def label_header(units: list[Unit], facts: list[tuple[bool, int]], first_body: int, meta: MetadataConfig, lang: str | None) -> None:
    """Labels title, byline and dateline; facts are (is_boilerplate_by_rule, words) per unit."""
    skip, nwords = [f[0] for f in facts], [f[1] for f in facts]
    title = find_title(units, skip, first_body)
    rule = "header.title_tag_repeat"
    if title is None:
        title, rule = nearest_headline(units, skip, nwords, first_body), "header.nearest_headline"
    if title is not None:
        units[title].label, units[title].rule, units[title].kind = "title", rule, "paragraph"
    anchor = title if title is not None else first_body
    languages = [lang, "en"] if lang and lang != "en" else ["en"]
    for i in range(max(0, anchor - BEFORE_TITLE), min(len(units), anchor + AFTER_TITLE + 1)):
        if i != title:
            _label_line(units[i], nwords[i], meta, languages, title is not None and 0 < i - title <= NAME_LINE_AFTER)


def _label_line(unit: Unit, nwords: int, meta: MetadataConfig, languages: list[str], near_title: bool) -> None:
    """Byline or dateline label for one line of the header block, when it is one."""
    if nwords <= MAX_BYLINE_WORDS and byline_authors(unit.text):
        unit.label, unit.rule = "byline", "header.byline"
    elif near_title and nwords <= MAX_BYLINE_WORDS and name_line_authors(unit.text):
        unit.label, unit.rule = "byline", "header.name_line"
    elif nwords <= MAX_DATELINE_WORDS and parse_date(unit.text, meta, languages):
        unit.label, unit.rule = "dateline", "header.dateline"
