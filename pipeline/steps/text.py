"""Plain-text helpers every step shares: the one word pattern, list bullets, letters, sentence ends."""
from __future__ import annotations

import re

WORD = re.compile(r"\w+(?:['’]\w+)*")  # the one definition of a word, for every count and feature
BULLET = re.compile(r"^([-*•·▪►–—]|\d{1,3}[.)])\s")  # list items: dashes, bullets, "1." or "1)"
_TERMINAL = re.compile(r"[.!?…:;]['\"”’»)\]]*$|[。！？]$")  # the definition ends_sentence implements
_LATIN_TERMINAL, _CLOSING, _CJK_TERMINAL = ".!?…:;", "'\"”’»)]", "。！？"
LETTER = re.compile(r"[^\W\d_]")


def words(text: str) -> list[str]:
    """The words of a line, lower-cased."""
    return WORD.findall(text.lower())


def ends_sentence(text: str) -> bool:
    """True when the line ends like a sentence (., !, ?, … possibly followed by a closing quote).

    The same answer as searching _TERMINAL, from the line's tail only: a search anchored at the end still
    tries every position of a long line.
    """
    if text.endswith("\n"):  # `$` also matches before a final newline
        text = text[:-1]
    if not text:
        return False
    if text[-1] in _CJK_TERMINAL:
        return True
    stripped = text.rstrip(_CLOSING)
    return bool(stripped) and stripped[-1] in _LATIN_TERMINAL


def has_letters(text: str) -> bool:
    """True when the line holds at least one letter."""
    return LETTER.search(text) is not None
