"""The speed-ups change no result: fast language identification and the rule pre-filter against plain versions."""
from __future__ import annotations

import json
import random
import threading
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid import langid

from pipeline.steps import memo
from pipeline.steps.metadata import fields as metadata
from pipeline.config import load_config
from pipeline.compat.langid_internals import FastIdentifier
from pipeline.steps.classify.language import _identifier
from pipeline.steps.text import words
from pipeline.steps.classify.rules import Match, Matcher, _starts_anchored, anchored, rest_first
from pipeline.steps.text import normalise
from pipeline.steps.classify.rules.literals import LiteralFilter, gate, ignorecase_fold as fold, required, required_away_from_start
from pipeline.archive.entry import Entry
from pipeline.run.state import State, dump

TEXTS = [
    "", " ", "a", "ABC DEF", "\x00\x01", "é" * 5,
    "The council met on Tuesday and voted to approve the budget for the coming year.",
    "Le conseil s’est réuni mardi et a voté le budget de l’année prochaine.",
    "Der Gemeinderat hat am Dienstag den Haushalt für das kommende Jahr beschlossen.",
    "Совет собрался во вторник и утвердил бюджет на следующий год.",
    "議会は火曜日に会合を開き、来年度の予算を承認した。",
    "مجلس المدينة وافق على الميزانية يوم الثلاثاء",
]


@lru_cache(maxsize=1)
def _stock() -> langid.LanguageIdentifier:
    """py3langid as shipped."""
    return langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)


def _same_scores(text: str) -> bool:
    return bool(np.array_equal(_stock()._decide(text), _identifier()._decide(text)))


