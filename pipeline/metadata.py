"""Step `metadata`: title, authors, published date, language and counts from the labelled units."""
from __future__ import annotations

import hashlib
import re

from .config import MetadataConfig
from .dates import parse_date
from .document import Document, Unit
from .features import WORD

_BY = re.compile(
    r"^(by|from|written by|words by|text by|story by|reporting by|von|text von|par|por|di|door|przez|autor(in)?:?|author:?|auteur:?|автор:?)\s+",
    re.IGNORECASE,
)
# What follows the names in a byline: a date, a role, a separator.
_BYLINE_TAIL = re.compile(
    r"\s*([|•·–—]|\b(on|am|le|el|il|em|op)\b\s+\w+|\b(published|posted|updated)\b|,\s*(staff|senior|chief|contributing|special)\b|\d).*$",
    re.IGNORECASE,
)
_AND = re.compile(r"\s*(?:,|\band\b|&|\bund\b|\bet\b|\by\b|\be\b|\ben\b|\bi\b|\bи\b)\s*", re.IGNORECASE)
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,40}$")


def authors_from_byline(text: str) -> list[str]:
    """Names in a byline such as 'By Jane Doe and John Roe | May 1, 2022'."""
    names = _BYLINE_TAIL.sub("", _BY.sub("", text.strip())).strip(" ,;:")
    return [n.strip() for n in _AND.split(names) if n and n.strip() and any(c.isalpha() for c in n)]


def clean_title(text: str) -> str:
    """The headline without a trailing ' | Site' or ' - Site' suffix."""
    stripped = _SITE_SUFFIX.sub("", text)
    return stripped if len(stripped.split()) >= 2 else text


def _first(units: list[Unit], label: str) -> Unit | None:
    return next((u for u in units if u.label == label), None)


def metadata(doc: Document, config: MetadataConfig) -> Document:
    """Fills `doc.meta` and `doc.meta_source`."""
    units = doc.units
    title = _first(units, "title")
    byline = _first(units, "byline")
    dateline = _first(units, "dateline")
    doc.meta["title"] = clean_title(title.text) if title else None
    doc.meta["authors"] = authors_from_byline(byline.text) if byline else []
    languages = [doc.language, "en"] if doc.language and doc.language != "en" else ["en"]
    published = None
    for unit in (dateline, byline):
        if unit is not None and published is None:
            found = parse_date(unit.text, config, languages)
            if found:
                published = found.isoformat()
                doc.meta_source["published"] = {"line": unit.line, "rule": unit.rule}
    doc.meta["published"] = published
    for key, unit in (("title", title), ("authors", byline)):
        if unit is not None and doc.meta[key]:
            doc.meta_source[key] = {"line": unit.line, "rule": unit.rule}
    return doc


def stats(paragraphs: list[str], config: MetadataConfig) -> dict[str, int]:
    """Word, character and paragraph counts of the clean text, and its reading time."""
    text = "\n\n".join(paragraphs)
    nwords = len(WORD.findall(text))
    return {
        "words": nwords,
        "chars": len(text),
        "paragraphs": len(paragraphs),
        "reading_time_s": round(nwords * 60 / config.words_per_minute),
    }


def sha256(text: str) -> str:
    """Hex sha256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
