"""Literal pre-filter for pattern rules: text a regex needs, found for all rules in one Aho-Corasick pass.

Most lines match no pattern rule, and Python's regex engine pays for every position of a long line.
From each pattern's parse tree we take a set of literal strings of which every match holds one
(`required`); one automaton finds which of them a line contains, and a rule whose literals are all
absent cannot match, so it is not run. Comparison is case-insensitive exactly as `re.IGNORECASE`
is: both sides are lower-cased and characters the regex engine treats as equal under IGNORECASE
(s and long s, sigma and final sigma, ...) are mapped to one representative.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import ahocorasick

from pipeline.compat.re_internals import C, SubPattern, extra_cases, parse

MIN_LENGTH = 3  # a shorter ASCII literal is in most lines, so the rule is then always run; '©' or '…' is rare

# Characters sre folds together beyond simple lower-casing (s and long s, sigma and final sigma...),
# each mapped to one representative.
_CANONICAL = {c: min(c, *extra) for c, extra in extra_cases().items() if min(c, *extra) != c}
_NEEDS_CANONICAL = re.compile("[" + "".join(re.escape(chr(c)) for c in _CANONICAL) + "]") if _CANONICAL else None

_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)
Literals = frozenset[str]


def ignorecase_fold(text: str) -> str:
    """Lower-cases `text` the way re.IGNORECASE compares characters."""
    if "\u0130" in text:  # str.lower() makes it 'i' + U+0307; the regex engine compares it as 'i'
        text = text.replace("\u0130", "i")
    low = text.lower()
    return low.translate(_CANONICAL) if _NEEDS_CANONICAL is not None and _NEEDS_CANONICAL.search(low) is not None else low


def _best(candidates: Iterable[Literals | None]) -> Literals | None:
    """The most selective candidate: longest shortest literal, then fewest literals."""
    found = [c for c in candidates if c]
    return max(found, key=lambda s: (min(map(len, s)), -len(s))) if found else None


def _candidates(
    items: SubPattern,
    inner: Callable[[SubPattern], Literals | None],
    in_set: Callable[[list[tuple[Any, Any]]], Literals | None] | None,
    nul: bool,
) -> list[Literals | None]:
    """Sets of which every match of `items` holds one: runs of literals, and what `inner` finds in groups."""
    candidates: list[Literals | None] = []
    run: list[str] = []
    for op, av in items:
        if op is C.LITERAL and (av or nul):
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
        if op is C.IN and in_set is not None:
            candidates.append(in_set(av))
        elif op is C.SUBPATTERN:
            candidates.append(inner(av[3]))
        elif op is C.ATOMIC_GROUP:
            candidates.append(inner(av))
        elif op in _REPEATS and av[0] >= 1:
            candidates.append(inner(av[2]))
        elif op is C.ASSERT and av[0] == 1:  # a lookahead's text is in the line too
            candidates.append(inner(av[1]))
        elif op is C.BRANCH:
            alternatives = [inner(alt) for alt in av[1]]
            if all(alternatives):
                candidates.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
    if run:
        candidates.append(frozenset(["".join(run)]))
    return candidates


def _required(items: SubPattern) -> Literals | None:
    """Literals of which every match of `items` contains one, or None when none is known."""
    return _best(_candidates(items, _required, None, nul=True))


def required(pattern: str) -> Literals | None:
    """Folded literals of which every re.IGNORECASE match of `pattern` holds one; None if too short to help."""
    try:
        return _folded(_required(parse(pattern, re.IGNORECASE)))
    except Exception:  # noqa: BLE001 - an unparseable or unusual pattern is simply always run
        return None


def required_away_from_start(pattern: str, anchored: Callable[[SubPattern], bool]) -> Literals | None:
    """Folded literals of which every re.IGNORECASE match of `pattern` that does not start the text holds one: those
    of its top-level branches that are not `anchored`; None when every branch is, or one of the others has none."""
    try:
        parsed = parse(pattern, re.IGNORECASE)
    except Exception:  # noqa: BLE001 - as in `required`
        return None
    if parsed.state.flags & re.MULTILINE:
        return None
    branches = parsed[0][1][1] if len(parsed) == 1 and parsed[0][0] is C.BRANCH else [parsed]
    loose = [_required(branch) for branch in branches if not anchored(branch)]
    return _folded(frozenset().union(*loose)) if loose and all(loose) else None  # type: ignore[arg-type]


def _folded(found: Literals | None) -> Literals | None:
    """`found` folded, or None when empty or when a literal is too short to help."""
    if not found:
        return None
    folded = frozenset(ignorecase_fold(s) for s in found)
    return folded if all(len(s) >= MIN_LENGTH or not s.isascii() for s in folded) else None


class LiteralFilter:
    """Finds, in one pass, which of the registered rules may match a line."""

    def __init__(self, rules: dict[int, Literals]) -> None:
        self._automaton = ahocorasick.Automaton()
        owners: dict[str, set[int]] = {}
        for rule, literals in rules.items():
            for literal in literals:
                owners.setdefault(literal, set()).add(rule)
        for literal, ids in owners.items():
            self._automaton.add_word(literal, frozenset(ids))
        self._empty = not owners
        if not self._empty:
            self._automaton.make_automaton()

    def candidates(self, text: str, folded: bool = False) -> set[int]:
        """Ids of the rules whose required literals occur in `text` (already ignorecase_fold'ed when `folded`)."""
        out: set[int] = set()
        if self._empty:
            return out
        for _, ids in self._automaton.iter(text if folded else ignorecase_fold(text)):
            out |= ids
        return out


# Gates: what the rules that no literal pre-filters need. Most of them are anchored patterns tried on every line, and
# many need one character that most short lines lack (a digit, '/', '|', '_', '[', a bullet): checking for it with
# `in` costs a fraction of a failed match.
DIGIT = "\x00"  # stands for re's \d among a gate's strings (a pattern holding a NUL gets no gate)
MAX_GATE = 6  # more strings than this cost more to look for than most failed matches
MAX_RANGE = 10  # a character range wider than this ([a-z]) says too little to gate on
Gate = tuple[tuple[str, ...], bool]  # (folded strings of any length, a digit): every match holds one of them


def _set_atoms(items: list[tuple[Any, Any]]) -> Literals | None:
    """The characters (or DIGIT) of which a character class matches one; None when it may match others."""
    found: set[str] = set()
    for op, av in items:
        if op is C.LITERAL and av:
            found.add(chr(av))
        elif op is C.CATEGORY and av is C.CATEGORY_DIGIT:
            found.add(DIGIT)
        elif op is C.RANGE and 0 < av[0] <= av[1] < av[0] + MAX_RANGE:
            found.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return frozenset(found) or None


def _atoms(items: SubPattern) -> Literals | None:
    """Strings (any length) and DIGIT of which every match of `items` holds one, or None when none is known."""
    candidates = _candidates(items, _atoms, _set_atoms, nul=False)  # a NUL literal would read as DIGIT
    found = [c for c in candidates if c and not any(a.isspace() for a in c)]  # nearly every line has a space
    # The most selective: the longest shortest string (a digit counts as two characters), then the fewest.
    return max(found, key=lambda s: (min(2 if a == DIGIT else len(a) for a in s), -len(s))) if found else None


def gate(pattern: str) -> Gate | None:
    """The gate of `pattern` under re.IGNORECASE: folded strings and whether a digit, one of which every match holds;
    None when nothing is known."""
    try:
        atoms = _atoms(parse(pattern, re.IGNORECASE))
    except Exception:  # noqa: BLE001 - as in `required`: the rule is simply always run
        return None
    if not atoms:
        return None
    strings = {ignorecase_fold(a) for a in atoms if a != DIGIT}
    strings = {s for s in strings if not any(t != s and t in s for t in strings)}  # 'prev' finds 'previous' too
    return (tuple(sorted(strings)), DIGIT in atoms) if len(strings) <= MAX_GATE else None
