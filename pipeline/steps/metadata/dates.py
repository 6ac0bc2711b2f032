"""Dates in datelines and bylines, parsed with dateparser behind a cheap regex pre-filter."""
from __future__ import annotations

import re
import warnings
from datetime import date, datetime
from functools import lru_cache

from pipeline.config import MetadataConfig
from pipeline.steps.memo import per_document

MONTHS = (
    r"jan(uary|vier|uar|eiro)?|feb(ruary|ruar)?|févr(ier)?|fev(ereiro)?|mar(ch|s|z|zo|ço)?|märz|apr(il|ile)?|avr(il)?|abr(il)?"
    r"|may|mai|mayo|maggio|maio|jun(e|i|io|ho)?|juin|giugno|jul(y|i|io|ho)?|juil(let)?|luglio|aug(ust)?|août|ago(sto)?"
    r"|sep(t|tember|tembre|tiembre|tembro)?|set(tembre|embro)?|oct(ober|obre|ubre)?|okt(ober)?|ott(obre)?|out(ubro)?"
    r"|nov(ember|embre|iembre|embro)?|dec(ember)?|dez(ember|embro)?|déc(embre)?|dic(iembre|embre)?"
    r"|januar|februar|maart|mei|juni|juli|augustus|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia"
    r"|września|października|listopada|grudnia|января|февраля|марта|апреля|мая|июня|июля|августа|сентября"
    r"|октября|ноября|декабря"
)
# Where a date may start. Inline elements written without a space between them render glued ('Yucy3/4/2025',
# 'GiuffridaMar 5, 2025'): a numeric date with its year in four digits, or a capitalised month name, may follow a
# letter directly.
_GLUED_NUMERIC = r"(?:\b|(?<=[^\W\d_])(?=\d{1,2}[./-]\d{1,2}[./-]\d{4}\b))"
_GLUED_MONTH = r"(?:\b|(?-i:(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])))"
# A numeric date repeats its separator ('05.01.2022', '2022/01/05'): '9.7/10' is a score, '1/2-3' no date.
_HAS_DATE = re.compile(
    rf"\b\d{{4}}(?P<a>[./-])\d{{1,2}}(?P=a)\d{{1,2}}(?:\b|(?=T\d))|{_GLUED_NUMERIC}\d{{1,2}}(?P<b>[./-])\d{{1,2}}(?P=b)\d{{2,4}}\b"
    rf"|{_GLUED_MONTH}({MONTHS})\.?\b[^\n]{{0,12}}\b\d{{1,4}}\b|\b\d{{1,2}}\.? ({MONTHS})\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")  # every branch of _HAS_DATE needs one: most lines have none, and this finds that 50x faster
