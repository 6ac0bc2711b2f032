"""The matcher's shortcuts (exact phrases looked up, rule plans per line length, `match` for anchored patterns,
normalise without regexes on plain edges) give what trying every rule in order with `search` gives."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import Category, load_config
from pipeline.steps.text import words
from pipeline.steps.classify.rules import Matcher, anchored
from pipeline.steps.text import normalise

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_SPACES = re.compile(r"\s+")


def _normalise(text: str) -> str:
    """normalise as first written: two regexes."""
    return _SPACES.sub(" ", _EDGES.sub("", text.lower()))


def _reference(categories: dict[str, Category], text: str, nwords: int) -> str | None:
    """The name of the first rule, in catalogue order, that fires: every rule tried, patterns with `search`."""
    norm = _normalise(text)
    for name, category in categories.items():
        if not category.enabled:
            continue
        for rule in category.rules:
            if rule.max_words is not None and nwords > rule.max_words:
                continue
            phrases = [_normalise(p) for p in rule.phrases]
            fired = {"exact": lambda: norm in phrases, "prefix": lambda: norm.startswith(tuple(phrases)),
                     "contains": lambda: any(p in norm for p in phrases),
                     "pattern": lambda: re.search(rule.pattern or "", text, re.IGNORECASE) is not None}[rule.kind]()
            if fired:
                return f"{name}.{rule.name}"
    return None


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, Category], Matcher]:
    categories = load_config(None).classify.categories
    return categories, Matcher(categories)


def _agrees(line: str) -> None:
    categories, matcher = _catalogue()
    for nwords in {len(words(line)), 1, 4, 12, 35, 500}:  # every plan, whatever the line's real length
        found = matcher.match(line, nwords)
        assert (found.rule if found else None) == _reference(categories, line, nwords), (line, nwords)


@lru_cache(maxsize=1)
def _seed_lines() -> list[str]:
    return sorted({line.strip() for path in SEEDS.glob("*.txt") for line in path.read_text(encoding="utf-8").split("\n")
                   if line.strip()})


def test_matcher_agrees_on_every_seed_line() -> None:
    """Every line of the seed articles, at every line length."""
    for line in _seed_lines():
        _agrees(line)


@lru_cache(maxsize=1)
def _phrases() -> list[str]:
    """The catalogue's exact phrases and pieces of its patterns, so random lines often hit a rule."""
    out: set[str] = set()
    for category in load_config(None).classify.categories.values():
        for rule in category.rules:
            out.update(rule.phrases)
            out.update(w for w in re.split(r"[|()\\^$?*+\[\]{}]", rule.pattern or "") if w.strip())
    return sorted(out)


@pytest.mark.parametrize("line", ["_ _ _ _ _ _ _ Advertisement", "Advertisement _ _ _ _ _ _ _", "__Sponsored content__",
                                  "Sponsored content " + "and more words " * 3, "• Advertisement •"])
def test_matcher_agrees_where_underscores_pad_a_phrase(line: str) -> None:
    """Underscores are word characters that normalise trims: a line of many words can still be an exact phrase."""
    _agrees(line)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_phrases()), st.text(max_size=5)), max_size=5),
       st.sampled_from(["", " ", "• ", "» ", "- ", "  "]), st.sampled_from(["", ".", " »", ":", "!"]))
def test_matcher_agrees_on_random_lines(parts: list[str], before: str, after: str) -> None:
    """Phrases and pattern pieces with bullets and punctuation around them, and random characters."""
    _agrees(before + " ".join(parts) + after)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_normalise_equals_the_regexes(text: str) -> None:
    """Any text: edges of any script, every kind of space."""
    assert normalise(text) == _normalise(text)


@pytest.mark.parametrize("text", ["", ".", "__", "_a_", "a_", "»  Home  «", "Read more…", "ab.\n", "\n", " \t ", "x", "İstanbul.",
                                  "...word...", "Ünïcödé – “quoted”", "2024", "a\u00a0b\u2003"])
def test_normalise_edges(text: str) -> None:
    """Edges that are all punctuation, underscores (word characters the trim removes), a trailing newline."""
    assert normalise(text) == _normalise(text)


@pytest.mark.parametrize(("pattern", "expected"), [
    ("^a", True), (r"\Aa", True), ("^a|^b", True), ("(^a|^b)c", True), ("(?:^a)b", True), ("(?i)^a", True),
    ("a", False), ("^a|b", False), ("(?m)^a", False), ("(?m:^a)", False), ("(?=^a)a", False), ("a^", False),
    ("[", False), ("", False),
])
def test_anchored(pattern: str, expected: bool) -> None:
    """Only patterns that cannot match anywhere but at the start count as anchored."""
    assert anchored(pattern) is expected
