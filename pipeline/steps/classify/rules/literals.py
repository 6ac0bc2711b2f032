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


def _required(items: SubPattern) -> Literals | None:
    """Literals of which every match of `items` contains one, or None when none is known."""
    candidates: list[Literals | None] = []
    run: list[str] = []
    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
        if op is C.SUBPATTERN:
            candidates.append(_required(av[3]))
        elif op is C.ATOMIC_GROUP:
            candidates.append(_required(av))
        elif op in _REPEATS and av[0] >= 1:
            candidates.append(_required(av[2]))
        elif op is C.ASSERT and av[0] == 1:  # a lookahead's text is in the line too
            candidates.append(_required(av[1]))
        elif op is C.BRANCH:
            alternatives = [_required(alt) for alt in av[1]]
            if all(alternatives):
                candidates.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
    if run:
        candidates.append(frozenset(["".join(run)]))
    return _best(candidates)


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

    def candidates(self, text: str) -> set[int]:
        """Ids of the rules whose required literals occur in `text`."""
        out: set[int] = set()
        if self._empty:
            return out
        for _, ids in self._automaton.iter(ignorecase_fold(text)):
            out |= ids
        return out