_DAY = r"\d{1,2}(?:st|nd|rd|th|er|º|\.)?"
# A phrase's year may be glued to the next inline element ('July 30, 2019January 18, 2023': a published and an
# updated <time>; 'Dec 17, 2025Julian K. Arni'), and a capitalised month name may follow such a year directly.
_GLUED_YEAR = r"(?:\b|(?-i:(?=[A-ZÀ-Þ])))"
_PHRASE_MONTH = rf"(?:{_GLUED_MONTH}|(?<=\d{{4}})(?-i:(?=[A-ZÀ-Þ])))"
# Whole date phrases: "Jan. 5th, 2022", "5. Januar 2022", "5 de enero de 2022", "2022/01/05", "05.01.2022".
_PHRASE = re.compile(
    rf"{_PHRASE_MONTH}(?:{MONTHS})\.?\s+{_DAY},?\s+\d{{4}}{_GLUED_YEAR}|\b{_DAY}\s+(?:de\s+)?(?:{MONTHS})\.?,?\s+(?:de\s+)?\d{{4}}{_GLUED_YEAR}"
    rf"|\b\d{{4}}(?P<a>[./-])\d{{1,2}}(?P=a)\d{{1,2}}(?:\b|(?=T\d))|{_GLUED_NUMERIC}\d{{1,2}}(?P<b>[./-])\d{{1,2}}(?P=b)\d{{4}}\b",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b\d+\s+(seconds?|minutes?|hours?|days?|weeks?|months?)\s+ago\b|\b(yesterday|today)\b", re.IGNORECASE)
_PREFIX = re.compile(
    r"^(published|posted|updated|last updated|modified|date|on|veröffentlicht|aktualisiert|am|publié le|publié|mis à jour|"
    r"le|publicado|actualizado|el|pubblicato|aggiornato|il|atualizado|em|gepubliceerd|op|opublikowano|опубликовано)\b\s*:?\s*",
    re.IGNORECASE,
)


# Where a line states a second date: "Published: May 1 · Updated: May 3", "May 1, 2022 Updated May 3", also glued
# to the first one's year ("April 26, 2024Updated on: ...", two inline elements).
_SEGMENT = re.compile(r"\s*[|•·⋅]\s*|(?:\s+|(?<=\d))(?=(?:last\s+)?(?:updated|modified|published|posted|aktualisiert|veröffentlicht|mis à jour|publié|actualizado|publicado|aggiornato|pubblicato)\b)", re.IGNORECASE)
_UPDATED = re.compile(r"^(?:last\s+)?(?:updated|modified|edited|revised|aktualisiert|geändert|mis à jour|modifié|actualizado|aggiornato|atualizado|bijgewerkt|zaktualizowano|обновлено)\b", re.IGNORECASE)


def published_date(text: str, config: MetadataConfig, languages: list[str] | None = None) -> tuple[date | None, bool]:
    """The date a line states, preferring a published over an updated one; the flag says it was 'updated'."""
    segments = [s for s in _SEGMENT.split(text) if s and s.strip()] if has_date(text) else [text]
    updated: date | None = None
    for segment in segments:
        found = _earliest(segment, config, languages) or parse_date(segment, config, languages)
        if found and not _UPDATED.match(segment.strip()):
            return found, False
        updated = updated or found
    if updated is None and len(segments) > 1:
        found = parse_date(text, config, languages)
        return found, False
    return updated, updated is not None


def _earliest(text: str, config: MetadataConfig, languages: list[str] | None) -> date | None:
    """The earliest of two or more unlabelled dates in one segment ("May 21, 2025 April 24, 2025"): the first publication."""
    phrases = [m.group(0) for m in _PHRASE.finditer(text)]
    if len(phrases) < 2:
        return None
    found = [d for d in (parse_date(p, config, languages) for p in phrases[:3]) if d]
    return min(found) if found else None


def opens_with_date(text: str) -> bool:
    """True when the text starts with a whole date phrase ('November 25, 2024 in News')."""
    return _PHRASE.match(text) is not None


@per_document
def has_date(text: str) -> bool:
    """Cheap test: does the line hold something shaped like a date?"""
    return _DIGIT.search(text) is not None and _HAS_DATE.search(text) is not None


@per_document(key=lambda text, config, languages=None: (text, id(config), tuple(languages or ())))
def parse_date(text: str, config: MetadataConfig, languages: list[str] | None = None) -> date | None:
    """The calendar date a dateline states, or None; relative dates need `config.reference_date`."""
    # Without a reference date a relative word must not loosen the parts required: "May 5 · yesterday" would
    # take this year's May 5, and the archive would depend on the day it was made.
    relative = bool(_RELATIVE.search(text)) and config.reference_date is not None
    if not has_date(text) and not relative:
        return None
    candidate = _PREFIX.sub("", text.strip(" \t|•·-–—"))
    settings = {
        "DATE_ORDER": config.date_order,
        "PREFER_DAY_OF_MONTH": "first",
        "REQUIRE_PARTS": [] if relative else ["day", "month", "year"],
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    if config.reference_date:
        settings["RELATIVE_BASE"] = datetime.combine(config.reference_date, datetime.min.time())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = _search(candidate, settings, languages)
    return found.date() if found else None


# The dates most datelines are written in, "May 5, 2022", "5 May 2022" (English month names) and "2022-05-05",
# whole: read here, as dateparser reads them (tests/test_steps_metadata_dates.py), in a microsecond instead of a millisecond.
_EN_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), 1) for name in names}
_EN_DATE = re.compile(r"(?:([A-Za-z]+)\.? ([0-9]{1,2}),? |([0-9]{1,2}) ([A-Za-z]+)\.?,? )([0-9]{4})")
_EN_YEARS = range(1900, 2100)
_YMD = re.compile(r"([0-9]{4})([./-])([0-9]{1,2})\2([0-9]{1,2})")  # year first: every date order reads it so


