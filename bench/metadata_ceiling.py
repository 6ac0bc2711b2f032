"""How often the gold title, author and date are written in the text at all: `python bench/metadata_ceiling.py GOLD_DIR INPUT_DIR`.

No extractor working from the text can state a value the text does not hold, so these shares bound the
figures of `bench/metadata.py`. Title and author count when their folded form is part of a line; a date
counts when one line writes it in a common numeric or English form (`2025-09-04`, `09/04/2025`,
`4.9.2025`, `Sep 4, 2025`, `4th September 2025`...). Dates written only in other languages, without
a year or relative to the day ("3 hours ago") do not count, so the date share is a slight underestimate.
"""
from __future__ import annotations

import argparse
import calendar
import json
import re
from pathlib import Path

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def fold(text: str) -> str:
    """Case-, space- and quote-insensitive form."""
    return _SPACE.sub(" ", text.translate(_QUOTES)).strip().casefold()


def date_pattern(iso: str) -> re.Pattern[str] | None:
    """The forms a page may write the date YYYY-MM-DD in; None for a partial date."""
    parts = iso.split("-")
    if len(parts) != 3:
        return None
    y, m, d = map(int, parts)
    month = rf"(?:{calendar.month_name[m]}|{calendar.month_abbr[m]}[a-z]*)\.?"
    day = rf"0?{d}(?:st|nd|rd|th)?"
    yy = f"{y % 100:02d}"
    forms = [
        rf"\b{month}\s+{day},?\s+{y}", rf"\b{day}\.?\s+(?:of\s+)?{month},?\s+{y}",
        rf"{y}-{m:02d}-{d:02d}", rf"{y}/0?{m}/0?{d}", rf"{y}\.0?{m}\.0?{d}",
        rf"\b0?{m}/0?{d}/(?:{y}|{yy}\b)", rf"\b0?{d}/0?{m}/(?:{y}|{yy}\b)", rf"\b0?{d}\.0?{m}\.(?:{y}|{yy}\b)",
        rf"\b0?{m}\.0?{d}\.{y}", rf"\b{m:02d}-{d:02d}-{y}", rf"\b{d:02d}-{m:02d}-{y}",
    ]
    return re.compile("|".join(forms), re.IGNORECASE)


def in_text(field: str, value: str, lines: list[str], folded: list[str]) -> bool:
    """Whether the text writes `value` of `field`."""
    if field == "date":
        pattern = date_pattern(value)
        return pattern is not None and any(pattern.search(line) for line in lines)
    needle = fold(value)
    return any(needle in line for line in folded)


def main(argv: list[str] | None = None) -> int:
    """Prints, per field, the share of documents whose gold value the text writes."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold_dir", type=Path)
    ap.add_argument("input_dir", type=Path)
    args = ap.parse_args(argv)
    counts = {field: [0, 0] for field in ("title", "author", "date")}
    for gold_path in sorted(args.gold_dir.glob("*.json")):
        source = args.input_dir / f"{gold_path.stem}.txt"
        if not source.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
        folded = [fold(line) for line in lines]
        for field, count in counts.items():
            if gold.get(field):
                count[1] += 1
                count[0] += in_text(field, gold[field], lines, folded)
    for field, (hits, total) in counts.items():
        print(f"{field:6} {hits / total if total else 0:6.1%}  ({hits}/{total} gold non-null written in the text)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