@pytest.mark.parametrize("text", TEXTS)
def test_language_scores_identical(text: str) -> None:
    """Every class score is bit-for-bit py3langid's."""
    assert _same_scores(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_language_scores_identical_on_arbitrary_text(text: str) -> None:
    """Arbitrary Unicode text, so every automaton path and the featureless case are covered."""
    assert _same_scores(text)


def _sequential_states(ident: FastIdentifier, data: bytes) -> list[int]:
    """py3langid's own byte-by-byte walk, keeping every state."""
    state, out = 0, []
    for byte in data:
        state = ident.tk_nextmove[ident._rowbase[state] + byte]
        out.append(state)
    return out


def _deepest_path(ident: FastIdentifier) -> bytes:
    """Bytes that lead from the start to a state farthest from it (breadth-first with parent links)."""
    table, rows = ident._flat.reshape(-1, 256), np.asarray(ident.tk_row)
    parent = np.full(len(rows), -1, dtype=np.int64)
    via = np.zeros(len(rows), dtype=np.int64)
    parent[0], frontier = 0, np.zeros(1, dtype=np.int64)
    while len(frontier):
        targets = table[rows[frontier]].ravel().astype(np.int64)
        fresh = np.flatnonzero(parent[targets] < 0)  # positions in targets; duplicates: any parent will do
        parent[targets[fresh]], via[targets[fresh]] = frontier[fresh // 256], fresh % 256
        last, frontier = frontier, np.unique(targets[fresh])
    path, state = [], int(last[0])
    while state:
        path.append(int(via[state]))
        state = int(parent[state])
    return bytes(reversed(path))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_vectorised_walk_equals_sequential_walk(data: bytes) -> None:
    """Every state of the numpy walk is the state of the byte-by-byte walk."""
    ident = _identifier()
    assert ident._states(data, ident._depth).tolist() == _sequential_states(ident, data)


def test_automaton_depth_is_needed() -> None:
    """Walking one step fewer than the automaton's depth gives wrong states (so the walk test can fail)."""
    ident = _identifier()
    data = b"xy " + _deepest_path(ident)
    assert len(data) - 3 == ident._depth
    assert ident._states(data, ident._depth).tolist() == _sequential_states(ident, data)
    assert ident._states(data, ident._depth - 1).tolist() != _sequential_states(ident, data)


def _reference(matcher: Matcher, text: str, nwords: int) -> Match | None:
    """The rules tried one by one with no pre-filter, as the catalogue orders them."""
    norm = normalise(text)
    for rule in matcher._rules:
        if (rule.max_words is None or nwords <= rule.max_words) and rule.test(text, norm):
            return rule.match
    return None


@lru_cache(maxsize=1)
def _matcher() -> Matcher:
    return Matcher(load_config(None).classify.categories)


@lru_cache(maxsize=1)
def _fragments() -> list[str]:
    """Bits of the catalogue's own phrases and patterns, so random lines often come close to a rule."""
    out: set[str] = set()
    for category in load_config(None).classify.categories.values():
        for rule in category.rules:
            for piece in rule.phrases + re.split(r"[|()\\^$?*+\[\]{}]", rule.pattern or ""):
                out.update(w for w in piece.split(" ") if w)
    return sorted(out)


LINES = [
    "Photo: Jane Doe / Reuters", "© 2024 Example Media. All rights reserved.", "Read more...", "5 min read",
    "Sign up for our daily newsletter", "SIGN UP FOR OUR DAILY NEWSLETTER", "ſign up for our newsletter",
    "Share on Facebook Twitter Email", "Home › News › World", "12 comments", "Updated 3 hours ago",
    "This site uses cookies", "Your email address will not be published.", "The council met on Tuesday.",
    "ВАШ АДРЕС EMAIL НЕ БУДЕТ ОПУБЛИКОВАН", "Tags: politics, budget", "— — —", "2024-01-02",
    "Image 3 of 12", "3 / 12", "View gallery", "Hide caption", "Click here to see the full photo gallery",
    "We went to see the gallery", "See the whole SLIDESHOW", "the gallery", "Caption this",
    # Lines the gates (literals.gate) let through or not: digits (Arabic-Indic ones too), '/', '_', '[', bullets.
    "Jane Roe on May 3, 2021 at 10:30 am said:", "3 May 2021 at 10:30", "٣ ٤ ٥", "١٢/٠٣/٢٠٢١", "Page 2 of 10", "1 2 3",
    "Home / News / World", "John Doe/Reuters", "my_var_name", "[caption id=x]", "• A teaser line", "Careful. Quiet. Kind. Bold.",
    "3h ago", "News (12)", "« Previous", "Next »",
]


@pytest.mark.parametrize("line", LINES)
def test_prefiltered_matcher_agrees(line: str) -> None:
    """Known boilerplate and prose lines get the same rule as without the pre-filter."""
    nwords = len(words(line))
    assert _matcher().match(line, nwords) == _reference(_matcher(), line, nwords)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_prefiltered_matcher_agrees_on_random_lines(data: st.DataObject) -> None:
    """Random lines made of catalogue fragments, random case and random characters."""
    parts = data.draw(st.lists(st.one_of(st.sampled_from(_fragments()), st.text(max_size=6)), max_size=8))
    line = " ".join(p.upper() if data.draw(st.booleans()) else p for p in parts)
    nwords = len(words(line))
    assert _matcher().match(line, nwords) == _reference(_matcher(), line, nwords)


@pytest.mark.parametrize(("pattern", "expected"), [
    ("foo|bar", {"foo", "bar"}),
    (r"^(newsletter|subscribe) (to|for) the", {"newsletter", "subscribe"}),
    (r"\bcookie (policy|settings)\b", {"cookie "}),
    ("Ab(?=.*XYZ)", {"xyz"}),
    ("(©|credit)", {"©", "credit"}),
    ("a|bc", None),  # too short to help: always run
    (r"\d+(st|nd)?", None),
])
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    """Literals every match needs, case-folded; None when no useful set exists."""
    found = required(pattern)
    assert (set(found) if found else None) == expected


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"^[^/|]{1,30}(?:[/|][^/|]{1,30}){2,}$", ({"/", "|"}, False)),
    (r"^\w+ \d{4}:?$", (set(), True)),  # a digit: every match holds one (and says more than one character would)
    (r"^(?=.*\d)[\d\s:/.,-]+$", (set(), True)),  # a look-ahead's text is in the line too
    (r"^(\d+|prev(ious)?)$", ({"prev"}, True)),  # one branch a digit, the other 'prev' (which 'previous' holds)
    (r"^[A-C]\W?$", ({"a", "b", "c"}, False)),  # folded as re.IGNORECASE compares
    (r"^\w+( \w+){2,}$", None),  # a space is in nearly every line: no gate
    (r"^[\W_]+$", None),  # a negated class
    (r"^(a|b|c|d|e|f|g)!?$", None),  # more strings than are worth looking for
])
def test_gate(pattern: str, expected: tuple[set[str], bool] | None) -> None:
    """What every match holds one of (strings of any length, a digit); None when nothing useful is known."""
    found = gate(pattern)
    assert (None if found is None else (set(found[0]), found[1])) == expected


