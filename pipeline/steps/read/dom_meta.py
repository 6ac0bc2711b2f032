"""What a page's DOM says of its article beyond the meta tags: the headline that the <h1> and the <title> agree on,
the author marked up as such, the <time datetime> of the article."""
from __future__ import annotations

import re
from typing import Any

from pipeline.document import DomPage

# Separators between a headline and a site name in a <title> or og:title ("Headline | Site", "Site - Headline").
_SEP = re.compile(r"\s+(?:[|｜•·»:]|::|[-–—]{1,2})\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
MIN_PREFIX_CHARS = 16  # a heading that starts a longer stated title agrees with it only when this long
_AUTHOR_XPATH = ('//*[@itemprop="author"]//*[@itemprop="name"] | //*[@itemprop="author"][not(.//*[@itemprop="name"])]'
                 ' | //a[@rel="author"]')
_TIME_XPATH = '//time[@datetime] | //*[@itemprop="datePublished"][@datetime or @content]'
MAX_AUTHOR_WORDS = 6


def _fold(text: str) -> str:
    """Case, space and quote-insensitive form."""
    return " ".join(text.translate(_QUOTES).split()).casefold()


def title_candidates(page: DomPage, stated: list[str | None], site: str | None = None) -> list[tuple[str, str]]:
    """(headline, rule) best first: the longest visible heading that a stated title (<title>, og:title, ...) or a
    part of one agrees with (the site's name is no headline), then the first visible <h1>."""
    whole = {_fold(s) for s in stated if s}
    parts = {_fold(p) for s in stated if s for p in _SEP.split(s)} - {_fold(site or "")}

    def agrees(text: str) -> bool:
        f = _fold(text)
        return f in whole or f in parts or (len(f) >= MIN_PREFIX_CHARS and any(w.startswith(f) for w in whole))

    headings = [b for b in page.blocks if b.heading and not b.hidden]
    h1 = [b.text for b in headings if b.heading == 1]
    found = sorted(((text, "html.h1") for text in h1 if agrees(text)), key=lambda c: -len(c[0]))[:1]
    found += sorted(((b.text, f"html.h{b.heading}") for b in headings if b.heading <= 3 and agrees(b.text)),
                    key=lambda c: -len(c[0]))[:1]
    found += [(h1[0], "html.h1_first")] if h1 else []
    return found


def author_candidates(tree: Any) -> list[str]:
    """Names marked up as the author: itemprop=author (its itemprop=name), rel=author links."""
    names = []
    for el in tree.xpath(_AUTHOR_XPATH):
        text = " ".join((el.get("content") or el.text_content() or "").split())
        if text and len(text.split()) <= MAX_AUTHOR_WORDS and text not in names:
            names.append(text)
    return names


def date_candidates(tree: Any) -> list[tuple[str, str]]:
    """(datetime, rule): itemprop=datePublished first, then the first <time datetime> of the page."""
    published, times = [], []
    for el in tree.xpath(_TIME_XPATH):
        value = (el.get("datetime") or el.get("content") or "").strip()
        if value:
            (published if el.get("itemprop") == "datePublished" else times).append(value)
    return [(v, "html.itemprop:datePublished") for v in published[:1]] + [(v, "html.time") for v in times[:1]]
