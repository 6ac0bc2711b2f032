"""Plain-text helpers every step shares: the word patterns, list bullets, letters, sentence ends, and the two keys
lines are compared under (fold for headlines, normalise for rule phrases and repetition)."""
from __future__ import annotations

import re

from pipeline.steps.memo import per_document

WORD = re.compile(r"\w+(?:['’]\w+)*")  # a word, apostrophes inside it kept: every count and feature of the steps
TOKEN = re.compile(r"\w+")  # a run of word characters: the shingles of dedup, the benchmark metric, the model's dup check
BULLET = re.compile(r"^([-*•·▪►–—]|\d{1,3}[.)])\s")  # list items: dashes, bullets, "1." or "1)"
TABLE_ROW = re.compile(r"^\|.*\|$")  # a table row as the Markdown reader writes it (and as Markdown writes it)
_TERMINAL = re.compile(r"[.!?…:;]['\"”’»)\]]*$|[。！？]$")  # the definition ends_sentence implements
_LATIN_TERMINAL, _CLOSING, _CJK_TERMINAL = ".!?…:;", "'\"”’»)]", "。！？"
LETTER = re.compile(r"[^\W\d_]")
_EDGE = re.compile(r"[\W_]+")  # a run of what normalise() trims from each end
_QUOTES = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "}
_QUOTE_PAIRS = tuple(_QUOTES.items())  # no replacement is itself replaced, so the order does not matter


@per_document  # classify, the line model and the header search each ask for every line's words
def words(text: str) -> list[str]:
    """The words of a line, lower-cased (a list shared by every caller inside a document: not to be changed)."""
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


@per_document
def fold(text: str | None) -> str:
    """Text compared case-, space- and quote-insensitively (headlines against the page title)."""
    text = text or ""
    for char, plain in _QUOTE_PAIRS:  # str.translate() with a dict is 20x slower on non-ASCII text
        if char in text:
            text = text.replace(char, plain)
    return " ".join(text.split()).casefold()  # str.split() and re's \s agree on what is white space


def fold_head(text: str | None) -> str:
    """The first character of fold(text) ("" when it is empty), without folding the whole line: fold maps and
    case-folds character by character and only joins the white-space runs, so its first character is that of the
    line's first character that is no white space (str.lstrip and str.split know the same spaces)."""
    first = (text or "").lstrip()[:1]
    return _QUOTES.get(first, first).casefold()[:1]


@per_document
def normalise(text: str) -> str:
    """Lower-cased, bullets and punctuation trimmed from both ends, spaces collapsed: phrases compare by their words."""
    low = text.lower()
    if not (low[:1].isalnum() and low[-1:].isalnum()):  # [\W_] is exactly "not str.isalnum()"
        # re.sub(r"^[\W_]+|[\W_]+$", "", low), without its second branch tried at every position of a long line
        lead = _EDGE.match(low)
        if lead:
            low = low[lead.end():]
        trail = _EDGE.match(low[::-1])
        if trail:
            low = low[:len(low) - trail.end()]
    # No space is left at either edge, so this is _SPACES.sub(" ", low): split() and \s know the same spaces.
    return " ".join(low.split())