def common_date(text: str) -> datetime | None:
    """The date of a whole "May 5, 2022" or "5 May 2022" (month names in English, abbreviated or not) or
    "2022-05-05" (also with / or . twice), or None for anything else, which dateparser reads."""
    found = _EN_DATE.fullmatch(text)
    if found is not None:
        year, month, day = int(found[5]), _EN_MONTHS.get((found[1] or found[4]).lower()), int(found[2] or found[3])
    elif (numeric := _YMD.fullmatch(text)) is not None:
        year, month, day = int(numeric[1]), int(numeric[3]), int(numeric[4])
    else:
        return None
    if month is None or year not in _EN_YEARS:
        return None
    try:
        return datetime(year, month, day)
    except ValueError:  # "February 30": dateparser's own reading of it, whatever it is
        return None


# A whole "11/19/2019", "18.11.2019" or "5-3-2024": under MDY the month first, under DMY the day first, and when that
# is no calendar day the other way round, as dateparser reads them (tests/test_steps_metadata_dates.py); YMD is
# dateparser's alone (it reads "10/1/2019" otherwise).
_DMY_OR_MDY = re.compile(r"([0-9]{1,2})([./-])([0-9]{1,2})\2([0-9]{4})")


def numeric_date(text: str, order: str) -> datetime | None:
    """The date of a whole numeric date with a four-digit year last under the MDY or DMY date order, or None for
    anything else, which dateparser reads."""
    found = _DMY_OR_MDY.fullmatch(text) if order in ("MDY", "DMY") else None
    if found is None or int(found[4]) not in _EN_YEARS:
        return None
    first, second, year = int(found[1]), int(found[3]), int(found[4])
    for month, day in ((first, second), (second, first)) if order == "MDY" else ((second, first), (first, second)):
        try:
            return datetime(year, month, day)
        except ValueError:
            continue
    return None


# A whole "June 10", "Nov. 19" or "5 May" (English month names): no year, so dateparser returns None for it whenever
# the year is a required part; about 0.5 ms a call saved (tests/test_steps_metadata_dates.py).
_EN_YEARLESS = re.compile(r"([A-Za-z]+)\.? [0-9]{1,2}|[0-9]{1,2} ([A-Za-z]+)\.?")


def yearless(text: str) -> bool:
    """True for a whole "June 10", "Nov. 19" or "5 May": an English month name and one or two digits, no year."""
    found = _EN_YEARLESS.fullmatch(text)
    return found is not None and (found[1] or found[2]).lower() in _EN_MONTHS


def _parse(text: str, languages: list[str] | None, settings: dict) -> datetime | None:
    """dateparser.parse restricted to `languages` that dateparser knows."""
    known = [lang for lang in languages or [] if lang in _dateparser_languages()] or ["en"]
    if known == ["en"]:
        found = common_date(text) or numeric_date(text, settings["DATE_ORDER"])
        if found is not None:
            return found
        if "year" in settings["REQUIRE_PARTS"] and yearless(text):
            return None
    import dateparser  # here: its import and data take a second, and most documents never need it

    return dateparser.parse(text, languages=known, settings=settings)


@lru_cache(maxsize=1)
def _dateparser_languages() -> frozenset[str]:
    """Language codes dateparser ships data for."""
    from dateparser.languages.loader import LocaleDataLoader  # as in _parse: loaded only when dateparser is needed

    return frozenset(LocaleDataLoader().get_locale_map().keys())


def _search(text: str, settings: dict, languages: list[str] | None) -> datetime | None:
    """Parses each date phrase of the line, then the whole line, then the text around a date-shaped part."""
    tried: set[str] = set()  # a short line is often its own date phrase: dateparser would fail on it again
    phrases = [_ORDINAL.sub(r"\1", phrase.group(0)) for phrase in _PHRASE.finditer(text)]
    match = _HAS_DATE.search(text) or _RELATIVE.search(text)
    start = max(0, match.start() - 12) if match else 0
    pieces = [text[start:match.end() + 6], match.group(0)] if match else []
    for candidate in [*phrases, text, *pieces]:
        if candidate in tried:
            continue
        tried.add(candidate)
        parsed = _parse(candidate, languages, settings)
        if parsed:
            return parsed
    return None
