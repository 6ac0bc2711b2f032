"""What a page's DOM says of its article beyond the meta tags: the headline that the <h1> and the <title> agree on,
the author marked up as such, the <time datetime> of the article."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import lxml.etree as etree

from pipeline.document import DomPage

# Separators between a headline and a site name in a <title> or og:title ("Headline | Site", "Site - Headline").
_SEP = re.compile(r"\s+(?:[|｜•·»:]|::|[-–—]{1,2})\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
MIN_PREFIX_CHARS = 16  # a heading that starts a longer stated title agrees with it only when this long
MAX_AUTHOR_WORDS = 6
_TEXT = etree.XPath("string()")  # an element's text content, as lxml.html's text_content() is
_NAMES = etree.XPath('.//*[@itemprop="name"]')


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


MIN_HOST_NAME_CHARS = 4  # a title's last part shorter than this ('AI', 'UK') is not taken for the host's name


def without_site(title: str, site: str | None, url: str | None) -> str:
    """A stated title without a last ' | Site' part that is the site's name: its og:site_name, or a name the host name
    spells ('Headline — LessWrong' on www.lesswrong.com)."""
    parts = _SEP.split(title)
    if len(parts) < 2:
        return title
    last = _letters(parts[-1])
    try:
        host = _letters(urlsplit(url or "").hostname or "")
    except ValueError:
        host = ""
    if last and (last == _letters(site or "") or (len(last) >= MIN_HOST_NAME_CHARS and last in host)):
        return title[:list(_SEP.finditer(title))[-1].start()]
    return title


def _letters(text: str) -> str:
    """Letters and digits only, case-folded: 'Modern Farmer' and 'modernfarmer.com' share 'modernfarmer'."""
    return "".join(c for c in text.casefold() if c.isalnum())


def author_candidates(marked: list[Any]) -> list[str]:
    """Names marked up as the author: itemprop=author (its itemprop=name), rel=author links; `marked` holds the page's
    elements with a dom.MARKUP attribute in document order (dom.walk collects them)."""
    names = []
    for el in marked:
        if _is_author(el):
            text = " ".join((el.get("content") or _TEXT(el) or "").split())
            if text and len(text.split()) <= MAX_AUTHOR_WORDS and text not in names:
                names.append(text)
    return names


def _is_author(el: Any) -> bool:
    """An itemprop=name inside an itemprop=author, an itemprop=author with no such name inside, an <a rel=author>."""
    prop = el.get("itemprop")
    if prop == "name" and any(up.get("itemprop") == "author" for up in el.iterancestors()):
        return True
    if prop == "author" and not _NAMES(el):
        return True
    return el.tag == "a" and el.get("rel") == "author"


def date_candidates(marked: list[Any]) -> list[tuple[str, str]]:
    """(datetime, rule): itemprop=datePublished first, then the first <time datetime> of the page (`marked` as above)."""
    published, times = [], []
    for el in marked:
        if not (el.tag == "time" and el.get("datetime") is not None or el.get("itemprop") == "datePublished"
                and (el.get("datetime") is not None or el.get("content") is not None)):
            continue
        value = (el.get("datetime") or el.get("content") or "").strip()
        if value:
            (published if el.get("itemprop") == "datePublished" else times).append(value)
    return [(v, "html.itemprop:datePublished") for v in published[:1]] + [(v, "html.time") for v in times[:1]]
