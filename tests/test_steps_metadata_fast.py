"""The header search's shortcuts give the answers of the tests they stand in front of: a line's first folded
character (fold_head) before folding it whole, a digit before the date pattern, a word count before the lone-'By' test."""
from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.steps.metadata.dates import _HAS_DATE, has_date
from pipeline.steps.metadata.header import _BY_ALONE, MAX_BYLINE_WORDS
from pipeline.steps.text import fold, fold_head, words

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SPACES = " \t\u00a0\u2003\u3000"
QUOTES = "’‘“”–—"


def _seed_lines() -> list[str]:
    """Every line of the seed texts."""
    return [line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text(encoding="utf-8").splitlines()]


def test_fold_head_is_folds_first_character_for_every_character() -> None:
    """Each code point alone, after white space and before a word: str.casefold maps some to several characters
    ('ß' -> 'ss'), and the quotes and dashes are mapped before it."""
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        for text in (char, f"{char}x", f" {char} y", f"\u00a0{char}", f"\u2003\t{char}Z"):
            assert fold_head(text) == fold(text)[:1], repr(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(SPACES + QUOTES + "aßİΣﬁ'\"-")) | st.characters(), max_size=8))
def test_fold_head_on_random_text(text: str) -> None:
    """White space, quotes, dashes and letters whose case folding grows, in any mix."""
    assert fold_head(text) == fold(text)[:1]


def test_has_date_is_the_date_pattern_on_the_seeds() -> None:
    """The digit test in front of the pattern drops no line the pattern finds a date in."""
    lines = _seed_lines()
    assert any(has_date(line) for line in lines)
    for line in lines:
        assert has_date(line) == (_HAS_DATE.search(line) is not None), line


def test_has_date_with_other_scripts_digits() -> None:
    """\\d is any decimal digit, as in the pattern: Arabic-Indic and full-width digits make dates too."""
    for line in ("نشر ٢٠٢٤-٠٥-٠٣", "２０２４-０５-０３", "5 May 2022", "May 5", "no date here", "Page 3 of 10"):
        assert has_date(line) == (_HAS_DATE.search(line) is not None), line
    assert has_date("نشر ٢٠٢٤-٠٥-٠٣")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789./- ٣MayJanjuniT")) | st.characters(), max_size=30))
def test_has_date_on_random_text(text: str) -> None:
    """Digits, separators and month names in any mix."""
    assert has_date(text) == (_HAS_DATE.search(text) is not None)


def test_lone_by_is_short() -> None:
    """A lone 'By' line has at most two words, so the far-byline search skips lines longer than a byline."""
    for phrase in ("by", "written by", "posted by", "author", "autor", "von", "par", "por"):
        for line in (phrase, phrase.upper(), f"{phrase}:", phrase.replace(" ", "   ") + " :"):
            assert _BY_ALONE.match(line), line
            assert len(words(line)) <= 2 < MAX_BYLINE_WORDS
