"""Metadata an input states itself (HTML meta tags, JSON-LD, record keys, front matter), normalised to article fields.

Stated values win over what the text suggests: a page's `article:published_time` is more reliable than a
dateline found by pattern. A value that does not normalise (a date that is no date, an author that is a URL)
is dropped and the text-derived value stays.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from pipeline.config import MetadataConfig
from pipeline.steps.metadata.dates import parse_date, published_date
from pipeline.document import Document
from pipeline.steps.metadata.fields import byline_authors, clean_title, split_names


def apply_given(doc: Document, config: MetadataConfig) -> Document:
    """Puts the stated title, authors, date and URL into `doc.meta`, with `metadata_source` naming the rule."""
    header_date = _header_date(doc, config)
    for key, candidates in doc.given.items():
        for stated in candidates:
            value = NORMALISE[key](stated.value, config)
            if value in (None, "", []):
                continue  # e.g. a relative canonical link: the next candidate may do
            if key == "published" and header_date and not stated.rule.startswith(OVER_HEADER_DATE) \
                    and (header_date == "dateline" or stated.rule.startswith(UNDER_UPDATED_DATELINE)):
                break  # the page's own dateline under its headline
            if stated.strong or not doc.meta.get(key):
                doc.meta[key] = clean_title(value) if key == "title" and not stated.strong else value  # type: ignore[arg-type]
                doc.meta_source[key] = {"line": None, "rule": stated.rule}
            break
    url = doc.meta.get("url")
    doc.meta["site"] = site(url) if url else None
    return doc


# Where the text's date sits beside the headline, in the header block (header.py's rules).
HEADER_DATE_RULES = frozenset({"header.dateline", "header.byline", "header.name_line"})
# Stated dates that beat such a dateline: Open Graph's published time (on wcxb's train pages it is right in 11 of
# the 15 where the two disagree). JSON-LD's datePublished, the other meta names, itemprop and <time> yield to it
# (JSON-LD's right in 6 of 22): they are often the page record's creation date, not the article's.
OVER_HEADER_DATE = ("html.meta:article:published_time", "html.meta:og:published_time", "json:", "markdown.")
# Stated dates that yield to the header's 'Updated' dateline too, when it is the only date the header states: JSON-LD's
# datePublished (on wcxb's train pages where the two disagree the gold is the visible 'Updated' date 8 times of 9; it
# is Open Graph's published time 11 of 13).
UNDER_UPDATED_DATELINE = ("html.json-ld:datePublished",)


def _header_date(doc: Document, config: MetadataConfig) -> str | None:
    """'dateline' when the text's published date is a dateline of the article's header block, 'updated' when it is an
    'Updated' one, else None."""
    source = doc.meta_source.get("published")
    if not doc.meta.get("published") or not source or source.get("rule") not in HEADER_DATE_RULES:
        return None
    unit = next((u for u in doc.units if u.line == source.get("line")), None)
    if unit is None:
        return None
    languages = [doc.language, "en"] if doc.language and doc.language != "en" else ["en"]
    return "updated" if published_date(unit.text, config, languages)[1] else "dateline"


def site(url: str) -> str | None:
    """The host name of a URL, lower-cased."""
    return urlsplit(url).hostname


def _title(value: Any, config: MetadataConfig) -> str | None:
    return " ".join(value.split()) if isinstance(value, str) else None


def _url(value: Any, config: MetadataConfig) -> str | None:
    """An absolute http(s) URL, else None (a relative canonical link says nothing about the site)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme in ("http", "https") and parts.hostname else None


def _published(value: Any, config: MetadataConfig) -> str | None:
    """An ISO date from an ISO timestamp, a date in words, or Unix seconds/milliseconds; the date as written."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        seconds = value / 1000 if value > 1e11 else value  # milliseconds since the epoch, as JavaScript writes them
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, date):  # YAML front matter parses `date: 2024-03-05` itself
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    found: date | None = parse_date(text, config)
    return found.isoformat() if found else None


def _authors(value: Any, config: MetadataConfig) -> list[str]:
    """Names from a string ('By Jane Doe and John Roe'), a list, or JSON-LD Person objects; URLs are no names."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip() or _url(name, config):
            continue
        name = " ".join(name.split()).strip('"“”')  # '"Jane Doe"': a name quoted in the page's JSON
        for found in byline_authors(name) or split_names(name) or [name]:
            if found not in names:
                names.append(found)
    return names


NORMALISE = {"title": _title, "url": _url, "published": _published, "authors": _authors}