@lru_cache(maxsize=1)
def _gated_rules() -> list[tuple[str, tuple[tuple[str, ...], bool]]]:
    """The catalogue's patterns with a gate."""
    return [(rule.pattern, found) for category in load_config(None).classify.categories.values() for rule in category.rules
            if rule.kind == "pattern" and (found := gate(rule.pattern or ""))]


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_a_line_a_gate_turns_away_never_matches(data: st.DataObject) -> None:
    """Random lines of catalogue fragments, digits (of any script) and separators: a line holding none of a pattern's
    gate strings (nor a digit, when the gate allows one) is one the pattern does not match."""
    parts = data.draw(st.lists(st.one_of(st.sampled_from(_fragments()), st.sampled_from("0 7 ٣ 12 /|_[•.!»:"),
                                         st.text(max_size=6)), max_size=8))
    line = " ".join(p.upper() if data.draw(st.booleans()) else p for p in parts)
    assert len(_gated_rules()) >= 10
    for pattern, (strings, digit) in _gated_rules():
        if not any(s in fold(line) for s in strings) and not (digit and re.search(r"\d", line)):
            assert re.search(pattern, line, re.IGNORECASE) is None, (pattern, line)


@pytest.mark.parametrize(("pattern", "expected"), [
    (r"^\d+ of \d+$|\b(see|view) (the )?gallery$", {"gallery"}),
    (r"^(image|photo) \d+$|\A\d+ of \d+$|slide(show)?s? (open|closed)", {"slide"}),
    (r"^a|^b", None),  # every branch anchored: matched at the start anyway
    (r"^\d+ of \d+$|\d+ items|\bx\b", None),  # a branch away from the start needs no useful literal
    (r"^\d+ of \d+$|\d+", None),  # ... or none at all
    (r"(?m)^\d+$|gallery", None),  # ^ matches after every newline
    (r"foo (bar|baz)", {"foo "}),  # no branch anchored: what `required` finds
])
def test_required_away_from_start(pattern: str, expected: set[str] | None) -> None:
    """Literals every match not at the start of the line needs; None when the pattern cannot be gated so."""
    found = required_away_from_start(pattern, _starts_anchored)
    assert (set(found) if found else None) == expected


@lru_cache(maxsize=1)
def _rest_first_rules() -> list[tuple[str, re.Pattern[str]]]:
    """Catalogue patterns that are matched with their look-arounds moved after the rest."""
    return [(rule.pattern, found) for category in load_config(None).classify.categories.values() for rule in category.rules
            if rule.kind == "pattern" and anchored(rule.pattern or "") and (found := rest_first(rule.pattern or ""))]


def test_rest_first_serves_the_catalogue() -> None:
    """The rewrite is in use (so the tests below test something): the function-word and digit look-aheads."""
    assert len(_rest_first_rules()) >= 2


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_rest_first_says_what_the_pattern_says(data: st.DataObject) -> None:
    """At the start of a line, the rewritten pattern matches exactly when the pattern as written does."""
    parts = data.draw(st.lists(st.one_of(st.sampled_from(_fragments() + ["Jane", "Doe", "/", "12", ":", "the"]),
                                         st.text(max_size=4)), max_size=7))
    line = " ".join(parts)
    for pattern, rewritten in _rest_first_rules():
        assert (rewritten.match(line) is None) == (re.compile(pattern, re.IGNORECASE).match(line) is None)


@pytest.mark.parametrize(("pattern", "lines"), [
    (r"^(?!.*\bthe\b)\w+ / \w+$", ["Jane / Reuters", "the / AP", "Jane/AP", "x / the"]),
    (r"^(?=.*\d)(?<!x)[\d\s:.-]+$", ["12:30", " - ", "1", "", "a1"]),
])
def test_rest_first_rewrites(pattern: str, lines: list[str]) -> None:
    """Leading look-arounds go after the rest; the answers stay."""
    rewritten = rest_first(pattern)
    assert rewritten is not None
    assert [bool(rewritten.match(t)) for t in lines] == [bool(re.match(pattern, t, re.IGNORECASE)) for t in lines]


@pytest.mark.parametrize("pattern", [r"^abc", r"(?!x)^abc", r"^(?=a)", r"^(?!(a)\1)(a)b", r"^(a)(?!\1)b"])
def test_rest_first_leaves_others(pattern: str) -> None:
    """No leading look-around, nothing after it, or a back-reference: the pattern is used as written."""
    assert rest_first(pattern) is None


