"""The article's header: title, dateline and byline among the lines just before the body."""
from __future__ import annotations

import re

from .config import MetadataConfig
from .dates import parse_date
from .document import Unit
from .features import ends_sentence, has_letters

HEADER_WINDOW = 6  # units before the first body paragraph searched for the title, dateline and byline

_BYLINE = re.compile(
    r"^(by|from|written by|words by|text by|story by|reporting by|von|text von|par|por|di|door|przez|autor(in)?:?|author:?|auteur:?|автор:?)\s+\S",
    re.IGNORECASE,
)


def label_header(units: list[Unit], facts: list[tuple[bool, int]], first_body: int, meta: MetadataConfig, lang: str | None) -> None:
    """Labels dateline, byline and title among the units before `first_body`; facts are (is_boilerplate_by_rule, words)."""
    title_found = False
    languages = [lang, "en"] if lang and lang != "en" else ["en"]
    for i in range(first_body - 1, max(-1, first_body - 1 - HEADER_WINDOW), -1):
        unit, (by_rule, nwords) = units[i], facts[i]
        if by_rule:
            continue
        if nwords <= 14 and _BYLINE.match(unit.text):
            unit.label, unit.rule = "byline", "header.byline"
        elif nwords <= 12 and parse_date(unit.text, meta, languages):
            unit.label, unit.rule = "dateline", "header.dateline"
        elif not title_found and 2 <= nwords <= 30 and not ends_sentence(unit.text.rstrip("?!")) and has_letters(unit.text):
            unit.label, unit.rule, unit.kind = "title", "header.nearest_headline", "paragraph"
            title_found = True
