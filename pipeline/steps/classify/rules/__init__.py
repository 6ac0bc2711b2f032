"""Rule kinds (small code units registered by the name the config uses) and the matcher built from them."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import regex

from pipeline.compat.re_internals import C, SubPattern, compile_tree, parse

from pipeline.config import Category, Rule
from pipeline.errors import InputError
from pipeline.steps.memo import per_document
from pipeline.steps.text import normalise
from pipeline.steps.text import words as line_words
from pipeline.steps.classify.rules.literals import Gate, LiteralFilter, gate, ignorecase_fold, required, required_away_from_start


Predicate = Callable[[str, str], bool]  # (text as written, normalised text) -> match


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
    if rule.builtin:  # the reviewed built-in catalogue: the standard engine
        compiled = re.compile(rule.pattern or "", re.IGNORECASE)
        # A pattern that can only match at the start gives the same answer with `match`, which does not try
        # (and fail) at every other position of a long line first.
        search = (rest_first(rule.pattern or "") or compiled).match if anchored(rule.pattern or "") else compiled.search
        return lambda text, norm: search(text) is not None
    return _timed_search(rule.name, regex.compile(rule.pattern or "", regex.IGNORECASE), rule._timeout)


def _match_at_start(rule: Rule) -> Predicate:
    """A built-in pattern rule tried at the start of the line only."""
    compiled = re.compile(rule.pattern or "", re.IGNORECASE)
    return lambda text, norm: compiled.match(text) is not None


def anchored(pattern: str) -> bool:
    """True when every match of `pattern` (under re.IGNORECASE) starts at the beginning of the text: each branch
    opens with ^ or \\A, and no MULTILINE flag makes ^ match after a newline."""
    try:
        parsed = parse(pattern, re.IGNORECASE)
    except Exception:  # noqa: BLE001 - the compile step reports bad patterns; here it is only not anchored
        return False
    return not parsed.state.flags & re.MULTILINE and _starts_anchored(parsed)


def rest_first(pattern: str) -> re.Pattern[str] | None:
    """An anchored `pattern` that opens with look-arounds (`^(?!X)Y`) compiled to try the rest first (`^(?=Y)(?!X)`),
    under re.IGNORECASE; None when it opens with none, or refers back to a group.

    At the start of a line both say yes or no alike, but a look-around such as (?=.*\\d) or (?!.*\\bthe\\b) reads
    the whole line every time, while the rest usually fails at its first characters.
    """
    try:
        parsed = parse(pattern, re.IGNORECASE)
    except re.error:  # no parser at hand: the pattern as written serves
        return None
    items = parsed.data
    k = 1
    while k < len(items) and items[k][0] in (C.ASSERT, C.ASSERT_NOT):
        k += 1
    if not (items[0][0] is C.AT and items[0][1] in (C.AT_BEGINNING, C.AT_BEGINNING_STRING) and 1 < k < len(items)) \
            or _refers_back(items):
        return None
    parsed.data = [items[0], (C.ASSERT, (1, SubPattern(parsed.state, items[k:]))), *items[1:k]]
    try:
        return compile_tree(parsed, re.IGNORECASE)
    except Exception:  # noqa: BLE001 - a tree the compiler does not take back: the pattern as written serves
        return None


def _refers_back(items: Any) -> bool:
    """True when a parse tree (or any part of one) holds a back-reference to a group."""
    if isinstance(items, (list, tuple, SubPattern)):
        return any(_refers_back(item) for item in items)
    return items is C.GROUPREF or items is C.GROUPREF_EXISTS


def _starts_anchored(items: SubPattern) -> bool:
    """True when the first thing `items` matches is the beginning of the text, in every branch."""
    if not len(items):
        return False
    op, av = items[0]
    if op is C.AT:
        return av in (C.AT_BEGINNING, C.AT_BEGINNING_STRING)
    if op is C.BRANCH:
        return all(_starts_anchored(alt) for alt in av[1])
    if op is C.SUBPATTERN:  # a group: (group, added flags, removed flags, contents)
        return not av[1] & re.MULTILINE and _starts_anchored(av[3])
    return False


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
    index: int  # place in catalogue order
    match: Match
    test: Predicate
    max_words: int | None
    needs_norm: bool  # pattern rules look at the text as written only
    prefiltered: bool  # run only when the literal pre-filter names it
    at_start: Predicate | None = None  # else run this: a pattern matched at the start only (see Matcher)
    gate: Gate | None = None  # a built-in pattern no literal pre-filters: text one of which a match needs (literals.gate)


@dataclass(slots=True, frozen=True)
class _Plan:
    """The rules a line of some length is tried against, in order: all of them, and those the literal pre-filter
    does not gate (enough when the line holds none of the literals, as most lines do)."""

    rules: tuple[_Compiled, ...]
    unfiltered: tuple[_Compiled, ...]
    filtered: dict[int, _Compiled]  # by index: the rules run only on lines the pre-filter names them for
    prefiltered: bool
    gated: bool  # some rule has a gate
    digits: bool  # some gate asks for a digit
    needs_norm: bool  # some rule compares the normalised line


_DIGIT = re.compile(r"\d")


def _index(rule: _Compiled) -> int:
    """A rule's place in catalogue order."""
    return rule.index


