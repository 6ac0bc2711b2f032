"""Rule kinds (small code units registered by the name the config uses) and the matcher built from them."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import regex

from ..config import Category, Rule
from ..errors import InputError
from ..memo import per_document
from .literals import LiteralFilter, required

# Bullets, quotes and punctuation around a line do not change what it says.
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_SPACES = re.compile(r"\s+")

Predicate = Callable[[str, str], bool]  # (text as written, normalised text) -> match


@per_document
def normalise(text: str) -> str:
    """Lower-cases and trims bullets and punctuation so phrases compare by their words."""
    return _SPACES.sub(" ", _EDGES.sub("", text.lower()))


def _exact(rule: Rule) -> Predicate:
    phrases = frozenset(normalise(p) for p in rule.phrases)
    return lambda text, norm: norm in phrases


def _prefix(rule: Rule) -> Predicate:
    phrases = tuple(normalise(p) for p in rule.phrases)
    return lambda text, norm: norm.startswith(phrases)


def _contains(rule: Rule) -> Predicate:
    phrases = tuple(normalise(p) for p in rule.phrases)
    return lambda text, norm: any(p in norm for p in phrases)


def _pattern(rule: Rule) -> Predicate:
    if rule._timeout is None:  # the reviewed built-in catalogue: the standard engine
        search = re.compile(rule.pattern or "", re.IGNORECASE).search
        return lambda text, norm: search(text) is not None
    return _timed_search(rule.name, regex.compile(rule.pattern or "", regex.IGNORECASE), rule._timeout)


def _timed_search(name: str, compiled: regex.Pattern[str], seconds: float) -> Predicate:
    """A user pattern: searched with a timeout, so catastrophic backtracking fails the document, not the run."""
    def test(text: str, norm: str) -> bool:
        try:
            return compiled.search(text, timeout=seconds) is not None
        except TimeoutError:
            raise InputError("", f"pattern rule {name!r} took over {seconds:g} s on one line (catastrophic "
                                 "backtracking?); simplify the pattern or raise limits.pattern_seconds") from None
    return test


RULE_KINDS: dict[str, Callable[[Rule], Predicate]] = {
    "exact": _exact,
    "prefix": _prefix,
    "contains": _contains,
    "pattern": _pattern,
}


@dataclass(slots=True, frozen=True)
class Match:
    """What a rule said about a line."""

    category: str
    rule: str  # "category.rule_name"
    ends_article: bool


@dataclass(slots=True)
class _Compiled:
    match: Match
    test: Predicate
    max_words: int | None
    needs_norm: bool  # pattern rules look at the text as written only
    prefiltered: bool  # run only when the literal pre-filter names it


class Matcher:
    """All enabled rules, tried in catalogue order; the first that fires names the category.

    Pattern rules whose regex needs some literal text are tried only on lines that contain it
    (one Aho-Corasick pass per line, see `literals`); the order of the rules stays as written.
    """

    def __init__(self, categories: dict[str, Category]) -> None:
        self._rules: list[_Compiled] = []
        needed: dict[int, frozenset[str]] = {}
        for cat_name, category in categories.items():
            if not category.enabled:
                continue
            for rule in category.rules:
                match = Match(cat_name, f"{cat_name}.{rule.name}", rule.ends_article)
                literals = required(rule.pattern or "") if rule.kind == "pattern" else None
                if literals:
                    needed[len(self._rules)] = literals
                compiled = _Compiled(match, RULE_KINDS[rule.kind](rule), rule.max_words, rule.kind != "pattern", bool(literals))
                self._rules.append(compiled)
        self._filter = LiteralFilter(needed)

    def match(self, text: str, words: int) -> Match | None:
        """The first rule that fires on `text` (a line of `words` words), or None."""
        norm: str | None = None
        candidates: set[int] | None = None
        for i, rule in enumerate(self._rules):
            if rule.max_words is not None and words > rule.max_words:
                continue
            if rule.prefiltered:
                candidates = self._filter.candidates(text) if candidates is None else candidates
                if i not in candidates:
                    continue
            if rule.needs_norm and norm is None:
                norm = normalise(text)
            if rule.test(text, norm or ""):
                return rule.match
        return None
