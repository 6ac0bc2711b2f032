"""Common dates read without dateparser ("May 5, 2022", "5 May 2022", "2022-05-05") give the dates dateparser
gives, under every date order."""
from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import dateparser
import pytest

from pipeline.steps.metadata.dates import _ORDINAL, _PHRASE, common_date, numeric_date, yearless

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SPELLINGS = ["January", "Jan", "February", "Feb", "March", "Mar", "April", "Apr", "May", "June", "Jun", "July", "Jul",
             "August", "Aug", "September", "Sep", "Sept", "October", "Oct", "November", "Nov", "December", "Dec"]
DAYS = [0, 1, 5, 9, 10, 12, 13, 28, 29, 30, 31, 32]
YEARS = [1899, 1900, 1999, 2000, 2023, 2024, 2099, 2100]
ORDERS = ["MDY", "DMY", "YMD"]


def _grid() -> list[str]:
    """Every spelling in both orders, cases, with and without dot and comma, over days and years that test the edges."""
    out = []
    for month in SPELLINGS:
        for case in (str, str.lower, str.upper):
            m = case(month)
            for dot in ("", "."):
                for comma in ("", ","):
                    out += [f"{m}{dot} {d}{comma} {y}" for d in DAYS for y in YEARS]
                    out += [f"{d} {m}{dot}{comma} {y}" for d in DAYS for y in YEARS]
    for sep in "-/.":
        for month in range(0, 14):
            out += [f"{y}{sep}{month:0{width}d}{sep}{d:0{width}d}" for d in DAYS for y in YEARS for width in (1, 2)]
    return out


def _sample() -> list[str]:
    """A fixed sample of the grid, the seeds' own date phrases, and near misses the fast path must leave alone."""
    picked = random.Random(4).sample(_grid(), 800)
    seeds = {_ORDINAL.sub(r"\1", m.group(0)) for p in SEEDS.glob("*.txt")
             for m in _PHRASE.finditer(p.read_text(encoding="utf-8"))}
    misses = ["May 5, 22", "May  5, 2022", "May 5,2022", "Mai 5, 2022", "5. May 2022", "May 05 2022 10:00", "Febr 5, 2022",
              "February 29, 2023", "February 29, 2024", "April 31, 2024", "5 de May de 2022", "May 5th, 2022",
              "2024-13-05", "2024-05-13", "2024-5/13", "2024.02.30", "2024-05-13T10:00", "24-05-13", "13.05.2024"]
    return sorted(set(picked) | seeds | set(misses))


def _dateparser(text: str, order: str, require: bool) -> datetime | None:
    """What dates._parse asked dateparser for, with parse_date's settings."""
    settings = {"DATE_ORDER": order, "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month", "year"] if require else [],
                "RETURN_AS_TIMEZONE_AWARE": False}
    return dateparser.parse(text, languages=["en"], settings=settings)


@pytest.mark.parametrize("order", ORDERS)
def test_common_dates_are_dateparsers(order: str) -> None:
    """Where the fast path reads a date, dateparser reads the same day (a relative line drops REQUIRE_PARTS: same)."""
    read = 0
    for text in _sample():
        fast = common_date(text)
        if fast is None:
            continue
        read += 1
        for require in (True, False):
            found = _dateparser(text, order, require)
            assert found is not None and found.date() == fast.date(), (text, order, require)
    assert read > 200  # the sample does exercise the fast path


def _numeric_grid() -> list[str]:
    """Day and month fields 0-32 (one digit or zero-padded) in either place, each separator, years at the edges."""
    fields = [str(i) for i in range(33)] + [f"{i:02d}" for i in range(10)]
    return [f"{a}{sep}{b}{sep}{y}" for a in fields for b in fields for sep in "/.-" for y in YEARS]


@pytest.mark.parametrize("order", ORDERS)
def test_numeric_dates_are_dateparsers(order: str) -> None:
    """Where the fast path reads "11/19/2019" or "18.11.2019", dateparser reads the same day under that order (when
    written: 77,658 phrases of this grid under MDY and DMY, years 1900, 1904, 1999, 2000, 2019, 2024 and 2099, the 51,018
    the fast path reads all agreed, and it read every one dateparser dated; a sample here); YMD and near misses are
    left to dateparser."""
    read = 0
    for text in random.Random(6).sample(_numeric_grid(), 400):
        fast = numeric_date(text, order)
        if fast is None:  # dateparser's to read
            continue
        read += 1
        for require in (True, False):
            found = _dateparser(text, order, require)
            assert found is not None and found == fast, (text, order, require)
    assert read > 100 or order == "YMD"
    misses = ["11/19/19", "11/19/2019 10:00", "11 /19/2019", "11/19-2019", "111/9/2019", "11/19/02019", "١١/١٩/٢٠١٩"]
    assert not any(numeric_date(text, order) for text in misses)


def _yearless_grid() -> list[str]:
    """Every spelling in both orders and cases, with and without dot, over one- and two-digit days."""
    out = []
    for month in SPELLINGS:
        for m in (month, month.lower(), month.upper()):
            for dot in ("", "."):
                out += [f"{m}{dot} {d}" for d in [*range(100), "00", "05"]] + [f"{d} {m}{dot}" for d in [*range(100), "00", "05"]]
    return out


@pytest.mark.parametrize("order", ORDERS)
def test_yearless_dates_are_none_for_dateparser(order: str) -> None:
    """A whole month-and-day phrase is never a date when the year is required (checked on all 29,952 phrases of the
    grid under every order when written; a sample here); phrases with a year, or no English month, are not yearless."""
    picked = random.Random(5).sample(_yearless_grid(), 300)
    assert all(yearless(text) for text in picked)
    assert all(_dateparser(text, order, True) is None for text in picked)
    misses = ["June 2020", "June 10 2020", "June 10, 2020", "10 June 2020", "Juni 10", "June 100", "June  10", "June 10.",
              "Published June 10", "June 10 at 5pm", "٥ May", "10 Mayo", "2020 June"]
    assert not any(yearless(text) for text in misses)


@pytest.mark.parametrize(("text", "expected"), [
    ("May 5, 2022", datetime(2022, 5, 5)), ("5 May 2022", datetime(2022, 5, 5)), ("Sept. 30, 2021", datetime(2021, 9, 30)),
    ("dec 31 1999", datetime(1999, 12, 31)), ("February 29, 2024", datetime(2024, 2, 29)),
    ("2024-05-13", datetime(2024, 5, 13)), ("2024/5/3", datetime(2024, 5, 3)), ("2018.04.05", datetime(2018, 4, 5)),
    ("2024-13-05", None), ("2024-5/13", None), ("13.05.2024", None), ("2024-05-13T10:00", None),
    ("February 29, 2023", None), ("May 0, 2022", None), ("May 5, 1899", None), ("Mai 5, 2022", None),
    ("May  5, 2022", None), ("May 5, 2022 10:00", None), ("Published May 5, 2022", None), ("٥ May 2022", None),
])
def test_common_date(text: str, expected: datetime | None) -> None:
    """Whole phrases only; anything else, invalid days and odd digits included, is left to dateparser."""
    assert common_date(text) == expected