class Matcher:
    """All enabled rules, tried in catalogue order; the first that fires names the category.

    Pattern rules whose regex needs some literal text are tried only on lines that contain it
    (one Aho-Corasick pass per line, see `literals`); the order of the rules stays as written.
    A pattern whose branches need such literals except those anchored at the start (`^a|^b|c d`) is
    matched at the start only on lines without them: no match elsewhere is possible there.
    Exact-phrase rules are one dictionary look-up: the first of them listing the line's phrase is the
    answer unless a rule before it fires, and no rule after the first that fires is ever run.
    The other built-in patterns (mostly anchored ones tried on every line) are run only on lines holding one of the
    strings, or a digit, that every match of theirs holds (`literals.gate`): a failed match costs more than an `in`.
    """

    def __init__(self, categories: dict[str, Category]) -> None:
        self._rules: list[_Compiled] = []
        self._exact: dict[str, int] = {}  # normalised phrase -> the first exact rule (of any length) listing it
        looked_up: set[int] = set()  # those exact rules, not run in the loop
        needed: dict[int, frozenset[str]] = {}
        for cat_name, category in categories.items():
            if not category.enabled:
                continue
            for rule in category.rules:
                index = len(self._rules)
                match = Match(cat_name, f"{cat_name}.{rule.name}", rule.ends_article)
                literals = required(rule.pattern or "") if rule.kind == "pattern" else None
                at_start = None
                if rule.kind == "pattern" and not literals and rule.builtin:
                    literals = required_away_from_start(rule.pattern or "", _starts_anchored)
                    at_start = _match_at_start(rule) if literals else None
                if literals:
                    needed[index] = literals
                if rule.kind == "exact" and rule.max_words is None:
                    looked_up.add(index)
                    for phrase in rule.phrases:
                        self._exact.setdefault(normalise(phrase), index)
                # Tried without the pre-filter's word (at_start, or a rule it does not gate): worth a gate.
                gated = rule.kind == "pattern" and rule.builtin and (not literals or at_start is not None)
                compiled = _Compiled(index, match, RULE_KINDS[rule.kind](rule), rule.max_words, rule.kind != "pattern", bool(literals),
                                     at_start, gate(rule.pattern or "") if gated else None)
                self._rules.append(compiled)
        self._filter = LiteralFilter(needed)
        self._looped = [r for r in self._rules if r.index not in looked_up]
        self._needs_norm = any(r.needs_norm for r in self._rules)
        # A line's normalised form has its words (when it holds no '_', a word character normalise may trim): a line
        # of more words than every exact phrase cannot be one, and its normalised form is needed only by such rules.
        self._exact_words = max((len(line_words(p)) for p in self._exact), default=-1)
        # Lines longer than every max_words see the same rules: their plans share one key.
        self._longest = max((r.max_words for r in self._rules if r.max_words is not None), default=0) + 1
        self._plans: dict[int, _Plan] = {}

    def _plan(self, words: int) -> _Plan:
        """The looped rules a line of `words` words is tried against (cached by length)."""
        plan = self._plans.get(words)
        if plan is None:
            rules = tuple(r for r in self._looped if r.max_words is None or words <= r.max_words)
            unfiltered = tuple(r for r in rules if not r.prefiltered or r.at_start)
            plan = self._plans[words] = _Plan(rules, unfiltered, {r.index: r for r in rules if r.prefiltered and not r.at_start},
                                              any(r.prefiltered for r in rules), any(r.gate for r in rules),
                                              any(r.gate and r.gate[1] for r in rules), any(r.needs_norm for r in rules))
        return plan

    def match(self, text: str, words: int) -> Match | None:
        """The first rule that fires on `text` (a line of `words` words), or None."""
        plan = self._plan(min(words, self._longest))
        if plan.needs_norm or (self._needs_norm and (words <= self._exact_words or "_" in text
                                                      or len(line_words(text)) <= self._exact_words)):
            norm = normalise(text)
            hit = self._exact.get(norm, len(self._rules))
        else:  # too many words for any exact phrase, and no looped rule reads the normalised form
            norm, hit = "", len(self._rules)
        rules = plan.unfiltered
        candidates: set[int] = set()
        folded = ignorecase_fold(text) if plan.prefiltered or plan.gated else ""
        if plan.prefiltered:
            candidates = self._filter.candidates(folded, folded=True)
            named = [plan.filtered[i] for i in candidates if i in plan.filtered]
            if named:  # the unfiltered rules and those the pre-filter names, in catalogue order: no others can fire
                rules = sorted((*rules, *named), key=_index)
        digits = plan.digits and _DIGIT.search(text) is not None
        for rule in rules:
            if rule.index > hit:
                break
            gated = rule.gate
            if gated is not None and not (gated[1] and digits):
                for needed in gated[0]:
                    if needed in folded:
                        break
                else:
                    continue  # the line lacks what every match holds
            if rule.prefiltered and rule.index not in candidates:
                if rule.at_start is not None and rule.at_start(text, norm):
                    return rule.match
                continue
            if rule.test(text, norm):
                return rule.match
        return self._rules[hit].match if hit < len(self._rules) else None