def test_fold_matches_ignorecase_for_catalogue_literals() -> None:
    """Every character re.IGNORECASE equates with a literal's (or a gate's) character folds to the same (all of Unicode)."""
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    chars: set[str] = set("kis")
    for category in load_config(None).classify.categories.values():
        for rule in category.rules:
            chars.update("".join(required(rule.pattern or "") or ()) if rule.kind == "pattern" else "")
            chars.update("".join((gate(rule.pattern or "") or ((), False))[0]) if rule.kind == "pattern" else "")
    for char in sorted(chars):
        for other in re.findall(re.escape(char), everything, re.IGNORECASE):
            assert fold(other) == fold(char), (char, other)


def test_filter_reports_overlapping_literals() -> None:
    """Literals inside other literals are all found (an alternation regex would report only one)."""
    found = LiteralFilter({0: frozenset(["ad block"]), 1: frozenset(["block"]), 2: frozenset(["zzz"])})
    assert found.candidates("Please disable your AD BLOCKer") == {0, 1}


def _fold_reference(text: str | None) -> str:
    """metadata.fold as first written: translate, collapse \\s+ with a regex, strip, casefold."""
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
    return re.sub(r"\s+", " ", (text or "").translate(table)).strip().casefold()


def test_fold_equals_reference_on_every_space_and_quote() -> None:
    """Every Unicode white space, the mapped quotes and dashes, and case-folding letters, alone and in text."""
    specials = [chr(c) for c in range(0x3100) if chr(c).isspace() or chr(c).casefold() != chr(c)] + list("’‘“”–—\u00a0")
    for char in specials:
        for text in (char, f"a{char}b", f" {char}{char}x{char} ", f"“{char}” — ‘{char}’"):
            assert metadata.fold(text) == _fold_reference(text), repr(text)
    assert metadata.fold(None) == ""


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_fold_equals_reference(text: str) -> None:
    """Arbitrary text."""
    assert metadata.fold(text) == _fold_reference(text)


def test_memo_caches_only_inside_a_document_and_forgets() -> None:
    """Inside `document()` a helper runs once per argument; mutable results are copies; caches empty on exit."""
    calls: list[str] = []

    @memo.per_document(mutable=True)
    def helper(text: str) -> list[str]:
        calls.append(text)
        return [text]

    helper("a"), helper("a")
    assert calls == ["a", "a"]  # uncached outside a document
    with memo.document():
        first = helper("b")
        first.append("changed")
        assert helper("b") == ["b"] and calls == ["a", "a", "b"]
    with memo.document():
        helper("b")
    assert calls == ["a", "a", "b", "b"]  # forgotten between documents


def test_memo_scope_is_per_thread() -> None:
    """A document open in another thread (Dask runs documents in threads) does not cache in this one."""
    calls: list[str] = []
    helper = memo.per_document(lambda text: calls.append(text))
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with memo.document():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(5)
    helper("a"), helper("a")
    release.set()
    thread.join()
    assert calls == ["a", "a"]


ROWS = [
    {"id": "a1", "path": "x/ä b.txt", "title": "“Quoted” — \u2028 \\ \"x\"", "published": None, "words": 3,
     "removed_by_category": [{"category": "ad", "count": 2}, {"category": "share", "count": 1}]},
    {"id": "b2", "path": "y.txt", "title": None, "published": "2022-05-01", "words": 0, "removed_by_category": []},
]


@pytest.mark.parametrize("count", [0, 1, 2])
@pytest.mark.parametrize("output", ["json", "jsonl"])
def test_state_keeps_entries_as_given(tmp_path: Path, count: int, output: str) -> None:
    """The state database gives back every entry as it was added, in the shape of the older JSON state file."""
    entries = {f"{i}/z{'é' * i}.json": Entry(f"in{i}", f"k{i}", ROWS[i], {"shard": "s", "line": i} if output != "json" else None,
                                             {"sha256": "e" * i} if i else None) for i in reversed(range(count))}
    state = State(tmp_path)
    state.start(output)
    for path, entry in entries.items():
        state.add(path, entry)
    state.settle(set(), prune=False)
    state.save(output)
    manifest = {"format": 1, "output": output, "articles": {path: _entry(e) for path, e in sorted(entries.items())}}
    assert dump(tmp_path) == manifest and json.dumps(dump(tmp_path)) == json.dumps(manifest)


def _entry(entry: Entry) -> dict[str, Any]:
    """An entry in the JSON state file's shape."""
    item = {"input": entry.input, "key": entry.key, "row": entry.row}
    return item | ({"record": entry.place} if entry.place is not None else {}) | ({"dedup": entry.dedup} if entry.dedup is not None else {})
